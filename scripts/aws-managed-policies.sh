#!/bin/sh
# Writes the AWS managed policies that moto ships to OUT.json: one JSON object from policy name
# to {"Document": ...}, the input of tests/import_managed_policies.rs and
# tests/check_managed_policies.rs (IAMX_MANAGED_POLICIES).
#
# The set is pinned (moto 5.2.5: 1,582 policies) independently of the moto that serves the deploy
# tests: only the wheel is downloaded, into .venv/, and the data (one Python string literal in
# moto/iam/aws_managed_policies.py) is read out of it with ast.literal_eval, nothing executed.
#
#   scripts/aws-managed-policies.sh target/aws-managed-policies.json
set -eu
cd "$(dirname "$0")/.."
MOTO_DATA_VERSION=5.2.5
out=${1:?usage: scripts/aws-managed-policies.sh OUT.json}
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/pip ] || "$PYTHON" -m venv .venv
dir=.venv/moto-data-$MOTO_DATA_VERSION
if ! ls "$dir"/moto-*.whl >/dev/null 2>&1; then
  mkdir -p "$dir"
  .venv/bin/pip download --quiet --disable-pip-version-check --no-deps "moto==$MOTO_DATA_VERSION" -d "$dir"
fi
mkdir -p "$(dirname "$out")"
.venv/bin/python - "$dir" "$out" <<'PY'
import ast, glob, json, sys, zipfile

wheel = glob.glob(sys.argv[1] + "/moto-*.whl")[0]
module = ast.parse(zipfile.ZipFile(wheel).read("moto/iam/aws_managed_policies.py"))
data = next(
    ast.literal_eval(node.value)
    for node in module.body
    if isinstance(node, ast.Assign)
    and any(getattr(t, "id", None) == "aws_managed_policies_data" for t in node.targets)
)
json.loads(data)  # fail here, not in a test, if the format ever changes
with open(sys.argv[2], "w") as f:
    f.write(data)
PY
