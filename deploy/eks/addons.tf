################################################################################
# Add-ons: EBS CSI driver (with its IRSA role), metrics-server, kube-prometheus-stack
################################################################################

resource "random_password" "grafana_admin" {
  length  = 24
  special = false
}

# The Grafana admin password lives in Secrets Manager, never in the Terraform outputs
resource "aws_secretsmanager_secret" "grafana_admin" {
  name_prefix             = "${var.name}-grafana-admin-"
  description             = "Grafana admin password of the ${var.name} EKS cluster (kube-prometheus-stack)"
  recovery_window_in_days = 0 # cleanup.sh can destroy and re-create the stack under the same name at once
  tags                    = local.tags
}

resource "aws_secretsmanager_secret_version" "grafana_admin" {
  secret_id     = aws_secretsmanager_secret.grafana_admin.id
  secret_string = random_password.grafana_admin.result
}

module "addons" {
  source  = "aws-ia/eks-blueprints-addons/aws"
  version = "1.21.0"

  cluster_name      = module.eks.cluster_name
  cluster_endpoint  = module.eks.cluster_endpoint
  cluster_version   = module.eks.cluster_version
  oidc_provider_arn = module.eks.oidc_provider_arn

  eks_addons = {
    aws-ebs-csi-driver = {
      service_account_role_arn = module.ebs_csi_irsa.iam_role_arn
    }
  }

  enable_metrics_server = true

  enable_kube_prometheus_stack = true
  kube_prometheus_stack = {
    values = [yamlencode({
      grafana = {
        adminPassword = random_password.grafana_admin.result
        # dashboards come from ConfigMaps labelled grafana_dashboard=1 in any namespace (deploy/monitoring)
        sidecar = {
          dashboards = {
            enabled         = true
            label           = "grafana_dashboard"
            labelValue      = "1"
            searchNamespace = "ALL"
          }
        }
      }
      prometheus = {
        prometheusSpec = {
          # PodMonitors and PrometheusRules of any release and namespace, keks' included
          podMonitorSelectorNilUsesHelmValues     = false
          serviceMonitorSelectorNilUsesHelmValues = false
          ruleSelectorNilUsesHelmValues           = false
          retention                               = "15d"
        }
      }
    })]
  }

  tags = local.tags
}

# keks' dashboards, alert rules and PodMonitors (deploy/monitoring: one Kubernetes object per file),
# applied once the stack's CRDs exist; tests/ holds promtool's unit tests, not objects
resource "kubectl_manifest" "monitoring" {
  for_each = { for f in fileset("${path.module}/../monitoring", "**/*.yaml") : f => f if !startswith(f, "tests/") }

  yaml_body  = file("${path.module}/../monitoring/${each.value}")
  depends_on = [module.addons]
}
