"""Turns run.sh's measurements into bench/python/RESULTS.md (on stdout) and RESULTS.svg.

Usage: report.py RESULTS_TSV ROWS JSON_ROWS PYFLINK_NOTE RAW_DIR [SVG]. Rows
of the TSV: name, job seconds, wall seconds, peak RSS KiB, seconds to first
result, the process tree's peak RSS KiB (job is "FAILED" and the sixth
field the error when a run failed). Names are JOB_ENGINE#i for the UDF jobs
(JOB = add_one | json) and spry_wordcount#i, pyflink_wordcount#i,
spry_select1#i for start-up.
"""
import datetime
import os
import platform
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def commit():
    """The checked-out commit, read from .git without running git."""
    git = os.path.join(ROOT, ".git")
    try:
        head = open(os.path.join(git, "HEAD")).read().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        path = os.path.join(git, ref)
        if os.path.exists(path):
            return open(path).read().strip()[:12] + " (" + ref.split("/")[-1] + ")"
        for line in open(os.path.join(git, "packed-refs")):
            if line.rstrip().endswith(" " + ref):
                return line.split()[0][:12] + " (" + ref.split("/")[-1] + ")"
    except OSError:
        pass
    return "unknown"


def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_gib():
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                return "%.1f GiB" % (int(line.split()[1]) / 2**20)
    except OSError:
        pass
    return "?"


