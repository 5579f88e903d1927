#!/usr/bin/env bash
# Markdown output on a repository written by an attacker, parsed as GitHub parses it
# (scripts/check-markdown.py, markdown-it-py): `scan --format markdown` (the job summary and PR
# comment), `report --format markdown`, `access matrix --format markdown` and SARIF's
# help.markdown of a custom rule from the repository's rules.d. Each must keep its own headings,
# list every finding, and carry no raw HTML, image, external link or mention.
#
# usage: scripts/ci-markdown.sh MESHLINT_BINARY
set -euo pipefail

log() { printf 'ci-markdown: %s\n' "$*"; }
fail() {
  printf 'ci-markdown: FAIL: %s\n' "$*" >&2
  exit 1
}

[ "$#" -eq 1 ] || { echo "usage: $0 MESHLINT_BINARY" >&2; exit 2; }
meshlint="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
[ -x "$meshlint" ] || fail "$1 is not an executable file"
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checker="$script_dir/check-markdown.py"

if ! python3 -c 'import markdown_it' 2>/dev/null; then
  log "installing markdown-it-py"
  python3 -m pip install --quiet --disable-pip-version-check markdown-it-py
fi
log "checker self-test"
python3 "$checker" --self-test >/dev/null || { python3 "$checker" --self-test; fail "the checker's self-test"; }

work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
repo="$work/repo"
mkdir -p "$repo/.meshlint/rules.d"
git -C "$repo" init -q
# The file name forges a clean result and opens a comment that would hide every later finding.
forged=$'0.yaml)\n\n# \xe2\x9c\x85 MeshLint: no findings\n\n<!--.yaml'
cat > "$repo/$forged" <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: 'pay[x](https://evil.example)'
  labels: {istio.io/dataplane-mode: ambient}
YAML
cat > "$repo/names.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: '<img src=x onerror=alert(1)>'
  labels: {istio.io/dataplane-mode: ambient}
---
apiVersion: v1
kind: Namespace
metadata:
  name: '@org/team #1 `x` ``y'
  labels: {istio.io/dataplane-mode: ambient}
---
apiVersion: v1
kind: Service
metadata: {name: '<!-- svc', namespace: '<img src=x onerror=alert(1)>'}
spec:
  ports: [{name: http, port: 8080}]
  selector: {app: x}
---
apiVersion: v1
kind: Service
metadata: {name: 'x`<img src=x onerror=alert(2)>`', namespace: '@org/team #1 `x` ``y'}
spec:
  ports: [{name: http, port: 8080}]
  selector: {app: y}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: '[sa](https://evil.example)', namespace: '<img src=x onerror=alert(1)>'}
YAML
cat > "$repo/.meshlint/rules.d/hostile.yaml" <<'YAML'
apiVersion: meshlint.io/v1alpha1
kind: Rule
metadata:
  name: hostile-texts
spec:
  title: 'Owner <img src=x onerror=alert(1)> [click](https://evil.example)'
  severity: warning
  tags: ['@org/team', '<b>']
  summary: 'Namespaces need an owner. <!-- hide'
  rationale: |
    Ask @org/team, see #12 and [the form](https://evil.example).

    <details><summary>x</summary>
  remediation: "Label it:\n```\n<script>alert(1)</script>\nmetadata: {labels: {owner: team}}"
  references: ['javascript:alert(1)', 'https://istio.io/latest/docs/ambient/']
  match: {kinds: [Namespace]}
  assert:
    - path: metadata.labels["owner"]
      exists: true
      message: 'no owner ![i](https://evil.example/i.png) @org/team'
YAML

headings=(--heading 'MeshLint' --heading 'Findings')
log "scan --format markdown"
set +e
"$meshlint" scan "$repo" --format markdown --output "$work/scan.md" --format json --output "$work/scan.json"
status=$?
set -e
[ "$status" -eq 1 ] || fail "scan exited $status, expected 1 (findings)"
findings="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/scan.json")"
[ "$findings" -ge 5 ] || fail "only $findings findings in the hostile repository"
python3 "$checker" "$work/scan.md" "${headings[@]}" --items "$findings" || fail "scan --format markdown"

log "report --format markdown"
"$meshlint" report "$repo" --format markdown --output "$work/report.md" || fail "report exited $?"
python3 "$checker" "$work/report.md" --allow-anchors \
  --heading 'MeshLint posture report: .*' --heading 'Summary' --heading 'Control matrix' --heading 'Evidence' \
  --heading 'Access to sensitive namespaces' --heading 'Migration readiness' --heading 'Access expectations' --heading 'Findings' \
  --heading 'Suppressed findings' --heading 'Appendix: compliance mapping' --heading 'Ambient.*\([0-9]+\)' \
  --heading 'Sidecar.*\([0-9]+\)' --heading 'Not in the mesh.*\([0-9]+\)' --heading 'Unknown.*\([0-9]+\)' \
  --heading 'pay\[x\]\(https://evil\.example\)' --heading '<img src=x onerror=alert\(1\)>' \
  --heading '@\u2060org/team #\u20601 `x` ``y' --heading '(pay|<img|@).* \([0-9]+\)' \
  --heading 'PCI DSS.*|NIST.*|CIS.*|SOC.*|ISO.*' || fail "report --format markdown"

log "access matrix --format markdown"
"$meshlint" access matrix "$repo" --format markdown > "$work/matrix.md" || fail "access matrix exited $?"
python3 "$checker" "$work/matrix.md" || fail "access matrix --format markdown"

log "access diff --format markdown"
git -C "$repo" add -A >/dev/null
git -C "$repo" -c user.name=ci -c user.email=ci@example.invalid commit -q -m base
cat > "$repo/deny.yaml" <<'YAML'
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: 'deny-all', namespace: '@org/team #1 `x` ``y'}
spec: {}
YAML
(cd "$repo" && "$meshlint" access diff --base HEAD --format markdown) > "$work/diff.md" || fail "access diff exited $?"
grep -q 'newly denies' "$work/diff.md" || fail "the access diff shows no change"
python3 "$checker" "$work/diff.md" || fail "access diff --format markdown"

log "SARIF help.markdown of the repository's custom rule"
set +e
"$meshlint" scan "$repo" --format sarif --output "$work/scan.sarif"
set -e
python3 - "$work/scan.sarif" "$work/help.md" <<'PY'
import json, sys
sarif = json.load(open(sys.argv[1]))
rules = sarif["runs"][0]["tool"]["driver"].get("rules", []) + [
    rule for extension in sarif["runs"][0]["tool"].get("extensions", []) for rule in extension.get("rules", [])]
help = [rule["help"]["markdown"] for rule in rules if rule["id"] == "hostile-texts"]
assert help, "the custom rule is not in the SARIF file"
open(sys.argv[2], "w").write(help[0])
PY
python3 "$checker" "$work/help.md" --allow-https \
  --heading 'Owner <img src=x onerror=alert\(1\)> \[click\]\(https://evil\.example\) \(hostile-texts\)' \
  --heading 'Why' --heading 'Fix' --heading 'References' || fail "SARIF help.markdown"
log "ok: no forged heading, hidden finding, HTML, image, external link or mention in any Markdown output"
