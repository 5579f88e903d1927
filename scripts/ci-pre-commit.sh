#!/usr/bin/env bash
# Checks this repository's pre-commit hooks (.pre-commit-hooks.yaml) end to end, the way a user
# runs them: a scratch git repository whose .pre-commit-config.yaml points at this repository,
# `pre-commit run` on a manifest with a violation (must fail, naming the rule), `pre-commit install`
# and a `git commit` of it (must be refused), then a default deny added and committed (must pass);
# a staged file named `--write-baseline=x.json` must be scanned, not obeyed as an option, and custom
# `args` that end with `--` must take effect.
#
# usage: scripts/ci-pre-commit.sh [MESHLINT_REPO]      (default: this script's repository)
#
#   meshlint-system (language: system) is always checked; it needs a built `meshlint` on PATH.
#   MESHLINT_PRECOMMIT_SWIFT=1 also checks `meshlint` (language: swift): pre-commit builds the
#   package with `swift build -c release` (minutes, and swift-argument-parser must be fetchable).
#
# pre-commit clones the hook repository at `rev`, so it only sees committed files. A clean work
# tree (CI's fresh clone) is used as it is, at HEAD; a work tree with changes (tracked or not) is
# first copied to a scratch repository and committed there, so what is checked is what is on disk.
# (`pre-commit try-repo` is no substitute: it carries tracked changes over but not new files.)
# Nothing outside a temporary directory is written, except `pip install pre-commit` if it is missing.
set -euo pipefail

