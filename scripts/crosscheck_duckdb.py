#!/usr/bin/env python3
"""Cross-check Spry's golden SQL results against DuckDB.

Every batch-mode query in testdata/slt/*.slt has its expected result written
by Spry (and checked by `go test ./sqltest`). This script runs the same
statements in DuckDB and compares the results, so the standard-SQL part of
the golden suite is checked against an independent engine.

Records preceded by a `# duckdb: skip` comment (Flink-specific syntax or
semantics that differ from DuckDB, e.g. AVG over INT returning INT) are not
run; a file whose first line is `# duckdb: skip-file` is skipped whole.
SET/RESET statements are Flink session settings and are ignored.
"""
import argparse
import datetime
import decimal
import glob
import math
import os
import sys

import duckdb


def parse(path):
    """Yield records as dicts: kind, sql, rowsort, expected, skip, line."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i, comments, out = 0, [], []
    while i < len(lines):
        t = lines[i].strip()
        if t == "":
            i += 1
            continue
        if t.startswith("#"):
            comments.append(t)
            i += 1
            continue
        rec = {"line": i + 1, "skip": any("duckdb: skip" in c for c in comments)}
        comments = []
        f = t.split()
        if f[0] == "statement":
            rec["kind"] = "ok" if f[1] == "ok" else "error"
        elif f[0] == "query" and len(f) > 1 and f[1] == "error":
            rec["kind"] = "error"
        else:
            rec["kind"] = "query"
        rec["rowsort"] = "rowsort" in f[1:]
        i += 1
        sql = []
        while i < len(lines) and lines[i].strip() not in ("", "----"):
            sql.append(lines[i])
            i += 1
        rec["sql"] = "\n".join(sql).strip().rstrip(";")
        rec["expected"] = []
        if i < len(lines) and lines[i].strip() == "----":
            i += 1
            while i < len(lines) and lines[i] != "":
                rec["expected"].append(lines[i])
                i += 1
        out.append(rec)
    return out


def render(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(render(x) for x in v) + "]"
    s = str(v)
    return s if s != "" else "(empty)"


def norm_temporal(s):
    """Drop trailing zeros of a fraction of seconds (Flink prints exactly
    the type's precision, DuckDB prints microseconds) and the ISO 'T'."""
    s = s.replace("T", " ")
    head, dot, frac = s.rpartition(".")
    if dot and ":" in head and frac.isdigit():
        frac = frac.rstrip("0")
        return head + ("." + frac if frac else "")
    return s


def same_value(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return norm_temporal(a) == norm_temporal(b)
    if math.isnan(x) and math.isnan(y):
        return True
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def same_rows(got, want):
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        gs, ws = g.split("\t"), w.split("\t")
        if len(gs) != len(ws) or not all(same_value(x, y) for x, y in zip(gs, ws)):
            return False
    return True


def check_file(path):
    recs = parse(path)
    con = duckdb.connect()
    checked = skipped = 0
    failures = []
    for r in recs:
        head = r["sql"].lstrip().upper()
        if r["skip"] or head.startswith("SET ") or head.startswith("RESET"):
            skipped += 1
            continue
        if r["kind"] == "error":
            skipped += 1  # error texts are Spry's own
            continue
        try:
            cur = con.execute(r["sql"])
            rows = cur.fetchall() if r["kind"] == "query" else []
        except Exception as e:  # noqa: BLE001 - report DuckDB's reason
            failures.append(f"{path}:{r['line']}: DuckDB rejected: {e}\n{r['sql']}")
            continue
        if r["kind"] != "query":
            continue
        got = ["\t".join(render(v) for v in row) for row in rows]
        want = list(r["expected"])
        if any(w[:2] in ("+I", "-U", "+U", "-D") and "\t" in w for w in want[:1]):
            skipped += 1  # streaming changelog
            continue
        if r["rowsort"]:
            got.sort()
            want.sort()
        checked += 1
        if not same_rows(got, want):
            failures.append(f"{path}:{r['line']}: results differ\n{r['sql']}\n--- spry\n"
                            + "\n".join(want) + "\n--- duckdb\n" + "\n".join(got))
    return checked, skipped, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="directory of .slt files")
    ap.add_argument("--spry", help="unused; kept for symmetry with other harnesses")
    args = ap.parse_args()
    total_checked = total_skipped = 0
    all_failures = []
    files = sorted(glob.glob(os.path.join(args.dir, "*.slt")))
    for path in files:
        first = open(path, encoding="utf-8").readline()
        if "duckdb: skip-file" in first:
            continue
        c, s, f = check_file(path)
        total_checked += c
        total_skipped += s
        all_failures += f
        print(f"  {os.path.basename(path)}: {c} queries checked, {s} skipped, {len(f)} differ")
    for f in all_failures:
        print(f, file=sys.stderr)
    print(f"{total_checked - len(all_failures)} passed, {len(all_failures)} failed, {total_skipped} skipped")
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
