#!/bin/sh
# Round-trips every AWS managed policy (as shipped with moto) through `iamx import`.
# Installs moto into .venv, extracts its managed-policy data, and runs the round-trip test.
set -eu
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet moto
out="${TMPDIR:-/tmp}/iamx-aws-managed-policies.json"
.venv/bin/python -c 'import sys; from moto.iam.aws_managed_policies import aws_managed_policies_data as d; open(sys.argv[1], "w").write(d)' "$out"
IAMX_MANAGED_POLICIES="$out" cargo test --release --test import_managed_policies -- --nocapture
