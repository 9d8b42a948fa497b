#!/usr/bin/env bash
# Removes what install.sh made. Kafka resources go first, so the operator stops the pods and their
# volumes are released; then the volumes (kept by the Retain StorageClasses) are deleted; then
# Karpenter's nodes; then terraform destroy; then a report of anything left. Safe to run again.
#   AWS_REGION=eu-west-1 deploy/eks/cleanup.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

require_tools terraform aws kubectl
choose_region
# destroy does not pull the image, but Terraform wants every variable set
export TF_VAR_keks_operator_image=${KEKS_OPERATOR_IMAGE:-not-needed-to-destroy}
cd "$here"
retry terraform init -input=false

cluster=$(terraform output -raw cluster_name 2>/dev/null || true)
if [ -n "$cluster" ] && aws eks describe-cluster --region "$region" --name "$cluster" >/dev/null 2>&1; then
  aws eks update-kubeconfig --region "$region" --name "$cluster"

  say "deleting Kafka resources in every namespace"
  for kind in kafkarebalances kafkausers kafkatopics kafkanodepools kafkas; do
    if kubectl get crd "$kind.kafka.strimzi.io" >/dev/null 2>&1; then
      kubectl delete "$kind" --all --all-namespaces --wait=true --timeout=10m
    fi
  done

  say "deleting the Kafka volumes"
  # The claims of Kafka pods, and the EBS volumes behind them (the StorageClasses keep volumes on purpose)
  volumes=()
  while read -r namespace claim; do
    [ -n "$claim" ] || continue
    pv=$(kubectl get pvc "$claim" -n "$namespace" -o jsonpath='{.spec.volumeName}')
    if [ -n "$pv" ]; then
      volumes+=("$(kubectl get pv "$pv" -o jsonpath='{.spec.csi.volumeHandle}')")
      kubectl delete pvc "$claim" -n "$namespace" --wait=true --timeout=5m
      kubectl delete pv "$pv" --ignore-not-found --wait=true --timeout=5m
    else
      kubectl delete pvc "$claim" -n "$namespace" --wait=true --timeout=5m
    fi
  done < <(kubectl get pvc --all-namespaces -l strimzi.io/cluster \
             -o jsonpath='{range .items[*]}{.metadata.namespace}{" "}{.metadata.name}{"\n"}{end}')
  for volume in "${volumes[@]}"; do
    [ -n "$volume" ] || continue
    aws ec2 wait volume-available --region "$region" --volume-ids "$volume" || true
    aws ec2 delete-volume --region "$region" --volume-id "$volume" && echo "deleted EBS volume $volume"
  done

  say "removing Karpenter's NodePools, so it terminates the nodes it started"
  kubectl delete nodepools.karpenter.sh --all --wait=true --timeout=10m 2>/dev/null || true
  kubectl wait nodes -l karpenter.sh/nodepool --for=delete --timeout=10m 2>/dev/null || true
else
  echo "no EKS cluster ${cluster:-of this stack} in $region: only Terraform's state is left to destroy"
fi

say "terraform destroy"
# the Kubernetes-side resources first, while the cluster still answers; then everything
retry terraform destroy -input=false -auto-approve -target=helm_release.keks_operator -target=module.addons \
  -target=helm_release.karpenter
retry terraform destroy -input=false -auto-approve

say "checking for leftovers in $region"
left=0
report() {
  if [ -n "$2" ] && [ "$2" != "None" ]; then
    printf 'left: %s: %s\n' "$1" "$2"
    left=1
  fi
}
name=${cluster:-keks}
report "EC2 instances of the cluster" "$(aws ec2 describe-instances --region "$region" \
  --filters "Name=tag:eks:eks-cluster-name,Values=$name" "Name=instance-state-name,Values=pending,running,stopping,stopped" \
  --query 'Reservations[].Instances[].InstanceId' --output text)"
report "unattached EBS volumes made by the EBS CSI driver" "$(aws ec2 describe-volumes --region "$region" \
  --filters "Name=tag:ebs.csi.aws.com/cluster,Values=true" "Name=status,Values=available" \
  --query 'Volumes[].VolumeId' --output text)"
report "load balancers of the cluster" "$(aws elbv2 describe-load-balancers --region "$region" \
  --query "LoadBalancers[?contains(LoadBalancerName, '$name')].LoadBalancerArn" --output text 2>/dev/null || true)"
if [ "$left" -eq 0 ]; then
  echo "nothing left"
else
  echo "delete the resources above in the AWS console or CLI if they are not someone else's"
fi
