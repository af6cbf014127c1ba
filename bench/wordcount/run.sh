#!/usr/bin/env bash
# Word count over ROWS words in batch mode: Spry beside DuckDB, same file, same run.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-10000000}
data=/tmp/spry-bench-words-$rows.csv
py=.venv/bin/python
[ -x "$py" ] || { echo "run 'make test' (or 'make venv') first to create .venv"; exit 2; }
[ -x bin/spry ] || make build
if [ ! -f "$data" ]; then
  echo "==> generating $data"
  python3 bench/wordcount/gen.py "$rows" "$data"
fi
sqlfile=$(mktemp /tmp/spry-bench-XXXX.sql)
cat > "$sqlfile" <<SQL
CREATE TABLE words (word STRING) WITH ('connector' = 'filesystem', 'path' = '$data', 'format' = 'csv');
CREATE TABLE counts (word STRING, cnt BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO counts SELECT word, COUNT(*) FROM words GROUP BY word;
SQL
timeit() { # prints seconds taken by "$@"
  local s e
  s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'
}
echo "==> $rows rows, $(nproc) cores; three runs each"
for i in 1 2 3; do
  ts=$(timeit bin/spry sql --mode batch -f "$sqlfile")
  td=$(timeit "$py" bench/wordcount/duckdb_wordcount.py "$data")
  printf "run %d  spry %6.2fs (%5.1f M rows/s)   duckdb %6.2fs (%5.1f M rows/s)\n" "$i" \
    "$ts" "$(awk -v r="$rows" -v t="$ts" 'BEGIN { print r / t / 1e6 }')" \
    "$td" "$(awk -v r="$rows" -v t="$td" 'BEGIN { print r / t / 1e6 }')"
done
rm -f "$sqlfile"
