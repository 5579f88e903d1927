#!/usr/bin/env python3
"""Check SARIF files against the SARIF 2.1.0 schema and GitHub code scanning's own rules.

Usage: check-sarif.py SCHEMA FILE...

Schema: validated with a Draft 4 validator (the OASIS errata01 schema is draft-04).
GitHub's extra rules (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
every result has a region with startLine and startColumn >= 1 and a relative uri; ruleIndex points at
the result's rule; every rule has help markdown, and a security-severity when tagged security; at
most 20 tags per rule; the file is under 10 MB. Exits 1 on the first file with any problem.
"""
import json
import os
import sys

import jsonschema

MAX_BYTES = 10 * 1024 * 1024


def github_problems(sarif):
    problems = []
    for run_number, run in enumerate(sarif.get("runs", [])):
        rules = run["tool"]["driver"].get("rules", [])
        for rule in rules:
            rule_id = rule.get("id")
            if not rule.get("help", {}).get("markdown"):
                problems.append(f"rule {rule_id}: no help.markdown")
            properties = rule.get("properties", {})
            tags = properties.get("tags", [])
            if len(tags) > 20:
                problems.append(f"rule {rule_id}: {len(tags)} tags (GitHub keeps 20)")
            if "security" in tags:
                score = properties.get("security-severity")
                try:
                    value = float(score)
                except (TypeError, ValueError):
                    problems.append(f"rule {rule_id}: tagged security without a numeric security-severity")
                    continue
                if not 0.0 < value <= 10.0:
                    problems.append(f"rule {rule_id}: security-severity {score} out of range")
        for number, result in enumerate(run.get("results", [])):
            where = f"run {run_number} result {number} ({result.get('ruleId')})"
            index = result.get("ruleIndex")
            if index is None or not 0 <= index < len(rules) or rules[index].get("id") != result.get("ruleId"):
                problems.append(f"{where}: ruleIndex {index} does not point at its rule")
            locations = result.get("locations", [])
            if len(locations) != 1:
                problems.append(f"{where}: {len(locations)} locations, expected exactly one")
            for location in locations + result.get("relatedLocations", []):
                physical = location.get("physicalLocation", {})
                uri = physical.get("artifactLocation", {}).get("uri", "")
                if uri.startswith("/") or "://" in uri:
                    problems.append(f"{where}: uri {uri!r} is not relative to the repository")
                region = physical.get("region", {})
                if region.get("startLine", 0) < 1 or region.get("startColumn", 0) < 1:
                    problems.append(f"{where}: region {region} lacks startLine/startColumn >= 1")
            if not result.get("partialFingerprints"):
                problems.append(f"{where}: no partialFingerprints")
    return problems


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft4Validator(schema)
    failed = False
    for path in sys.argv[2:]:
        size = os.path.getsize(path)
        problems = [] if size < MAX_BYTES else [f"{size} bytes, over GitHub's 10 MB"]
        sarif = json.load(open(path))
        problems += [f"schema: {error.message} at {'/'.join(map(str, error.absolute_path))}"
                     for error in validator.iter_errors(sarif)]
        problems += github_problems(sarif)
        if problems:
            failed = True
            print(f"{path}: {len(problems)} problem(s)")
            for problem in problems[:50]:
                print(f"  {problem}")
        else:
            results = sum(len(run.get("results", [])) for run in sarif["runs"])
            print(f"{path}: valid SARIF 2.1.0 for GitHub ({results} results)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
