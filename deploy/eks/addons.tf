################################################################################
# Add-ons: the EBS CSI driver (with its IRSA role), metrics-server (highly available), and
# kube-prometheus-stack in namespace `monitoring`: Prometheus on a gp3 claim, optionally writing to
# Amazon Managed Service for Prometheus (enable_amazon_prometheus)
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
      # volumes carry the cluster's name, so cleanup.sh finds retained ones after the cluster is gone
      configuration_values = jsonencode({
        controller = { k8sTagClusterId = var.name }
      })
    }
  }

  tags = local.tags
}

locals {
  monitoring_namespace = "monitoring"
  # every part of the monitoring stack runs on the core nodes, never on the nodes kept for Kafka
  on_core_nodes = { nodeSelector = { NodeGroupType = "core" } }
}

# metrics-server with two replicas on different nodes and a disruption budget, so `kubectl top` and
# autoscalers keep working through a node replacement
resource "helm_release" "metrics_server" {
  name       = "metrics-server"
  namespace  = "kube-system"
  repository = "https://kubernetes-sigs.github.io/metrics-server/"
  chart      = "metrics-server"
  version    = "3.12.2"
  wait       = true

  values = [yamlencode(merge(local.on_core_nodes, {
    replicas            = 2
    podDisruptionBudget = { enabled = true, minAvailable = 1 }
    affinity = {
      podAntiAffinity = {
        requiredDuringSchedulingIgnoredDuringExecution = [{
          topologyKey   = "kubernetes.io/hostname"
          labelSelector = { matchLabels = { "app.kubernetes.io/name" = "metrics-server" } }
        }]
      }
    }
    resources = { requests = { cpu = "100m", memory = "200Mi" } }
  }))]

  depends_on = [module.eks]
}

resource "helm_release" "kube_prometheus_stack" {
  name             = "kube-prometheus-stack"
  namespace        = local.monitoring_namespace
  create_namespace = true
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = "75.10.0"
  wait             = true
  timeout          = 900

  values = [yamlencode({
    prometheusOperator = local.on_core_nodes
    alertmanager       = { alertmanagerSpec = local.on_core_nodes }
    grafana = merge(local.on_core_nodes, {
      # dashboards come from ConfigMaps labelled grafana_dashboard=1 in any namespace (deploy/monitoring)
      sidecar = {
        dashboards = {
          enabled         = true
          label           = "grafana_dashboard"
          labelValue      = "1"
          searchNamespace = "ALL"
        }
      }
      serviceAccount        = { annotations = local.amp_role_annotations }
      "grafana.ini"         = local.amp_grafana_ini
      additionalDataSources = local.amp_data_sources
    })
    prometheus = {
      serviceAccount = { annotations = local.amp_role_annotations }
      prometheusSpec = merge(local.on_core_nodes, {
        # PodMonitors and PrometheusRules of any release and namespace, keks' included
        podMonitorSelectorNilUsesHelmValues     = false
        serviceMonitorSelectorNilUsesHelmValues = false
        ruleSelectorNilUsesHelmValues           = false
        retention                               = var.prometheus_retention
        # the history survives a restart or a rescheduled pod, and never fills a node's root disk
        storageSpec = {
          volumeClaimTemplate = {
            spec = {
              storageClassName = "gp3"
              accessModes      = ["ReadWriteOnce"]
              resources        = { requests = { storage = var.prometheus_storage_size } }
            }
          }
        }
        remoteWrite = local.amp_remote_write
      })
    }
  })]

  # the password goes to Helm as a sensitive value: Terraform never prints it in a plan
  set_sensitive {
    name  = "grafana.adminPassword"
    value = random_password.grafana_admin.result
  }

  depends_on = [module.addons, kubernetes_storage_class_v1.kafka]
}

################################################################################
# Amazon Managed Service for Prometheus (enable_amazon_prometheus): a workspace, Prometheus writing
# to it with SigV4 through an IRSA role, and a Grafana data source reading from it
################################################################################

resource "aws_prometheus_workspace" "amp" {
  count = var.enable_amazon_prometheus ? 1 : 0
  alias = var.name
  tags  = local.tags
}

module "amp_irsa" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  version = "5.59.0"
  count   = var.enable_amazon_prometheus ? 1 : 0

  role_name_prefix                                = "${var.name}-amp-"
  attach_amazon_managed_service_prometheus_policy = true
  amazon_managed_service_prometheus_workspace_arns = aws_prometheus_workspace.amp[*].arn

  oidc_providers = {
    cluster = {
      provider_arn = module.eks.oidc_provider_arn
      namespace_service_accounts = [
        "${local.monitoring_namespace}:kube-prometheus-stack-prometheus",
        "${local.monitoring_namespace}:kube-prometheus-stack-grafana",
      ]
    }
  }

  tags = local.tags
}

# Written as for-expressions over the (zero or one) workspace rather than as conditionals: the two
# sides of a conditional must have one type, and [0] of a resource with count 0 is an error even on
# the side not taken.
locals {
  amp_role_annotations = { for arn in module.amp_irsa[*].iam_role_arn : "eks.amazonaws.com/role-arn" => arn }
  amp_grafana_ini      = { for w in aws_prometheus_workspace.amp : "auth" => { sigv4_auth_enabled = true } }
  amp_remote_write = [for w in aws_prometheus_workspace.amp : {
    url   = "${w.prometheus_endpoint}api/v1/remote_write"
    sigv4 = { region = var.region }
  }]
  amp_data_sources = [for w in aws_prometheus_workspace.amp : {
    name   = "Amazon Managed Prometheus"
    type   = "prometheus"
    access = "proxy"
    url    = trimsuffix(w.prometheus_endpoint, "/")
    jsonData = {
      httpMethod    = "POST"
      sigV4Auth     = true
      sigV4AuthType = "default"
      sigV4Region   = var.region
    }
  }]
}

# keks' dashboards, alert rules and PodMonitors (deploy/monitoring: one Kubernetes object per file),
# applied into the monitoring namespace once the stack's CRDs exist; tests/ holds promtool's unit
# tests, not objects
resource "kubectl_manifest" "monitoring" {
  for_each = { for f in fileset("${path.module}/../monitoring", "**/*.yaml") : f => f if !startswith(f, "tests/") }

  yaml_body          = file("${path.module}/../monitoring/${each.value}")
  override_namespace = local.monitoring_namespace
  depends_on         = [helm_release.kube_prometheus_stack]
}
