#!/usr/bin/env bash
# The one performance table (issue 15): generates platform-team projects of 1,000, 10,000 and
# 100,000 roles (scripts/gen-bench-project.py), and times the release binary on each, RUNS runs
# per case, printing medians of wall and CPU time (user + system) and the peak RSS of any run:
#   check, verify, build (next to `cp -r` of the build output), diff of two 10,000-role versions
#   with 100 roles changed, and start-up on a one-line file.
#
# Usage: scripts/bench.sh [--runs N] [--large-runs N] [--sizes 1000,10000,100000] [--peers]
#   --runs N        runs per case (default 5); --large-runs N: at 100,000 roles (default 1)
#   --peers  also installs Parliament (PyPI) into a venv under $BENCH_WORK (and moto, for the AWS
#            managed policies) and times `iamx check` and Parliament on the same managed policies.
#            IAMSpy is not included.
# Environment: CARGO_TARGET_DIR (build dir), IAMX_BIN (time this binary instead of building),
# BENCH_WORK (scratch dir, default a temp dir, kept
# when set so projects are generated once).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5
large_runs=1
sizes=1000,10000,100000
peers=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --large-runs) large_runs=$2; shift 2 ;;
        --sizes) sizes=$2; shift 2 ;;
        --peers) peers=1; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ -n "${IAMX_BIN:-}" ]; then
    bin=$(realpath "$IAMX_BIN")
else
    cargo build --release --quiet
    target=${CARGO_TARGET_DIR:-target}
    case "$target" in /*) ;; *) target="$(pwd)/$target" ;; esac
    bin="$target/release/iamx"
fi
if [ -n "${BENCH_WORK:-}" ]; then
    work=$BENCH_WORK; mkdir -p "$work"
else
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi
for n in ${sizes//,/ }; do
    [ -d "$work/p$n" ] || python3 scripts/gen-bench-project.py "$work/p$n" "$n" 100
done
[ -d "$work/p10000-v2" ] || python3 scripts/gen-bench-project.py "$work/p10000-v2" 10000 100 --variant 100
echo 'account "123456789012" policy p { allow s3:GetObject on arn:aws:s3:::b/* }' > "$work/one.iamx"
if [ "$peers" = 1 ]; then
    if [ ! -x "$work/venv/bin/parliament" ]; then
        python3 -m venv "$work/venv"
        "$work/venv/bin/pip" install --quiet parliament moto
    fi
    [ -d "$work/managed" ] || "$work/venv/bin/python" scripts/export-managed-policies.py "$work/managed" >/dev/null
fi
python3 - "$bin" "$work" "$runs" "$sizes" "$peers" "$large_runs" <<'PY'
import os, shutil, statistics, subprocess, sys, time, glob
bin, work, runs, sizes, peers = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
large_runs = int(sys.argv[6])

rss_file = f"{work}/rss.txt"

def measure(argv, runs, ok=(0,), before=None):
    walls, cpus, peak = [], [], 0
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        # Peak RSS from /usr/bin/time: a child forked from this script starts with its peak RSS
        # (Linux keeps the high-water mark across exec); time's own child does not.
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        with open(rss_file) as f:
            peak = max(peak, int(f.read().split()[-1]))
        code = os.waitstatus_to_exitcode(status)
        assert code in ok, f"{argv}: exit {code}"
    return statistics.median(walls), statistics.median(cpus), peak / 1024

rows = []
def row(name, argv, runs=runs, **kw):
    wall, cpu, mib = measure(argv, runs, **kw)
    rows.append((name, wall, cpu, mib))
    print(f"  {name}: {wall:.3f} s wall, {cpu:.3f} s CPU, {mib:.0f} MiB", file=sys.stderr, flush=True)

for n in [int(s) for s in sizes.split(",")]:
    p, out = f"{work}/p{n}", f"{work}/out{n}"
    r = runs if n < 100_000 else large_runs
    row(f"check {n:,} roles", [bin, "check", p, "--color", "never"], r)
    row(f"verify {n:,} roles", [bin, "verify", p, "--color", "never"], r)
    clean = lambda: shutil.rmtree(out, ignore_errors=True)
    row(f"build {n:,} roles", [bin, "build", p, "-o", out, "--color", "never"], r, before=clean)
    docs = len(glob.glob(f"{out}/**/*.json", recursive=True))
    copy = f"{work}/copy{n}"
    row(f"  cp -r of its output ({docs:,} files)", ["cp", "-r", out, copy], r,
        before=lambda: shutil.rmtree(copy, ignore_errors=True))
    shutil.rmtree(copy, ignore_errors=True)
row("diff 10,000 roles, 100 changed", [bin, "diff", f"{work}/p10000", f"{work}/p10000-v2", "--color", "never"], ok=(0, 1))
row("start-up: check one-line file", [bin, "check", f"{work}/one.iamx", "--color", "never"], max(runs, 20))
if peers:
    managed = sorted(glob.glob(f"{work}/managed/*.json"))
    row(f"iamx check of {len(managed):,} AWS managed policies", [bin, "check", "--color", "never"] + managed, ok=(0, 1))
    row(f"Parliament on the same policies", [f"{work}/venv/bin/parliament", "--directory", f"{work}/managed",
        "--include_policy_extension", "json"], min(runs, 3), ok=(0, 1, 2, 3, 4, 5, 6, 7, 8))

print(f"\nmedian of {runs} runs ({large_runs} at 100,000 roles); peak RSS is the largest of any run\n")
print("| case | wall (s) | CPU (s) | peak RSS (MiB) |")
print("|---|---:|---:|---:|")
for name, wall, cpu, mib in rows:
    print(f"| {name.strip()} | {wall:.3f} | {cpu:.3f} | {mib:.0f} |")
PY
