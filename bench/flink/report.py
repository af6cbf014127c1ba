"""Writes bench/flink/RESULTS.md from the results of bench.py: the machine,
versions and command, what exactly is compared, and per query both
engines' figures, the per-core ratio and whether issue 7's goal holds.
Standard library only; the tables are pure functions of the results.
"""

import collections
import datetime
import os
import platform
import subprocess

from nexmark_common import split_statements

#: Issue 7's goals: Spry's events/s per core at least this many times Flink's.
GOALS = {q: 5 for q in ("q0", "q1", "q2", "q14", "q21", "q22")}
GOALS.update({q: 3 for q in ("q3", "q4", "q5", "q7", "q8", "q9", "q11", "q12",
                             "q15", "q16", "q17", "q18", "q19", "q20")})

Meta = collections.namedtuple("Meta", "events datagen_events parallelism repeat defines topic "
                                      "connector_version command flink_python spry work load")
Meta.__new__.__defaults__ = ("",)
SpryReport = collections.namedtuple("SpryReport", "markdown plot")


def qkey(q):
    """q2 before q10."""
    return (len(q), q)


def pair(results):
    """{query: {engine: result}} of a flat result list."""
    out = collections.OrderedDict()
    for r in sorted(results, key=lambda r: qkey(r["query"])):
        out.setdefault(r["query"], {})[r["engine"]] = r
    return out


def ratio(spry, flink):
    """Spry's events/s per core over Flink's; None unless both ran."""
    if not spry or not flink or spry["status"] != "ok" or flink["status"] != "ok":
        return None
    if not flink["events_per_sec_per_core"]:
        return None
    return spry["events_per_sec_per_core"] / float(flink["events_per_sec_per_core"])


def fmt_int(v):
    return "-" if v is None else "{:,}".format(int(v))


def fmt_mb(v):
    return "-" if v is None else "%d" % round(v / 2 ** 20)


def table(results):
    """The Markdown comparison table and (held, total) goal counts."""
    rows = ["| query | Flink s | Flink CPU s | Flink ev/s/core | Flink RSS MB | Spry s | Spry CPU s "
            "| Spry ev/s/core | Spry RSS MB | per-core ratio | goal | holds |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
    held = total = 0
    for q, by in pair(results).items():
        f, s = by.get("flink"), by.get("spry")
        x = ratio(s, f)
        goal = GOALS.get(q)
        verdict = ""
        if goal:
            total += 1
            if x is None:
                verdict = "n/a"
            elif x >= goal:
                verdict, held = "yes", held + 1
            else:
                verdict = "no (%.0f%% of it)" % (100 * x / goal)
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            q, *cells(f), *cells(s), "-" if x is None else "%.2f×" % x,
            "≥%d×" % goal if goal else "-", verdict))
    return "\n".join(rows), held, total


def cells(r):
    if r is None:
        return ("-",) * 4
    if r["status"] != "ok":
        return ("failed", "-", "-", fmt_mb(r.get("peak_rss_bytes")))
    return ("%.2f" % r["seconds"], "%.2f" % r["cpu_seconds"], fmt_int(r["events_per_sec_per_core"]),
            fmt_mb(r["peak_rss_bytes"]))


def failures(results):
    lines = ["- %s %s (%s): %s" % (r["engine"], r["query"], r["source"], r["error"].replace("|", "/"))
             for r in sorted(results, key=lambda r: (qkey(r["query"]), r["engine"])) if r["status"] != "ok"]
    return "\n".join(lines) if lines else "none"


def machine():
    model = mem = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
        with open("/proc/meminfo") as f:
            kb = next(int(l.split()[1]) for l in f if l.startswith("MemTotal"))
            mem = "%.1f GiB" % (kb / 2 ** 20)
    except (OSError, StopIteration, ValueError):
        pass
    return "%d cores (nproc), %s, %s RAM, Linux %s" % (os.cpu_count(), model, mem, platform.release())


def commit(root):
    """The checked-out commit, read from .git without running git."""
    try:
        with open(os.path.join(root, ".git", "HEAD")) as f:
            head = f.read().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        path = os.path.join(root, ".git", ref)
        if os.path.exists(path):
            with open(path) as f:
                return f.read().strip()[:12]
        with open(os.path.join(root, ".git", "packed-refs")) as f:
            for line in f:
                if line.rstrip().endswith(" " + ref):
                    return line[:12]
    except OSError:
        pass
    return "unknown"


