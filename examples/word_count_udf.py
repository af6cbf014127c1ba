"""Word count in today's PyFlink style, with a Python UDF and a Python table function.

Run: spry run examples/word_count_udf.py      (pyflink imports resolve to spry)
 or: PYTHONPATH=python/src python3 examples/word_count_udf.py
"""
try:
    from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
    from pyflink.table.expressions import col, lit
    from pyflink.table.udf import udf, udtf
except ImportError:
    from spry.table import DataTypes, EnvironmentSettings, TableEnvironment
    from spry.table.expressions import col, lit
    from spry.table.udf import udf, udtf

t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
t_env.get_config().set("parallelism.default", "1")

lines = t_env.from_elements([("Apache Flink is cool",), ("Spry runs Flink SQL",), ("cool",)], ["line"])


@udtf(result_types=[DataTypes.STRING()])
def split(line):
    for word in line.split(" "):
        yield word,


@udf(result_type=DataTypes.STRING())
def normalize(word):
    return word.lower()


counts = lines.join_lateral(split(col("line")).alias("word")) \
    .select(normalize(col("word")).alias("word")) \
    .group_by(col("word")) \
    .select(col("word"), lit(1).count.alias("cnt")) \
    .order_by(col("cnt").desc, col("word"))

counts.execute().print()
