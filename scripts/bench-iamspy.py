#!/usr/bin/env python3
"""`iamx explain --queries` against IAMSpy (https://github.com/WithSecureLabs/IAMSpy) on the same
account export (GAAD) and the same questions: time per question and agreement, line by line.

Usage (with a Python that can `import iamspy`: z3-solver, pydantic<2, typer, python-dateutil):
  python scripts/bench-iamspy.py --iamx BIN --gaad GAAD.json --queries Q.tsv
                                 [--runs N] [--json OUT.json] [--limit N]

iamx: `iamx explain --gaad GAAD --queries Q` and the same with no questions, each N runs (default
5); per question is the median wall time of the first minus that of the second, divided by the
number of questions ("marginal"), and the whole run's median divided by it ("amortized": GAAD
read and process start included). IAMSpy: in-process, as its API allows: `Model.load_gaad` once
(and the model's variables once), then `Model.can_i(source, action, resource, conditions,
condition_file, strict_conditions=True)` per question, each timed; `strict_conditions` makes keys
the question does not give absent, as in a real request (without it IAMSpy picks any value that
allows). String context values go in `conditions` (`KEY=VALUE`); IP, Bool, date and numeric keys,
which IAMSpy only takes typed, in a condition file (`IpAddress` /32, `Bool`, `DateEquals`,
`NumericEquals`), written before the timing. `--limit N` asks IAMSpy only the first N questions.

Agreement compares allowed (iamx `allow`) with IAMSpy's True, line by line. Questions that reach
IAMSpy's documented blind spots are counted apart: a statement matching the question's action and
resource that uses a set operator (`ForAnyValue:`/`ForAllValues:`, which IAMSpy skips), a negated
operator on a key the question does not give (false in IAMSpy, true in IAM), a `NotResource` of
several entries (IAMSpy ORs their negations), a policy variable (literal text in IAMSpy), or a
key IAM sets from the principal itself that the question does not give (`aws:PrincipalTag/...`,
`aws:username`, ...: iamx fills them in from the GAAD, IAMSpy leaves them absent).
Every disagreement is listed with its line.
"""
import argparse
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

TYPED = {
    "aws:sourceip": "IpAddress",
    "aws:securetransport": "Bool",
    "aws:multifactorauthpresent": "Bool",
    "aws:viaawsservice": "Bool",
    "aws:currenttime": "DateEquals",
    "aws:tokenissuetime": "DateEquals",
    "aws:epochtime": "NumericEquals",
    "aws:multifactorauthage": "NumericEquals",
    "s3:max-keys": "NumericEquals",
}
NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
           "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike"}


def parse_queries(path):
    queries = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            context = []
            if len(fields) > 3:
                for entry in fields[3].split(";"):
                    if entry:
                        key, value = entry.split("=", 1)
                        context.append((key, value))
            queries.append({"line": number, "principal": fields[0], "action": fields[1],
                            "resource": fields[2], "context": context})
    return queries


def run(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{argv}: exit {code}")
    return wall, usage.ru_utime + usage.ru_stime, out.decode()


def time_iamx(binary, gaad, queries, runs, empty):
    full, base, answers = [], [], None
    for _ in range(runs):
        wall, cpu, out = run([binary, "explain", "--gaad", gaad, "--queries", queries, "-q"])
        full.append((wall, cpu))
        answers = out
        wall, cpu, _ = run([binary, "explain", "--gaad", gaad, "--queries", empty, "-q"])
        base.append((wall, cpu))
    decisions = [line.split("\t")[4] for line in answers.splitlines()]
    med = lambda xs, k: statistics.median(x[k] for x in xs)
    return {
        "runs": runs,
        "wall": med(full, 0), "cpu": med(full, 1),
        "load_wall": med(base, 0), "load_cpu": med(base, 1),
    }, decisions


# --- IAMSpy's blind spots, found in the GAAD -------------------------------------------------

# Keys IAM sets on every request from what the principal is (its ARN, account, type, a user's
# name, its tags), which iamx fills in and IAMSpy, asked with strict conditions, leaves absent.
PRINCIPAL_KEYS = {"aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:username"}

def glob(pattern, value, ignore_case):
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.S | (re.I if ignore_case else 0)) is not None


def as_list(value):
    return value if isinstance(value, list) else [] if value is None else [value]