def output_of(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (p.stdout + p.stderr).strip().splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "?"


def render(meta, kafka, datagen, spry_report=None):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    flink_version = output_of([meta.flink_python, "-c",
                               "import importlib.metadata as m; print(m.version('apache-flink'))"])
    java = output_of(["java", "-version"])
    ktable, kheld, ktotal = table(kafka)
    dtable, dheld, dtotal = table(datagen)
    opts = "\n".join("- `%s`" % d for d in meta.defines) or "- none (Flink's defaults)"
    out = ["# Spry vs. Apache Flink, Nexmark side by side", "",
           "- date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "- machine: %s" % machine(),
           "- commit: %s" % commit(root),
           "- load average (1 min) at start and end: %s; on a shared machine compare CPU-based "
           "figures (per core), not wall times" % (meta.load or "?"),
           "- Apache Flink %s (PyPI apache-flink, local mini-cluster), %s; "
           "flink-sql-connector-kafka %s" % (flink_version, java, meta.connector_version or "?"),
           "- command: `%s`" % (meta.command or "bench/flink/run.sh"),
           "- parallelism %d; Kafka: %s events in topic `%s` (%d partitions); datagen: %s rows; "
           "%d run(s) per engine and query (median by CPU time)" % (
               meta.parallelism, fmt_int(meta.events), meta.topic, meta.parallelism,
               fmt_int(meta.datagen_events), meta.repeat),
           "", "Options given to both engines (besides `parallelism.default`):", "", opts, "",
           WHAT, "", "## The source tables", "", "\n\n".join(source_tables(root)), "",
           "## Kafka source (the same pre-filled topic, bounded), blackhole sinks", "",
           ktable if kafka else "Not run.", "",
           "Goals held: %d of %d." % (kheld, ktotal), ""]
    if spry_report:
        out += ["`spry bench nexmark --from spry.json --reference flink.json --format markdown`:", "",
                spry_report.markdown.strip(), "", "![events/s per core](%s)" % spry_report.plot, ""]
    out += ["## In-process source: Flink's `datagen` table for `bid` (bench/nexmark/datagen_bid.sql)", "",
            dtable if datagen else "Not run.", "", "Goals held: %d of %d (the goals are stated for the Kafka runs; shown "
            "here for scale)." % (dheld, dtotal), "",
            "## Failures", "", failures(kafka + datagen), "",
            "Per-query SQL, logs (Flink's exceptions included) and JSON: `%s`." % meta.work, ""]
    return "\n".join(out)


def source_tables(root):
    """The CREATE TABLE of each source DDL file (comments dropped), for the report."""
    out = []
    for name in ("ddl_kafka.sql", "datagen_bid.sql"):
        path = os.path.join(root, "bench", "nexmark", name)
        try:
            with open(path) as f:
                stmts = split_statements(f.read())
        except OSError:
            continue
        views = sum(1 for st in stmts[1:] if st.upper().startswith("CREATE VIEW"))
        out.append("`bench/nexmark/%s`%s:\n\n```sql\n%s;\n```" % (
            name, " (plus the person, auction and bid views, %d in all)" % views if views else "", stmts[0]))
    return out


WHAT = """## What is compared

- **The same SQL.** Both engines run one script per query, byte for byte the
  same: the source DDL (bench/nexmark/ddl_kafka.sql, or datagen_bid.sql) and
  bench/nexmark/qN.sql, placeholders filled, with one change for Flink 2.x:
  the column `dateTime`, a keyword since Calcite 1.34, is quoted
  (`` `dateTime` ``), as nexmark-flink does for Flink 2. q14's
  `com.github.nexmark.flink.udf.CountChar` is a small Java ScalarFunction on
  Flink (bench/flink/udf/) and a Go built-in on Spry.
- **Events.** Kafka: N nexmark events (persons, auctions and bids 1:3:46),
  JSON, written once by `spry bench nexmark --fill-only` into a topic of P
  partitions and read by both from the earliest offset to the end offsets
  (`scan.bounded.mode` = `latest-offset`). Datagen: N random bids generated
  inside the engine. Events/s = N / wall seconds; events/s per core =
  N / CPU seconds.
- **Flink's clock** starts when `execute_sql` of the INSERT returns (plan
  done, job submitted) and stops when the job's `wait()` returns: the JVM's
  start, the gateway, the DDL and the planning are **outside** it (this
  favours Flink); the JIT's warm-up during the job is inside. CPU = utime +
  stime of the whole JVM process (all its threads: tasks, Kafka client, GC,
  JIT) over the same span, from /proc/<pid>/stat. One fresh JVM per query.
  Peak RSS = the JVM's VmHWM at the end.
- **Spry's clock** is the whole life of `spry sql -f` (start-up, planning
  and the job); CPU = user + system time and peak RSS = maxrss from wait4.
- **Same configuration**: Flink's defaults on both (heap state on Flink,
  in-memory state on Spry, no checkpoints), plus the options listed above,
  given to both alike: by default nexmark-flink's own table settings
  (mini-batch on, 2 s / 50,000 rows, distinct-aggregate split), which help
  Flink's aggregations most."""
