#!/usr/bin/env bash
# skaffold's custom builder for the `local-cluster` profile (skaffold.yaml): builds the image
# skaffold asks for ($IMAGE, e.g. concert-booking/gateway:0.1.0) with the project's own builder
# (scripts/k8s-images.sh, no docker) and imports its archive into the node's containerd
# (scripts/k8s.sh import). Never pushes. Run by skaffold, which sets IMAGE; by hand:
#
#   IMAGE=concert-booking/gateway:0.1.0 scripts/skaffold-build.sh
#
# k8s-images.sh builds a group (all 12 app images are one archive): concurrent calls are
# serialized, and an archive is imported once per node (a stamp of archive and node uid).
# When the cluster is not up, the image is built and the import skipped (k8s-deploy.sh does it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

image=${IMAGE:?IMAGE=<name>:<tag> is set by skaffold}
image=${image%@*}
name=${image%:*} tag=${image##*:}
[[ $name != "$image" ]] || die "IMAGE has no tag: $IMAGE"
short=${name##*/}

# The tag k8s-images.sh gives this image: skaffold's tagPolicy must produce the same one.
line=$(scripts/k8s-images.sh list | grep -F " $name " || scripts/k8s-images.sh list | grep -F " $name:" || true)
[[ -n $line ]] || die "k8s-images.sh does not build $name (scripts/k8s-images.sh list)"
[[ $line == *"(:$tag)" || $line == *" $name:$tag"* ]] ||
  die "k8s-images.sh tags $name differently than $tag: set the profile's tagPolicy to match (${line##* })"

mkdir -p "$CACHE/images"
exec 9>"$CACHE/images/.skaffold-build.lock"
flock 9

scripts/k8s-images.sh build "$short"

# The archive that holds this image: the one whose manifest.json lists the tag.
archive=$(scripts/k8s-images.sh tars | python3 -c '
import json, sys, tarfile
want = sys.argv[1]
for path in sys.stdin.read().split():
    with tarfile.open(path) as t:
        if any(want in m.get("RepoTags", []) for m in json.load(t.extractfile("manifest.json"))):
            print(path); break
' "$name:$tag")
[[ -n $archive ]] || die "no archive lists $name:$tag"

eval "$(scripts/k8s.sh env)"
if ! node_uid=$(kubectl get nodes -o jsonpath='{.items[0].metadata.uid}' 2>/dev/null) || [[ -z $node_uid ]]; then
  log "the cluster is not up: $name:$tag built into $archive, not imported"
  exit 0
fi
stamp="$CACHE/images/.skaffold-imported"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$archive $node_uid" ]]; then
  log "importing $(basename "$archive") into the node"
  scripts/k8s.sh import "$archive" >&2
  echo "$archive $node_uid" >"$stamp"
fi
log "$name:$tag ready in the node's containerd"
