"""The side-by-side driver of bench/flink/run.sh: fills the Kafka topic once,
then runs every Nexmark query on Apache Flink (flink_nexmark.py, one JVM per
query) and on Spry (``spry sql -f``, timed with wait4), the two engines
interleaved query by query, over the very same SQL text; then the stateless
queries over the datagen ``bid`` table; writes the JSON results and the
report. System Python 3, standard library only; see bench/flink/README.md.
"""

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nexmark_common import (fill_placeholders, quote_identifiers, result,  # noqa: E402
                            root_cause, split_statements)
import report  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
NEXMARK = os.path.join(ROOT, "bench", "nexmark")
ALL_QUERIES = "q0,q1,q2,q3,q4,q5,q7,q8,q9,q10,q11,q12,q13,q14,q15,q16,q17,q18,q19,q20,q21,q22"
STATELESS = "q0,q1,q2,q14,q21,q22"

#: nexmark-flink's table settings for its Flink benchmark (conf/config.yaml),
#: given to both engines unless --flink-defaults.
NEXMARK_TABLE_OPTIONS = [
    "table.exec.mini-batch.enabled=true",
    "table.exec.mini-batch.allow-latency=2s",
    "table.exec.mini-batch.size=50000",
    "table.optimizer.distinct-agg.split.enabled=true",
]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=1000000)
    p.add_argument("--queries", default=ALL_QUERIES)
    p.add_argument("--datagen-queries", default=STATELESS, help="'' to leave the datagen runs out")
    p.add_argument("--datagen-events", type=int, default=0, help="rows of the datagen bid table (default --events)")
    p.add_argument("--parallelism", type=int, default=os.cpu_count())
    p.add_argument("--repeat", type=int, default=1, help="runs per engine and query; the median is reported")
    p.add_argument("--flink-defaults", action="store_true",
                   help="leave out nexmark-flink's mini-batch table settings (both engines)")
    p.add_argument("-D", dest="defines", action="append", default=[], metavar="key=value")
    p.add_argument("--spry", default=os.path.join(ROOT, "bin", "spry"))
    p.add_argument("--flink-python", default=os.environ.get("FLINK_PY", ""))
    p.add_argument("--jars", default=os.environ.get("FLINK_JARS", ""))
    p.add_argument("--connector-version", default=os.environ.get("KAFKA_CONNECTOR_VERSION", ""))
    p.add_argument("--bootstrap", default=os.environ.get("SPRY_KAFKA_BOOTSTRAP", "127.0.0.1:19092"))
    p.add_argument("--topic", default="")
    p.add_argument("--tps", type=int, default=10000000)
    p.add_argument("--timeout", type=int, default=900, help="seconds per query run")
    p.add_argument("--work", required=True, help="work directory: SQL, logs, JSON")
    p.add_argument("--report", default=os.path.join(HERE, "RESULTS.md"))
    p.add_argument("--command", default="", help="the command line to print in the report")
    p.add_argument("--report-only", action="store_true",
                   help="run nothing: write the report from the JSON results in --work")
    return p.parse_args(argv)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_child(cmd, logpath, timeout, env=None):
    """Runs cmd in its own process group, stdout+stderr into logpath;
    returns (exit code or None on timeout, wall seconds, rusage)."""
    with open(logpath, "ab") as out:
        out.write(("$ %s\n" % " ".join(shlex.quote(c) for c in cmd)).encode())
        out.flush()
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True, cwd=os.path.dirname(logpath))
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                wall = time.monotonic() - t0
                proc.returncode = os.waitstatus_to_exitcode(status)
                return proc.returncode, wall, ru
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                _, _, ru = os.wait4(proc.pid, 0)
                return None, time.monotonic() - t0, ru
            time.sleep(0.02)


def sql_text(files, values):
    """The script both engines run: the files joined, placeholders filled and
    the Flink-2 keyword columns quoted (the only textual change)."""
    parts = []
    for path in files:
        with open(path) as f:
            parts.append(f.read())
    text = "\n".join(parts)
    return quote_identifiers(fill_placeholders(text, values))


