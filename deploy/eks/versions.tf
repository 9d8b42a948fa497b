# Versions are pinned: the community modules change their inputs between majors, and an unpinned
# provider can change what a plan does without a change here.
terraform {
  required_version = ">= 1.5.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.95.0, < 6.0.0" # the eks module's 20.x line needs 5.95 or newer and is not ready for 6.x
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "2.36.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "2.17.0" # eks-blueprints-addons 1.x is written for the helm provider's 2.x block syntax
    }
    kubectl = {
      source  = "alekc/kubectl"
      version = "2.1.3" # applies Karpenter's NodePools, whose CRDs do not exist yet at plan time
    }
    random = {
      source  = "hashicorp/random"
      version = "3.7.2"
    }
  }
}
