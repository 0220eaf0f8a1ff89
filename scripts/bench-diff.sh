#!/usr/bin/env bash
# Benchmarks `iamx diff` on two versions of a generated project (default 10,000 roles, the first
# 100 changed: a wider action and a new statement each): wall and CPU time of the release
# binary, best of RUNS runs, for project vs project (compiles both), build output vs build
# output (reads manifests), and --format json.
# Usage: scripts/bench-diff.sh [ROLES] [CHANGED] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
roles=${1:-10000}
changed=${2:-100}
runs=${3:-5}
bin="${CARGO_TARGET_DIR:-target}/release/iamx"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
python3 scripts/gen-bench-project.py "$work/old" "$roles" 100
python3 scripts/gen-bench-project.py "$work/new" "$roles" 100 --variant "$changed"
"$bin" build "$work/old" -o "$work/old-out" --color never 2>/dev/null
"$bin" build "$work/new" -o "$work/new-out" --color never 2>/dev/null
echo "projects: $roles roles ($(find "$work/old-out" -name '*.json' | wc -l) files per build), $changed changed"
python3 - "$bin" "$work" "$runs" <<'PY'
import os, subprocess, sys, time
bin, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
cases = [
    ("project vs project (text)", ["diff", f"{work}/old", f"{work}/new", "--color", "never"]),
    ("project vs project (json)", ["diff", "--format", "json", f"{work}/old", f"{work}/new"]),
    ("output vs output (text)", ["diff", f"{work}/old-out", f"{work}/new-out", "--color", "never"]),
]
for name, args in cases:
    best_wall = best_cpu = None
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        done = subprocess.run([bin] + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        assert done.returncode == 0, done.returncode
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    print(f"{name}: best of {runs}: {best_wall * 1000:.0f} ms wall, {best_cpu * 1000:.0f} ms CPU")
    if "text" in name:
        print("  " + done.stdout.decode().strip().splitlines()[-1])
PY
