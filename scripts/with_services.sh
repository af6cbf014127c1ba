#!/usr/bin/env bash
# Runs a command with the integration-test servers up (Kafka, MariaDB,
# PostgreSQL on 127.0.0.1: scripts/services.sh), their addresses exported
# (SPRY_KAFKA_BOOTSTRAP, SPRY_MYSQL_DSN, SPRY_POSTGRES_DSN) and
# SPRY_REQUIRE_SERVICES=1, so a test needing a server fails rather than
# skips; the servers are stopped afterwards, whatever the outcome.
# Usage: scripts/with_services.sh command [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> starting the test servers (scripts/services.sh up)"
trap 'echo "==> stopping the test servers"; scripts/services.sh down >/dev/null 2>&1 || true' EXIT
scripts/services.sh up
eval "$(scripts/services.sh env)"
export SPRY_REQUIRE_SERVICES=1
"$@"
