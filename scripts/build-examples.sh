#!/usr/bin/env bash
# Builds every project in examples/ into out/<example>/ (or out/<example>.<env>/ for each
# environment a project declares), with the release binary. Exit status: 0 when all build.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
status=0
for dir in examples/*/; do
  name=$(basename "$dir")
  envs=$(grep -ho '^env [A-Za-z_][A-Za-z0-9_-]*' "$dir"*.iamx | awk '{print $2}' | sort -u || true)
  if [ -z "$envs" ]; then
    target/release/iamx build "$dir" -o "out/$name" || status=1
  else
    for env in $envs; do
      target/release/iamx build "$dir" --env "$env" -o "out/$name.$env" || status=1
    done
  fi
done
exit $status
