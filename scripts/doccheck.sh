#!/usr/bin/env bash
# Fails when a package has no doc comment: every package says what it is for.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=$(go list -f '{{if not .Doc}}{{.ImportPath}}{{end}}' ./... | grep -v '^$' || true)
if [ -n "$missing" ]; then
  echo "packages without a doc comment:"; echo "$missing"; exit 1
fi
echo "every package has a doc comment"