def principal_documents(gaad, arn):
    """The identity documents and boundary document of a role or user, by ARN."""
    policies = {p["Arn"]: next(v["Document"] for v in p["PolicyVersionList"] if v["IsDefaultVersion"])
                for p in gaad["Policies"]}
    groups = {g["GroupName"]: g for g in gaad["GroupDetailList"]}
    for kind, inline_key in (("RoleDetailList", "RolePolicyList"), ("UserDetailList", "UserPolicyList")):
        for entity in gaad[kind]:
            if entity["Arn"] != arn:
                continue
            docs = [p["PolicyDocument"] for p in entity.get(inline_key, [])]
            docs += [policies[a["PolicyArn"]] for a in entity.get("AttachedManagedPolicies", [])
                     if a["PolicyArn"] in policies]
            for name in entity.get("GroupList", []):
                group = groups.get(name, {})
                docs += [p["PolicyDocument"] for p in group.get("GroupPolicyList", [])]
                docs += [policies[a["PolicyArn"]] for a in group.get("AttachedManagedPolicies", [])
                         if a["PolicyArn"] in policies]
            boundary = (entity.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
            if boundary in policies:
                docs.append(policies[boundary])
            return docs
    return []


def blind_spots(docs, query):
    """The blind spots of IAMSpy that a statement relevant to the question reaches."""
    given = {k.lower() for k, _ in query["context"]}
    found = set()
    for doc in docs:
        for s in as_list(doc.get("Statement")):
            actions = as_list(s.get("Action")) or as_list(s.get("NotAction"))
            hit = any(glob(a, query["action"], True) for a in actions)
            if ("Action" in s) != hit:
                continue
            if "Resource" in s:
                if not any(glob(r, query["resource"], False) for r in as_list(s["Resource"])):
                    continue
            elif "NotResource" in s:
                if any(glob(r, query["resource"], False) for r in as_list(s["NotResource"])):
                    continue
                if len(as_list(s["NotResource"])) > 1:
                    found.add("multi-entry NotResource")
            texts = as_list(s.get("Resource")) + as_list(s.get("NotResource"))
            for operator, keys in (s.get("Condition") or {}).items():
                if ":" in operator:
                    found.add("set operator")
                base = operator[:-len("IfExists")] if operator.endswith("IfExists") else operator
                for key, values in keys.items():
                    texts += as_list(values)
                    if base in NEGATED and base == operator and key.lower() not in given:
                        found.add("negated operator on an absent key")
                    if key.lower() not in given and (key.lower().startswith("aws:principaltag/")
                                                     or key.lower() in PRINCIPAL_KEYS):
                        found.add("principal's own key")
            if any("${" in t for t in texts):
                found.add("policy variable")
    return sorted(found)


# --- IAMSpy ----------------------------------------------------------------------------------

def iamspy_arguments(query, scratch):
    conditions, typed = [], {}
    for key, value in query["context"]:
        operator = TYPED.get(key.lower())
        if operator is None:
            conditions.append(f"{key}={value}")
            continue
        if operator == "IpAddress" and "/" not in value:
            value += "/128" if ":" in value else "/32"
        typed.setdefault(operator, {})[key] = value
    condition_file = None
    if typed:
        condition_file = os.path.join(scratch, f"conditions-{query['line']}.json")
        with open(condition_file, "w") as f:
            json.dump(typed, f)
    return conditions, condition_file


def time_iamspy(gaad_path, queries, scratch):
    logging.disable(logging.CRITICAL)
    from iamspy import Model
    model = Model()
    start = time.perf_counter()
    model.load_gaad(gaad_path)
    load = time.perf_counter() - start
    start = time.perf_counter()
    _ = model.model_vars
    variables = time.perf_counter() - start
    arguments = [iamspy_arguments(q, scratch) for q in queries]
    answers, walls, cpus = [], [], []
    for n, (query, (conditions, condition_file)) in enumerate(zip(queries, arguments), 1):
        wall, cpu = time.perf_counter(), time.process_time()
        allowed = model.can_i(query["principal"], query["action"], query["resource"],
                              conditions=conditions, condition_file=condition_file,
                              strict_conditions=True)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        answers.append(bool(allowed))
        if n % 50 == 0:
            print(f"  IAMSpy: {n}/{len(queries)} questions, median {statistics.median(walls):.3f} s",
                  file=sys.stderr, flush=True)
    return {"load": load, "variables": variables, "walls": walls, "cpus": cpus}, answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iamx", required=True)
    parser.add_argument("--gaad", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json")
    args = parser.parse_args()

    queries = parse_queries(args.queries)
    with tempfile.TemporaryDirectory() as scratch:
        empty = os.path.join(scratch, "empty.tsv")
        open(empty, "w").close()
        iamx, decisions = time_iamx(args.iamx, args.gaad, args.queries, args.runs, empty)
        if len(decisions) != len(queries):
            sys.exit(f"iamx answered {len(decisions)} of {len(queries)} questions")
        asked = queries[: args.limit] if args.limit else queries
        peer, answers = time_iamspy(args.gaad, asked, scratch)

    with open(args.gaad) as f:
        gaad = json.load(f)
    documents = {}
    agree = disagree = 0
    spots, spot_disagree, listed = {}, 0, []
    for index, (query, allowed) in enumerate(zip(asked, answers)):
        iamx_allowed = decisions[index] == "allow"
        docs = documents.setdefault(query["principal"], principal_documents(gaad, query["principal"]))
        reached = blind_spots(docs, query)
        same = iamx_allowed == allowed
        if reached:
            for spot in reached:
                spots[spot] = spots.get(spot, 0) + 1
            spot_disagree += not same
        else:
            agree += same
            disagree += not same
        if not same:
            listed.append((query["line"], decisions[index], allowed, reached))

    n = len(queries)
    marginal = (iamx["wall"] - iamx["load_wall"]) / n
    amortized = iamx["wall"] / n
    cpu_marginal = (iamx["cpu"] - iamx["load_cpu"]) / n
    cpu_amortized = iamx["cpu"] / n
    median = statistics.median(peer["walls"])
    median_cpu = statistics.median(peer["cpus"])
    outside = agree + disagree
    summary = {
        "questions": n, "iamspy_questions": len(asked),
        "iamx_wall_s": iamx["wall"], "iamx_load_wall_s": iamx["load_wall"],
        "iamx_cpu_s": iamx["cpu"], "iamx_load_cpu_s": iamx["load_cpu"],
        "iamx_marginal_ms": marginal * 1e3, "iamx_amortized_ms": amortized * 1e3,
        "iamx_cpu_marginal_ms": cpu_marginal * 1e3, "iamx_cpu_amortized_ms": cpu_amortized * 1e3,
        "iamspy_load_s": peer["load"], "iamspy_variables_s": peer["variables"],
        "iamspy_median_ms": median * 1e3,
        "iamspy_p10_ms": statistics.quantiles(peer["walls"], n=10)[0] * 1e3 if len(asked) > 1 else median * 1e3,
        "iamspy_p90_ms": statistics.quantiles(peer["walls"], n=10)[-1] * 1e3 if len(asked) > 1 else median * 1e3,
        "iamspy_median_cpu_ms": median_cpu * 1e3,
        "ratio_amortized": median / amortized, "ratio_marginal": median / marginal if marginal > 0 else None,
        "ratio_cpu_amortized": median_cpu / cpu_amortized if cpu_amortized > 0 else None,
        "agree": agree, "outside_blind_spots": outside,
        "blind_spot_questions": len(asked) - outside, "blind_spots": spots,
        "blind_spot_disagreements": spot_disagree,
        "disagreements": [{"line": l, "iamx": d, "iamspy": a, "blind_spots": r} for l, d, a, r in listed],
    }
    print(f"iamx explain --queries: {n:,} questions in {iamx['wall']:.3f} s wall "
          f"({iamx['cpu']:.3f} s CPU), {iamx['load_wall']:.3f} s of it reading the GAAD "
          f"(median of {args.runs} runs)")
    print(f"  per question: {marginal * 1e3:.4f} ms marginal, {amortized * 1e3:.4f} ms amortized "
          f"(CPU {cpu_marginal * 1e3:.4f} ms, {cpu_amortized * 1e3:.4f} ms)")
    print(f"IAMSpy: load_gaad {peer['load']:.1f} s + model variables {peer['variables']:.1f} s once; "
          f"can_i median {median * 1e3:.0f} ms per question (p10 {summary['iamspy_p10_ms']:.0f}, "
          f"p90 {summary['iamspy_p90_ms']:.0f}; CPU median {summary['iamspy_median_cpu_ms']:.0f} ms), "
          f"{len(asked):,} questions")
    print(f"ratio (IAMSpy median / iamx per question): {summary['ratio_amortized']:,.0f}x amortized, "
          + (f"{summary['ratio_marginal']:,.0f}x marginal" if marginal > 0 else "marginal n/a")
          + (f"; CPU {summary['ratio_cpu_amortized']:,.0f}x amortized" if cpu_amortized > 0 else ""))
    print(f"agreement outside IAMSpy's blind spots: {agree}/{outside}"
          + (f" ({100 * agree / outside:.1f}%)" if outside else ""))
    print(f"in a blind spot: {len(asked) - outside} questions "
          f"({', '.join(f'{k}: {v}' for k, v in sorted(spots.items())) or 'none'}), "
          f"{spot_disagree} answered differently")
    # Every disagreement outside the blind spots; the first few inside them.
    shown_in_spots = 0
    for line, decision, allowed, reached in listed:
        if reached:
            shown_in_spots += 1
            if shown_in_spots > 5:
                continue
        where = f" [{', '.join(reached)}]" if reached else " [outside the blind spots]"
        print(f"  line {line}: iamx {decision}, IAMSpy {'allowed' if allowed else 'denied'}{where}")
    if shown_in_spots > 5:
        print(f"  ... and {shown_in_spots - 5} more in a blind spot (all in --json)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
