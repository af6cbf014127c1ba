#!/usr/bin/env bash
# Checkpoint cost benchmark (issue 6): Nexmark q5 and q8 (in-process
# generator, blackhole sink) without checkpoints and with checkpoints every
# 10 s, alternating, median of R runs each, in one run; checkpoint count,
# duration, alignment and size from the job's REST API; recovery time of a
# start from the last checkpoint against a cold start. Writes
# bench/checkpoint/RESULTS.md; see bench/README.md.
#
# Usage: bench/checkpoint/run.sh [-q q5,q8] [-n EVENTS] [-s SECONDS] [-c EVENTS] [-r RUNS]
#            [-i INTERVAL] [-p PARALLELISM] [-b SPRY] [-o OUT.md] [-R] [-P] [-t TPS] [-D key=value]...
#   -q  queries (default q5,q8)
#   -n  events per run: N for every query or q5=N,q8=M (default: calibrated
#       from one run of 5,000,000 events so that a run lasts about -s seconds)
#   -s  target seconds per run when calibrating (default 45)
#   -c  events of the calibration run (default 5000000)
#   -r  runs each way (default 3)
#   -i  execution.checkpointing.interval (default 10s)
#   -p  parallelism.default (default 2)
#   -b  the spry binary (default: built from this tree into the work dir)
#   -o  where to write the results (default bench/checkpoint/RESULTS.md)
#   -R  leave out the recovery measurement
#   -P  also profile one more run each way (spry sql --cpuprofile) and
#       show the checkpoint path's share of the CPU
#   -t  first-event.rate, events per second of event time (default
#       10000000, as bench/nexmark/run.sh)
#   -D  a further configuration option for every run (repeatable)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
queries=q5,q8
events=""
seconds=45
runs=3
interval=10s
par=2
bin=""
out=bench/checkpoint/RESULTS.md
extra=()
cmdline="bench/checkpoint/run.sh $*"
while getopts "q:n:s:c:r:i:p:b:o:RPt:D:h" opt; do
  case $opt in
    q) queries=$OPTARG ;;
    n) events=$OPTARG ;;
    s) seconds=$OPTARG ;;
    c) extra+=(--calibrate "$OPTARG") ;;
    r) runs=$OPTARG ;;
    i) interval=$OPTARG ;;
    p) par=$OPTARG ;;
    b) bin=$OPTARG ;;
    o) out=$OPTARG ;;
    R) extra+=(--no-recovery) ;;
    P) extra+=(--profile) ;;
    t) extra+=(--tps "$OPTARG") ;;
    D) extra+=(--define "$OPTARG") ;;
    *) sed -n '2,28p' "$0"; exit 2 ;;
  esac
done
work=$(mktemp -d /tmp/spry-ckbench-XXXX)
if [ -z "$bin" ]; then
  echo "building the engine into $work/spry ..." >&2
  go build -o "$work/spry" ./cmd/spry
  bin=$work/spry
fi
echo "work dir (runs' output kept): $work" >&2
PYTHONDONTWRITEBYTECODE=1 exec python3 "$root/bench/checkpoint/bench.py" --bin "$(readlink -f "$bin")" --work "$work" --out "$out" \
  --queries "$queries" --events "$events" --seconds "$seconds" --runs "$runs" --interval "$interval" \
  --parallelism "$par" --command "${cmdline% }" ${extra[@]+"${extra[@]}"}
