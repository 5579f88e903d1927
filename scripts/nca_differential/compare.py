#!/usr/bin/env python3
"""Compare `meshlint access matrix` with network-config-analyzer (nca) connectivity
on configurations written by generate.py.

Usage: compare.py --configs DIR --meshlint BIN [--nca BIN] [--jobs N]

For each configuration, every ordered pair (source workload, destination
workload) with source != destination is compared at the destination's Service
port (== targetPort == containerPort):
  MeshLint: the row {service: "<svc>.<ns>", port, caller: "<ns>/<sa of source>"}
            reaches iff its allowedWhen is non-empty;
  nca:      `nca --connectivity -r DIR --output_format txt_no_fw_rules
            --output_endpoints deployments`, TCP section, line
            "<ns>/<src>[Deployment] => <ns>/<dst>[Deployment] : <connections>";
            reaches iff <connections> includes the port (no line: no connection).
anonymous / "any other mesh identity" rows are not compared (no nca equivalent).
Self pairs are not compared (nca does not report a workload's connections to itself).
Exits 1 on any disagreement or tool failure. Python 3 standard library only.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys

ALL = "all"


def parse_ports(text):
    """'8080,9000-9010' -> list of (lo, hi)."""
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            lo, hi = part.split("-", 1)
            out.append((int(lo), int(hi)))
        else:
            out.append((int(part), int(part)))
    return out


def parse_cubes(text):
    """'{dst_ports:8080,9090},{dst_ports:5000}' -> list of port-interval lists (None = all ports)."""
    cubes = re.findall(r"\{([^{}]*)\}", text)
    if not cubes or re.sub(r"\{[^{}]*\}", "", text).strip(", ") != "":
        raise ValueError(f"unparsed nca connection set: {text!r}")
    result = []
    for cube in cubes:
        # keys are 'name:' at the start or after a comma
        items = re.split(r",(?=[a-z_]+:)", cube)
        ports = None
        for item in items:
            key, _, value = item.partition(":")
            if key == "dst_ports":
                ports = parse_ports(value)
            elif key == "protocols" and "TCP" in value.split(","):
                continue
            else:
                raise ValueError(f"unexpected dimension {key!r} in nca connection set {text!r}")
        result.append(ports)
    return result


def conn_allows(conn, port):
    conn = conn.strip()
    if conn == "All connections":
        return True
    if conn == "No connections":
        return False
    negate = False
    if conn.startswith("All but "):
        negate = True
        conn = conn[len("All but "):]
    hit = False
    for ports in parse_cubes(conn):
        if ports is None or any(lo <= port <= hi for lo, hi in ports):
            hit = True
    return hit != negate


def run_nca(nca, cfg_dir):
    proc = subprocess.run([nca, "--connectivity", "-r", cfg_dir, "--output_format", "txt_no_fw_rules",
                           "--output_endpoints", "deployments"],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"nca exited {proc.returncode}: {proc.stderr.strip()} {proc.stdout.strip()}")
    conns = {}
    # With no Istio policy in the input nca prints one undivided list (all protocols);
    # with Istio policies it splits "TCP Connections:" from "non-TCP Connections:".
    section = "tcp"
    for line in proc.stdout.splitlines():
        if line.startswith("TCP Connections:"):
            section = "tcp"
            continue
        if line.startswith("non-TCP Connections:"):
            section = "other"
            continue
        if section != "tcp" or "=>" not in line:
            continue
        m = re.match(r"^(\S+) => (\S+) : (.*)$", line.strip())
        if not m:
            raise RuntimeError(f"unparsed nca line: {line!r}")
        src, dst, conn = m.groups()
        conns[(src, dst)] = conn
    return conns, proc.stderr.strip()


def run_meshlint(meshlint, cfg_dir):
    proc = subprocess.run([meshlint, "access", "matrix", cfg_dir, "--format", "json"],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"meshlint exited {proc.returncode}: {proc.stderr.strip()}")
    rows = {}
    for row in json.loads(proc.stdout)["rows"]:
        rows[(row["service"], row["port"], row["caller"])] = row
    return rows


def compare_config(entry, configs_dir, meshlint, nca):
    cfg_dir = os.path.join(configs_dir, entry["config"])
    rows = run_meshlint(meshlint, cfg_dir)
    conns, nca_warnings = run_nca(nca, cfg_dir)
    pairs = 0
    allowed = 0
    problems = []
    for src in entry["workloads"]:
        for dst in entry["workloads"]:
            if src is dst:
                continue
            pairs += 1
            caller = f"{src['namespace']}/{src['serviceAccount']}"
            service = f"{dst['service']}.{dst['namespace']}"
            port = dst["port"]
            row = rows.get((service, port, caller))
            src_ep = f"{src['namespace']}/{src['name']}[Deployment]"
            dst_ep = f"{dst['namespace']}/{dst['name']}[Deployment]"
            conn = conns.get((src_ep, dst_ep), "No connections")
            try:
                nca_ok = conn_allows(conn, port)
            except ValueError as exc:
                problems.append(f"{entry['config']}: {src_ep} -> {dst_ep}: {exc}")
                continue
            if row is None:
                problems.append(f"{entry['config']}: {src['namespace']}/{src['name']} (sa {caller}) -> "
                                f"{dst['namespace']}/{dst['name']} ({service}:{port}): no MeshLint matrix row; "
                                f"nca: {conn!r}")
                continue
            ml_ok = len(row.get("allowedWhen") or []) > 0
            allowed += nca_ok
            if ml_ok != nca_ok:
                problems.append(
                    f"{entry['config']}: {src['namespace']}/{src['name']} (sa {caller}) -> "
                    f"{dst['namespace']}/{dst['name']} ({service}:{port}): "
                    f"meshlint {'ALLOW' if ml_ok else 'DENY'} (plainDecision={row.get('plainDecision')}, "
                    f"allowedWhen={row.get('allowedWhen')}), "
                    f"nca {'ALLOW' if nca_ok else 'DENY'} ({conn!r}); config {os.path.join(cfg_dir, 'manifests.yaml')}")
    return pairs, allowed, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", required=True)
    ap.add_argument("--meshlint", default="meshlint")
    ap.add_argument("--nca", default="nca")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    index = json.load(open(os.path.join(args.configs, "index.json")))
    entries = index["configs"]
    total_pairs = 0
    total_allowed = 0
    disagreements = []
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(compare_config, e, args.configs, args.meshlint, args.nca): e for e in entries}
        results = {}
        for fut in concurrent.futures.as_completed(futures):
            e = futures[fut]
            try:
                results[e["config"]] = fut.result()
            except Exception as exc:  # a tool failure is a test failure, reported per config
                failures.append(f"{e['config']}: {exc}")
    for name in sorted(results):
        pairs, allowed, problems = results[name]
        total_pairs += pairs
        total_allowed += allowed
        disagreements.extend(problems)
    for line in sorted(failures):
        print(f"nca-differential: FAILURE {line}")
    for line in disagreements:
        print(f"nca-differential: DISAGREEMENT {line}")
    print(f"nca-differential: nca allows {total_allowed} and denies {total_pairs - total_allowed} of the pairs compared")
    print(f"nca-differential: {len(results)} configurations, {total_pairs} pairs, "
          f"{len(disagreements)} disagreements" + (f", {len(failures)} failures" if failures else ""))
    sys.exit(1 if disagreements or failures or len(results) != len(entries) else 0)


if __name__ == "__main__":
    main()
