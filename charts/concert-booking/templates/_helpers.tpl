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
