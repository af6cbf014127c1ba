"""Writes the benchmark's input CSV files (RFC 4180), read by every engine and the plain loop.

Usage: gen.py N PATH [json|num|price]
- json (default): N rows of (id BIGINT, payload STRING); the payload is a
  small JSON object, as in PyFlink's thread-mode benchmark (a JSON
  transformation UDF).
- num: N rows of (id BIGINT), the input of the numeric scalar UDF job.
- price: N rows of (price DOUBLE, fee DOUBLE), the input of the pandas
  UDF job (two decimals each, as prices are written).
"""
import csv
import json
import random
import sys

n, path = int(sys.argv[1]), sys.argv[2]
kind = sys.argv[3] if len(sys.argv) > 3 else "json"
if kind == "num":
    with open(path, "w") as f:
        step = 100000
        for lo in range(0, n, step):
            f.write("".join("%d\n" % i for i in range(lo, min(n, lo + step))))
    sys.exit(0)
rnd = random.Random(42)
if kind == "price":
    with open(path, "w") as f:
        step = 100000
        for lo in range(0, n, step):
            f.write("".join("%d.%02d,%d.%02d\n" % (rnd.randrange(1, 1000), rnd.randrange(100),
                                                   rnd.randrange(10), rnd.randrange(100))
                            for _ in range(lo, min(n, lo + step))))
    sys.exit(0)
with open(path, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    for i in range(n):
        w.writerow([i, json.dumps({"id": i, "name": "user%d" % rnd.randrange(10000),
                                   "score": rnd.randrange(1000), "tags": ["a", "b"]})])
