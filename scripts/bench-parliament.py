#!/usr/bin/env python3
"""Times Parliament (PyPI `parliament`) as a library on the same IAM JSON files `iamx check` reads.

Usage: bench-parliament.py [--json OUT] FILE...   (run with the Python of a venv holding parliament)

Parliament's own CLI stops at the first policy it cannot analyse (1.6.4 raises "Unknown data
format: ArrayOfARN" on some AWS managed policies), so its time on a directory is the time to
that policy, not to the end. Here each file is analysed on its own with
`parliament.analyze_policy_string`, an exception counted as that file's result, so every file is
analysed. The CPU time is of the analysis alone (`time.process_time` around the loop): the
interpreter's start and Parliament's import are left out, in Parliament's favour, while `iamx
check` is timed as a whole process. Prints one line; with --json, writes
{"files", "findings", "exceptions", "cpu_s", "wall_s"} to OUT.
"""
import json
import sys
import time

from parliament import analyze_policy_string


def main():
    args = sys.argv[1:]
    out = None
    if args[:1] == ["--json"]:
        out, args = args[1], args[2:]
    texts = []
    for path in args:
        with open(path, encoding="utf-8") as f:
            texts.append(f.read())
    findings = exceptions = 0
    cpu, wall = time.process_time(), time.perf_counter()
    for text in texts:
        try:
            findings += len(analyze_policy_string(text).findings)
        except Exception:  # Parliament's crash on one policy; the next is still analysed
            exceptions += 1
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    result = {"files": len(texts), "findings": findings, "exceptions": exceptions,
              "cpu_s": cpu, "wall_s": wall}
    print(f"Parliament: {len(texts)} files, {findings} findings, {exceptions} exceptions, "
          f"{cpu:.3f} s CPU, {wall:.3f} s wall (analysis only)")
    if out:
        with open(out, "w") as f:
            json.dump(result, f)


if __name__ == "__main__":
    main()
