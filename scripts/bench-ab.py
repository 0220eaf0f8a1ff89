#!/usr/bin/env python3
"""Times two iamx binaries against each other on the projects of scripts/bench.sh.

Usage: scripts/bench-ab.py OLD_BIN NEW_BIN[,NEW_BIN...] [RUNS] [CASE] (BENCH_WORK: the directory
scripts/bench.sh generated its projects in, default /tmp/bench). CASE keeps the cases whose name
contains it (`"check 10,000"`, `verify`, `diff`, `managed`), so a noisy machine's quiet minutes
go to one; `"check 100,000"` is run only when named, the AWS managed policies only when
`scripts/bench.sh --peers` has exported them.

On a shared, noisy machine two tables taken minutes apart disagree by more than the change
being measured, so the binaries run alternately (old, new, old, new, ...) RUNS times per case
(default 9). Several new binaries, joined by commas, run in turn with the old one (old, new 1,
new 2, then new 2, new 1, old, ...), a row each against the old one: e.g. a plain, a PGO and a
PGO + BOLT build (docs/performance.md, item 120). Each run's CPU time is user + system from
wait4; the table gives medians of CPU (with the quartiles) and wall time, the CPU ratio, and
the largest peak RSS of each binary's runs.

A binary may be given as `NAME=VALUE@PATH`: its runs get that environment variable. The same
binary twice compares a setting, e.g. huge pages on and off (docs/performance.md, item 78):
    scripts/bench-ab.py MIMALLOC_ALLOW_THP=1@target/release/iamx target/release/iamx 25
"""
import os
import statistics
import sys
import time


def parse(spec):
    """(path, environment) of `PATH` or `NAME=VALUE@PATH`."""
    env = dict(os.environ)
    if "@" in spec and "=" in spec.split("@", 1)[0]:
        setting, spec = spec.split("@", 1)
        name, value = setting.split("=", 1)
        env[name] = value
    return spec, env


def run(binary, args):
    path, env = binary
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execve(path, [path] + args, env)
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_utime + usage.ru_stime, time.monotonic() - start, usage.ru_maxrss / 1024


def main():
    if len(sys.argv) < 3 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    old = parse(sys.argv[1])
    new_specs = sys.argv[2].split(",")
    news = [parse(spec) for spec in new_specs]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 9
    only = sys.argv[4] if len(sys.argv) > 4 else ""
    work = os.environ.get("BENCH_WORK", "/tmp/bench")
    cases = [
        ("check 1,000 roles", ["check", f"{work}/p1000", "--color", "never"]),
        ("check 10,000 roles", ["check", f"{work}/p10000", "--color", "never"]),
        ("verify 10,000 roles", ["verify", f"{work}/p10000", "--color", "never"]),
        ("diff 10,000 roles, 100 changed",
         ["diff", f"{work}/p10000", f"{work}/p10000-v2", "--color", "never"]),
    ]
    # Seconds a run: only when asked for by name.
    if "100,000" in only:
        cases.append(("check 100,000 roles", ["check", f"{work}/p100000", "--color", "never"]))
    # The peer case (`scripts/bench.sh --peers` exports the policies): the first 1,000
    # AWS managed policies by name.
    managed = f"{work}/managed"
    if os.path.isdir(managed):
        first = sorted(f for f in os.listdir(managed) if f.endswith(".json"))[:1000]
        cases.append(("check 1,000 AWS managed policies",
                      ["check", "--color", "never"] + [f"{managed}/{f}" for f in first]))
    print("| case | CPU old (s) | CPU new (s) | ratio | wall old → new (s) | peak RSS old → new (MiB) |")
    print("|---|---:|---:|---:|---|---|")
    for name, args in (case for case in cases if only in case[0]):
        needed = next(arg for arg in args if arg.startswith(work))
        if not os.path.exists(needed):
            print(f"| {name} | (no {needed}: run scripts/bench.sh with BENCH_WORK={work}) | | | | |")
            continue
        binaries = [old] + news
        times = [[] for _ in binaries]
        for round_ in range(runs):
            # One way, then the other: no binary always runs right after the same one.
            order = list(range(len(binaries)))
            if len(binaries) > 2 and round_ % 2:
                order.reverse()
            for side in order:
                times[side].append(run(binaries[side], args))
        cpu = [statistics.median(t for t, _, _ in runs_) for runs_ in times]
        quartiles = [statistics.quantiles([t for t, _, _ in runs_], n=4) for runs_ in times]
        wall = [statistics.median(w for _, w, _ in runs_) for runs_ in times]
        rss = [max(m for _, _, m in runs_) for runs_ in times]
        cpu_text = [f"{cpu[side]:.3f} ({quartiles[side][0]:.3f}–{quartiles[side][2]:.3f})"
                    for side in range(len(binaries))]
        for side in range(1, len(binaries)):
            label = name if len(binaries) == 2 else f"{name} ({new_specs[side - 1]})"
            print(f"| {label} | {cpu_text[0]} | {cpu_text[side]} | {cpu[0] / cpu[side]:.2f}× "
                  f"| {wall[0]:.3f} → {wall[side]:.3f} | {rss[0]:.0f} → {rss[side]:.0f} |")


if __name__ == "__main__":
    main()
