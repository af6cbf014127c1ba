"""The seed's word count in PyFlink 1.9 style (scan / group_by / select strings / insert_into).

Run: spry run examples/word_count.py [input.csv] [output_dir]
 or: PYTHONPATH=python/src python3 examples/word_count.py ...
Under `spry run` the pyflink imports resolve to spry; with plain python they
need the package importable as pyflink (spry.pyflink_compat) or the spry
names below.
"""
import os
import shutil
import sys

try:
    from pyflink.dataset import ExecutionEnvironment
    from pyflink.table import TableConfig, DataTypes, BatchTableEnvironment
    from pyflink.table.descriptors import Schema, OldCsv, FileSystem
except ImportError:
    from spry.dataset import ExecutionEnvironment
    from spry.table import TableConfig, DataTypes, BatchTableEnvironment
    from spry.table.descriptors import Schema, OldCsv, FileSystem

here = os.path.dirname(os.path.abspath(__file__))
input_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "data", "words.csv")
output_path = sys.argv[2] if len(sys.argv) > 2 else "/tmp/spry-wordcount/output"
if os.path.exists(output_path):
    shutil.rmtree(output_path) if os.path.isdir(output_path) else os.remove(output_path)

exec_env = ExecutionEnvironment.get_execution_environment()
exec_env.set_parallelism(1)
t_config = TableConfig()
t_env = BatchTableEnvironment.create(exec_env, t_config)

t_env.connect(FileSystem().path(input_path)) \
    .with_format(OldCsv()
                 .field('word', DataTypes.STRING())) \
    .with_schema(Schema()
                 .field('word', DataTypes.STRING())) \
    .register_table_source('mySource')

t_env.connect(FileSystem().path(output_path)) \
    .with_format(OldCsv()
                 .field_delimiter('\t')
                 .field('word', DataTypes.STRING())
                 .field('count', DataTypes.BIGINT())) \
    .with_schema(Schema()
                 .field('word', DataTypes.STRING())
                 .field('count', DataTypes.BIGINT())) \
    .register_table_sink('mySink')

t_env.scan('mySource').group_by('word').select('word, count(1)').insert_into('mySink')

t_env.execute("word_count")
