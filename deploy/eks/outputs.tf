output "configure_kubectl" {
  description = "Points kubectl at the new cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name}"
}

output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = module.eks.cluster_name
}

output "grafana_admin_secret_name" {
  description = "Secrets Manager secret holding Grafana's admin password (user admin)."
  value       = aws_secretsmanager_secret.grafana_admin.name
}

output "grafana_admin_password_command" {
  description = "Prints Grafana's admin password."
  value       = "aws secretsmanager get-secret-value --region ${var.region} --secret-id ${aws_secretsmanager_secret.grafana_admin.name} --query SecretString --output text"
}