def out(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout + r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def median(vs):
    vs = sorted(v for v in vs if v is not None)
    if not vs:
        return None
    h = len(vs) // 2
    return vs[h] if len(vs) % 2 else (vs[h - 1] + vs[h]) / 2


def fmt(v, unit="s"):
    return "–" if v is None else ("%.2f %s" % (v, unit)).strip()


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


ENGINES = [("plain", "plain Python loop"), ("plainmem", "plain Python loop, values already in a list"),
           ("spry", "Spry (`spry run udf_job.py`)"),
           ("pyflink_process", "PyFlink 2.3.0, process mode"),
           ("pyflink_thread", "PyFlink 2.3.0, thread mode")]


def main():
    tsv, rows, json_rows, note, raw = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    svg = sys.argv[6] if len(sys.argv) > 6 else None
    runs, failed = {}, {}
    for line in open(tsv):
        f = line.rstrip("\n").split("\t")
        if f[1] == "FAILED":
            failed[f[0]] = f[5] if len(f) > 5 else ""
            continue
        runs.setdefault(f[0].split("#")[0], []).append({
            "job": num(f[1]), "wall": num(f[2]),
            "rss": None if num(f[3]) is None else num(f[3]) / 1024, "first": num(f[4]),
            "tree": None if len(f) < 6 or num(f[5]) is None else num(f[5]) / 1024})
    # repeated runs (NAME#i) are reduced to the median of each figure
    m = {n: {k: median([r[k] for r in rs]) for k in rs[0]} for n, rs in runs.items()}
    count = {n: len(rs) for n, rs in runs.items()}
    g = lambda n, k: m.get(n, {}).get(k)
    p = print
    p("# Python UDF and start-up: Spry beside PyFlink\n")
    p("Written by `SPRY_BENCH_JSON_ROWS=%d bench/python/run.sh %d` — do not edit by hand; rerun it. "
      "The chart: [RESULTS.svg](RESULTS.svg).\n" % (json_rows, rows))
    p("- date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    p("- machine: %s, %d cores, %s RAM, %s" % (cpu(), os.cpu_count(), mem_gib(), platform.platform()))
    p("- commit: %s; %s" % (commit(), out([os.path.join(ROOT, "bin", "spry"), "version"])))
    p("- Python %s; %s; PyFlink: apache-flink==2.3.0 in .bench-venv/pyflink" % (
        platform.python_version(), out(["java", "-version"])))
    p("- raw output: %s (stdout, stderr and /usr/bin/time -v of every run)\n" % raw)
    if note:
        p("**PyFlink was not measured:** %s\n" % note)
    for n, e in failed.items():
        p("**%s failed:** `%s`\n" % (n, e))

    def job_table(job, n_rows):
        p("| run | job | rows/s (job) | wall | peak RSS | peak RSS, process tree |")
        p("|---|---|---|---|---|---|")
        for e, label in ENGINES:
            n = job + "_" + e
            if n in m:
                j = g(n, "job")
                p("| %s | %s | %s | %s | %s | %s |" % (
                    label, fmt(j), "–" if not j else format(int(n_rows / j), ","),
                    fmt(g(n, "wall")), fmt(g(n, "rss"), "MiB"), fmt(g(n, "tree"), "MiB")))

    p("## (i) Scalar Python UDF job, %s rows, parallelism 1, median of %d runs\n" % (
        format(rows, ","), count.get("add_one_spry", 1)))
    p("The issue's job: `INSERT INTO snk SELECT add_one(id) FROM src` with "
      "`add_one = udf(lambda x: x + 1, result_type=DataTypes.BIGINT())`, a CSV of one BIGINT column "
      "(filesystem connector) into a blackhole sink (bench/python/udf_job.py `add_one`, the same "
      "script on both engines). The plain loop (plain_loop.py) reads the same file line by line and "
      "calls the same function on `int(line)`; its second form reads the values into a list first "
      "and times only `[add_one(v) for v in values]`: the function calls alone, a floor no engine "
      "that reads the file can reach. *job* = from submitting the INSERT to its end, "
      "measured inside the script; *wall* = the whole process, start-up included.\n")
    job_table("add_one", rows)

    p("\n## (ii) JSON-transform UDF job, %s rows, parallelism 1, median of %d runs\n" % (
        format(json_rows, ","), count.get("json_spry", 1)))
    p("PyFlink's thread-mode showcase: `INSERT INTO snk SELECT id, json_transform(payload) FROM src`, "
      "where `json_transform` parses a small JSON object, changes a field and dumps it "
      "(bench/python/udf_job.py `json`); the plain loop reads (id, payload) with `csv.reader`. "
      "Here the UDF's own work (json.loads/dumps) is most of every engine's time.\n")
    job_table("json", json_rows)

    p("\n## (iii) Start-up\n")
    p("bench/python/word_count.py (a 10-word `from_elements` word count, `execute().collect()`), "
      "same script on both engines; *first result* = from launching the process to the first row; "
      "median of %d runs.\n" % count.get("spry_wordcount", 1))
    p("| run | first result | total wall | peak RSS | peak RSS, process tree |")
    p("|---|---|---|---|---|")
    for n, label in [("spry_wordcount", "`spry run word_count.py`"),
                     ("pyflink_wordcount", "PyFlink `python word_count.py`"),
                     ("spry_select1", "`spry sql -e 'SELECT 1'` (cold start)")]:
        if n in m:
            p("| %s | %s | %s | %s | %s |" % (label, fmt(g(n, "first")), fmt(g(n, "wall")),
                                              fmt(g(n, "rss"), "MiB"), fmt(g(n, "tree"), "MiB")))

    def best(job, k):
        vs = [g(job + "_" + e, k) for e in ("pyflink_process", "pyflink_thread") if g(job + "_" + e, k)]
        return min(vs) if vs else None

    p("\n## Against the goals (issue 4)\n")
    p("| goal | measured | met |")
    p("|---|---|---|")

    def row(goal, v, ok, what):
        p("| %s | %s | %s |" % (goal, "–" if v is None else what % v,
                                "–" if v is None else ("yes" if ok(v) else "**no**")))
    for job, name in (("add_one", "(i) add_one"), ("json", "(ii) JSON")):
        row("%s: Spry ≥ 5× PyFlink's best mode (job time)" % name, ratio(best(job, "job"), g(job + "_spry", "job")),
            lambda v: v >= 5, "%.1f×")
        row("%s: Spry ≥ 5× PyFlink's best mode (process wall time)" % name,
            ratio(best(job, "wall"), g(job + "_spry", "wall")), lambda v: v >= 5, "%.1f×")
        row("%s: Spry ≤ 1.5× the plain loop (job time)" % name,
            ratio(g(job + "_spry", "job"), g(job + "_plain", "job")), lambda v: v <= 1.5, "%.2f×")
        if job + "_plainmem" in m:
            row("%s: Spry ≤ 1.5× the plain loop over values already in a list (job time)" % name,
                ratio(g(job + "_spry", "job"), g(job + "_plainmem", "job")), lambda v: v <= 1.5, "%.2f×")
    row("≥ 50× faster to the first word-count result", ratio(g("pyflink_wordcount", "first"),
        g("spry_wordcount", "first")), lambda v: v >= 50, "%.1f×")
    row("≥ 50× faster start (PyFlink first result / `spry sql -e 'SELECT 1'`)",
        ratio(g("pyflink_wordcount", "first"), g("spry_select1", "wall")), lambda v: v >= 50, "%.1f×")
    p("\n*peak RSS* is /usr/bin/time -v's: the largest single process among the one "
      "started and the children it waited for, which misses PyFlink's JVM (its client "
      "exits without reaping it). *process tree* is sampled every 50 ms by treerss.py: "
      "the peak of the summed RSS of the process and all its descendants (JVM, Python "
      "workers), shared pages counted once per process.")
    p("The machine is shared with other jobs, so absolute times drift with its load; "
      "compare within a run.\n")
    p("## Reading the figures\n")
    p("- PyFlink's *job* time holds a fixed cost (local mini-cluster job submission, "
      "task deployment, starting the Beam worker or the embedded interpreter) of roughly "
      "10-25 s on this machine; Spry's holds the start of one Python worker (≈0.2 s, "
      "mostly `import pyarrow`). *rows/s* divides the rows by the whole job time, fixed cost included.")
    p("- The plain loops read the file themselves (`int(line)`, `csv.reader`); Spry parses "
      "the CSV in Go on another core and ships Arrow batches to one Python worker, whose "
      "per-row work is converting the arguments to Python objects, the UDF call and "
      "converting the results back. That is why Spry can come out below 1× the loop.")
    p("- Spry's time to the first word-count result is the Python interpreter's start, "
      "importing the `spry` package and a handful of gateway round trips (each well under "
      "1 ms): `from_elements` and `collect()` move flat rows as JSON, so the script never "
      "imports pyarrow, pandas or numpy (docs/gateway.md, JSON rows).")
    p("- PyFlink's thread mode needs the venv's site-packages on PYTHONPATH (run.sh sets "
      "it): the interpreter embedded in the JVM (pemja) starts from the base Python's "
      "sys.path and fails with `No module named 'pemja'` otherwise.")

    if svg:
        import plot
        panels = []
        for job, n_rows, title in (("add_one", rows, "(i) add_one UDF, %s rows: throughput (job time)"),
                                   ("json", json_rows, "(ii) JSON-transform UDF, %s rows: throughput (job time)")):
            bars = []
            for e, label in ENGINES:
                j = g(job + "_" + e, "job")
                if j or e != "plainmem":
                    bars.append((label.split(" (")[0].replace(", values already in a list", " (list)"),
                                 n_rows / j if j else None, e == "spry"))
            panels.append((title % format(n_rows, ","), "rows/s", bars))
        panels.append(("(iii) word count: seconds to the first result (lower is better)", "s", [
            ("Spry (spry run)", g("spry_wordcount", "first"), True),
            ("PyFlink 2.3.0", g("pyflink_wordcount", "first"), False)]))
        plot.write_svg(svg, panels, "Spry beside PyFlink: Python UDF throughput and start-up")


if __name__ == "__main__":
    main()
