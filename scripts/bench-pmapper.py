#!/usr/bin/env python3
"""Times PMapper's graph build (principalmapper on PyPI) on an account export (GAAD), offline,
next to `iamx report` on the same file.

Usage: PYTHON=/path/to/venv/bin/python scripts/bench-pmapper.py GAAD.json [RUNS]

PMapper reads an account through boto3 (`pmapper graph create`); here its IAM client is a stand-in
that returns the GAAD as the one page of `get_account_authorization_details` (no access keys, login
profiles or MFA devices), and its edge checkers run in their offline mode (no session: no Lambda
functions, CloudFormation stacks, ... listed). What is timed is PMapper's `create_graph` without
the network: nodes, groups and policies from the GAAD, admin status, and the edges of every
checker. PMapper 1.1.5 imports `collections.Mapping`, gone since Python 3.10; it is aliased to
`collections.abc.Mapping` before the import. Prints the median wall time, nodes, admins and edges.
"""
import collections
import collections.abc
import json
import statistics
import sys
import time

for _name in ("Mapping", "MutableMapping", "Iterable", "Sequence"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

from principalmapper.graphing import edge_identification, gathering  # noqa: E402


class NoSuchEntity(Exception):
    pass


class Paginator:
    def __init__(self, pages):
        self.pages = pages

    def paginate(self, **_):
        return iter(self.pages)


class Client:
    """The IAM calls `get_nodes_groups_and_policies` makes, answered from the GAAD."""

    def __init__(self, gaad):
        self.gaad = gaad

    def get_paginator(self, name):
        if name == "get_account_authorization_details":
            page = {key: self.gaad.get(key, []) for key in
                    ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")}
            return Paginator([page])
        if name == "list_virtual_mfa_devices":
            return Paginator([{"VirtualMFADevices": []}])
        raise NotImplementedError(name)

    def list_access_keys(self, **_):
        return {"AccessKeyMetadata": []}

    def get_login_profile(self, **_):
        raise NoSuchEntity("NoSuchEntity")

    def list_mfa_devices(self, **_):
        return {"MFADevices": []}


def build(gaad):
    results = gathering.get_nodes_groups_and_policies(Client(gaad))
    nodes = results["nodes"]
    gathering.update_admin_status(nodes, None)
    edges = edge_identification.obtain_edges(None, list(edge_identification.checker_map), nodes)
    return nodes, edges


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1]) as f:
        gaad = json.load(f)
    runs = int(sys.argv[2]) if len(sys.argv) == 3 else 3
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        nodes, edges = build(gaad)
        times.append(time.perf_counter() - started)
    admins = sum(1 for n in nodes if n.is_admin)
    print(f"pmapper: median {statistics.median(times):.2f} s of {runs} runs "
          f"({', '.join(f'{t:.2f}' for t in times)}); {len(nodes)} nodes, {admins} admins, {len(edges)} edges")


if __name__ == "__main__":
    main()
