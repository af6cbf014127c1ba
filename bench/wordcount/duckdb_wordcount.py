#!/usr/bin/env python3
"""DuckDB side of the word-count benchmark: GROUP BY over the same CSV file."""
import sys

import duckdb

path = sys.argv[1]
con = duckdb.connect()
rows = con.execute(
    "SELECT word, COUNT(*) FROM read_csv(?, header=false, columns={'word': 'VARCHAR'}) GROUP BY word",
    [path],
).fetchall()
print(f"{len(rows)} groups")
