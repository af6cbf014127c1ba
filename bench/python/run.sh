#!/usr/bin/env bash
# Python UDF throughput and start-up: Spry beside PyFlink (process and thread
# mode) and a plain Python loop, same data, same run. Usage: run.sh [ROWS]
# ROWS (default 10,000,000, or $SPRY_BENCH_ROWS) is the size of the issue's
# job, the numeric scalar UDF add_one; SPRY_BENCH_JSON_ROWS (default
# 1,000,000) that of the JSON-transform job; SPRY_BENCH_PANDAS_ROWS
# (default ROWS) that of the pandas UDF job; SPRY_BENCH_REPEAT=R runs each
# R times (default 3). Writes bench/python/RESULTS.md and RESULTS.svg (or
# into $SPRY_BENCH_REPORT_DIR); see bench/README.md. SPRY_BENCH_NO_PYFLINK=1
# leaves PyFlink out (quick runs while developing).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
rows=${1:-${SPRY_BENCH_ROWS:-10000000}}
json_rows=${SPRY_BENCH_JSON_ROWS:-1000000}
pandas_rows=${SPRY_BENCH_PANDAS_ROWS:-$rows}
here=bench/python
venv=.bench-venv/pyflink
py=$root/.venv/bin/python # Spry's client and workers: needs pyarrow + cloudpickle
[ -x "$py" ] || { echo "run 'make test' (or 'make venv') first to create .venv"; exit 2; }
# the engine of this checkout (the tree may be mid-edit: then the last build)
command -v go >/dev/null && go build -o bin/spry ./cmd/spry 2>/dev/null
[ -x bin/spry ] || make build
# peak RSS is reported: give the binary an installed one's page-cache layout
python3 bench/lib/evict.py bin/spry
spry=$root/bin/spry
export SPRY_PYTHON=$py
out=$(mktemp -d /tmp/spry-pybench-XXXX)
res=$out/results.tsv
: >"$res"
pyflink_note=""
[ -n "${SPRY_BENCH_NO_PYFLINK:-}" ] && pyflink_note="left out (SPRY_BENCH_NO_PYFLINK is set)"
report_dir=${SPRY_BENCH_REPORT_DIR:-$here}

