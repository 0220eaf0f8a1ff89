#!/usr/bin/env python3
"""Generates a large platform-team .iamx project for benchmarks, split over FILES files.

Usage: scripts/gen-bench-project.py OUT_DIR [ROLES] [FILES] [--variant N]

The project: 20 boundaries and 20 delegations (one per team) in main.iamx, a project template and
std-lib imports (s3, logs), and ROLES roles with 5 to 9 statements each (direct statements,
template and std-lib expansions), conditions of several kinds (like, in, ==, numeric, date, IP,
bool, exists, if exists, ForAnyValue), trusts of several kinds and tags.
`--variant N` changes the first N roles (a wider action, a new statement) to make a second version
of the same project for `iamx diff` benchmarks. Output is deterministic.
"""
import os
import sys

BOUNDARIES = 20


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    variant = 0
    if "--variant" in sys.argv:
        variant = int(sys.argv[sys.argv.index("--variant") + 1])
        args = [a for a in args if a != str(variant)]
    if "--help" in sys.argv or "-h" in sys.argv:
        print(__doc__)
        return
    if not args:
        sys.exit(__doc__)
    out = args[0]
    roles = int(args[1]) if len(args) > 1 else 10_000
    files = int(args[2]) if len(args) > 2 else 100
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "main.iamx"), "w") as f:
        f.write('account "123456789012"\nimport s3\nlet bucket = "acme-bench"\n\n')
        for b in range(BOUNDARIES):
            f.write(f"boundary Boundary{b} {{\n")
            f.write(f"  allow s3:*, dynamodb:*, sqs:* on arn:aws:s3:::${{bucket}}-{b}, arn:aws:s3:::${{bucket}}-{b}/*,\n")
            f.write(f"    arn:aws:dynamodb:*:${{account}}:table/service-{b}-*, arn:aws:sqs:*:${{account}}:service-{b}-*\n")
            f.write("  allow logs:{CreateLogStream, PutLogEvents, CreateLogGroup} on *\n")
            f.write(f"  allow kms:{{Decrypt, GenerateDataKey}} on arn:aws:kms:*:${{account}}:key/* when kms:ViaService like \"*.amazonaws.com\"\n")
            f.write("  deny s3:DeleteBucket on *\n}\n\n")
        for b in range(BOUNDARIES):
            f.write(f"delegate Team{b} {{\n  to group team-{b}\n  boundary Boundary{b}\n  prefix \"service-{b}-\"\n")
            f.write("  pass_to ec2.amazonaws.com, lambda.amazonaws.com\n}\n\n")
        f.write("template queue_writer(queue) {\n  allow sqs:{SendMessage, GetQueueUrl} on arn:aws:sqs:*:${account}:${queue}\n}\n")
    per_file = (roles + files - 1) // files
    for n in range(files):
        with open(os.path.join(out, f"roles-{n:04}.iamx"), "w") as f:
            f.write("import s3\nimport logs\n\n")
            for i in range(n * per_file, min(roles, (n + 1) * per_file)):
                b = i % BOUNDARIES
                kind = i % 5
                changed = i < variant
                name = f"service-{b}-app-{i}"
                f.write(f"// Role {i}\nrole {name} {{\n")
                f.write(f"  boundary Boundary{b}\n")
                if kind == 3:
                    f.write("  trust service lambda.amazonaws.com\n")
                elif kind == 4:
                    f.write('  trust account "210987654321" when aws:MultiFactorAuthPresent == true\n')
                else:
                    f.write("  trust service ec2.amazonaws.com\n  instance_profile\n")
                actions = "s3:{GetObject, PutObject, DeleteObject}" if changed else "s3:{GetObject, PutObject}"
                f.write(f"  allow {actions} on arn:aws:s3:::${{bucket}}-{b}/app-{i}/*\n")
                f.write(f'  allow s3:ListBucket on arn:aws:s3:::${{bucket}}-{b} when s3:prefix like "app-{i}/*"\n')
                f.write(f"  allow dynamodb:{{GetItem, PutItem, Query}} on arn:aws:dynamodb:*:${{account}}:table/{name}")
                if kind in (1, 3):
                    f.write(' when any dynamodb:Attributes == ["id", "payload", "ts"]')
                f.write("\n")
                f.write(f"  use queue_writer(\"{name}\")\n")
                f.write('  allow logs:{CreateLogStream, PutLogEvents} on * when aws:RequestedRegion in ["eu-west-1", "us-east-1"]\n')
                if kind == 0:
                    f.write(f"  use s3.read_prefix(\"acme-bench-{b}\", \"shared/{b}\")\n")
                if kind == 1:
                    f.write(f"  allow s3:GetObject on arn:aws:s3:::${{bucket}}-{b}/ip/* when aws:SourceIp in 10.{b}.0.0/16 and aws:SecureTransport == true\n")
                if kind == 2:
                    f.write(f"  allow sqs:ReceiveMessage on arn:aws:sqs:*:${{account}}:{name} when aws:CurrentTime < 2027-01-01T00:00:00Z\n")
                    f.write(f"  allow s3:ListBucket on arn:aws:s3:::${{bucket}}-{b} when s3:max-keys <= 100\n")
                if kind == 3:
                    f.write(f"  use logs.write(\"/aws/lambda/{name}\")\n")
                if kind == 4:
                    f.write(f"  allow dynamodb:Scan on arn:aws:dynamodb:*:${{account}}:table/{name} when aws:PrincipalTag/team exists and aws:ResourceTag/env == \"prod\" if exists\n")
                    f.write(f"  deny s3:PutObject on arn:aws:s3:::${{bucket}}-{b}/app-{i}/locked/*\n")
                if changed:
                    f.write(f"  allow sqs:DeleteMessage on arn:aws:sqs:*:${{account}}:{name}\n")
                f.write(f"  tag team = \"team-{b}\"\n}}\n\n")


if __name__ == "__main__":
    main()
