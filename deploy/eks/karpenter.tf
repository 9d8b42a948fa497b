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

resource "kubectl_manifest" "node_class" {
  yaml_body = yamlencode({
    apiVersion = "karpenter.k8s.aws/v1"
    kind       = "EC2NodeClass"
    metadata   = { name = "default" }
    spec = {
      role             = module.karpenter.node_iam_role_name
      amiSelectorTerms = [{ alias = "al2023@latest" }]
      subnetSelectorTerms = [{
        tags = { "karpenter.sh/discovery" = var.name }
      }]
      securityGroupSelectorTerms = [{
        tags = { "karpenter.sh/discovery" = var.name }
      }]
      blockDeviceMappings = [{
        deviceName = "/dev/xvda"
        ebs = {
          volumeSize = "50Gi"
          volumeType = "gp3"
          encrypted  = true
        }
      }]
      tags = local.tags
    }
  })
  depends_on = [helm_release.karpenter]
}

resource "kubectl_manifest" "kafka_node_pool" {
  yaml_body = yamlencode({
    apiVersion = "karpenter.sh/v1"
    kind       = "NodePool"
    metadata   = { name = "kafka" }
    spec = {
      template = {
        metadata = {
          # the examples' pod templates require this label and tolerate the taint below
          labels = { NodeGroupType = "kafka" }
        }
        spec = {
          nodeClassRef = { group = "karpenter.k8s.aws", kind = "EC2NodeClass", name = "default" }
          taints       = [{ key = "dedicated", value = "kafka", effect = "NoSchedule" }]
          requirements = [
            { key = "karpenter.sh/capacity-type", operator = "In", values = ["on-demand"] },
            { key = "topology.kubernetes.io/zone", operator = "In", values = local.azs },
            { key = "kubernetes.io/arch", operator = "In", values = var.kafka_architectures },
            { key = "karpenter.k8s.aws/instance-category", operator = "In", values = var.kafka_instance_categories },
            { key = "karpenter.k8s.aws/instance-generation", operator = "Gt", values = ["5"] },
          ]
          # a broker's node is replaced only when it is empty or by a drain keks rolls through, never to save money
          expireAfter = "Never"
        }
      }
      disruption = {
        consolidationPolicy = "WhenEmpty"
        consolidateAfter    = "5m"
      }
      limits = { cpu = var.kafka_cpu_limit }
    }
  })
  depends_on = [kubectl_manifest.node_class]
}

resource "kubectl_manifest" "general_node_pool" {
  yaml_body = yamlencode({
    apiVersion = "karpenter.sh/v1"
    kind       = "NodePool"
    metadata   = { name = "general" }
    spec = {
      template = {
        spec = {
          nodeClassRef = { group = "karpenter.k8s.aws", kind = "EC2NodeClass", name = "default" }
          requirements = [
            { key = "karpenter.sh/capacity-type", operator = "In", values = ["on-demand", "spot"] },
            { key = "topology.kubernetes.io/zone", operator = "In", values = local.azs },
            { key = "karpenter.k8s.aws/instance-category", operator = "In", values = ["c", "m", "r"] },
          ]
        }
      }
      disruption = {
        consolidationPolicy = "WhenEmptyOrUnderutilized"
        consolidateAfter    = "1m"
      }
      limits = { cpu = 100 }
    }
  })
  depends_on = [kubectl_manifest.node_class]
}
