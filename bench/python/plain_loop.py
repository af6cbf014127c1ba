"""A UDF job's work as a plain Python loop: the floor for any engine.

Usage: plain_loop.py CSV JOB (add_one | add_one_mem | json). Reads the
CSV, applies the same function per row and drops the result; prints
job_seconds=S. add_one reads its one-column file line by line with int()
(the fastest plain reading of it); add_one_mem reads the values into a
list first and times only ``[add_one(v) for v in values]``, the floor of
the function calls alone; json parses (id, payload) with the csv module.
"""
import csv
import json
import sys
import time


def json_transform(s):
    d = json.loads(s)
    d["score"] = d["score"] + 1
    return json.dumps(d)


def add_one(x):
    return x + 1


path = sys.argv[1]
job = sys.argv[2] if len(sys.argv) > 2 else "json"
if job == "add_one_mem":
    with open(path) as f:
        values = [int(line) for line in f]
    start = time.perf_counter()
    out = [add_one(v) for v in values]
    print("job_seconds=%.3f" % (time.perf_counter() - start), flush=True)
    sys.exit(0)
start = time.perf_counter()
if job == "add_one":
    with open(path) as f:
        for line in f:
            add_one(int(line))
else:
    with open(path, newline="") as f:
        for row in csv.reader(f):
            int(row[0])
            json_transform(row[1])
print("job_seconds=%.3f" % (time.perf_counter() - start), flush=True)
