################################################################################
# Karpenter: its IAM (the eks module's karpenter sub-module), its chart, and two NodePools:
# `kafka` (on-demand, spread over the three zones, tainted so only Kafka pods land there) and `general`
################################################################################

module "karpenter" {
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "20.37.1"

  cluster_name          = module.eks.cluster_name
  enable_v1_permissions = true

  enable_pod_identity             = true
  create_pod_identity_association = true

  # the EC2NodeClass below names this role
  node_iam_role_use_name_prefix = false
  node_iam_role_name            = "${var.name}-karpenter-node"
  node_iam_role_additional_policies = {
    AmazonSSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
  }

  tags = local.tags
}

resource "helm_release" "karpenter" {
  name             = "karpenter"
  namespace        = "kube-system"
  repository       = "oci://public.ecr.aws/karpenter"
  chart            = "karpenter"
  version          = "1.6.3"
  create_namespace = false
  wait             = true

  values = [yamlencode({
    settings = {
      clusterName       = module.eks.cluster_name
      clusterEndpoint   = module.eks.cluster_endpoint
      interruptionQueue = module.karpenter.queue_name
    }
    serviceAccount = {
      name = module.karpenter.service_account
    }
    # Karpenter runs on the core nodes, never on nodes it starts itself
    nodeSelector = {
      NodeGroupType = "core"
    }
  })]
}

# the manifests are YAML templates in karpenter/, so the build can check them against Karpenter's schemas
resource "kubectl_manifest" "node_class" {
  yaml_body = templatefile("${path.module}/karpenter/ec2nodeclass.yaml.tftpl", {
    node_role = module.karpenter.node_iam_role_name
    discovery = var.name
    tags      = local.tags
  })
  depends_on = [helm_release.karpenter]
}

resource "kubectl_manifest" "kafka_node_pool" {
  yaml_body = templatefile("${path.module}/karpenter/nodepool-kafka.yaml.tftpl", {
    zones         = local.azs
    architectures = var.kafka_architectures
    categories    = var.kafka_instance_categories
    cpu_limit     = var.kafka_cpu_limit
  })
  depends_on = [kubectl_manifest.node_class]
}

resource "kubectl_manifest" "general_node_pool" {
  yaml_body = templatefile("${path.module}/karpenter/nodepool-general.yaml.tftpl", {
    zones = local.azs
  })
  depends_on = [kubectl_manifest.node_class]
}
