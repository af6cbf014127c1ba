#!/usr/bin/env bash
# The chaos test of Spry's exactly-once guarantee (package chaos): builds
# bin/spry, starts the test servers if needed, fills Kafka with generated
# bids, runs a HOP window aggregation + join job into an exactly-once Kafka
# sink and a MariaDB upsert table while killing the engine with SIGKILL at
# random moments, restarting it from its latest checkpoint each time, and
# ends with one line per sink:
#   kills=N lost=L duplicated=D
# It exits with status 1 when a row was lost or duplicated.
#
#   scripts/chaos.sh [--kills N] [--events N] [--sink kafka|mariadb|both]
#                    [--seed S] [--no-reference] [--keep] [other chaos flags]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

args=()
while (($#)); do
  case "$1" in
    --kills | --events | --sink | --seed)
      (($# >= 2)) || { echo "chaos.sh: $1 needs a value" >&2; exit 2; }
      args+=("$1" "$2"); shift 2 ;;
    -h | --help)
      sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done

echo "==> building bin/spry"
mkdir -p bin
go build -o bin/spry ./cmd/spry
go build -o bin/spry-chaos ./chaos/cmd/chaos

echo "==> test servers"
scripts/services.sh up
eval "$(scripts/services.sh env)"

echo "==> chaos run"
exec bin/spry-chaos --bin bin/spry "${args[@]}"
