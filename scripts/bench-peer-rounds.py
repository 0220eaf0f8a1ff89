#!/usr/bin/env python3
"""Times `iamx check` against Parliament on the 1,000 AWS managed policies, in rounds.

Usage: scripts/bench-peer-rounds.py IAMX_BIN [ROUNDS] [RUNS]   (BENCH_WORK: the directory
scripts/bench.sh --peers filled, default /tmp/bench: its venv with Parliament and its
managed/ export)

The issue's target is a ratio taken in one run, and on a shared two-core machine the load
changes from minute to minute, moving iamx's ~45 ms run more than Parliament's ~5 s one. So
each round runs Parliament's analysis once (scripts/bench-parliament.py, as scripts/bench.sh
does), then `iamx check` RUNS times (default 9) right after it, and prints that round's
ratios: ROUNDS (default 5) of them show how much the ratio moves with the load. CPU time is
user + system from wait4 (the whole iamx process; Parliament's analysis alone).
"""
import glob
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile


def bench_ab():
    """scripts/bench-ab.py as a module, for its timed run of one binary."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-ab.py")
    spec = importlib.util.spec_from_file_location("bench_ab", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 9
    work = os.environ.get("BENCH_WORK", "/tmp/bench")
    files = sorted(glob.glob(f"{work}/managed/*.json"))[:1000]
    if not files:
        sys.exit(f"no managed policies under {work}/managed: run scripts/bench.sh --peers first")
    here = os.path.dirname(os.path.abspath(__file__))
    timed = bench_ab()
    with tempfile.TemporaryDirectory() as tmp:
        summary = os.path.join(tmp, "parliament.json")
        for round_ in range(rounds):
            subprocess.run([f"{work}/venv/bin/python", os.path.join(here, "bench-parliament.py"),
                            "--json", summary] + files,
                           stdout=subprocess.DEVNULL, check=True)
            with open(summary) as f:
                parliament = json.load(f)
            argv = ["check", "--color", "never"] + files
            times = [timed.run((binary, dict(os.environ)), argv) for _ in range(runs)]
            cpu = statistics.median(t[0] for t in times)
            wall = statistics.median(t[1] for t in times)
            print(f"round {round_ + 1}: Parliament {parliament['cpu_s']:.3f} s CPU; "
                  f"iamx {cpu * 1000:.1f} ms CPU, {wall * 1000:.1f} ms wall (median of {runs}); "
                  f"{parliament['cpu_s'] / cpu:.0f}x less CPU, "
                  f"{parliament['wall_s'] / wall:.0f}x less wall time", flush=True)


if __name__ == "__main__":
    main()
