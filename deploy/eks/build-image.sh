#!/usr/bin/env bash
# Builds the keks operator image for linux/amd64 and linux/arm64 and pushes it to an ECR repository
# of this account (made if missing): the operator, its init containers and the lag exporter then run
# on Kafka nodes of either architecture (deploy/eks lets Karpenter choose Graviton or x86).
#   AWS_REGION=eu-west-1 deploy/eks/build-image.sh        prints the image repository it pushed to
# Needs docker with buildx, aws (configured). KEKS_OPERATOR_REPOSITORY names another ECR repository
# (default keks-operator); KEKS_OPERATOR_TAG another tag (default the chart's appVersion).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

# progress goes to stderr; stdout carries only the repository, for install.sh
exec 3>&1 1>&2
require_tools docker aws
choose_region
docker buildx version >/dev/null 2>&1 || fail "docker buildx is missing; install the buildx plugin (Docker 23 and later have it)"

repository=${KEKS_OPERATOR_REPOSITORY:-keks-operator}
if [ ! -d "$root/operator/target/keks-operator/lib" ] || [ ! -f "$root/operator/target/helm/keks-operator/Chart.yaml" ]; then
  say "building keks (the image copies the operator's jars)"
  (cd "$root" && ./mvnw -B -q -DskipTests package)
fi
tag=${KEKS_OPERATOR_TAG:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$root/operator/target/helm/keks-operator/Chart.yaml")}
[ -n "$tag" ] || fail "no appVersion in operator/target/helm/keks-operator/Chart.yaml; set KEKS_OPERATOR_TAG"

account=$(aws sts get-caller-identity --query Account --output text)
registry="$account.dkr.ecr.$region.amazonaws.com"
if ! aws ecr describe-repositories --region "$region" --repository-names "$repository" >/dev/null 2>&1; then
  say "making ECR repository $repository"
  aws ecr create-repository --region "$region" --repository-name "$repository" \
    --image-scanning-configuration scanOnPush=true --image-tag-mutability MUTABLE >/dev/null
fi
aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry" >/dev/null

# a builder that can produce both architectures (the default docker driver builds only its own)
builder=keks-multiarch
docker buildx inspect "$builder" >/dev/null 2>&1 || docker buildx create --name "$builder" --driver docker-container >/dev/null
say "building and pushing $registry/$repository:$tag for linux/amd64 and linux/arm64"
docker buildx build --builder "$builder" --platform linux/amd64,linux/arm64 \
  --tag "$registry/$repository:$tag" --push "$root/operator"
docker buildx imagetools inspect "$registry/$repository:$tag" | grep -E 'Platform: +linux/(amd64|arm64)' >&2 \
  || fail "the pushed image lists no linux/amd64 or linux/arm64 platform"
echo "$registry/$repository" >&3
