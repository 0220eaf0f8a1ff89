#!/usr/bin/env bash
# Builds every project in examples/ into out/<example>/ with the release binary: one
# `iamx build` per example, which builds each environment a project declares into
# out/<example>/<env>/ itself. Exit status: 0 when all build.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
status=0
for dir in examples/*/; do
  target/release/iamx build "$dir" -o "out/$(basename "$dir")" || status=1
done
exit $status
