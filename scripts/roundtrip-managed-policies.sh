#!/bin/sh
# Round-trips every AWS managed policy (as moto 5.2.5 ships them, see
# scripts/aws-managed-policies.sh) through `iamx import` and prints `N/N` with what was kept
# whole over the customer managed quota.
set -eu
cd "$(dirname "$0")/.."
out="${TMPDIR:-/tmp}/iamx-aws-managed-policies.json"
scripts/aws-managed-policies.sh "$out"
IAMX_MANAGED_POLICIES="$out" cargo test --release --test import_managed_policies -- --nocapture
