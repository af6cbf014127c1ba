"""The scalar Python UDF jobs, run unchanged on PyFlink and on Spry.

Usage: python udf_job.py CSV MODE JOB   (PyFlink; MODE = process | thread)
       spry run udf_job.py CSV MODE JOB (Spry; the mode key is accepted,
                                         Spry has one execution path)
JOB is one of
- add_one: ``INSERT INTO snk SELECT add_one(id) FROM src`` with
  ``add_one = udf(lambda x: x + 1)`` over a CSV of (id BIGINT): the
  issue's job, where the engine's own overhead per row shows;
- json: ``INSERT INTO snk SELECT id, json_transform(payload) FROM src``
  over (id BIGINT, payload STRING), where the UDF parses the JSON payload,
  changes a field and dumps it (PyFlink's thread-mode showcase).
The sink is a blackhole. Prints "job_seconds=S": the time from submitting
the INSERT to its end, which leaves out interpreter and JVM start-up.
"""
import json
import sys
import time

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udf

path, mode = sys.argv[1], sys.argv[2]
job = sys.argv[3] if len(sys.argv) > 3 else "json"

t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
cfg = t_env.get_config()
cfg.set("parallelism.default", "1")
cfg.set("python.execution-mode", mode)
# The UDF workers (PyFlink: also the embedded interpreter of thread mode)
# use this script's interpreter, so they see the same packages.
cfg.set("python.executable", sys.executable)


@udf(result_type=DataTypes.STRING())
def json_transform(s):
    d = json.loads(s)
    d["score"] = d["score"] + 1
    return json.dumps(d)


add_one = udf(lambda x: x + 1, result_type=DataTypes.BIGINT())

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
else:
    sys.exit("unknown job %r: add_one or json" % job)

start = time.perf_counter()
t_env.execute_sql(insert).wait()
print("job_seconds=%.3f" % (time.perf_counter() - start), flush=True)
