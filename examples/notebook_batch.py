"""The seed's notebook batch job: from_elements(...).select("a + 1, b, c") into a CSV sink.

Run: spry run examples/notebook_batch.py [sink_path]   (default /tmp/batch.csv)
"""
import os
import shutil
import sys

try:
    from pyflink.dataset import ExecutionEnvironment
    from pyflink.table import DataTypes, BatchTableEnvironment
    from pyflink.table.descriptors import Schema, OldCsv, FileSystem
except ImportError:
    from spry.dataset import ExecutionEnvironment
    from spry.table import DataTypes, BatchTableEnvironment
    from spry.table.descriptors import Schema, OldCsv, FileSystem

b_env = ExecutionEnvironment.get_execution_environment()
bt_env = BatchTableEnvironment.create(b_env)

sink_path = sys.argv[1] if len(sys.argv) > 1 else '/tmp/batch.csv'
if os.path.exists(sink_path):
    if os.path.isfile(sink_path):
        os.remove(sink_path)
    else:
        shutil.rmtree(sink_path)
b_env.set_parallelism(1)
t = bt_env.from_elements([(1, 'hi', 'hello'), (2, 'hi', 'hello')], ['a', 'b', 'c'])
bt_env.connect(FileSystem().path(sink_path)) \
    .with_format(OldCsv()
                 .field_delimiter(',')
                 .field("a", DataTypes.BIGINT())
                 .field("b", DataTypes.STRING())
                 .field("c", DataTypes.STRING())) \
    .with_schema(Schema()
                 .field("a", DataTypes.BIGINT())
                 .field("b", DataTypes.STRING())
                 .field("c", DataTypes.STRING())) \
    .register_table_sink("batch_sink")
t.select("a + 1, b, c").insert_into("batch_sink")
bt_env.execute("batch_job")
