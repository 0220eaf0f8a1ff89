#!/usr/bin/env bash
# Times `iamx check` (release build) and parliament over the same 1,000 IAM JSON policies, in
# one run each, and measures the catalog's start-up cost on a one-line file.
#
# Usage: scripts/bench-check.sh [POLICY_DIR] [PARLIAMENT]
#   POLICY_DIR  directory of *.json policies (default /tmp/aws-managed-policies, written by
#               scripts/export-managed-policies.py)
#   PARLIAMENT  the parliament executable (default /tmp/venv-moto/bin/parliament;
#               pip install parliament)
# Builds with CARGO_TARGET_DIR if set. Needs bash, GNU date; hyperfine is used when present.
set -euo pipefail

policies=${1:-/tmp/aws-managed-policies}
parliament=${2:-/tmp/venv-moto/bin/parliament}
target=${CARGO_TARGET_DIR:-target}
cd "$(dirname "$0")/.."
cargo build --release --quiet
iamx="$target/release/iamx"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/set"
mapfile -t all < <(find "$policies" -maxdepth 1 -name '*.json' | sort)
cp "${all[@]:0:1000}" "$work/set/"
count=$(find "$work/set" -name '*.json' | wc -l)
echo "policies: $count files from $policies"

seconds() { # runs "$@" once, prints wall-clock seconds
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

for run in 1 2 3; do
    echo "run $run: iamx check (one call, $count files): $(seconds "$iamx" check "$work"/set/*.json) s"
done
echo "parliament --directory ($count files): $(seconds "$parliament" --directory "$work/set" --include_policy_extension json) s"

# Start-up: two one-line .iamx files, one that never touches the catalog and one whose action
# must be looked up; the difference is the catalog's cost.
echo 'account "123456789012"' > "$work/plain.iamx"
echo 'account "123456789012" policy p { allow s3:GetObject on arn:aws:s3:::b/* }' > "$work/one.iamx"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 10 --runs 200 "$iamx check $work/plain.iamx" "$iamx check $work/one.iamx"
else
    loop() { local i; for i in $(seq 50); do "$@" >/dev/null 2>&1 || true; done; }
    base=$(seconds loop "$iamx" check "$work/plain.iamx")
    check=$(seconds loop "$iamx" check "$work/one.iamx")
    echo "50 x check plain.iamx: $base s; 50 x check one.iamx: $check s"
    echo "catalog start-up per run: $(echo "($check - $base) * 1000 / 50" | bc -l | cut -c1-6) ms"
fi
