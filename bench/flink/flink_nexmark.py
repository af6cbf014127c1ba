"""Runs one Nexmark query on Apache Flink (PyFlink's local mini-cluster) and
writes its result as a one-element JSON list in the shape of ``spry bench
nexmark`` (engine "flink").

Run under the PyFlink venv's Python, one process (hence one fresh JVM) per
query, by bench/flink/bench.py::

    python flink_nexmark.py --query q0 --sql q0.kafka.sql --events 1000000 \\
        --parallelism 2 --jars 'file:///a.jar;file:///b.jar' [-D key=value]... --out q0.json

The SQL file is the DDL and the query, placeholders filled, exactly as
Spry gets it (bench.py writes it once for both engines).

What is measured: the JVM's CPU time (utime + stime of the whole JVM
process, from /proc/<pid>/stat) and the wall time from the moment the
INSERT's execute_sql returns (planned, job submitted) to the moment
``wait()`` returns (job finished). The JVM's start, the DDL and the
planning are outside both clocks; the JIT's warm-up during the job is
inside. Peak RSS is the JVM's VmHWM at the end (the whole life).
A failing query is a result with status "failed", not an exit code.
"""

import argparse
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nexmark_common import (is_insert, proc_cpu_seconds, proc_peak_rss,  # noqa: E402
                            result, root_cause, split_statements)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--query", required=True, help="query name, e.g. q0")
    p.add_argument("--sql", required=True, help="the script: source DDL, sink DDL and the INSERT")
    p.add_argument("--source", default="kafka", help="the result's source field")
    p.add_argument("--events", type=int, required=True)
    p.add_argument("--parallelism", type=int, required=True)
    p.add_argument("--jars", default="", help="pipeline.jars: file: URLs joined by ';'")
    p.add_argument("-D", dest="defines", action="append", default=[], metavar="key=value",
                   help="a configuration option (repeatable)")
    p.add_argument("--out", required=True, help="the JSON result file")
    return p.parse_args(argv)


def statements(args):
    with open(args.sql) as f:
        return split_statements(f.read())


def run(args):
    """Runs the query; returns (result dict, JVM pid or None)."""
    from pyflink.java_gateway import get_gateway
    from pyflink.table import EnvironmentSettings, TableEnvironment

    stmts = statements(args)
    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    conf = t_env.get_config()
    conf.set("parallelism.default", str(args.parallelism))
    if args.jars:
        conf.set("pipeline.jars", args.jars)
    for d in args.defines:
        k, _, v = d.partition("=")
        conf.set(k.strip(), v.strip())
    pid = int(get_gateway().jvm.java.lang.ProcessHandle.current().pid())

    def fail(stage, e):
        text = str(e)
        print("%s %s failed:\n%s" % (args.query, stage, text), file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return result("flink", args.query, args.source, args.events, args.parallelism,
                      peak_rss_bytes=proc_peak_rss(pid), status="failed",
                      error="%s: %s" % (stage, root_cause(text))), pid

    insert = None
    for s in stmts:
        if is_insert(s):
            insert = s
            continue
        try:
            t_env.execute_sql(s)
        except Exception as e:  # py4j's Java exceptions: reported, not fatal
            return fail("DDL", e)
    if insert is None:
        return result("flink", args.query, args.source, args.events, args.parallelism,
                      status="failed", error="no INSERT statement"), pid
    try:
        job = t_env.execute_sql(insert)
    except Exception as e:
        return fail("planning", e)
    # the clocks start once the job is submitted: JVM start-up and planning
    # are excluded (favouring Flink), JIT warm-up in the job is included
    t0, c0 = time.monotonic(), proc_cpu_seconds(pid)
    try:
        job.wait()
    except Exception as e:
        return fail("job", e)
    seconds, cpu = time.monotonic() - t0, proc_cpu_seconds(pid) - c0
    print("%s: job finished in %.3f s, JVM CPU %.3f s" % (args.query, seconds, cpu), file=sys.stderr)
    return result("flink", args.query, args.source, args.events, args.parallelism,
                  seconds=seconds, cpu_seconds=cpu, peak_rss_bytes=proc_peak_rss(pid)), pid


def main(argv=None):
    args = parse_args(argv)
    try:
        res, _ = run(args)
    except Exception as e:  # e.g. the JVM did not start
        traceback.print_exc(file=sys.stderr)
        res = result("flink", args.query, args.source, args.events, args.parallelism,
                     status="failed", error=root_cause(str(e)))
    with open(args.out, "w") as f:
        json.dump([res], f, indent=1)
    print(json.dumps(res))
    # the gateway JVM is PyFlink's child: exit now rather than waiting for
    # its shutdown hooks, so a finished query frees its memory at once
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
