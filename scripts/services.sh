#!/usr/bin/env bash
# Starts and stops the servers Spry's integration tests talk to, all on
# 127.0.0.1 with data and logs under .services/ (gitignored):
#   Kafka (KRaft) 19092    scripts/services/kafka.sh
#   MariaDB 13306, PostgreSQL 15432    scripts/services/db.sh
#
#   scripts/services.sh up|down|status|env [kafka|db ...]
#
# `up` is idempotent and waits until each server answers; `env` prints the
# export lines the tests read (SPRY_KAFKA_BOOTSTRAP, SPRY_MYSQL_DSN,
# SPRY_POSTGRES_DSN): eval "$(scripts/services.sh env)".
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cmd="${1:-}"
shift || true
case "$cmd" in
  up | down | status | env) ;;
  *) echo "usage: $0 up|down|status|env [kafka|db ...]" >&2; exit 2 ;;
esac

services=("$@")
if ((${#services[@]} == 0)); then
  services=(kafka db)
fi

rc=0
for s in "${services[@]}"; do
  script="$HERE/services/$s.sh"
  if [[ ! -x "$script" ]]; then
    [[ "$cmd" == env ]] || echo "services: no $script; skipping $s"
    continue
  fi
  [[ "$cmd" == env ]] || echo "==> $s $cmd"
  # down and status go on past one failing service so the others are
  # still stopped or reported; up stops at the first failure.
  if [[ "$cmd" == up ]]; then
    "$script" "$cmd"
  else
    "$script" "$cmd" || rc=1
  fi
done
exit $rc
