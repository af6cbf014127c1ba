#!/usr/bin/env bash
# Nexmark on Spry and on Apache Flink, side by side, in one run: the same
# SQL over the same pre-filled Kafka topic (bounded), the same parallelism
# and blackhole sinks; then the stateless queries over Flink's datagen
# table in place of Kafka. Writes REPORT.md (default bench/flink/RESULTS.md).
#
# Usage: bench/flink/run.sh [-n EVENTS] [-q QUERIES] [-p PARALLELISM] [-o REPORT.md] [-D key=value]...
#   -n  events (default 1000000): the topic's size, and the datagen rows
#   -q  queries on Kafka (default every query but q6); '' for none
#   -g  queries on datagen (default q0,q1,q2,q14,q21,q22); '' for none
#   -p  parallelism of both engines and the topic's partitions (default nproc)
#   -r  runs per engine and query, median reported (default 1)
#   -o  the report (default bench/flink/RESULTS.md)
#   -F  Flink's plain defaults: leave out nexmark-flink's mini-batch settings
#   -D  a configuration option for both engines (repeatable)
#   -t  timeout per run in seconds (default 900)
# Installs once into .bench-venv/: PyFlink (apache-flink==2.3.0), the Kafka
# SQL connector jar, q14's UDF jar (bench/flink/pyflink_env.sh). Starts Kafka
# (scripts/services.sh up kafka; never stopped). Work files in a kept
# /tmp/spry-flink-XXXX directory (the engine is built there from the tree).
set -euo pipefail
cd "$(dirname "$0")/../.."
cmdline="bench/flink/run.sh $*"
events=1000000
queries="q0,q1,q2,q3,q4,q5,q7,q8,q9,q10,q11,q12,q13,q14,q15,q16,q17,q18,q19,q20,q21,q22"
dg_queries="q0,q1,q2,q14,q21,q22"
par=$(nproc)
repeat=1
report=bench/flink/RESULTS.md
timeout=900
extra=()
while getopts "n:q:g:p:r:o:D:t:Fh" opt; do
  case $opt in
    n) events=$OPTARG ;;
    q) queries=$OPTARG ;;
    g) dg_queries=$OPTARG ;;
    p) par=$OPTARG ;;
    r) repeat=$OPTARG ;;
    o) report=$OPTARG ;;
    D) extra+=(-D "$OPTARG") ;;
    t) timeout=$OPTARG ;;
    F) extra+=(--flink-defaults) ;;
    *) sed -n '2,19p' "$0"; exit 2 ;;
  esac
done

# shellcheck source=bench/flink/pyflink_env.sh
source bench/flink/pyflink_env.sh
flink_env_setup || exit 1
export FLINK_ENV_PYTHONPATH
if [ -n "$queries" ]; then
  scripts/services.sh up kafka
  eval "$(scripts/services.sh env kafka)"
fi
work=$(mktemp -d /tmp/spry-flink-XXXX)
# the engine of this checkout, built into the work dir so that another
# build of bin/spry cannot swap the binary in the middle of the run
echo "==> building spry from the tree into $work/spry"
go build -o "$work/spry" ./cmd/spry
# peak RSS is reported: give the binary an installed one's page-cache layout
python3 bench/lib/evict.py "$work/spry"
echo "==> Flink $FLINK_VERSION, flink-sql-connector-kafka $KAFKA_CONNECTOR_VERSION; work dir $work"
python3 bench/flink/bench.py --events "$events" --queries "$queries" --datagen-queries "$dg_queries" \
  --parallelism "$par" --repeat "$repeat" --timeout "$timeout" --work "$work" --report "$report" \
  --spry "$work/spry" --flink-python "$FLINK_PY" --jars "$FLINK_JARS" \
  --connector-version "$KAFKA_CONNECTOR_VERSION" --command "$cmdline" ${extra[@]+"${extra[@]}"}
cat "$report"
