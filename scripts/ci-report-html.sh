#!/usr/bin/env bash
# Checks `meshlint report --format html` end to end: the checker's own self-test (it must be able
# to fail), then the report of examples/payments-guide, statically (html5lib parse errors,
# self-containedness, #fragment links and ids, table accessibility) and rendered by headless
# Chromium to a PNG screenshot and a PDF, which are kept in OUTDIR for a person to look at.
#
# usage: scripts/ci-report-html.sh MESHLINT_BINARY OUTDIR
#
# Installs what is missing: Debian's chromium (apt-get, as root) and html5lib (pip).
set -euo pipefail

log() { printf 'ci-report-html: %s\n' "$*"; }
fail() {
  printf 'ci-report-html: FAIL: %s\n' "$*" >&2
  exit 1
}

if [ "$#" -ne 2 ]; then
  echo "usage: $0 MESHLINT_BINARY OUTDIR" >&2
  exit 2
fi
meshlint="$1"
outdir="$2"
# Resolve both before changing directory, so relative paths keep their meaning.
if [[ "$meshlint" == */* ]]; then
  [ -x "$meshlint" ] || fail "$meshlint is not an executable file"
  meshlint="$(cd "$(dirname "$meshlint")" && pwd -P)/$(basename "$meshlint")"
else
  meshlint="$(command -v "$meshlint")" || fail "$1 not found on PATH"
fi
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd -P)"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$script_dir/.."

if ! command -v chromium >/dev/null 2>&1; then
  log "installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
if ! python3 -c 'import html5lib' 2>/dev/null; then
  log "installing html5lib"
  python3 -m pip install --quiet --disable-pip-version-check html5lib
fi
log "$(chromium --version 2>/dev/null | head -n1)"

log "checker self-test"
python3 scripts/check-report-html.py --self-test

report="$outdir/payments-guide.html"
rm -f "$report" "$outdir/payments-guide.png" "$outdir/payments-guide.pdf"
log "meshlint report examples/payments-guide --format html"
"$meshlint" report examples/payments-guide --format html --output "$report" ||
  fail "meshlint report exited $?"
[ -s "$report" ] || fail "meshlint report wrote no $report"

log "checking $report"
python3 scripts/check-report-html.py "$report" \
  --png "$outdir/payments-guide.png" --pdf "$outdir/payments-guide.pdf" ||
  fail "$report did not pass check-report-html.py"
log "ok: $report, payments-guide.png and payments-guide.pdf in $outdir"

# A repository written by an attacker: names, labels, annotations and a file name built to break
# out of attributes and text. The report must still parse, run no script and load nothing.
hostile="$(mktemp -d)"
name='pay"><img src=x onerror=alert(1)><a x="'
cat > "$hostile/ns\"><script>alert(2).yaml" <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: '$name'
  labels: {istio.io/dataplane-mode: ambient, "x\"><svg onload=alert(3)>": "<script>alert(4)</script>"}
  annotations: {note: "javascript:alert(5)"}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: "<img src=x onerror=alert(6)>", namespace: '$name'}
spec:
  rules: [{from: [{source: {principals: ["<b onmouseover=alert(7)>"]}}]}]
YAML
# And a custom rule whose texts and message are markup.
mkdir -p "$hostile/.meshlint/rules.d"
git -C "$hostile" init -q
cat > "$hostile/.meshlint/rules.d/hostile.yaml" <<'YAML'
apiVersion: meshlint.io/v1alpha1
kind: Rule
metadata: {name: hostile-texts}
spec:
  title: '<script>alert(8)</script>'
  severity: error
  summary: '<img src=x onerror=alert(9)>'
  rationale: '<a href="javascript:alert(10)">why</a>'
  remediation: '<svg onload=alert(11)>'
  references: ['javascript:alert(12)']
  match: {kinds: [Namespace]}
  assert:
    - path: metadata.labels["owner"]
      exists: true
      message: '<iframe src="javascript:alert(13)"></iframe>'
YAML
log "meshlint report on a hostile repository"
"$meshlint" report "$hostile" --format html --output "$outdir/hostile.html" ||
  fail "meshlint report on the hostile repository exited $?"
python3 scripts/check-report-html.py "$outdir/hostile.html" ||
  fail "the hostile repository's report did not pass check-report-html.py"
rm -rf "$hostile"
log "ok: the hostile repository's report runs no script and loads nothing"

