#!/usr/bin/env bash
# Benchmarks `iamx build` on a generated project (default 10,000 roles x 5 statements): wall time
# and peak memory of the release binary, best of RUNS runs. Usage: scripts/bench-build.sh [ROLES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
roles=${1:-10000}
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
python3 scripts/gen-bench-project.py "$work/project" "$roles" 100
echo "project: $roles roles, $(cat "$work"/project/*.iamx | wc -c) bytes in $(ls "$work/project" | wc -l) files"
python3 - "$work" "$runs" <<'PY'
import resource, subprocess, sys, time
work, runs = sys.argv[1], int(sys.argv[2])
best = None
for i in range(runs):
    start = time.perf_counter()
    subprocess.run(["target/release/iamx", "build", f"{work}/project", "-o", f"{work}/out", "--color", "never"],
                   check=True, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"iamx build: best of {runs}: {best * 1000:.0f} ms wall, peak RSS {peak_kib / 1024:.0f} MiB")
PY
echo "documents written: $(find "$work/out" -name '*.json' | wc -l)"
