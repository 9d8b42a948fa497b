{{- define "keks.name" -}}keks-operator{{- end -}}

{{- define "keks.labels" -}}
app.kubernetes.io/name: keks-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "keks.selector" -}}
app.kubernetes.io/name: keks-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "keks.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}
