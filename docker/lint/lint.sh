#!/usr/bin/env bash
# Checks the syntax and arguments of docker/Dockerfile.* with dockerfile-utils (npm; version pinned by
# package-lock.json), the linter of the Dockerfile language server: unknown instructions and flags, bad durations,
# ports and signals, missing arguments. hadolint has no Debian, Maven or npm package, so it is not used.
# Needs Node.js and npm. Exits non-zero on any problem.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v npm >/dev/null 2>&1 || { echo "dockerfile lint: npm not found (apt-get install npm)" >&2; exit 1; }
if [ ! -x "$here/node_modules/.bin/dockerfile-utils" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent >/dev/null)
fi
status=0
for f in "$here"/../Dockerfile.*; do
  case "$f" in *.dockerignore) continue ;; esac
  if out="$("$here/node_modules/.bin/dockerfile-utils" lint "$f" 2>&1)" && [ -z "$out" ]; then
    echo "dockerfile lint: $(basename "$f") ok"
  else
    echo "dockerfile lint: $(basename "$f")" >&2
    echo "$out" >&2
    status=1
  fi
done
exit $status