class Runner:
    """Runs one query's script on each engine."""

    def __init__(self, a):
        self.a = a
        self.defines = ([] if a.flink_defaults else NEXMARK_TABLE_OPTIONS) + a.defines
        self.flink_env = dict(os.environ)
        self.flink_env["PYTHONPATH"] = os.environ.get("FLINK_ENV_PYTHONPATH", "")

    def flink(self, query, source, events, sql, tag):
        a = self.a
        out = os.path.join(a.work, "%s.%s.flink.json" % (query, tag))
        logpath = os.path.join(a.work, "%s.%s.flink.log" % (query, tag))
        env = dict(self.flink_env, FLINK_LOG_DIR=os.path.join(a.work, "flink-log", "%s.%s" % (query, tag)))
        cmd = [a.flink_python, os.path.join(HERE, "flink_nexmark.py"), "--query", query, "--sql", sql,
               "--source", source, "--events", str(events), "--parallelism", str(a.parallelism),
               "--jars", a.jars, "--out", out]
        for d in self.defines:
            cmd += ["-D", d]
        if os.path.exists(out):
            os.remove(out)
        rc, wall, _ = run_child(cmd, logpath, a.timeout, env)
        if rc is None:
            return result("flink", query, source, events, a.parallelism, status="failed",
                          error="timed out after %d s" % a.timeout)
        try:
            with open(out) as f:
                return json.load(f)[0]
        except (OSError, ValueError, IndexError):
            return result("flink", query, source, events, a.parallelism, status="failed",
                          error="driver exited %s without a result: %s" % (rc, tail_error(logpath)))

    def spry(self, query, source, events, sql, tag):
        a = self.a
        logpath = os.path.join(a.work, "%s.%s.spry.log" % (query, tag))
        cmd = [a.spry, "sql", "-p", str(a.parallelism), "-f", sql]
        for d in self.defines:
            cmd += ["-D", d]
        rc, wall, ru = run_child(cmd, logpath, a.timeout)
        if rc != 0:
            why = "timed out after %d s" % a.timeout if rc is None else tail_error(logpath)
            return result("spry", query, source, events, a.parallelism, status="failed", error=why)
        return result("spry", query, source, events, a.parallelism, seconds=wall,
                      cpu_seconds=ru.ru_utime + ru.ru_stime, peak_rss_bytes=ru.ru_maxrss * 1024)


def tail_error(logpath):
    with open(logpath, errors="replace") as f:
        text = f.read()
    lines = [l for l in text.splitlines() if l.strip() and not l.startswith("$ ")]
    errs = [l for l in lines if "error" in l.lower() or "exception" in l.lower()]
    return root_cause("\n".join(errs or lines[-1:]), 240)


