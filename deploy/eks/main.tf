provider "aws" {
  region = var.region
}

# The Kubernetes-side providers authenticate with a fresh token from the AWS CLI on every run, so a
# long apply does not outlive a token.
locals {
  eks_token_args = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
}

provider "kubernetes" {
  host                   = module.eks.cluster_endpoint
  cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = local.eks_token_args
  }
}

provider "helm" {
  kubernetes {
    host                   = module.eks.cluster_endpoint
    cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)
    exec {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = local.eks_token_args
    }
  }
}

provider "kubectl" {
  host                   = module.eks.cluster_endpoint
  cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)
  load_config_file       = false
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = local.eks_token_args
  }
}

data "aws_availability_zones" "available" {
  state = "available"
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, 3)
  tags = merge(var.tags, {
    "keks.io/stack" = var.name
  })
}

################################################################################
# Network: three zones, a private and a public subnet in each, NAT for the private ones
################################################################################

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.21.0"

  name = var.name
  cidr = var.vpc_cidr
  azs  = local.azs

  # /20 private subnets for nodes and pods (VPC CNI gives every pod a VPC address), /24 public ones for load balancers
  private_subnets = [for i, _ in local.azs : cidrsubnet(var.vpc_cidr, 4, i)]
  public_subnets  = [for i, _ in local.azs : cidrsubnet(var.vpc_cidr, 8, 48 + i)]

  enable_nat_gateway   = true
  single_nat_gateway   = var.single_nat_gateway
  enable_dns_hostnames = true

  public_subnet_tags = {
    "kubernetes.io/role/elb" = 1
  }
  private_subnet_tags = {
    "kubernetes.io/role/internal-elb" = 1
    # Karpenter finds the subnets for the nodes it starts by this tag
    "karpenter.sh/discovery" = var.name
  }

  tags = local.tags
}

################################################################################
# EKS with a managed node group for the core services
################################################################################

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "20.37.1"

  cluster_name    = var.name
  cluster_version = var.kubernetes_version

  cluster_endpoint_public_access           = true
  enable_cluster_creator_admin_permissions = true

  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnets

  cluster_addons = {
    coredns                = {}
    kube-proxy             = {}
    # with network policy enforcement on: the NetworkPolicy the keks operator makes for each Kafka
    # cluster is otherwise accepted by the API server and enforced by nothing
    vpc-cni = {
      before_compute       = true
      configuration_values = jsonencode({ enableNetworkPolicy = "true" })
    }
    eks-pod-identity-agent = {}
  }

  eks_managed_node_groups = {
    core = {
      # the AMI is named, not left to the module's default; the instance types must be x86_64 for it
      ami_type       = var.core_node_ami_type
      instance_types = var.core_node_instance_types
      # the operator, Karpenter, Grafana and the images they pull live here; Prometheus keeps its data on a claim
      block_device_mappings = {
        root = {
          device_name = "/dev/xvda"
          ebs = {
            volume_size           = var.core_node_disk_gib
            volume_type           = "gp3"
            encrypted             = true
            delete_on_termination = true
          }
        }
      }
      min_size       = var.core_node_count
      desired_size   = var.core_node_count
      max_size       = var.core_node_count * 2
      labels = {
        NodeGroupType = "core"
      }
    }
  }

  # Karpenter finds the security group for the nodes it starts by this tag
  node_security_group_tags = {
    "karpenter.sh/discovery" = var.name
  }

  tags = local.tags
}

# The EBS CSI driver's controller assumes this role through its service account (IRSA)
module "ebs_csi_irsa" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  version = "5.59.0"

  role_name_prefix      = "${var.name}-ebs-csi-"
  attach_ebs_csi_policy = true

  oidc_providers = {
    cluster = {
      provider_arn               = module.eks.oidc_provider_arn
      namespace_service_accounts = ["kube-system:ebs-csi-controller-sa"]
    }
  }

  tags = local.tags
}
