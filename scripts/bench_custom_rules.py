"""What custom rules cost: a scan of a generated corpus with and without 200 rules.

The 200 rules are written to a temporary rules directory, in four families of 50, each a form an
organisation would write: namespace posture with mesh facts, field conditions on Deployments,
list conditions on AuthorizationPolicies, and access invariants on the corpus's own Services.
Each family varies its selectors and values, so no two rules are the same.

Used by scripts/bench; run on its own with
    python3 scripts/bench_custom_rules.py MESHLINT CORPUS_DIR [--runs N]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

RULE_COUNT = 200


def services(corpus):
    """(namespace, name, port) of every Service in the corpus, in a stable order."""
    found = []
    for directory, _, files in sorted(os.walk(corpus)):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                for document in handle.read().split("\n---"):
                    if not re.search(r"^kind: Service\s*$", document, re.M):
                        continue
                    service = re.search(r"^  name: (\S+)", document, re.M)
                    namespace = re.search(r"^  namespace: (\S+)", document, re.M)
                    port = re.search(r"port: (\d+)", document)
                    if service and namespace and port:
                        found.append((namespace.group(1), service.group(1), port.group(1)))
    return found


def header(name, summary):
    return (
        "apiVersion: meshlint.io/v1alpha1\nkind: Rule\n"
        f"metadata:\n  name: {name}\n"
        f"spec:\n  severity: warning\n  summary: {summary}\n"
        "  rationale: Generated for the benchmark.\n  remediation: Generated for the benchmark.\n"
    )


def rules(corpus, allowed=None):
    """The text of the 200 rules, one document each.

    `allowed` gives each access rule the callers that get through on the corpus, so that the
    invariants hold there, as a team's invariants hold on its own repository: the figure is then
    the cost of evaluating the rules, not of reporting thousands of findings.
    """
    targets = services(corpus) or [("default", "none", "80")]
    documents = []
    facts = [
        "    - fact: ambient\n    - fact: defaultDeny\n",
        "    - fact: mtls\n      equals: STRICT\n",
        "    - fact: waypoint\n    - fact: requestAuthentication\n",
        "    - fact: tokenRequired\n    - fact: pdb\n",
        "    - fact: waypointReplicas\n      min: 2\n",
    ]
    environments = ["prod", "staging", "dev", "test", "qa"]
    for number in range(50):
        documents.append(
            header(f"bench-namespace-{number}", "Namespace posture.")
            + f"  match:\n    kinds: [Namespace]\n    labels: {{environment: {{equals: {environments[number % 5]}}}}}\n"
            + "  assert:\n" + facts[number % len(facts)]
            + f"    - path: metadata.labels[\"cost-center\"]\n      matches: 'cc-[0-9]{{{1 + number % 4}}}.*'\n"
        )
    for number in range(50):
        documents.append(
            header(f"bench-deployment-{number}", "Deployment conventions.")
            + f"  match:\n    kinds: [Deployment]\n    namespaces: ['{chr(ord('a') + number % 26)}*']\n"
            + "    labels: {app.kubernetes.io/managed-by: {in: [argocd, flux]}}\n"
            + "  assert:\n"
            + "    - path: spec.template.spec.containers[*].image\n"
            + f"      matches: '[a-z0-9./-]+:[0-9]+\\.[0-9]+\\.[0-9]+(-r{number})?'\n"
            + "    - path: spec.template.spec.containers[*].resources.limits\n      exists: true\n"
            + f"    - path: metadata.labels[\"team\"]\n      exists: true\n"
        )
    for number in range(50):
        documents.append(
            header(f"bench-policy-{number}", "Policy conventions.")
            + "  match:\n    kinds: [AuthorizationPolicy]\n"
            + "  assert:\n"
            + "    - path: spec.rules[*].from[*].source.principals\n"
            + f"      all: {{matches: 'cluster\\.local/ns/[a-z0-9-]+/sa/[a-z0-9-]+{number % 3 * '.*'}'}}\n"
            + "    - path: spec.rules[*].to[*].operation.methods\n"
            + f"      all: {{in: [GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS{', TRACE' * (number % 2)}]}}\n"
        )
    methods = ["GET", "POST", "PUT", "DELETE"]
    for number in range(50):
        namespace, name, port = targets[(number * 7) % len(targets)]
        callers = ", ".join(allowed.get(f"bench-access-{number}", []) if allowed else [])
        documents.append(
            header(f"bench-access-{number}", "Who may call this service.")
            + f"  match:\n    kinds: [Service]\n    namespaces: [{namespace}]\n    names: [{name}]\n"
            + "  assert:\n    - access:\n"
            + f"        to: {name}.{namespace}:{port}\n"
            + f"        request: {{method: {methods[number % 4]}, path: /api/v{number % 3}/items}}\n"
            + f"        onlyFrom: [{callers}]\n"
            + f"        requireToken: {'true' if number % 2 else 'false'}\n"
        )
    assert len(documents) == RULE_COUNT
    return documents


FAMILIES = ["namespace", "deployment", "policy", "access"]


def write(path, documents):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("---\n".join(documents))


def calibrated_rules(meshlint, corpus, rules_dir):
    """Writes the rules, finds who gets through each access invariant, and writes them again.

    Returns the rules' documents."""
    path = os.path.join(rules_dir, "bench.yaml")
    write(path, rules(corpus))
    scan = subprocess.run([meshlint, "scan", corpus, "--rules-dir", rules_dir, "--format", "json"],
                          capture_output=True, text=True)
    allowed = {}
    for finding in json.loads(scan.stdout)["findings"]:
        caller = re.match(r"(\S+/\S+|anonymous) is allowed ", finding["message"])
        if finding["rule"].startswith("bench-access-") and caller:
            allowed.setdefault(finding["rule"], []).append(caller.group(1))
    documents = rules(corpus, allowed)
    write(path, documents)
    return documents


