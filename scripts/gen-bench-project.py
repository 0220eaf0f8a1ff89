#!/usr/bin/env python3
"""Generates a large .iamx project for benchmarks: ROLES roles x 5 statements, split over FILES files.

Usage: scripts/gen-bench-project.py OUT_DIR [ROLES] [FILES] [--variant N]
`--variant N` changes the first N roles (a wider action, a new statement) to make a second version
of the same project for `iamx diff` benchmarks. Output is deterministic.
"""
import os
import sys

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    variant = 0
    if "--variant" in sys.argv:
        variant = int(sys.argv[sys.argv.index("--variant") + 1])
        args = [a for a in args if a != str(variant)]
    out = args[0]
    roles = int(args[1]) if len(args) > 1 else 10_000
    files = int(args[2]) if len(args) > 2 else 100
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "main.iamx"), "w") as f:
        f.write('account "123456789012"\nimport s3\nlet bucket = "acme-bench"\n\n')
        for b in range(10):
            f.write(f"boundary Boundary{b} {{\n")
            f.write(f"  allow s3:*, dynamodb:*, sqs:* on arn:aws:s3:::${{bucket}}-{b}, arn:aws:s3:::${{bucket}}-{b}/*,\n")
            f.write(f"    arn:aws:dynamodb:*:${{account}}:table/service-{b}-*, arn:aws:sqs:*:${{account}}:service-{b}-*\n")
            f.write("  allow logs:{CreateLogStream, PutLogEvents} on *\n")
            f.write("  deny s3:DeleteBucket on *\n}\n\n")
        f.write("template queue_writer(queue) {\n  allow sqs:{SendMessage, GetQueueUrl} on arn:aws:sqs:*:${account}:${queue}\n}\n")
    per_file = (roles + files - 1) // files
    for n in range(files):
        with open(os.path.join(out, f"roles-{n:04}.iamx"), "w") as f:
            f.write("import s3\n\n")
            for i in range(n * per_file, min(roles, (n + 1) * per_file)):
                b = i % 10
                changed = i < variant
                f.write(f"// Role {i}\nrole service-{b}-app-{i} {{\n")
                f.write(f"  boundary Boundary{b}\n  trust service ec2.amazonaws.com\n  instance_profile\n")
                actions = "s3:{GetObject, PutObject, DeleteObject}" if changed else "s3:{GetObject, PutObject}"
                f.write(f"  allow {actions} on arn:aws:s3:::${{bucket}}-{b}/app-{i}/*\n")
                f.write(f'  allow s3:ListBucket on arn:aws:s3:::${{bucket}}-{b} when s3:prefix like "app-{i}/*"\n')
                f.write(f"  allow dynamodb:{{GetItem, PutItem, Query}} on arn:aws:dynamodb:*:${{account}}:table/service-{b}-app-{i}\n")
                f.write(f"  use queue_writer(\"service-{b}-app-{i}\")\n")
                f.write('  allow logs:{CreateLogStream, PutLogEvents} on * when aws:RequestedRegion in ["eu-west-1", "us-east-1"]\n')
                if changed:
                    f.write(f"  allow sqs:DeleteMessage on arn:aws:sqs:*:${{account}}:service-{b}-app-{i}\n")
                f.write("  tag team = \"bench\"\n}\n\n")

if __name__ == "__main__":
    main()
