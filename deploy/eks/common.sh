# shellcheck shell=bash
# Shared by install.sh and cleanup.sh (sourced, not run).

say() { printf '\n==> %s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed or not on PATH; install it and run this again"
  done
}

# The region: AWS_REGION, else AWS_DEFAULT_REGION, else asked for on a terminal.
choose_region() {
  region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
  if [ -z "$region" ]; then
    [ -t 0 ] || fail "no region: set AWS_REGION (e.g. AWS_REGION=eu-west-1 $0)"
    read -r -p "AWS region to use (e.g. eu-west-1): " region
  fi
  [[ $region =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || fail "\"$region\" does not look like an AWS region name (e.g. eu-west-1)"
  export AWS_REGION=$region
  export TF_VAR_region=$region
}

# Runs a command up to $attempts times, waiting longer after each failure: EKS and its add-ons
# sometimes fail a first apply on eventual consistency (a role not yet visible, a webhook not yet ready).
retry() {
  local attempts=3 n=1 wait=30
  until "$@"; do
    if [ "$n" -ge "$attempts" ]; then
      fail "failed $attempts times: $*"
    fi
    printf 'attempt %d of %d failed; trying again in %d s\n' "$n" "$attempts" "$wait" >&2
    sleep "$wait"
    n=$((n + 1))
    wait=$((wait * 2))
  done
}
