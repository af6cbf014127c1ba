"""The scalar Python UDF job, run unchanged on PyFlink and on Spry.

Usage: python udf_job.py CSV MODE   (PyFlink; MODE = process | thread)
       spry run udf_job.py CSV MODE (Spry; the mode key is accepted, Spry
                                     has one execution path)
Reads (id, payload) from CSV, applies a JSON transformation UDF (parse,
change a field, dump) and `lambda x: x + 1`, writes to a blackhole sink.
Prints "job_seconds=S": the time from submitting the INSERT to its end,
which leaves out interpreter and JVM start-up.
"""
import json
import sys
import time

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udf

path, mode = sys.argv[1], sys.argv[2]

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
t_env.create_temporary_function("json_transform", json_transform)
t_env.create_temporary_function("add_one", add_one)

t_env.execute_sql(f"""
CREATE TABLE src (id BIGINT, payload STRING) WITH (
  'connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')""")
t_env.execute_sql("""
CREATE TABLE snk (id BIGINT, payload STRING) WITH ('connector' = 'blackhole')""")

start = time.perf_counter()
t_env.execute_sql(
    "INSERT INTO snk SELECT add_one(id), json_transform(payload) FROM src").wait()
print("job_seconds=%.3f" % (time.perf_counter() - start), flush=True)
