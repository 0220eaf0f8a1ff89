#!/usr/bin/env python3
"""Writes the account export (GAAD) that `aws iam get-account-authorization-details` would give
once a build output is deployed, for benchmarks and tests that need a GAAD of a known account.

Usage: scripts/gaad-from-build.py OUT_DIR GAAD.json

OUT_DIR is one environment's `iamx build` output (the directory holding `manifest.json`). Every
role, user and group of the manifest becomes an entry with its inline policies (named as the
manifest names them), attached policies and permissions boundary; every boundary, managed and
delegation policy becomes a managed policy with one default version `v1`. Policy documents are
JSON objects, as the AWS CLI prints them. Dates and IDs are fixed, so the output is
deterministic; AWS managed policies the manifest attaches are not in the build and so not in the
GAAD (real AWS would list them).
"""
import hashlib
import json
import os
import sys

DATE = "2026-01-01T00:00:00Z"


def ident(prefix, arn):
    """A stable 21-character ID in AWS's style (`AROA...`, `AIDA...`)."""
    digest = hashlib.sha256(arn.encode()).hexdigest().upper()
    return (prefix + digest)[:21]


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    out, target = sys.argv[1], sys.argv[2]
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    if "documents" not in manifest:
        sys.exit(f"{out}: a build with environments; give one environment's directory")

    def read(file):
        with open(os.path.join(out, file)) as f:
            return json.load(f)

    documents = manifest["documents"]
    by_file = {d["file"]: d for d in documents}
    managed = [d for d in documents if d["kind"] in ("boundary", "managed-policy", "delegation")]
    attachments = {}
    boundary_uses = {}

    def inline(files):
        return [{"PolicyName": by_file[f]["name"], "PolicyDocument": read(f)} for f in files]

    def attached(arns):
        for arn in arns:
            attachments[arn] = attachments.get(arn, 0) + 1
        return [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in arns]

    def boundary(arn):
        if arn is None:
            return {}
        boundary_uses[arn] = boundary_uses.get(arn, 0) + 1
        return {"PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
                                        "PermissionsBoundaryArn": arn}}

    def tags(entity):
        return [{"Key": k, "Value": v} for k, v in sorted(entity.get("tags", {}).items())]

    roles = []
    for role in manifest["roles"]:
        profiles = []
        if role.get("instance_profile"):
            profile = role["instance_profile"]
            profiles.append({"Path": role["path"], "InstanceProfileName": profile["name"],
                             "InstanceProfileId": ident("AIPA", profile["arn"]),
                             "Arn": profile["arn"], "CreateDate": DATE, "Roles": []})
        entry = {
            "Path": role["path"], "RoleName": role["name"], "RoleId": ident("AROA", role["arn"]),
            "Arn": role["arn"], "CreateDate": DATE,
            "AssumeRolePolicyDocument": read(role["trust_file"]),
            "InstanceProfileList": profiles,
            "RolePolicyList": inline(role["inline_policy_files"]),
            "AttachedManagedPolicies": attached(role["attached_policy_arns"]),
            **boundary(role.get("boundary_arn")),
            "Tags": tags(role), "RoleLastUsed": {},
        }
        if role.get("max_session_duration"):
            entry["MaxSessionDuration"] = role["max_session_duration"]
        roles.append(entry)
    users = [{
        "Path": user["path"], "UserName": user["name"], "UserId": ident("AIDA", user["arn"]),
        "Arn": user["arn"], "CreateDate": DATE,
        "UserPolicyList": inline(user["inline_policy_files"]),
        "GroupList": user["groups"],
        "AttachedManagedPolicies": attached(user["attached_policy_arns"]),
        **boundary(user.get("boundary_arn")),
        "Tags": tags(user),
    } for user in manifest["users"]]
    groups = [{
        "Path": group["path"], "GroupName": group["name"], "GroupId": ident("AGPA", group["arn"]),
        "Arn": group["arn"], "CreateDate": DATE,
        "GroupPolicyList": inline(group["inline_policy_files"]),
        "AttachedManagedPolicies": attached(group["attached_policy_arns"]),
    } for group in manifest["groups"]]
    policies = [{
        "PolicyName": d["name"], "PolicyId": ident("ANPA", d["arn"]), "Arn": d["arn"],
        "Path": d["path"], "DefaultVersionId": "v1",
        "AttachmentCount": attachments.get(d["arn"], 0),
        "PermissionsBoundaryUsageCount": boundary_uses.get(d["arn"], 0),
        "IsAttachable": True, "Description": d.get("description", ""),
        "CreateDate": DATE, "UpdateDate": DATE,
        "PolicyVersionList": [{"Document": read(d["file"]), "VersionId": "v1",
                               "IsDefaultVersion": True, "CreateDate": DATE}],
    } for d in managed]
    gaad = {"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles,
            "Policies": policies}
    with open(target, "w") as f:
        json.dump(gaad, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
