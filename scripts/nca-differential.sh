#!/usr/bin/env bash
# Differential test of `meshlint access matrix` against network-config-analyzer (nca):
# generated ambient configurations with only selector-based L4 AuthorizationPolicies and
# no waypoints (where ztunnel and sidecar semantics agree) must give the same reachability
# for every (source workload, destination workload, Service port).
#
# Usage: scripts/nca-differential.sh [MESHLINT_BINARY]   (default: meshlint on PATH)
# Environment: NCA_DIFF_COUNT (default 200), NCA_DIFF_SEED (default 7), NCA_DIFF_KEEP=1 keeps the temp dir.
# Prints "nca-differential: N configurations, M pairs, 0 disagreements" and exits 0 on agreement.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
NCA_VERSION="2.1.0"
count="${NCA_DIFF_COUNT:-200}"
seed="${NCA_DIFF_SEED:-7}"

meshlint="${1:-$(command -v meshlint || true)}"
if [ -z "$meshlint" ] || [ ! -x "$meshlint" ]; then
  echo "nca-differential: no meshlint binary (give it as the first argument or put it on PATH)" >&2
  exit 2
fi
meshlint="$(cd "$(dirname "$meshlint")" && pwd)/$(basename "$meshlint")"

work="$(mktemp -d "${TMPDIR:-/tmp}/nca-differential.XXXXXX")"
if [ "${NCA_DIFF_KEEP:-0}" != "1" ]; then trap 'rm -rf "$work"' EXIT; else echo "nca-differential: keeping $work"; fi

python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "network-config-analyzer==$NCA_VERSION"
echo "nca-differential: $("$work/venv/bin/nca" --version 2>/dev/null | head -1), meshlint $("$meshlint" --version 2>&1 | tail -1)"

python3 "$here/nca_differential/generate.py" --out "$work/configs" --count "$count" --seed "$seed"
# nca writes its warnings next to the working directory's files; run it from the temp dir.
cd "$work"
python3 "$here/nca_differential/compare.py" --configs "$work/configs" --meshlint "$meshlint" --nca "$work/venv/bin/nca"