def median_run(runs):
    """The run with the median CPU time (a failure when any run failed)."""
    bad = [r for r in runs if r["status"] != "ok"]
    if bad:
        return bad[0]
    runs = sorted(runs, key=lambda r: r["cpu_seconds"])
    return runs[len(runs) // 2]


def fill_topic(a):
    """Fills the topic with the generator's events (once: spry bench nexmark
    --fill-only keeps a topic that holds exactly N records)."""
    cmd = [a.spry, "bench", "nexmark", "--source", "kafka", "--fill-only", "--events", str(a.events),
           "--parallelism", str(a.parallelism), "--topic", a.topic, "--bootstrap-servers", a.bootstrap,
           "--tps", str(a.tps)]
    log("==> filling topic %s with %d events (%d partitions)" % (a.topic, a.events, a.parallelism))
    t0 = time.monotonic()
    rc = subprocess.call(cmd, stdout=sys.stderr)
    if rc != 0:
        raise SystemExit("filling the topic failed: %s exited %d" % (" ".join(cmd), rc))
    log("    done in %.1f s" % (time.monotonic() - t0))


def main(argv=None):
    a = parse_args(argv)
    load0 = os.getloadavg()[0]
    os.makedirs(os.path.join(a.work, "data"), exist_ok=True)
    a.topic = a.topic or "nexmark-%d-p%d" % (a.events, a.parallelism)
    with open(os.path.join(a.work, "data", "side_input.txt"), "w") as f:
        f.writelines("%d,%d\n" % (i, i) for i in range(10000))
    queries = [q for q in a.queries.split(",") if q]
    dg_queries = [q for q in a.datagen_queries.split(",") if q]
    dg_events = a.datagen_events or a.events
    r = Runner(a)
    if a.report_only:
        queries = dg_queries = []
    elif queries:
        fill_topic(a)
    values = {"TOPIC": a.topic, "BOOTSTRAP_SERVERS": a.bootstrap, "EVENTS_NUM": a.events,
              "TPS": a.tps, "NEXMARK_DIR": a.work}
    results = {"kafka": [], "datagen": []}
    plan = [("kafka", q, a.events, [os.path.join(NEXMARK, "ddl_kafka.sql")]) for q in queries]
    plan += [("datagen", q, dg_events, [os.path.join(NEXMARK, "datagen_bid.sql")]) for q in dg_queries]
    for i, (source, q, events, ddl) in enumerate(plan, 1):
        sql = os.path.join(a.work, "%s.%s.sql" % (q, source))
        with open(sql, "w") as f:
            f.write(sql_text(ddl + [os.path.join(NEXMARK, q + ".sql")], dict(values, EVENTS_NUM=events)))
        runs = {"flink": [], "spry": []}
        for _ in range(a.repeat):  # interleaved, so a slow spell hits both
            runs["flink"].append(r.flink(q, source, events, sql, source))
            runs["spry"].append(r.spry(q, source, events, sql, source))
        f_res, s_res = median_run(runs["flink"]), median_run(runs["spry"])
        results[source] += [f_res, s_res]
        log("[%d/%d] %s %-4s flink %s | spry %s" % (i, len(plan), source, q, brief(f_res), brief(s_res)))
        write_json(a.work, results)
    if a.report_only:
        results = read_json(a.work)
    meta = report.Meta(events=a.events, datagen_events=dg_events, parallelism=a.parallelism,
                       repeat=a.repeat, defines=r.defines, topic=a.topic,
                       connector_version=a.connector_version, command=a.command,
                       flink_python=a.flink_python, spry=a.spry, work=a.work,
                       load="%.1f, %.1f" % (load0, os.getloadavg()[0]))
    text = report.render(meta, results["kafka"], results["datagen"], spry_report(a))
    with open(a.report, "w") as f:
        f.write(text)
    log("==> report written to %s; logs, SQL and JSON in %s" % (a.report, a.work))


def brief(res):
    if res["status"] != "ok":
        return "FAILED (%s)" % res["error"][:80]
    return "%8.0f ev/s/core (%.2f s, cpu %.2f s)" % (res["events_per_sec_per_core"], res["seconds"],
                                                    res["cpu_seconds"])


def write_json(work, results):
    for source, res in results.items():
        for engine in ("flink", "spry"):
            name = "%s%s.json" % (engine, "" if source == "kafka" else "-" + source)
            with open(os.path.join(work, name), "w") as f:
                json.dump([x for x in res if x["engine"] == engine], f, indent=1)


def read_json(work):
    """The results write_json left in a work directory."""
    results = {"kafka": [], "datagen": []}
    for source in results:
        for engine in ("flink", "spry"):
            path = os.path.join(work, "%s%s.json" % (engine, "" if source == "kafka" else "-" + source))
            if os.path.exists(path):
                with open(path) as f:
                    results[source] += json.load(f)
    return results


def spry_report(a):
    """spry bench nexmark's own Markdown table and SVG plot of the Kafka
    results (None when it cannot make them)."""
    spry_json, flink_json = os.path.join(a.work, "spry.json"), os.path.join(a.work, "flink.json")
    try:
        with open(spry_json) as f:
            if not json.load(f):
                return None
    except (OSError, ValueError):
        return None
    plot = os.path.join(os.path.dirname(os.path.abspath(a.report)), "nexmark-kafka.svg")
    cmd = [a.spry, "bench", "nexmark", "--from", spry_json, "--reference", flink_json,
           "--format", "markdown", "--plot", plot]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        log("spry bench nexmark --from failed: %s" % out.stderr.strip()[:200])
        return None
    return report.SpryReport(markdown=out.stdout, plot=os.path.basename(plot))


if __name__ == "__main__":
    main()
