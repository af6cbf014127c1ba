#!/usr/bin/env bash
# Nexmark throughput benchmark: runs each query over N events from the
# in-process nexmark generator into its sink (blackhole; q10 writes CSV
# files), in streaming mode, and prints a Markdown table of wall time,
# process CPU time, events/s and events/s per used core.
#
# Usage: bench/nexmark/run.sh [-n EVENTS] [-q q0,q1,...] [-p PARALLELISM] [-r TPS] [-D key=value]...
#   -n  events per query (default: 10000000 for the stateless q0-q2,
#       q10, q14, q21, q22; 1000000 for the others)
#   -q  queries to run (default: every query but q6)
#   -p  parallelism.default (default: the number of cores)
#   -r  first-event.rate, events per second of event time (default
#       10000000, nexmark-flink's benchmark setting)
#   -D  a configuration option for every query, e.g.
#       -D execution.checkpointing.interval=10s (repeatable)
set -euo pipefail
cd "$(dirname "$0")/../.."
events=""
queries="q0,q1,q2,q3,q4,q5,q7,q8,q9,q10,q11,q12,q13,q14,q15,q16,q17,q18,q19,q20,q21,q22"
par=$(nproc)
tps=10000000
defines=()
while getopts "n:q:p:r:D:h" opt; do
  case $opt in
    n) events=$OPTARG ;;
    q) queries=$OPTARG ;;
    p) par=$OPTARG ;;
    r) tps=$OPTARG ;;
    D) defines+=(-D "$OPTARG") ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
  esac
done
[ -x bin/spry ] || make build >&2
work=$(mktemp -d /tmp/spry-nexmark-XXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data"
seq 0 9999 | awk '{ print $1 "," $1 }' > "$work/data/side_input.txt"

default_events() {
  case $1 in
    q0|q1|q2|q10|q14|q21|q22) echo 10000000 ;;
    *) echo 1000000 ;;
  esac
}

echo "| query | events | wall s | cpu s | cores used | events/s | events/s/core | status |"
echo "|---|---|---|---|---|---|---|---|"
IFS=, read -ra qs <<< "$queries"
for q in "${qs[@]}"; do
  n=${events:-$(default_events "$q")}
  sqlfile="$work/$q.sql"
  sed -e "s|\${EVENTS_NUM}|$n|g" -e "s|\${TPS}|$tps|g" -e "s|\${NEXMARK_DIR}|$work|g" \
    bench/nexmark/ddl.sql "bench/nexmark/$q.sql" > "$sqlfile"
  printf '%s: %s events ...\n' "$q" "$n" >&2
  status=ok
  if ! /usr/bin/time -f "%e %U %S" -o "$work/time" bin/spry sql -p "$par" ${defines[@]+"${defines[@]}"} -f "$sqlfile" \
      > "$work/out" 2> "$work/err"; then
    status="failed: $(grep -v "^\s*$" "$work/err" | sed -n "2p" | cut -c1-140 | tr "|" "/" || true)"
  fi
  read -r wall user sys < <(tail -1 "$work/time")
  awk -v q="$q" -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" -v st="$status" 'BEGIN {
    cpu = u + s; if (w <= 0) w = 0.001; if (cpu <= 0) cpu = 0.001
    if (st != "ok") { printf "| %s | %d | %.2f | %.2f | - | - | - | %s |\n", q, n, w, cpu, st; exit }
    printf "| %s | %d | %.2f | %.2f | %.2f | %.0f | %.0f | %s |\n", q, n, w, cpu, cpu / w, n / w, n / cpu, st
  }'
done
