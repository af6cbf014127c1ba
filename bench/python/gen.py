"""Writes N rows of (id BIGINT, payload STRING) as RFC 4180 CSV.

The payload is a small JSON object, as in PyFlink's thread-mode benchmark
(a JSON transformation UDF); every engine and the plain loop read this file.
Usage: gen.py N PATH
"""
import csv
import json
import random
import sys

n, path = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(42)
with open(path, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    for i in range(n):
        w.writerow([i, json.dumps({"id": i, "name": "user%d" % rnd.randrange(10000),
                                   "score": rnd.randrange(1000), "tags": ["a", "b"]})])
