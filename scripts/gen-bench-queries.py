#!/usr/bin/env python3
"""Writes N questions for `iamx explain --queries` about the roles of a project made by
scripts/gen-bench-project.py (from its GAAD, scripts/gaad-from-build.py), half of them meant to
be allowed and half denied in a dozen ways.

Usage: scripts/gen-bench-queries.py GAAD.json N OUT.tsv

Each line is `ROLE_ARN<TAB>ACTION<TAB>RESOURCE[<TAB>KEY=VALUE;...]`. The questions follow the
generator's roles (`service-B-app-I` with boundary `BoundaryB`, bucket `acme-bench-B`, five kinds
of role by I mod 5): own objects, prefixes and tables (allowed), other roles' objects, deleting,
other buckets, the boundary's denies and what only the boundary allows (denied), and conditions
of every kind the generator writes (`like`, `in`, IP, bool, date, numeric, `exists`,
`if exists`, `any`), each on both sides. Roles are visited in a fixed pseudo-random order, so the
output is deterministic.
"""
import json
import sys

ACCOUNT = "123456789012"


def questions(i, b, kind, others):
    """The questions about role I (boundary B, kind KIND); OTHERS is another role of B."""
    name = f"service-{b}-app-{i}"
    bucket = f"acme-bench-{b}"
    j = others
    log_stream = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/app/{name}:log-stream:s1"
    common = [
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/app-{i}/data/{i % 97}.json", ""),
        ("s3:PutObject", f"arn:aws:s3:::{bucket}/app-{i}/out/part-{i % 13}", ""),
        ("s3:DeleteObject", f"arn:aws:s3:::{bucket}/app-{i}/data/1.json", ""),
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/app-{j}/data/1.json", ""),
        ("s3:ListBucket", f"arn:aws:s3:::{bucket}", f"s3:prefix=app-{i}/in/"),
        ("s3:ListBucket", f"arn:aws:s3:::{bucket}", f"s3:prefix=app-{j}/"),
        ("dynamodb:GetItem", f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{name}", ""),
        ("dynamodb:Query", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}",
         "dynamodb:Attributes=id"),
        ("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}", ""),
        ("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:service-{b}-app-{j}", ""),
        ("logs:PutLogEvents", log_stream, "aws:RequestedRegion=eu-west-1"),
        ("logs:PutLogEvents", log_stream, "aws:RequestedRegion=us-west-2"),
        ("s3:DeleteBucket", f"arn:aws:s3:::{bucket}", ""),
        ("kms:Decrypt", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k-{b}",
         "kms:ViaService=s3.eu-west-1.amazonaws.com"),
        ("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/service-{b}-new",
         f"iam:PermissionsBoundary=arn:aws:iam::{ACCOUNT}:policy/Boundary{b}"),
        ("s3:GetObject", f"arn:aws:s3:::acme-bench-{(b + 1) % 20}/app-{i}/data/1.json", ""),
    ]
    ip = f"arn:aws:s3:::{bucket}/ip/report-{i % 7}.csv"
    queue = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{name}"
    table = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{name}"
    specific = {
        0: [
            ("s3:GetObject", f"arn:aws:s3:::{bucket}/shared/{b}/catalog.json", ""),
            ("s3:ListBucket", f"arn:aws:s3:::{bucket}", f"s3:prefix=shared/{b}/"),
            ("s3:GetObjectVersion", f"arn:aws:s3:::{bucket}/shared/{b + 1}/x", ""),
        ],
        1: [
            ("s3:GetObject", ip, f"aws:SourceIp=10.{b}.3.4;aws:SecureTransport=true"),
            ("s3:GetObject", ip, f"aws:SourceIp=10.{(b + 1) % 20}.3.4;aws:SecureTransport=true"),
            ("s3:GetObject", ip, f"aws:SourceIp=10.{b}.3.4;aws:SecureTransport=false"),
        ],
        2: [
            ("sqs:ReceiveMessage", queue, "aws:CurrentTime=2026-06-01T00:00:00Z"),
            ("sqs:ReceiveMessage", queue, "aws:CurrentTime=2027-06-01T00:00:00Z"),
            ("s3:ListBucket", f"arn:aws:s3:::{bucket}", "s3:max-keys=50"),
            ("s3:ListBucket", f"arn:aws:s3:::{bucket}", "s3:max-keys=500"),
        ],
        3: [
            ("logs:PutLogEvents",
             f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/{name}:log-stream:x", ""),
            ("logs:CreateLogGroup", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/{name}",
             ""),
        ],
        4: [
            ("dynamodb:Scan", table, f"aws:PrincipalTag/team=team-{b}"),
            ("dynamodb:Scan", table, f"aws:PrincipalTag/team=team-{b};aws:ResourceTag/env=prod"),
            ("dynamodb:Scan", table, f"aws:PrincipalTag/team=team-{b};aws:ResourceTag/env=dev"),
            ("dynamodb:Scan", table, ""),
            ("s3:PutObject", f"arn:aws:s3:::{bucket}/app-{i}/locked/a", ""),
        ],
    }[kind]
    return common + specific


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    gaad_path, n, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(gaad_path) as f:
        gaad = json.load(f)
    roles = []
    for role in gaad["RoleDetailList"]:
        name = role["RoleName"]
        parts = name.split("-")
        if len(parts) == 4 and parts[0] == "service" and parts[2] == "app":
            roles.append((int(parts[3]), int(parts[1]), role["Arn"]))
    if not roles:
        sys.exit(f"{gaad_path}: no role named like scripts/gen-bench-project.py names them")
    roles.sort()
    lines = []
    for q in range(n):
        i, b, arn = roles[(q * 7919) % len(roles)]
        same_boundary = [r for r in roles if r[1] == b and r[0] != i]
        j = same_boundary[q % len(same_boundary)][0] if same_boundary else i + 1
        asked = questions(i, b, i % 5, j)
        action, resource, context = asked[(q // len(roles) * 5 + q) % len(asked)]
        fields = [arn, action, resource] + ([context] if context else [])
        lines.append("\t".join(fields))
    with open(target, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
