#!/usr/bin/env python3
"""Builds OCI/docker image archives without docker (stdlib only).

  image-pack.py layer --out L.tar [--owner root|keep] [--base DIR] [--exclude PREFIX]... SPEC...
      Writes a deterministic layer tar (sorted entries, mtime 0, no user/group names; uid/gid 0
      with --owner root, the default) and prints its sha256 (the layer's diff_id), also stored in
      L.tar.sha256. A SPEC is SRC=DEST: SRC a directory, a file or a .tar (its members are
      re-packed), DEST the path inside the image ("/" for a root filesystem). --base DIR (with a
      single directory SPEC to "/") writes only what differs from DIR, with whiteouts for what
      was removed: a layer over DIR's layer. Device nodes and sockets are skipped.

  image-pack.py hash PATH...
      Prints a sha256 over the trees' paths, modes, link targets and file contents (a cache key).

  image-pack.py archive --out IMG.tar SPEC.json
      SPEC.json: {"images": [{"tags": ["repo/name:tag"], "layers": ["L1.tar", ...],
                              "config": {"Entrypoint": [...], "Cmd": [...], "Env": [...],
                                         "WorkingDir": "/", "User": "0", "ExposedPorts": {...}}}]}
      Writes a `docker save` archive (manifest.json, <config sha>.json, <layer sha>/layer.tar)
      holding every image, each layer stored once. Loads with `ctr images import` and
      `docker load`.
"""
import argparse
import hashlib
import io
import json
import os
import stat
import sys
import tarfile

MTIME = 0
BUF = 1 << 20


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(BUF)
            if not b:
                return h.hexdigest()
            h.update(b)


def norm(ti, owner):
    ti.mtime = MTIME
    ti.uname = ti.gname = ""
    if owner == "root":
        ti.uid = ti.gid = 0
    ti.pax_headers = {}
    return ti


# ---------------------------------------------------------------- collecting entries
class Entry:
    """One path of the layer: from the filesystem (src) or from a tar member (tar, member)."""

    __slots__ = ("arc", "src", "tar", "member")

    def __init__(self, arc, src=None, tar=None, member=None):
        self.arc, self.src, self.tar, self.member = arc, src, tar, member


def walk_dir(src, dest, entries, excludes):
    dest = dest.strip("/")
    for root, dirs, files in os.walk(src):
        dirs.sort()
        rel = os.path.relpath(root, src)
        arcroot = dest if rel == "." else os.path.join(dest, rel) if dest else rel
        if arcroot and any(arcroot == e or arcroot.startswith(e + "/") for e in excludes):
            dirs[:] = []
            continue
        if arcroot:
            entries[arcroot] = Entry(arcroot, src=root)
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(root, d))]):
            arc = os.path.join(arcroot, name) if arcroot else name
            if any(arc == e or arc.startswith(e + "/") for e in excludes):
                continue
            entries[arc] = Entry(arc, src=os.path.join(root, name))
        # os.walk does not descend into symlinked dirs (followlinks=False); they are added above.


def add_parents(arc, entries):
    parts = arc.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        p = "/".join(parts[:i])
        if p not in entries:
            entries[p] = Entry(p)  # synthetic directory, 0755 root


def collect(specs, excludes):
    entries = {}
    tars = []
    for spec in specs:
        src, _, dest = spec.partition("=")
        dest = dest or "/"
        if os.path.isdir(src):
            walk_dir(src, dest, entries, excludes)
        elif src.endswith(".tar") and os.path.isfile(src):
            tf = tarfile.open(src)
            tars.append(tf)
            for m in tf.getmembers():
                name = m.name.lstrip("./").rstrip("/") if m.name not in (".", "./") else ""
                if not name:
                    continue
                arc = os.path.join(dest.strip("/"), name) if dest.strip("/") else name
                if any(arc == e or arc.startswith(e + "/") for e in excludes):
                    continue
                entries[arc] = Entry(arc, tar=tf, member=m)
        elif os.path.lexists(src):
            arc = dest.strip("/")
            entries[arc] = Entry(arc, src=src)
        else:
            sys.exit(f"image-pack: {src} does not exist")
    for arc in list(entries):
        add_parents(arc, entries)
    return entries, tars


