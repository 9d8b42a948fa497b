################################################################################
# StorageClasses for Kafka volumes (docs/eks.md compares them):
#   gp3  the default: balanced; IOPS and throughput provisioned apart from size
#   st1  throughput-optimised HDD: cheap per GiB for large, sequential, retention-heavy logs
#   io2  provisioned IOPS SSD: latency-sensitive clusters with many partitions per broker
# All: xfs, encrypted, bound when the pod is scheduled (so the volume is made in the pod's zone),
# expandable (keks grows a pool's claims before they fill when the pool asks with keks.io/storage-auto-grow,
# docs/storage.md; `keks plan` sizes them), kept when the claim goes (Kafka data is not
# deleted by accident; cleanup.sh deletes the volumes it means to).
################################################################################

locals {
  storage_classes = {
    gp3 = {
      default = true
      parameters = {
        type       = "gp3"
        iops       = tostring(var.gp3_iops)
        throughput = tostring(var.gp3_throughput)
      }
    }
    st1 = {
      default    = false
      parameters = { type = "st1" }
    }
    io2 = {
      default = false
      parameters = {
        type      = "io2"
        iopsPerGB = tostring(var.io2_iops_per_gb)
      }
    }
  }
}

resource "kubernetes_storage_class_v1" "kafka" {
  for_each = local.storage_classes

  metadata {
    name = each.key
    annotations = {
      "storageclass.kubernetes.io/is-default-class" = each.value.default ? "true" : "false"
    }
  }

  storage_provisioner    = "ebs.csi.aws.com"
  reclaim_policy         = "Retain"
  volume_binding_mode    = "WaitForFirstConsumer"
  allow_volume_expansion = true
  parameters = merge(each.value.parameters, {
    "csi.storage.k8s.io/fstype" = "xfs"
    encrypted                   = "true"
  })

  depends_on = [module.addons]
}

# EKS makes gp2 the default class; two defaults would make a claim without a class ambiguous
resource "kubernetes_annotations" "gp2_not_default" {
  api_version = "storage.k8s.io/v1"
  kind        = "StorageClass"
  metadata {
    name = "gp2"
  }
  annotations = {
    "storageclass.kubernetes.io/is-default-class" = "false"
  }
  force = true

  depends_on = [module.eks]
}