# --- PyFlink venv (cached; pip shows its progress) --------------------------
# (pyflink is a namespace package: only a real import of its modules
# proves the install whole)
if [ -z "$pyflink_note" ] && { [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "from pyflink.table import DataTypes" 2>/dev/null; }; then
  echo "==> installing apache-flink==2.3.0 into $venv (once; up to 20 min)"
  python3 -m venv "$venv" &&
    timeout 1200 "$venv/bin/pip" install --progress-bar on apache-flink==2.3.0 ||
    pyflink_note="pip install apache-flink==2.3.0 failed or took over 20 min (exit $?)"
fi
if [ -z "$pyflink_note" ] && ! "$venv/bin/python" -c "from pyflink.table import DataTypes" 2>"$out/import.err"; then
  pyflink_note="import pyflink failed: $(tail -1 "$out/import.err")"
fi
# PyFlink's thread mode runs the UDFs in an interpreter embedded in the JVM
# (pemja); it starts from the base Python's sys.path, so the venv's
# site-packages are added explicitly (else: No module named 'pemja').
[ -z "$pyflink_note" ] && pyflink_env="PYTHONPATH=$("$venv/bin/python" -c 'import site; print(site.getsitepackages()[0])')"
if [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  export JAVA_HOME
fi

# measure NAME CMD...: runs CMD under /usr/bin/time -v and appends
# name, job seconds (printed by the script), wall seconds, peak RSS KiB,
# seconds to first result, the process tree's peak RSS KiB and the
# executable that ran the UDF to results.tsv; stdout/stderr kept in
# $out/NAME.*. The first result's time comes from $out/NAME.first, which
# the UDF jobs and loops write (SPRY_BENCH_FIRST_FILE), else from the
# script's first_result_epoch= line (word_count.py).
measure() {
  local name=$1; shift
  local t0 rc
  t0=$(date +%s.%N)
  # a hung run must not stall the rest: SPRY_BENCH_TIMEOUT seconds each
  SPRY_BENCH_FIRST_FILE=$out/$name.first /usr/bin/time -v -o "$out/$name.time" timeout "${SPRY_BENCH_TIMEOUT:-900}" "$@" >"$out/$name.out" 2>"$out/$name.err" &
  local pid=$!
  python3 $here/treerss.py $pid >"$out/$name.rss" &
  local spid=$!
  wait $pid
  rc=$?
  wait $spid
  local wall rss job first tree where=""
  tree=$(cat "$out/$name.rss")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$out/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/$name.time")
  # a run shorter than the first sample: time -v's figure is the floor
  [ "${tree:-0}" -lt "${rss:-0}" ] && tree=$rss
  job=$(sed -n 's/^job_seconds=//p' "$out/$name.out" | tail -1)
  first=$(sed -n 's/^first_result_epoch=//p' "$out/$name.out" | head -1)
  [ -s "$out/$name.first" ] && read -r first where <"$out/$name.first"
  [ -n "$first" ] && first=$(awk -v a="$first" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')
  if [ $rc -ne 0 ]; then
    echo "    $name FAILED (exit $rc), see $out/$name.err:"; tail -5 "$out/$name.err" | sed 's/^/      /'
    printf '%s\tFAILED\t\t\t\t%s\n' "$name" "$(grep -m1 -iE 'error|exception' "$out/$name.err" | cut -c1-160)" >>"$res"
    return 1
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${job:-}" "$wall" "$rss" "${first:-}" "$tree" "$where" >>"$res"
  echo "    $name: job ${job:--}s, wall ${wall}s, peak RSS ${rss} KiB (tree ${tree} KiB)${first:+, first result ${first}s}"
}

num_data=/tmp/spry-pybench-num-$rows.csv
[ -f "$num_data" ] || { echo "==> generating $num_data"; python3 $here/gen.py "$rows" "$num_data" num; }
json_data=/tmp/spry-pybench-$json_rows.csv
[ -f "$json_data" ] || { echo "==> generating $json_data"; python3 $here/gen.py "$json_rows" "$json_data" json; }
price_data=/tmp/spry-pybench-price-$pandas_rows.csv
[ -f "$price_data" ] || { echo "==> generating $price_data"; python3 $here/gen.py "$pandas_rows" "$price_data" price; }
# the machine is shared and noisy: every figure is the median of $repeat
# runs (names NAME#i), the engines interleaved so a slow spell hits all
repeat=${SPRY_BENCH_REPEAT:-3}
# udf_runs JOB DATA: the runs of one UDF job (the loops, Spry, PyFlink's
# two modes)
udf_runs() {
  local job=$1 data=$2 i
  for i in $(seq "$repeat"); do
    measure "${job}_plain#$i" "$py" $here/plain_loop.py "$data" "$job"
    [ "$job" != json ] && measure "${job}_plainmem#$i" "$py" $here/plain_loop.py "$data" "${job}_mem"
    measure "${job}_spry#$i" "$spry" run -pyexec "$py" $here/udf_job.py "$data" thread "$job"
    if [ -z "$pyflink_note" ]; then
      measure "${job}_pyflink_process#$i" env "$pyflink_env" "$venv/bin/python" $here/udf_job.py "$data" process "$job"
      # PyFlink runs pandas UDFs in process mode only: asked for thread
      # mode it starts a worker process all the same (report.py shows
      # where the UDF ran), so one run of it is enough
      [ "$job" != pandas ] || [ "$i" = 1 ] &&
        measure "${job}_pyflink_thread#$i" env "$pyflink_env" "$venv/bin/python" $here/udf_job.py "$data" thread "$job"
    fi
  done
}
echo "==> (i) scalar Python UDF add_one over $rows rows, parallelism 1, $repeat runs"
udf_runs add_one "$num_data"
echo "==> (ii) JSON-transform Python UDF over $json_rows rows, parallelism 1, $repeat runs"
udf_runs json "$json_data"
echo "==> (iii) pandas UDF over $pandas_rows rows, parallelism 1, $repeat runs"
udf_runs pandas "$price_data"
echo "==> (iv) start-up, $repeat runs"
for i in $(seq "$repeat"); do
  measure "spry_wordcount#$i" "$spry" run -pyexec "$py" $here/word_count.py
  [ -z "$pyflink_note" ] && measure "pyflink_wordcount#$i" env "$pyflink_env" "$venv/bin/python" $here/word_count.py
  measure "spry_select1#$i" "$spry" sql -e 'SELECT 1'
done

"$py" $here/report.py "$res" "$rows" "$json_rows" "$pandas_rows" "$pyflink_note" "$out" "$report_dir/RESULTS.svg" >"$report_dir/RESULTS.md"
cat "$report_dir/RESULTS.md"
echo "==> raw output in $out"
