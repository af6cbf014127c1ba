"""Turns run.sh's measurements into bench/python/RESULTS.md (on stdout) and RESULTS.svg.

Usage: report.py RESULTS_TSV ROWS JSON_ROWS PANDAS_ROWS PYFLINK_NOTE RAW_DIR
[SVG]. Rows of the TSV: name, job seconds, wall seconds, peak RSS KiB,
seconds to first result, the process tree's peak RSS KiB, the executable
that ran the UDF (job is "FAILED" and the sixth field the error when a run
failed). Names are JOB_ENGINE#i for the UDF jobs (JOB = add_one | json |
pandas; ENGINE = plain | plainmem | spry | pyflink_process |
pyflink_thread) and spry_wordcount#i, pyflink_wordcount#i, spry_select1#i
for start-up.
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


ENGINES = [("plain", "plain loop"), ("plainmem", "plain loop, input already in memory"),
           ("spry", "Spry"), ("pyflink_process", "PyFlink 2.3.0, process mode"),
           ("pyflink_thread", "PyFlink 2.3.0, thread mode")]

# (job, its rows argument, title, what the plain loops do)
JOBS = [("add_one", "rows", "add_one (scalar)",
         "reads the file line by line and calls the function on `int(line)`; the in-memory form times "
         "only `[add_one(v) for v in values]`"),
        ("json", "json_rows", "JSON transform (scalar)",
         "reads (id, payload) with `csv.reader` and calls the function on the payload"),
        ("pandas", "pandas_rows", "net_price (pandas)",
         "reads (price, fee) with `pandas.read_csv(chunksize=10000)` (the engines' Arrow batch size, "
         "`python.fn-execution.arrow.batch.size`) and calls the function on each chunk's Series; the "
         "in-memory form reads the whole file first and times only the function over 10,000-row slices")]


def main():
    tsv, raw = sys.argv[1], sys.argv[6]
    sizes = {"rows": int(sys.argv[2]), "json_rows": int(sys.argv[3]), "pandas_rows": int(sys.argv[4])}
    note = sys.argv[5]
    svg = sys.argv[7] if len(sys.argv) > 7 else None
    runs, failed, where = {}, {}, {}
    for line in open(tsv):
        f = line.rstrip("\n").split("\t")
        if f[1] == "FAILED":
            failed[f[0]] = f[5] if len(f) > 5 else ""
            continue
        name = f[0].split("#")[0]
        runs.setdefault(name, []).append({
            "job": num(f[1]), "wall": num(f[2]),
            "rss": None if num(f[3]) is None else num(f[3]) / 1024, "first": num(f[4]),
            "tree": None if len(f) < 6 or num(f[5]) is None else num(f[5]) / 1024})
        if len(f) > 6 and f[6]:
            where[name] = f[6]
    # repeated runs (NAME#i) are reduced to the median of each figure
    m = {n: {k: median([r[k] for r in rs]) for k in rs[0]} for n, rs in runs.items()}
    count = {n: len(rs) for n, rs in runs.items()}
    g = lambda n, k: m.get(n, {}).get(k)
    p = print

    def best(job, k="job"):
        """PyFlink's best mode for job: the smaller figure of its two modes."""
        vs = [g(job + "_" + e, k) for e in ("pyflink_process", "pyflink_thread") if g(job + "_" + e, k)]
        return min(vs) if vs else None

    p("# Python UDF and start-up: Spry beside PyFlink\n")
    p("Written by `SPRY_BENCH_JSON_ROWS=%d SPRY_BENCH_PANDAS_ROWS=%d bench/python/run.sh %d` — do not "
      "edit by hand; rerun it. The chart: [RESULTS.svg](RESULTS.svg).\n" % (
          sizes["json_rows"], sizes["pandas_rows"], sizes["rows"]))
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

    p("## Python UDF jobs, parallelism 1, median of %d runs\n" % count.get("add_one_spry", 1))
    p("The same script on every engine (bench/python/udf_job.py JOB): a CSV file (filesystem "
      "connector) through one UDF into a blackhole sink.\n")
    p("- **add_one**: the issue's job, `INSERT INTO snk SELECT add_one(id) FROM src`, a general UDF "
      "returning `x + 1` over one BIGINT column, where the engine's own cost per row shows.")
    p("- **JSON transform**: PyFlink's thread-mode showcase, `SELECT id, json_transform(payload)`; "
      "the UDF parses a small JSON object, changes a field and dumps it, so its own work is most "
      "of every engine's time.")
    p("- **net_price**: a pandas UDF (`func_type=\"pandas\"`), `SELECT net_price(price, fee)` "
      "computing `price * 0.908 + fee` on whole Series of two DOUBLE columns.\n")
    p("The plain loops (bench/python/plain_loop.py) are the floor: " + "; ".join(
        "for %s it %s" % (title.split(" (")[0], what) for _, _, title, what in JOBS) + ".\n")
    p("*seconds* = the job, from submitting the INSERT to its end (the loops: the loop itself), "
      "measured inside the script, so interpreter and JVM start-up are left out but the engines' "
      "own start (workers, PyFlink's mini-cluster) is in; *rows/s* = rows / seconds; *first result* "
      "= from launching the process to the UDF's first computed result (the first call, or first "
      "batch for pandas; for the loops, the first function call); *vs loop* = seconds / the plain "
      "loop's seconds (lower is better); *vs PyFlink* = PyFlink's best mode's seconds / seconds "
      "(higher is better); *wall* = the whole process; *peak RSS* = the process tree's.\n")
    p("| job | engine / mode | rows | seconds | rows/s | first result | vs loop | vs PyFlink | wall | peak RSS |")
    p("|---|---|---|---|---|---|---|---|---|---|")
    for job, size, title, _ in JOBS:
        n_rows = sizes[size]
        loop = g(job + "_plain", "job")
        for e, label in ENGINES:
            n = job + "_" + e
            if n not in m:
                continue
            j = g(n, "job")
            vs_loop = ratio(j, loop)
            vs_pf = ratio(best(job), j)
            if count[n] != count.get("add_one_spry", 1):
                label += " (%d run%s)" % (count[n], "" if count[n] == 1 else "s")
            p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                title, label, format(n_rows, ","), fmt(j), "–" if not j else format(int(n_rows / j), ","),
                fmt(g(n, "first")), "–" if vs_loop is None else "%.2f×" % vs_loop,
                "–" if vs_pf is None else "%.1f×" % vs_pf, fmt(g(n, "wall")), fmt(g(n, "tree"), "MiB")))
    thread = where.get("pandas_pyflink_thread")
    if thread:
        p("\nPyFlink's thread mode and the pandas UDF: with `python.execution-mode=thread` the "
          "pandas UDF ran in `%s` (%s). Flink documents pandas UDFs as supported in process mode "
          "only; the figure is what PyFlink 2.3.0 does when asked for thread mode." % (
              thread, "inside the JVM" if thread.startswith("java") else "a separate Python worker process, "
              "i.e. process mode"))
    p("\nSpry's source-to-sink latency (p50/p99 of Flink's `metrics.latency.interval` markers) is "
      "not reported here: the Python API does not expose the job's metrics, so a Python job cannot "
      "read it. `spry bench nexmark` reports it for SQL jobs.")

    p("\n## Start-up and footprint\n")
    p("bench/python/word_count.py (a 10-word `from_elements` word count, `execute().collect()`), "
      "same script on both engines; *first result* = from launching the process to the first row; "
      "*peak RSS* = the process tree's (PyFlink: client, JVM and Python workers); "
      "median of %d runs.\n" % count.get("spry_wordcount", 1))
    p("| run | first result | total wall | peak RSS, process tree | peak RSS, largest process |")
    p("|---|---|---|---|---|")
    for n, label in [("spry_wordcount", "`spry run word_count.py`"),
                     ("pyflink_wordcount", "PyFlink `python word_count.py`"),
                     ("spry_select1", "`spry sql -e 'SELECT 1'` (cold start)")]:
        if n in m:
            p("| %s | %s | %s | %s | %s |" % (label, fmt(g(n, "first")), fmt(g(n, "wall")),
                                              fmt(g(n, "tree"), "MiB"), fmt(g(n, "rss"), "MiB")))

    p("\n## Against the goals (issue 7)\n")
    p("| goal | measured | met |")
    p("|---|---|---|")

    def row(goal, v, ok, what):
        p("| %s | %s | %s |" % (goal, "–" if v is None else what % v,
                                "–" if v is None else ("yes" if ok(v) else "**no**")))
    for job, name in (("add_one", "add_one"), ("json", "JSON transform")):
        row("%s: Spry ≥ 5× PyFlink's best mode (job time)" % name, ratio(best(job), g(job + "_spry", "job")),
            lambda v: v >= 5, "%.1f×")
        row("%s: Spry ≥ 5× PyFlink's best mode (process wall time)" % name,
            ratio(best(job, "wall"), g(job + "_spry", "wall")), lambda v: v >= 5, "%.1f×")
        row("%s: Spry ≤ 1.5× the plain Python loop (job time)" % name,
            ratio(g(job + "_spry", "job"), g(job + "_plain", "job")), lambda v: v <= 1.5, "%.2f×")
        if job + "_plainmem" in m:
            row("%s: Spry ≤ 1.5× the plain loop over input already in memory (job time)" % name,
                ratio(g(job + "_spry", "job"), g(job + "_plainmem", "job")), lambda v: v <= 1.5, "%.2f×")
    row("net_price (pandas): Spry within 2× of the plain pandas loop (job time)",
        ratio(g("pandas_spry", "job"), g("pandas_plain", "job")), lambda v: v <= 2, "%.2f×")
    row("net_price (pandas): Spry within 2× of the pandas loop over input already in memory (job time)",
        ratio(g("pandas_spry", "job"), g("pandas_plainmem", "job")), lambda v: v <= 2, "%.2f×")
    row("net_price (pandas): Spry ≥ 5× PyFlink's best mode (job time)",
        ratio(best("pandas"), g("pandas_spry", "job")), lambda v: v >= 5, "%.1f×")
    row("word count: ≥ 50× faster to the first result", ratio(g("pyflink_wordcount", "first"),
        g("spry_wordcount", "first")), lambda v: v >= 50, "%.1f×")
    row("≥ 50× faster start (PyFlink's first word-count result / `spry sql -e 'SELECT 1'`)",
        ratio(g("pyflink_wordcount", "first"), g("spry_select1", "wall")), lambda v: v >= 50, "%.1f×")
    row("word count: peak RSS ≥ 10× smaller (process tree)", ratio(g("pyflink_wordcount", "tree"),
        g("spry_wordcount", "tree")), lambda v: v >= 10, "%.1f×")
    p("\n*peak RSS, process tree* is sampled every 50 ms by treerss.py: the peak of the summed RSS of "
      "the process and all its descendants (JVM, Python workers), shared pages counted once per "
      "process. *largest process* is /usr/bin/time -v's: the largest single process among the one "
      "started and the children it waited for, which misses PyFlink's JVM (its client exits "
      "without reaping it).")
    p("The machine is shared with other jobs, so absolute times drift with its load; "
      "compare within a run.\n")
    p("## Reading the figures\n")
    p("- PyFlink's *seconds* hold a fixed cost (local mini-cluster job submission, "
      "task deployment, starting the Beam worker or the embedded interpreter) of roughly "
      "10-25 s on this machine; Spry's hold the start of one Python worker (≈0.2 s, "
      "mostly `import pyarrow`; ≈0.5 s more for `import pandas` in the pandas job). "
      "*rows/s* divides the rows by the whole job time, fixed cost included; *first result* "
      "shows the fixed cost on its own.")
    p("- The plain loops read the file themselves (`int(line)`, `csv.reader`, "
      "`pandas.read_csv`) after their imports; Spry parses the CSV in Go on another core and ships "
      "Arrow batches to one Python worker, whose per-row work is converting the arguments to "
      "Python objects (pandas: one Series per column and batch), the UDF call and converting the "
      "results back. That is why Spry can come out below 1× the loop.")
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
        for job, size, title, _ in JOBS:
            n_rows = sizes[size]
            bars = []
            for e, label in ENGINES:
                j = g(job + "_" + e, "job")
                # pandas' in-memory floor is tens of times the rest: its bar
                # would flatten the others (the table has it)
                if (j or e != "plainmem") and not (job == "pandas" and e == "plainmem"):
                    bars.append((label.replace(", input already in memory", " (in memory)"),
                                 n_rows / j if j else None, e == "spry"))
            panels.append(("%s UDF, %s rows: throughput (job time)" % (title, format(n_rows, ",")),
                           "rows/s", bars))
        panels.append(("word count: seconds to the first result (lower is better)", "s", [
            ("Spry (spry run)", g("spry_wordcount", "first"), True),
            ("PyFlink 2.3.0", g("pyflink_wordcount", "first"), False)]))
        plot.write_svg(svg, panels, "Spry beside PyFlink: Python UDF throughput and start-up")


if __name__ == "__main__":
    main()