def timed(command, runs):
    """Median wall seconds of `runs` runs (after one warm-up run), and the last exit status."""
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    status = 0
    for _ in range(runs):
        start = time.perf_counter()
        status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), status


def paired(base, other, runs):
    """Median wall seconds of `base`, of `other`, and of their difference, over `runs` runs taken
    in turn (base, other, base, ...), so that a slow spell of a shared machine hits both alike."""
    for command in (base, other):
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first, second = [], []
    for _ in range(runs):
        for command, times in ((base, first), (other, second)):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
    return statistics.median(first), statistics.median(second), statistics.median(b - a for a, b in zip(first, second))


def count_rules(meshlint, rules_dir):
    listing = subprocess.run([meshlint, "rules", "--rules-dir", rules_dir], capture_output=True, text=True)
    if listing.returncode != 0:
        sys.exit(f"meshlint rules refused the generated rules:\n{listing.stderr}")
    return len(re.findall(r"^\s*bench-[a-z]+-[0-9]+\b", listing.stdout, re.M))


def measure(meshlint, corpus, runs):
    """Returns the figures as a dict: seconds with and without the rules, and the load alone."""
    with tempfile.TemporaryDirectory() as scratch:
        rules_dir = os.path.join(scratch, "rules.d")
        os.mkdir(rules_dir)
        documents = calibrated_rules(meshlint, corpus, rules_dir)
        empty = os.path.join(scratch, "empty")
        os.mkdir(empty)
        scan = [meshlint, "scan", corpus, "--format", "sarif", "--output", "/dev/null"]
        baseline, with_rules, added = paired(scan, scan + ["--rules-dir", rules_dir], runs)
        _, _, load = paired([meshlint, "rules", "--rules-dir", empty], [meshlint, "rules", "--rules-dir", rules_dir], runs)
        families = {}
        for family in FAMILIES:
            family_dir = os.path.join(scratch, family)
            os.mkdir(family_dir)
            write(os.path.join(family_dir, "bench.yaml"), [d for d in documents if f"name: bench-{family}-" in d])
            families[family] = paired(scan, scan + ["--rules-dir", family_dir], runs)[2]
        loaded = count_rules(meshlint, rules_dir)
        report = subprocess.run(scan[:3] + ["--format", "json", "--rules-dir", rules_dir], capture_output=True, text=True)
        findings = sum(1 for f in json.loads(report.stdout)["findings"] if f["rule"].startswith("bench-"))
    return {
        "rules": loaded,
        "findings": findings,
        "scan": baseline,
        "scan_with_rules": with_rules,
        "added": added,
        "load": load,
        "families": families,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("meshlint")
    parser.add_argument("corpus")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--write-rules", metavar="FILE", help="only write the generated rules to FILE")
    arguments = parser.parse_args()
    if arguments.write_rules:
        write(arguments.write_rules, rules(arguments.corpus))
        return
    figures = measure(arguments.meshlint, arguments.corpus, arguments.runs)
    print(f"custom rules loaded:        {figures['rules']}")
    print(f"findings of these rules:    {figures['findings']}")
    print(f"scan without them:          {figures['scan'] * 1000:7.1f} ms (median of {arguments.runs})")
    print(f"scan with them:             {figures['scan_with_rules'] * 1000:7.1f} ms")
    print(f"added by the rules:         {figures['added'] * 1000:7.1f} ms (median of the differences; target: under 20 ms)")
    print(f"of which loading the files: {figures['load'] * 1000:7.1f} ms")
    for family, added in figures["families"].items():
        print(f"  the 50 {family} rules alone add {added * 1000:7.1f} ms")
    sys.exit(0 if figures["added"] < 0.020 else 1)


if __name__ == "__main__":
    main()