def differs(a, b):
    """True when filesystem paths a (new) and b (base) differ in type, metadata or content."""
    try:
        sb = os.lstat(b)
    except FileNotFoundError:
        return True
    sa = os.lstat(a)
    if stat.S_IFMT(sa.st_mode) != stat.S_IFMT(sb.st_mode):
        return True
    if (sa.st_mode, sa.st_uid, sa.st_gid) != (sb.st_mode, sb.st_uid, sb.st_gid):
        return True
    if stat.S_ISLNK(sa.st_mode):
        return os.readlink(a) != os.readlink(b)
    if stat.S_ISDIR(sa.st_mode):
        return False
    if stat.S_ISREG(sa.st_mode):
        if sa.st_size != sb.st_size:
            return True
        if sa.st_mtime_ns == sb.st_mtime_ns:
            return False
        return sha256_file(a) != sha256_file(b)
    return False


def whiteouts(base, new, excludes):
    """Paths in base that are gone from new (only the topmost removed path of a subtree)."""
    out = []
    for root, dirs, files in os.walk(base):
        rel = os.path.relpath(root, base)
        for name in sorted(dirs + files):
            r = name if rel == "." else os.path.join(rel, name)
            if any(r == e or r.startswith(e + "/") for e in excludes):
                continue
            if not os.path.lexists(os.path.join(new, r)):
                out.append(r)
                if name in dirs:
                    dirs.remove(name)
            elif name in dirs and (os.path.islink(os.path.join(new, r)) or not os.path.isdir(os.path.join(new, r))):
                dirs.remove(name)
    return out


# ---------------------------------------------------------------- writing
def write_layer(out, entries, owner, base=None, basesrc=None, excludes=()):
    if base is not None:
        keep = {}
        for arc, e in entries.items():
            if e.src and differs(e.src, os.path.join(base, arc)):
                keep[arc] = e
        for arc in list(keep):
            add_parents_from(arc, keep, entries)
        for w in whiteouts(base, basesrc, excludes):
            d, n = os.path.split(w)
            arc = os.path.join(d, ".wh." + n) if d else ".wh." + n
            keep[arc] = Entry(arc, src=None, tar="whiteout")
            add_parents_from(arc, keep, entries)
        entries = keep
    tmp = out + ".tmp"
    inodes = {}
    with open(tmp, "wb") as raw:
        tf = tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT)
        for arc in sorted(entries):
            e = entries[arc]
            if e.tar == "whiteout":
                ti = tarfile.TarInfo(arc)
                ti.mode = 0o644
                tf.addfile(norm(ti, "root"))
            elif e.tar is not None:
                m = e.member
                if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
                    continue
                ti = tarfile.TarInfo(arc)
                ti.type, ti.mode, ti.uid, ti.gid, ti.size = m.type, m.mode, m.uid, m.gid, m.size
                if m.issym():
                    ti.linkname = m.linkname
                elif m.islnk():
                    ti.linkname = m.linkname.lstrip("./")
                norm(ti, owner)
                tf.addfile(ti, e.tar.extractfile(m) if m.isfile() else None)
            elif e.src is None:
                ti = tarfile.TarInfo(arc)
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                tf.addfile(norm(ti, "root"))
            else:
                st = os.lstat(e.src)
                if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode) or stat.S_ISLNK(st.st_mode)):
                    continue
                ti = tarfile.TarInfo(arc)
                ti.mode = stat.S_IMODE(st.st_mode)
                ti.uid, ti.gid = st.st_uid, st.st_gid
                if stat.S_ISDIR(st.st_mode):
                    ti.type = tarfile.DIRTYPE
                elif stat.S_ISLNK(st.st_mode):
                    ti.type, ti.linkname = tarfile.SYMTYPE, os.readlink(e.src)
                elif st.st_nlink > 1 and (st.st_dev, st.st_ino) in inodes:
                    ti.type, ti.linkname = tarfile.LNKTYPE, inodes[(st.st_dev, st.st_ino)]
                else:
                    ti.type, ti.size = tarfile.REGTYPE, st.st_size
                    if st.st_nlink > 1:
                        inodes[(st.st_dev, st.st_ino)] = arc
                norm(ti, owner)
                if ti.type == tarfile.REGTYPE:
                    with open(e.src, "rb") as f:
                        tf.addfile(ti, f)
                else:
                    tf.addfile(ti)
        tf.close()
    digest = sha256_file(tmp)
    os.replace(tmp, out)
    with open(out + ".sha256", "w") as f:
        f.write(digest + "\n")
    return digest


