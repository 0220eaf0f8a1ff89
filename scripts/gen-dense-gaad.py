#!/usr/bin/env python3
"""Writes a dense account export (GAAD) for `iamx report` scaling benchmarks.

Usage: scripts/gen-dense-gaad.py USERS OUT.json [--write]

USERS users `user0000`, `user0001`, ..., each with one inline policy allowing
`iam:CreateAccessKey` on `*`: every user can take over every other, so the graph has
USERS * (USERS - 1) edges in one strongly connected component, and every principal reaches all
the others in one step. This is the shape QA used (session 40): the searches from every
principal used to grow as USERS^3. With `--write`, every 10th user may also
`iam:PutUserPolicy` on `*` (write edges, admin-like states with a written policy, escalations).

The output is deterministic; for USERS 100, 200, 400 it is byte-identical to QA's
`gaadk100.json`, `gaadk200.json`, `gaadk400.json`.

    scripts/gen-dense-gaad.py 3000 /tmp/dense3000.json
    /usr/bin/time -f '%e s %M KiB' iamx report --gaad /tmp/dense3000.json --format text >/dev/null
"""
import json
import sys


def main():
    args = [a for a in sys.argv[1:] if a != "--write"]
    write = "--write" in sys.argv[1:]
    if len(args) != 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    count, target = int(args[0]), args[1]
    users = []
    for i in range(count):
        name = f"user{i:04d}"
        actions = ["iam:CreateAccessKey"]
        if write and i % 10 == 0:
            actions.append("iam:PutUserPolicy")
        users.append(
            {
                "Path": "/",
                "UserName": name,
                "UserId": "AIDA" + name.upper(),
                "Arn": f"arn:aws:iam::123456789012:user/{name}",
                "CreateDate": "2026-01-01T00:00:00Z",
                "GroupList": [],
                "AttachedManagedPolicies": [],
                "UserPolicyList": [
                    {
                        "PolicyName": "inline",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Effect": "Allow", "Action": actions, "Resource": "*"}
                            ],
                        },
                    }
                ],
                "Tags": [],
            }
        )
    gaad = {"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    with open(target, "w") as f:
        json.dump(gaad, f, indent=1)


if __name__ == "__main__":
    main()
