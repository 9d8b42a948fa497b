#!/usr/bin/env bash
# Removes what install.sh made. Kafka resources go first, so the operator stops the pods and their
# volumes are released; then Karpenter's nodes; then terraform destroy; then a report of anything
# left. The EBS volumes of Kafka and Prometheus (kept by the Retain StorageClasses, they hold the data)
# are deleted only when asked with --delete-volumes, and listed otherwise. Safe to run again, and
# finishes when the EKS cluster is already gone but Terraform's state still lists its objects.
#   AWS_REGION=eu-west-1 deploy/eks/cleanup.sh [--delete-volumes]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

delete_volumes=0
for arg in "$@"; do
  case "$arg" in
    --delete-volumes) delete_volumes=1 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument \"$arg\"; the only one is --delete-volumes (deletes the retained Kafka and Prometheus volumes)" ;;
  esac
done

require_tools terraform aws kubectl
choose_region
# destroy does not pull the image, but Terraform wants every variable set
export TF_VAR_keks_operator_image=${KEKS_OPERATOR_IMAGE:-not-needed-to-destroy}
cd "$here"
retry terraform init -input=false

cluster=$(terraform output -raw cluster_name 2>/dev/null || true)
name=${cluster:-${TF_VAR_name:-keks}}
if [ -n "$cluster" ] && aws eks describe-cluster --region "$region" --name "$cluster" >/dev/null 2>&1; then
  aws eks update-kubeconfig --region "$region" --name "$cluster"

  say "deleting Kafka resources in every namespace"
  for kind in kafkarebalances kafkausers kafkatopics kafkanodepools kafkas; do
    if kubectl get crd "$kind.kafka.strimzi.io" >/dev/null 2>&1; then
      kubectl delete "$kind" --all --all-namespaces --wait=true --timeout=10m
    fi
  done

  say "removing Karpenter's NodePools, so it terminates the nodes it started"
  kubectl delete nodepools.karpenter.sh --all --wait=true --timeout=10m 2>/dev/null || true
  kubectl wait nodes -l karpenter.sh/nodepool --for=delete --timeout=10m 2>/dev/null || true

  say "terraform destroy of the releases inside the cluster"
  # the Kubernetes-side releases first, while the cluster still answers; then everything
  retry terraform destroy -input=false -auto-approve -target=helm_release.keks_operator \
    -target=helm_release.kube_prometheus_stack -target=helm_release.metrics_server -target=module.addons \
    -target=helm_release.karpenter
else
  echo "no EKS cluster ${cluster:-of this stack} in $region"
  # Objects inside a cluster that is gone went with it; Terraform cannot reach the cluster to destroy
  # them and would stop, so they are dropped from its state and the AWS resources destroyed alone.
  # (an array: addresses such as kubectl_manifest.monitoring["rules/x.yaml"] must not be globbed)
  mapfile -t inside < <(terraform state list 2>/dev/null \
    | grep -E '^(module\.[a-z_]+(\[[0-9]+\])?\.)*(kubernetes_[a-z0-9_]+|helm_release|kubectl_manifest)\.' || true)
  if [ "${#inside[@]}" -gt 0 ]; then
    say "forgetting ${#inside[@]} Kubernetes objects of the deleted cluster in Terraform's state"
    terraform state rm "${inside[@]}" >/dev/null
  fi
fi

say "terraform destroy"
retry terraform destroy -input=false -auto-approve

# The EBS volumes the CSI driver made for this cluster (it tags them with the cluster's name): the
# claims' data, kept by the Retain StorageClasses. The nodes are gone, so they are being detached.
retained=$(aws ec2 describe-volumes --region "$region" \
  --filters "Name=tag:kubernetes.io/cluster/$name,Values=owned" "Name=status,Values=available,in-use" \
  --query 'Volumes[].VolumeId' --output text)
[ "$retained" != "None" ] || retained=""
if [ "$delete_volumes" -eq 1 ] && [ -n "$retained" ]; then
  say "deleting the retained volumes of Kafka and Prometheus"
  for volume in $retained; do
    aws ec2 wait volume-available --region "$region" --volume-ids "$volume"
    aws ec2 delete-volume --region "$region" --volume-id "$volume" && echo "deleted EBS volume $volume"
  done
elif [ -n "$retained" ]; then
  say "kept the data volumes of Kafka and Prometheus (the StorageClasses retain them)"
  echo "$retained" | tr '\t' '\n'
  echo "delete them with: AWS_REGION=$region $0 --delete-volumes"
fi

say "checking for leftovers in $region"
left=0
report() {
  if [ -n "$2" ] && [ "$2" != "None" ]; then
    printf 'left: %s: %s\n' "$1" "$2"
    left=1
  fi
}
report "EC2 instances of the cluster" "$(aws ec2 describe-instances --region "$region" \
  --filters "Name=tag:eks:eks-cluster-name,Values=$name" "Name=instance-state-name,Values=pending,running,stopping,stopped" \
  --query 'Reservations[].Instances[].InstanceId' --output text)"
report "load balancers of the cluster" "$(aws elbv2 describe-load-balancers --region "$region" \
  --query "LoadBalancers[?contains(LoadBalancerName, '$name')].LoadBalancerArn" --output text 2>/dev/null || true)"
if [ "$left" -eq 0 ]; then
  echo "nothing left"
else
  echo "delete the resources above in the AWS console or CLI if they are not someone else's"
fi
