#!/usr/bin/env bash
# Runs every fuzz target in the repository for the given budget each
# (default 10s). Go allows one -fuzz target per run, so targets are found
# with `go test -list` and run one by one.
set -euo pipefail
budget=${1:-10s}
cd "$(dirname "$0")/.."
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "--> $pkg $target ($budget)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$budget" "$pkg" >/tmp/spry-fuzz.log 2>&1 || { cat /tmp/spry-fuzz.log; exit 1; }
    tail -n 1 /tmp/spry-fuzz.log
  done
done
