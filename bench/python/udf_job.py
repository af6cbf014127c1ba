"""The scalar Python UDF jobs, run unchanged on PyFlink and on Spry.

Usage: python udf_job.py CSV MODE JOB   (PyFlink; MODE = process | thread)
       spry run udf_job.py CSV MODE JOB (Spry; the mode key is accepted,
                                         Spry has one execution path)
JOB is one of
- add_one: ``INSERT INTO snk SELECT add_one(id) FROM src`` with
  ``add_one`` returning ``x + 1`` over a CSV of (id BIGINT): the issue's
  job, where the engine's own overhead per row shows;
- json: ``INSERT INTO snk SELECT id, json_transform(payload) FROM src``
  over (id BIGINT, payload STRING), where the UDF parses the JSON payload,
  changes a field and dumps it (PyFlink's thread-mode showcase);
- pandas: ``INSERT INTO snk SELECT net_price(price, fee) FROM src`` over
  (price DOUBLE, fee DOUBLE), a vectorized UDF (func_type="pandas") that
  computes ``price * 0.908 + fee`` on whole pandas Series.
The sink is a blackhole. Prints "job_seconds=S": the time from submitting
the INSERT to its end, which leaves out interpreter and JVM start-up.

When $SPRY_BENCH_FIRST_FILE is set, the first UDF call writes the wall
clock time (seconds since the epoch) and the name of the executable that
ran it to that file once its first result is computed: run.sh turns it
into the time to the first result. The
marking costs nothing after that call (see _once).
"""
import json
import os
import sys
import time

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udf

path, mode = sys.argv[1], sys.argv[2]
job = sys.argv[3] if len(sys.argv) > 3 else "json"
# read here, in the client: the functions carry the value to the workers
FIRST_FILE = os.environ.get("SPRY_BENCH_FIRST_FILE", "")

t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
cfg = t_env.get_config()
cfg.set("parallelism.default", "1")
cfg.set("python.execution-mode", mode)
# The UDF workers (PyFlink: also the embedded interpreter of thread mode)
# use this script's interpreter, so they see the same packages.
cfg.set("python.executable", sys.executable)


def _mark_first():
    """Writes the time of the first result to FIRST_FILE; only the first
    writer wins (O_EXCL), whichever worker or call gets there first."""
    if not FIRST_FILE:
        return
    try:
        fd = os.open(FIRST_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    except OSError:
        return
    try:
        # which process ran the UDF: "java" in PyFlink's thread mode (the
        # interpreter embedded in the JVM), "python..." in a worker process
        where = os.path.basename(os.readlink("/proc/self/exe"))
    except OSError:
        where = "?"
    os.write(fd, ("%.6f %s\n" % (time.time(), where)).encode())
    os.close(fd)


def _once(fn, fast):
    """Makes fn's first call mark the first result and then turn fn into
    fast by swapping its code: the engines call the very function object
    they were given, so every later call runs fast's code with no check
    left on the per-row path (add_one's own cost is a few tens of ns)."""
    def first(*args):
        out = fast(*args)
        _mark_first()
        fn.__code__ = fast.__code__
        return out
    return first


def _add_one(x):
    return _add_one_first(x)


def _add_one_fast(x):
    return x + 1


def _json_transform(s):
    return _json_transform_first(s)


def _json_transform_fast(s):
    d = json.loads(s)
    d["score"] = d["score"] + 1
    return json.dumps(d)


def _net_price(price, fee):
    return _net_price_first(price, fee)


def _net_price_fast(price, fee):
    return price * 0.908 + fee


_add_one_first = _once(_add_one, _add_one_fast)
_json_transform_first = _once(_json_transform, _json_transform_fast)
_net_price_first = _once(_net_price, _net_price_fast)
add_one = udf(_add_one, result_type=DataTypes.BIGINT())
json_transform = udf(_json_transform, result_type=DataTypes.STRING())
net_price = udf(_net_price, result_type=DataTypes.DOUBLE(), func_type="pandas")

if job == "add_one":
    t_env.create_temporary_function("add_one", add_one)
    t_env.execute_sql(f"""
CREATE TABLE src (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')""")
    t_env.execute_sql("CREATE TABLE snk (id BIGINT) WITH ('connector' = 'blackhole')")
    insert = "INSERT INTO snk SELECT add_one(id) FROM src"
elif job == "json":
    t_env.create_temporary_function("json_transform", json_transform)
    t_env.execute_sql(f"""
CREATE TABLE src (id BIGINT, payload STRING) WITH (
  'connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')""")
    t_env.execute_sql("""
CREATE TABLE snk (id BIGINT, payload STRING) WITH ('connector' = 'blackhole')""")
    insert = "INSERT INTO snk SELECT id, json_transform(payload) FROM src"
elif job == "pandas":
    t_env.create_temporary_function("net_price", net_price)
    t_env.execute_sql(f"""
CREATE TABLE src (price DOUBLE, fee DOUBLE) WITH (
  'connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')""")
    t_env.execute_sql("CREATE TABLE snk (net DOUBLE) WITH ('connector' = 'blackhole')")
    insert = "INSERT INTO snk SELECT net_price(price, fee) FROM src"
else:
    sys.exit("unknown job %r: add_one, json or pandas" % job)

start = time.perf_counter()
t_env.execute_sql(insert).wait()
print("job_seconds=%.3f" % (time.perf_counter() - start), flush=True)
