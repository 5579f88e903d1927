{{- define "payments.labels" -}}
app.kubernetes.io/part-of: payments
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