log() { printf 'ci-pre-commit: %s\n' "$*"; }
fail() {
  printf 'ci-pre-commit: FAIL: %s\n' "$*" >&2
  exit 1
}
indent() { sed 's/^/    | /'; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="${1:-$script_dir/..}"
[ -d "$repo" ] || fail "$repo is not a directory"
repo="$(cd "$repo" && pwd -P)"
[ -f "$repo/.pre-commit-hooks.yaml" ] || fail "$repo has no .pre-commit-hooks.yaml"

# Run as a git hook or inside another repository's hook, these would point git elsewhere.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
  GIT_PREFIX GIT_COMMON_DIR PRE_COMMIT PRE_COMMIT_CONFIG PRE_COMMIT_FROM_REF PRE_COMMIT_TO_REF 2>/dev/null || true

command -v git >/dev/null 2>&1 || fail "git is not on PATH"
command -v python3 >/dev/null 2>&1 || fail "python3 is not on PATH"
if ! command -v meshlint >/dev/null 2>&1; then
  fail "no meshlint on PATH for the meshlint-system hook: build it (swift build) and put its bin directory on PATH"
fi
log "meshlint on PATH: $(command -v meshlint) ($(meshlint version 2>&1 | head -n 1))"

work="$(mktemp -d "${TMPDIR:-/tmp}/meshlint-pre-commit.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
# Everything temporary stays in $work (SwiftPM leaves lock files in TMPDIR, for one).
mkdir -p "$work/tmp"
export TMPDIR="$work/tmp"

# A git configuration of our own: a developer's global settings (commit signing, core.hooksPath,
# init templates with hooks) must not change the outcome, and pre-commit refuses to install hooks
# when core.hooksPath is set.
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL="$work/gitconfig"
cat >"$GIT_CONFIG_GLOBAL" <<'EOF'
[user]
	name = MeshLint CI
	email = ci@meshlint.invalid
[commit]
	gpgsign = false
[init]
	defaultBranch = main
[safe]
	directory = *
[advice]
	detachedHead = false
EOF
export PRE_COMMIT_HOME="$work/pre-commit-home"
export PRE_COMMIT_COLOR=never NO_COLOR=1

# pre-commit itself: whatever is installed, else pip, else a virtual environment of our own (for a
# Python that refuses `pip install` outside one, PEP 668).
if command -v pre-commit >/dev/null 2>&1; then
  pre_commit=(pre-commit)
elif python3 -m pre_commit --version >/dev/null 2>&1; then
  pre_commit=(python3 -m pre_commit)
else
  log "pre-commit not found: python3 -m pip install pre-commit"
  if python3 -m pip install --quiet --disable-pip-version-check pre-commit && python3 -m pre_commit --version >/dev/null 2>&1; then
    pre_commit=(python3 -m pre_commit)
  else
    log "pip install failed; installing pre-commit into a virtual environment in $work"
    python3 -m venv "$work/venv" || fail "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check pre-commit || fail "could not install pre-commit"
    pre_commit=("$work/venv/bin/python" -m pre_commit)
  fi
fi
log "using $("${pre_commit[@]}" --version) (${pre_commit[*]})"

# The hook repository pre-commit clones.
if [ -z "$(git -C "$repo" status --porcelain --untracked-files=all)" ]; then
  hook_repo="$repo"
  log "hook repository: $repo, clean, at HEAD"
else
  hook_repo="$work/meshlint-snapshot"
  log "hook repository: $repo has uncommitted changes: checking a snapshot of its work tree ($hook_repo)"
  mkdir -p "$hook_repo"
  # Tracked and untracked files, less ignored ones and deleted ones.
  git -C "$repo" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
      if [ -e "$repo/$file" ] || [ -L "$repo/$file" ]; then printf '%s\0' "$file"; fi
    done |
    tar -C "$repo" --null -T - -cf - | tar -C "$hook_repo" -xf -
  git -C "$hook_repo" init -q
  git -C "$hook_repo" add -A
  git -C "$hook_repo" commit -q -m "snapshot of $repo's work tree"
fi
rev="$(git -C "$hook_repo" rev-parse HEAD)"
log "rev: $rev"

yaml_quote() { printf "'%s'" "${1//\'/\'\'}"; }

manifest_namespace() {
  cat <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: ambient
EOF
}
manifest_default_deny() {
  cat <<'EOF'
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: default-deny
  namespace: shop
spec: {}
EOF
}

# run_capture OUTFILE COMMAND...: runs COMMAND, its output to OUTFILE and indented to our log;
# sets `status` to its exit code.
run_capture() {
  local out=$1
  shift
  set +e
  "$@" >"$out" 2>&1
  status=$?
  set -e
  indent <"$out"
}

# exercise HOOK_ID HOOK_NAME: the whole scenario against one hook, in a scratch repository of its
# own. HOOK_NAME is its `name` in .pre-commit-hooks.yaml, which starts pre-commit's line for it.
exercise() {
  local hook=$1 name=$2 started=$SECONDS project out before after
  project="$work/project-$hook"
  out="$work/$hook.out"
  log "=== hook $hook ==="
  git init -q "$project"
  cd "$project"
  git config user.email ci@meshlint.invalid
  git config user.name "MeshLint CI"
  cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $(yaml_quote "$hook_repo")
    rev: $rev
    hooks:
      - id: $hook
EOF

  log "[$hook] pre-commit install, then commit .pre-commit-config.yaml (YAML without apiVersion/kind: skipped, must pass)"
  "${pre_commit[@]}" install | indent
  git add .pre-commit-config.yaml
  run_capture "$out" git commit -m "pre-commit configuration"
  [ "$status" -eq 0 ] || fail "[$hook] committing .pre-commit-config.yaml failed (exit $status)"
  grep -F "$name" "$out" | grep -q 'Passed' || fail "[$hook] the hook did not run on .pre-commit-config.yaml"
  log "[$hook] ok: passed ($((SECONDS - started))s, including the hook's first install)"

  log "[$hook] (a) an ambient Namespace without default deny: pre-commit run --files must fail"
  mkdir -p k8s
  manifest_namespace >k8s/namespace.yaml
  git add k8s/namespace.yaml
  run_capture "$out" "${pre_commit[@]}" run "$hook" --files k8s/namespace.yaml
  [ "$status" -ne 0 ] || fail "[$hook] pre-commit run passed on a Namespace without default deny"
  grep -q 'ambient-namespace-without-default-deny' "$out" || fail "[$hook] the output does not name ambient-namespace-without-default-deny"
  grep -q 'k8s/namespace.yaml:6:5' "$out" || fail "[$hook] the output does not point at k8s/namespace.yaml:6:5"
  log "[$hook] ok: failed (exit $status) with ambient-namespace-without-default-deny at k8s/namespace.yaml:6:5"

  log "[$hook] (b) git commit of that Namespace: the hook must refuse it"
  before="$(git rev-parse HEAD)"
  run_capture "$out" git commit -m "ambient namespace, no default deny"
  after="$(git rev-parse HEAD)"
  [ "$status" -ne 0 ] || fail "[$hook] git commit of a Namespace without default deny succeeded"
  [ "$before" = "$after" ] || fail "[$hook] git commit failed but HEAD moved"
  grep -q 'ambient-namespace-without-default-deny' "$out" || fail "[$hook] the refused commit's output does not name the rule"
  log "[$hook] ok: commit refused (exit $status), HEAD unchanged"

  log "[$hook] (c) add the default-deny AuthorizationPolicy in its own file: git commit must pass"
  manifest_default_deny >k8s/default-deny.yaml
  git add k8s/default-deny.yaml
  run_capture "$out" git commit -m "ambient namespace with default deny"
  [ "$status" -eq 0 ] || fail "[$hook] git commit with a default deny failed (exit $status)"
  [ "$(git rev-list --count HEAD)" -eq 2 ] || fail "[$hook] expected 2 commits, found $(git rev-list --count HEAD)"
  log "[$hook] ok: committed"

  log "[$hook] (d) changed-files mode: change only the Namespace; the policy in the unchanged file is context, so this must pass"
  printf '    team: payments\n' >>k8s/namespace.yaml
  git add k8s/namespace.yaml
  run_capture "$out" git commit -m "label the namespace"
  [ "$status" -eq 0 ] || fail "[$hook] the policy in an unchanged file was not taken as context (exit $status)"
  log "[$hook] ok: committed"

  log "[$hook] (e) remove the default deny along with a change to the Namespace: must be refused"
  git rm -q k8s/default-deny.yaml
  printf '    tier: backend\n' >>k8s/namespace.yaml
  git add k8s/namespace.yaml
  before="$(git rev-parse HEAD)"
  run_capture "$out" git commit -m "drop the default deny"
  after="$(git rev-parse HEAD)"
  [ "$status" -ne 0 ] || fail "[$hook] a commit removing the default deny succeeded"
  [ "$before" = "$after" ] || fail "[$hook] git commit failed but HEAD moved"
  grep -q 'ambient-namespace-without-default-deny' "$out" || fail "[$hook] the refused commit's output does not name the rule"
  git reset -q --hard HEAD
  log "[$hook] ok: commit refused (exit $status)"

  log "[$hook] (f) a staged file named --write-baseline=x.json holding a violation: scanned, not obeyed as an option"
  printf '%s\n' '{"apiVersion": "v1", "kind": "Namespace",' \
    ' "metadata": {"name": "evil", "labels": {"istio.io/dataplane-mode": "ambient"}}}' >"--write-baseline=x.json"
  git add -- "--write-baseline=x.json"
  before="$(git rev-parse HEAD)"
  run_capture "$out" git commit -m "a file name that looks like an option"
  after="$(git rev-parse HEAD)"
  [ "$status" -ne 0 ] || fail "[$hook] the file named --write-baseline=x.json was taken as an option: the commit passed"
  [ "$before" = "$after" ] || fail "[$hook] git commit failed but HEAD moved"
  [ ! -e x.json ] || fail "[$hook] a baseline x.json was written: the file name was read as an option"
  grep -q -e '--write-baseline=x.json:2:' "$out" || fail "[$hook] the finding is not reported at --write-baseline=x.json"
  git rm -q --cached -- "--write-baseline=x.json"
  rm -f -- "--write-baseline=x.json"
  log "[$hook] ok: commit refused (exit $status), the finding is on the oddly named file, no baseline written"

  log "[$hook] (g) custom args ending with --: args: [--fail-on, warning, --] refuses a commit with only a warning"
  printf '%s\n' 'repos:' "  - repo: $(yaml_quote "$hook_repo")" "    rev: $rev" '    hooks:' "      - id: $hook" \
    '        args: [--fail-on, warning, --]' >.pre-commit-config.yaml
  printf '    stage: prod\n' >>k8s/namespace.yaml
  git add .pre-commit-config.yaml k8s/namespace.yaml
  before="$(git rev-parse HEAD)"
  run_capture "$out" git commit -m "a warning only"
  after="$(git rev-parse HEAD)"
  [ "$status" -ne 0 ] || fail "[$hook] args: [--fail-on, warning, --] did not fail on peer-authentication-not-strict"
  [ "$before" = "$after" ] || fail "[$hook] git commit failed but HEAD moved"
  grep -q 'peer-authentication-not-strict' "$out" || fail "[$hook] the refused commit's output does not name peer-authentication-not-strict"
  git reset -q --hard HEAD
  log "[$hook] ok: commit refused on a warning (exit $status)"

  cd "$work"
  log "[$hook] passed in $((SECONDS - started))s"
}

exercise meshlint-system "meshlint (preinstalled)"

if [ "${MESHLINT_PRECOMMIT_SWIFT:-0}" = "1" ]; then
  # The swift hook must run the binary pre-commit built, never the one on PATH: a `meshlint` that
  # fails loudly goes first on PATH (pre-commit puts its build directory before all of PATH).
  mkdir -p "$work/decoy"
  cat >"$work/decoy/meshlint" <<'EOF'
#!/bin/sh
echo "ci-pre-commit: the meshlint on PATH ran instead of the swift hook's own build" >&2
exit 99
EOF
  chmod +x "$work/decoy/meshlint"
  PATH="$work/decoy:$PATH" exercise meshlint "meshlint"
else
  log "hook meshlint (language: swift) not checked: set MESHLINT_PRECOMMIT_SWIFT=1 (it builds MeshLint in release)"
fi

log "all checks passed"
