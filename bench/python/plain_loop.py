"""The UDF job's work as a plain Python loop: the floor for any engine.

Usage: plain_loop.py CSV. Reads the CSV with the csv module, applies the
same two functions per row and drops the result; prints job_seconds=S.
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


start = time.perf_counter()
with open(sys.argv[1], newline="") as f:
    for row in csv.reader(f):
        add_one(int(row[0]))
        json_transform(row[1])
print("job_seconds=%.3f" % (time.perf_counter() - start), flush=True)
