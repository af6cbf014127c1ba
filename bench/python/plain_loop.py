"""A UDF job's work as a plain Python (or pandas) loop: the floor for any engine.

Usage: plain_loop.py CSV JOB (add_one | add_one_mem | json | pandas |
pandas_mem). Reads the CSV, applies the same function and drops the
result; prints job_seconds=S (the loop, after the imports). add_one reads
its one-column file line by line with int() (the fastest plain reading of
it); add_one_mem reads the values into a list first and times only
``[add_one(v) for v in values]``, the floor of the function calls alone;
json parses (id, payload) with the csv module. pandas reads (price, fee)
with pandas' C parser in chunks of BATCH rows (Flink's and Spry's
python.fn-execution.arrow.batch.size) and applies the vectorized function
to each chunk's Series; pandas_mem reads the whole file first and times
only the function over BATCH-row slices.

When $SPRY_BENCH_FIRST_FILE is set, the wall clock time just after the
first result is written to it, as udf_job.py does (not by the _mem
forms: they are throughput floors only).
"""
import csv
import json
import os
import sys
import time

BATCH = 10000


def json_transform(s):
    d = json.loads(s)
    d["score"] = d["score"] + 1
    return json.dumps(d)


def add_one(x):
    return x + 1


def net_price(price, fee):
    return price * 0.908 + fee


def mark_first():
    path = os.environ.get("SPRY_BENCH_FIRST_FILE")
    if path:
        with open(path, "w") as f:
            f.write("%.6f\n" % time.time())


def main():
    path = sys.argv[1]
    job = sys.argv[2] if len(sys.argv) > 2 else "json"
    if job == "add_one_mem":
        with open(path) as f:
            values = [int(line) for line in f]
        # no first-result mark here: this form is a throughput floor only
        start = time.perf_counter()
        out = [add_one(v) for v in values]
    elif job == "add_one":
        start = time.perf_counter()
        with open(path) as f:
            add_one(int(next(f)))
            mark_first()
            for line in f:
                add_one(int(line))
    elif job == "json":
        start = time.perf_counter()
        with open(path, newline="") as f:
            rows = csv.reader(f)
            row = next(rows)
            int(row[0])
            json_transform(row[1])
            mark_first()
            for row in rows:
                int(row[0])
                json_transform(row[1])
    elif job in ("pandas", "pandas_mem"):
        import numpy as np
        import pandas as pd

        read = dict(header=None, names=["price", "fee"], dtype=np.float64, engine="c")
        if job == "pandas":
            start = time.perf_counter()
            first = True
            for chunk in pd.read_csv(path, chunksize=BATCH, **read):
                net_price(chunk["price"], chunk["fee"])
                if first:
                    mark_first()
                    first = False
        else:
            df = pd.read_csv(path, **read)
            price, fee = df["price"], df["fee"]
            start = time.perf_counter()
            for lo in range(0, len(df), BATCH):
                net_price(price.iloc[lo:lo + BATCH], fee.iloc[lo:lo + BATCH])
    else:
        sys.exit("unknown job %r" % job)
    print("job_seconds=%.3f" % (time.perf_counter() - start), flush=True)


if __name__ == "__main__":
    main()
