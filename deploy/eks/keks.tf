################################################################################
# The keks operator, from this repository's chart as the build assembles it (with the generated CRDs:
# `./mvnw -B -DskipTests package`, which install.sh runs when it is missing), watching every namespace
################################################################################

resource "helm_release" "keks_operator" {
  name             = "keks-operator"
  namespace        = "keks-operator"
  create_namespace = true
  chart            = "${path.module}/../../operator/target/helm/keks-operator"
  wait             = true

  values = [yamlencode({
    image = {
      repository = var.keks_operator_image
      tag        = var.keks_operator_tag
    }
    watchNamespaces = []
    # the operator runs on the core nodes, not on the nodes kept for Kafka
    nodeSelector = {
      NodeGroupType = "core"
    }
  })]

  depends_on = [module.addons, kubernetes_storage_class_v1.kafka]
}
