#!/usr/bin/env python3
"""Writes the AWS managed policies that moto ships as one JSON file each.

Usage: export-managed-policies.py OUT_DIR [PYTHON_SITE_PACKAGES_HINT]
Needs moto importable (e.g. python3 -m venv /tmp/venv-moto && /tmp/venv-moto/bin/pip install moto,
then run this script with /tmp/venv-moto/bin/python). The output is test data for
`iamx check` and is not committed.
"""
import json
import os
import sys

from moto.iam.aws_managed_policies import aws_managed_policies_data


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/aws-managed-policies"
    os.makedirs(out, exist_ok=True)
    policies = json.loads(aws_managed_policies_data)
    for name, entry in sorted(policies.items()):
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump(entry["Document"], f, indent=2)
            f.write("\n")
    print(f"wrote {len(policies)} policies to {out}")


if __name__ == "__main__":
    main()
