{{/* Common labels. */}}
{{- define "cb.labels" -}}
app.kubernetes.io/part-of: concert-booking
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* The Secret holding tokens and passwords. */}}
{{- define "cb.secretName" -}}
{{- default (printf "%s-secrets" .Release.Name) .Values.secrets.existingSecret -}}
{{- end }}

{{/* An app's own tokens (templates/secrets.yaml). Call with (list $ name). */}}
{{- define "cb.appTokenSecret" -}}
{{- printf "%s-%s-app-api-token" (index . 0).Release.Name (index . 1) -}}
{{- end }}
{{- define "cb.daprTokenSecret" -}}
{{- printf "%s-%s-dapr-api-token" (index . 0).Release.Name (index . 1) -}}
{{- end }}

{{/* The databases of the enabled services that own one: each is also its service's MySQL user. */}}
{{- define "cb.serviceDatabases" -}}
{{- $dbs := list }}
{{- range $name, $cfg := .Values.services }}
{{- $svc := include "cb.service" (list $ $name $cfg) | fromYaml }}
{{- if and $svc.enabled $svc.database }}{{ $dbs = append $dbs ($name | replace "-" "_") }}{{ end }}
{{- end }}
{{- toYaml $dbs }}
{{- end }}

{{/* A service user's password when the chart makes the Secret: derived from dbPassword, so that one
service's password tells nothing of another's. Call with (list dbPassword database). */}}
{{- define "cb.dbPasswordOf" -}}
{{- sha256sum (printf "%s/%s" (index . 0) (index . 1)) | trunc 32 -}}
{{- end }}

{{/* A service's settings: the defaults, overridden by its own block. Call with (list $ name cfg). */}}
{{- define "cb.service" -}}
{{- $root := index . 0 -}}
{{- $cfg := index . 2 | default dict -}}
{{- $svc := mergeOverwrite (deepCopy $root.Values.defaults) (dict "enabled" true "dapr" true "port" 3000 "database" false "env" dict) (deepCopy $cfg) -}}
{{- toYaml $svc -}}
{{- end }}

{{/* A service's image. */}}
{{- define "cb.image" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $svc := index . 2 -}}
{{- if $svc.image -}}
{{- $svc.image -}}
{{- else -}}
{{- $repo := printf "%s/%s" $root.Values.image.repository $name -}}
{{- if $root.Values.image.registry }}{{ $repo = printf "%s/%s" $root.Values.image.registry $repo }}{{ end -}}
{{- printf "%s:%s" $repo $root.Values.image.tag -}}
{{- end -}}
{{- end }}

{{/* A service container's environment (the app and its migration init container). Call with (list $ name svc). */}}
{{- define "cb.env" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $svc := index . 2 -}}
- { name: PORT, value: {{ $svc.port | quote }} }
- { name: HOST, value: "0.0.0.0" }
- { name: LOG_LEVEL, value: "info" }
- { name: PUBSUB_NAME, value: {{ $root.Values.dapr.pubsub | quote }} }
{{- if $svc.dapr }}
- { name: DAPR_HTTP_PORT, value: "3500" }
- { name: DAPR_GRPC_PORT, value: "50001" }
- name: APP_API_TOKEN
  valueFrom: { secretKeyRef: { name: {{ include "cb.appTokenSecret" (list $root $name) }}, key: token } }
- name: DAPR_API_TOKEN
  valueFrom: { secretKeyRef: { name: {{ include "cb.daprTokenSecret" (list $root $name) }}, key: token } }
{{- end }}
{{- if $svc.database }}
- { name: DB_HOST, value: {{ $root.Values.infra.mysql.host | quote }} }
- { name: DB_PORT, value: {{ $root.Values.infra.mysql.port | quote }} }
{{- $db := $name | replace "-" "_" }}
- { name: DB_USER, value: {{ $db | quote }} }
- { name: DB_NAME, value: {{ $db | quote }} }
- { name: MIGRATE_ON_START, value: "false" }
- name: DB_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ include "cb.secretName" $root }}, key: {{ printf "db-password-%s" $db }} } }
{{- end }}
{{- if eq $name "user" }}
- name: JWT_PRIVATE_KEY
  valueFrom: { secretKeyRef: { name: {{ printf "%s-jwt-signing-key" $root.Release.Name }}, key: private-key } }
{{- end }}
{{- if and (eq $name "gateway") $root.Values.ingress.enabled }}
- { name: TRUSTED_PROXY_HOPS, value: {{ $root.Values.ingress.trustedProxyHops | quote }} }
{{- end }}
{{- if has $name (list "queue" "gateway") }}
- { name: REDIS_URL, value: {{ $root.Values.infra.redisUrl | quote }} }
{{- end }}
{{- if has $name (list "gateway" "queue") }}
- name: QUEUE_PASS_SECRET
  valueFrom: { secretKeyRef: { name: {{ printf "%s-queue-pass-secret" $root.Release.Name }}, key: token } }
{{- end }}
{{- if eq $name "dataplatform" }}
- { name: DATA_PLATFORM_URL, value: {{ $root.Values.infra.dataPlatformUrl | quote }} }
{{- end }}
{{- range $k, $v := $svc.env }}
- { name: {{ $k }}, value: {{ $v | quote }} }
{{- end }}
{{- end }}

{{/*
Who invokes what, by caller (the code's Upstream calls): everything not listed is refused by the
callee's sidecar (templates/dapr/configuration.yaml). Dapr's matching (pkg/config/acl_trie.go):
`/x/*` is one more segment, `/x/**` is `/x` and anything below it, a wildcard in the middle of a
path never matches, and a listed path decides for everything below it, so no path here is a
prefix of another. Public API calls come from the gateway alone; the saga's calls on seats and
payments from the reservation app alone. Nobody may call the queue's /internal routes.
*/}}
{{- define "cb.invocations" -}}
gateway:
  /concerts/**: [GET, POST]
  /schedules/**: [GET]
  /availability: [GET]
  /users/**: [GET, POST]
  /auth/login: [POST]
  /.well-known/jwks.json: [GET]
  /tokens/**: [GET, POST]
  /reservations/**: [GET, POST, DELETE]
  /wallets/**: [GET, POST]
  /rankings/*: [GET]
  /sales/*: [GET]
  /queues/*: [GET]
  /site/**: [GET]
  /lists/**: [GET, POST, DELETE]
  /offers/**: [POST]
reservation:
  /holds/**: [GET, POST]
  /payments/**: [POST]
waitlist:
  /schedules/**: [POST]
  /holds/**: [GET, POST]
  /offer-reservations: [POST]
{{- end }}