def add_parents_from(arc, keep, entries):
    parts = arc.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        p = "/".join(parts[:i])
        if p not in keep:
            keep[p] = entries.get(p) or Entry(p)


def tree_hash(paths):
    h = hashlib.sha256()
    for p in paths:
        h.update(b"P" + p.encode() + b"\0")
        if os.path.isfile(p) or os.path.islink(p):
            items = [(p, "")]
        else:
            items = []
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for n in sorted(files + [d for d in dirs if os.path.islink(os.path.join(root, d))]):
                    items.append((os.path.join(root, n), os.path.relpath(os.path.join(root, n), p)))
                for d in dirs:
                    items.append((os.path.join(root, d), os.path.relpath(os.path.join(root, d), p)))
            items.sort(key=lambda x: x[1])
        for full, rel in items:
            st = os.lstat(full)
            h.update(f"{rel}\0{stat.S_IMODE(st.st_mode):o}\0{stat.S_IFMT(st.st_mode):o}\0".encode())
            if stat.S_ISLNK(st.st_mode):
                h.update(os.readlink(full).encode())
            elif stat.S_ISREG(st.st_mode):
                h.update(sha256_file(full).encode())
            h.update(b"\n")
    return h.hexdigest()


def layer_digest(path):
    s = path + ".sha256"
    if os.path.exists(s) and os.path.getmtime(s) >= os.path.getmtime(path):
        return open(s).read().strip()
    d = sha256_file(path)
    with open(s, "w") as f:
        f.write(d + "\n")
    return d


def archive(out, spec):
    images = spec["images"]
    tmp = out + ".tmp"
    manifest, written = [], set()
    with open(tmp, "wb") as raw:
        tf = tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT)

        def add_bytes(name, data):
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode, ti.mtime = len(data), 0o644, MTIME
            tf.addfile(ti, io.BytesIO(data))

        for img in images:
            diff_ids, names = [], []
            for lp in img["layers"]:
                d = layer_digest(lp)
                diff_ids.append("sha256:" + d)
                names.append(f"{d}/layer.tar")
                if d not in written:
                    written.add(d)
                    ti = tarfile.TarInfo(f"{d}/layer.tar")
                    ti.size, ti.mode, ti.mtime = os.path.getsize(lp), 0o644, MTIME
                    with open(lp, "rb") as f:
                        tf.addfile(ti, f)
            cfg = {k: v for k, v in img.get("config", {}).items() if v is not None}
            config = {
                "architecture": img.get("architecture", "amd64"),
                "os": "linux",
                "created": "1970-01-01T00:00:00Z",
                "config": cfg,
                "rootfs": {"type": "layers", "diff_ids": diff_ids},
                "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "image-pack.py"} for _ in diff_ids],
            }
            data = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
            cd = hashlib.sha256(data).hexdigest()
            if cd + ".json" not in written:
                written.add(cd + ".json")
                add_bytes(cd + ".json", data)
            manifest.append({"Config": cd + ".json", "RepoTags": img["tags"], "Layers": names})
        add_bytes("manifest.json", json.dumps(manifest, separators=(",", ":")).encode())
        tf.close()
    os.replace(tmp, out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    l = sub.add_parser("layer")
    l.add_argument("--out", required=True)
    l.add_argument("--owner", choices=["root", "keep"], default="root")
    l.add_argument("--base")
    l.add_argument("--exclude", action="append", default=[])
    l.add_argument("specs", nargs="+")
    h = sub.add_parser("hash")
    h.add_argument("paths", nargs="+")
    a = sub.add_parser("archive")
    a.add_argument("--out", required=True)
    a.add_argument("spec")
    args = ap.parse_args()
    if args.cmd == "layer":
        excludes = [e.strip("/") for e in args.exclude]
        entries, tars = collect(args.specs, excludes)
        basesrc = None
        if args.base:
            if len(args.specs) != 1 or not args.specs[0].endswith("=/"):
                sys.exit("image-pack: --base needs exactly one SRC=/ directory spec")
            basesrc = args.specs[0][:-2]
        print(write_layer(args.out, entries, args.owner, args.base, basesrc, excludes))
        for t in tars:
            t.close()
    elif args.cmd == "hash":
        print(tree_hash(args.paths))
    else:
        with open(args.spec) as f:
            archive(args.out, json.load(f))


if __name__ == "__main__":
    main()
