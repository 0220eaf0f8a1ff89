#!/usr/bin/env python3
"""Times two iamx binaries against each other on the projects of scripts/bench.sh.

Usage: scripts/bench-ab.py OLD_BIN NEW_BIN [RUNS] (BENCH_WORK: the directory scripts/bench.sh
generated its projects in, default /tmp/bench).

On a shared, noisy machine two tables taken minutes apart disagree by more than the change
being measured, so the binaries run alternately (old, new, old, new, ...) RUNS times per case
(default 9). Each run's CPU time is user + system from wait4; the table gives medians, their
ratio, and the largest peak RSS of each binary's runs.
"""
import os
import statistics
import sys


def run(binary, args):
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(binary, [binary] + args)
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 9
    work = os.environ.get("BENCH_WORK", "/tmp/bench")
    cases = [
        ("check 1,000 roles", ["check", f"{work}/p1000", "--color", "never"]),
        ("check 10,000 roles", ["check", f"{work}/p10000", "--color", "never"]),
        ("verify 10,000 roles", ["verify", f"{work}/p10000", "--color", "never"]),
        ("diff 10,000 roles, 100 changed",
         ["diff", f"{work}/p10000", f"{work}/p10000-v2", "--color", "never"]),
    ]
    print("| case | CPU old (s) | CPU new (s) | ratio | peak RSS old → new (MiB) |")
    print("|---|---:|---:|---:|---|")
    for name, args in cases:
        if not os.path.isdir(args[1]):
            print(f"| {name} | (no {args[1]}: run scripts/bench.sh with BENCH_WORK={work}) | | | |")
            continue
        times = {old: [], new: []}
        for _ in range(runs):
            for binary in (old, new):
                times[binary].append(run(binary, args))
        a = statistics.median(t for t, _ in times[old])
        b = statistics.median(t for t, _ in times[new])
        ra = max(m for _, m in times[old])
        rb = max(m for _, m in times[new])
        print(f"| {name} | {a:.3f} | {b:.3f} | {a / b:.2f}× | {ra:.0f} → {rb:.0f} |")


if __name__ == "__main__":
    main()
