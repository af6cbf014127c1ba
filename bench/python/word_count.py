"""A small word count for start-up timing, run unchanged on PyFlink and Spry.

Prints "first_result_epoch=T" (wall clock, seconds) when the first result
row arrives, then the rows; run.sh subtracts its own launch time from T.
"""
import time

from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit

t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
t_env.get_config().set("parallelism.default", "1")
words = "to be or not to be that is the question".split()
t = t_env.from_elements([(w,) for w in words], ["word"])
result = t.group_by(col("word")).select(col("word"), lit(1).count.alias("cnt")).execute()
with result.collect() as rows:
    first = True
    for row in rows:
        if first:
            print("first_result_epoch=%.6f" % time.time(), flush=True)
            first = False
        print(row)
