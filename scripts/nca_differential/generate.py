#!/usr/bin/env python3
"""Seeded generator of small Istio-ambient Kubernetes configurations for the
network-config-analyzer (nca) differential test of `meshlint access matrix`.

Each configuration only uses constructs on which ztunnel (ambient, L4) and
sidecar semantics agree: ambient Namespaces without waypoints, ServiceAccounts,
Deployments, Services (port == targetPort == containerPort) and selector-based
L4 AuthorizationPolicies (ALLOW/DENY; source.principals, source.namespaces,
operation.ports; namespace-wide `spec: {}` default-deny).

Usage: generate.py --out DIR [--count N] [--seed S]
Writes DIR/cfg-NNNN/manifests.yaml and DIR/index.json (workloads of each config).
Python 3 standard library only.
"""
import argparse
import json
import os
import random

PORTS = [8080, 9090, 5000, 8443]


def q(s):
    return json.dumps(s)  # a JSON string is a valid YAML double-quoted scalar


def gen_config(rng):
    ns_names = [f"ns{i}" for i in range(rng.randint(2, 4))]
    n_work = rng.randint(2, 5)
    workloads = []
    for i in range(n_work):
        ns = rng.choice(ns_names)
        name = f"w{i}"
        # Sometimes share a ServiceAccount with an earlier workload of the same namespace.
        same_ns = [w for w in workloads if w["namespace"] == ns]
        if same_ns and rng.random() < 0.25:
            sa = rng.choice(same_ns)["serviceAccount"]
        else:
            sa = f"sa-{name}"
        workloads.append({"name": name, "namespace": ns, "serviceAccount": sa,
                          "service": name, "port": rng.choice(PORTS)})

    sas = sorted({(w["namespace"], w["serviceAccount"]) for w in workloads})

    def principal():
        r = rng.random()
        if r < 0.15:
            return "*"
        if r < 0.25:
            return f"cluster.local/ns/{rng.choice(ns_names)}/sa/nobody"
        ns, sa = rng.choice(sas)
        return f"cluster.local/ns/{ns}/sa/{sa}"

    def namespace():
        return rng.choice(ns_names + ["elsewhere"]) if rng.random() < 0.1 else rng.choice(ns_names)

    policies = []
    for i in range(rng.randint(0, 5)):
        ns = rng.choice(ns_names)
        kind = rng.random()
        if kind < 0.12:
            policies.append({"name": f"p{i}-deny-all", "namespace": ns, "spec": None})
            continue
        action = "ALLOW" if rng.random() < 0.65 else "DENY"
        in_ns = [w for w in workloads if w["namespace"] == ns]
        r = rng.random()
        if in_ns and r < 0.75:
            selector = rng.choice(in_ns)["name"]
        elif r < 0.85:
            selector = "ghost"  # selects nothing
        else:
            selector = None  # namespace-wide
        rules = []
        for _ in range(rng.randint(1, 3)):
            rule = {}
            shape = rng.random()
            if shape < 0.85:
                src = {}
                which = rng.random()
                if which < 0.5:
                    src["principals"] = sorted({principal() for _ in range(rng.randint(1, 2))})
                elif which < 0.85:
                    src["namespaces"] = sorted({namespace() for _ in range(rng.randint(1, 2))})
                else:
                    src["principals"] = sorted({principal() for _ in range(rng.randint(1, 2))})
                    src["namespaces"] = sorted({namespace() for _ in range(rng.randint(1, 2))})
                rule["from"] = src
            if rng.random() < 0.5 or "from" not in rule:
                rule["ports"] = sorted({str(rng.choice(PORTS)) for _ in range(rng.randint(1, 2))})
            rules.append(rule)
        policies.append({"name": f"p{i}-{action.lower()}", "namespace": ns,
                         "spec": {"selector": selector, "action": action, "rules": rules}})
    return ns_names, workloads, policies


def render(ns_names, workloads, policies):
    docs = []
    for ns in ns_names:
        docs.append(f"""apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
  labels:
    istio.io/dataplane-mode: ambient
""")
    for ns, sa in sorted({(w["namespace"], w["serviceAccount"]) for w in workloads}):
        docs.append(f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: {sa}
  namespace: {ns}
""")
    for w in workloads:
        docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {w['name']}
  namespace: {w['namespace']}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {w['name']}
  template:
    metadata:
      labels:
        app: {w['name']}
    spec:
      serviceAccountName: {w['serviceAccount']}
      containers:
      - name: main
        image: registry.example/{w['name']}:1.0
        ports:
        - containerPort: {w['port']}
""")
        docs.append(f"""apiVersion: v1
kind: Service
metadata:
  name: {w['service']}
  namespace: {w['namespace']}
spec:
  selector:
    app: {w['name']}
  ports:
  - name: tcp
    port: {w['port']}
    targetPort: {w['port']}
""")
    for p in policies:
        head = f"""apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: {p['name']}
  namespace: {p['namespace']}
"""
        spec = p["spec"]
        if spec is None:
            docs.append(head + "spec: {}\n")
            continue
        body = "spec:\n"
        if spec["selector"]:
            body += f"  selector:\n    matchLabels:\n      app: {spec['selector']}\n"
        body += f"  action: {spec['action']}\n  rules:\n"
        for rule in spec["rules"]:
            first = True
            def lead():
                nonlocal first
                s = "  - " if first else "    "
                first = False
                return s
            if "from" in rule:
                body += lead() + "from:\n    - source:\n"
                for key in ("principals", "namespaces"):
                    if key in rule["from"]:
                        body += f"        {key}: [{', '.join(q(v) for v in rule['from'][key])}]\n"
            if "ports" in rule:
                body += lead() + "to:\n    - operation:\n"
                body += f"        ports: [{', '.join(q(v) for v in rule['ports'])}]\n"
        docs.append(head + body)
    return "---\n".join(docs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    index = []
    for i in range(args.count):
        ns_names, workloads, policies = gen_config(rng)
        name = f"cfg-{i:04d}"
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "manifests.yaml"), "w") as f:
            f.write(render(ns_names, workloads, policies))
        index.append({"config": name, "namespaces": ns_names, "workloads": workloads})
    with open(os.path.join(args.out, "index.json"), "w") as f:
        json.dump({"seed": args.seed, "count": args.count, "configs": index}, f, indent=1)
    print(f"generate: {args.count} configurations (seed {args.seed}) in {args.out}")


if __name__ == "__main__":
    main()
