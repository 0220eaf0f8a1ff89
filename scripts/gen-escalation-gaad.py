#!/usr/bin/env python3
"""Adds escalation material to an account export (GAAD), for `iamx report` benchmarks.

Usage: scripts/gen-escalation-gaad.py IN.json OUT.json [USERS]

IN is a GAAD (for instance scripts/gaad-from-build.py of a scripts/gen-bench-project.py build,
whose roles hold no IAM rights and so make no edges). OUT adds, deterministically:
- every 10th role also trusts its own account (anyone allowed sts:AssumeRole may assume it);
- every 25th role loses its permissions boundary, and every 20th may sts:AssumeRole on `*`
  (bounded ones stay stuck: their boundaries allow no sts:AssumeRole);
- every 50th role may pass any role to Lambda and run it;
- 5 admin roles (`Allow * on *`) that Lambda may assume;
- USERS users (default 100) in 10 groups: each may assume its team's `service-N-*` roles,
  every 7th may create access keys for any user, every 11th may write its own inline policy,
  every 13th may add itself to any group; group 0 holds `iam:*`.
"""
import json
import sys


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    source, target = sys.argv[1], sys.argv[2]
    users = int(sys.argv[3]) if len(sys.argv) == 4 else 100
    with open(source) as f:
        gaad = json.load(f)
    roles = gaad["RoleDetailList"]
    account = roles[0]["Arn"].split(":")[4]
    partition = roles[0]["Arn"].split(":")[1]

    def arn(kind, name):
        return f"arn:{partition}:iam::{account}:{kind}/{name}"

    def inline(entity, key, name, document):
        entity.setdefault(key, []).append({"PolicyName": name, "PolicyDocument": document})

    for i, role in enumerate(roles):
        if i % 10 == 0:
            trust = role["AssumeRolePolicyDocument"]
            trust["Statement"].append({"Effect": "Allow", "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                                       "Action": "sts:AssumeRole"})
        if i % 25 == 0:
            role.pop("PermissionsBoundary", None)
        if i % 20 == 0:
            inline(role, "RolePolicyList", "hop", doc(allow("sts:AssumeRole")))
        if i % 50 == 0:
            inline(role, "RolePolicyList", "deploy",
                   doc(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"])))
    lambda_trust = doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
    for n in range(5):
        name = f"admin-{n}"
        roles.append({"Path": "/", "RoleName": name, "RoleId": f"AROAADMIN{n:012}", "Arn": arn("role", name),
                      "CreateDate": "2026-01-01T00:00:00Z", "AssumeRolePolicyDocument": lambda_trust,
                      "InstanceProfileList": [], "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": doc(allow("*"))}],
                      "AttachedManagedPolicies": [], "Tags": []})
    groups = gaad.setdefault("GroupDetailList", [])
    for g in range(10):
        name = f"team-group-{g}"
        policies = [{"PolicyName": "iam", "PolicyDocument": doc(allow("iam:*"))}] if g == 0 else []
        groups.append({"Path": "/", "GroupName": name, "GroupId": f"AGPATEAM{g:012}", "Arn": arn("group", name),
                       "CreateDate": "2026-01-01T00:00:00Z", "GroupPolicyList": policies, "AttachedManagedPolicies": []})
    listed = gaad.setdefault("UserDetailList", [])
    for u in range(users):
        name = f"person-{u}"
        team = u % 20
        statements = [allow("sts:AssumeRole", arn("role", f"service-{team}-*"))]
        if u % 7 == 0:
            statements.append(allow("iam:CreateAccessKey", arn("user", "*")))
        if u % 11 == 0:
            statements.append(allow("iam:PutUserPolicy", arn("user", "${aws:username}")))
        if u % 13 == 0:
            statements.append(allow("iam:AddUserToGroup", arn("group", "*")))
        group = f"team-group-{1 + u % 9}"
        listed.append({"Path": "/", "UserName": name, "UserId": f"AIDAPERSON{u:011}", "Arn": arn("user", name),
                       "CreateDate": "2026-01-01T00:00:00Z", "GroupList": [group], "AttachedManagedPolicies": [],
                       "UserPolicyList": [{"PolicyName": "own", "PolicyDocument": doc(*statements)}], "Tags": []})
    with open(target, "w") as f:
        json.dump(gaad, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
