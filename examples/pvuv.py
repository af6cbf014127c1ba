"""The seed's PV/UV case: hourly page views and unique visitors, PyFlink 1.9 style.

The seed reads Kafka and writes JDBC; here the same job reads the JSON lines
that examples/pvuv_gen.py writes and writes CSV, so it runs on a laptop.

Run: python3 examples/pvuv_gen.py && spry run examples/pvuv.py [input.json] [output_dir]
"""
import os
import shutil
import sys

try:
    from pyflink.datastream import StreamExecutionEnvironment, TimeCharacteristic
    from pyflink.table import StreamTableEnvironment, DataTypes, EnvironmentSettings
    from pyflink.table.descriptors import Schema, Json, Rowtime, FileSystem, OldCsv
    from pyflink.table.window import Tumble
except ImportError:
    from spry.datastream import StreamExecutionEnvironment, TimeCharacteristic
    from spry.table import StreamTableEnvironment, DataTypes, EnvironmentSettings
    from spry.table.descriptors import Schema, Json, Rowtime, FileSystem, OldCsv
    from spry.table.window import Tumble

input_path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/spry-pvuv/user_behavior.json"
output_path = sys.argv[2] if len(sys.argv) > 2 else "/tmp/spry-pvuv/pvuv_out"
if os.path.exists(output_path):
    shutil.rmtree(output_path) if os.path.isdir(output_path) else os.remove(output_path)

s_env = StreamExecutionEnvironment.get_execution_environment()
s_env.set_stream_time_characteristic(TimeCharacteristic.EventTime)
s_env.set_parallelism(1)
st_env = StreamTableEnvironment.create(
    s_env, environment_settings=EnvironmentSettings.new_instance().in_streaming_mode().use_blink_planner().build())

STRING = DataTypes.STRING
TIMESTAMP = DataTypes.TIMESTAMP
st_env.connect(FileSystem().path(input_path)) \
    .with_format(
        Json().json_schema(
            "{type: 'object',"
            " properties: {"
            "user_id: {type: 'string'},"
            "item_id: {type: 'string'},"
            "category_id: {type: 'string'},"
            "behavior: {type: 'string'},"
            "ts: {"
            "type: 'string',"
            "format: 'date-time'}}}")) \
    .with_schema(Schema()
                 .field("user_id", STRING())
                 .field("item_id", STRING())
                 .field("category_id", STRING())
                 .field("behavior", STRING())
                 .field("rowtime", TIMESTAMP())
                 .rowtime(Rowtime()
                          .timestamps_from_field("ts")
                          .watermarks_periodic_bounded(1000))) \
    .in_append_mode() \
    .register_table_source("source")

st_env.connect(FileSystem().path(output_path)) \
    .with_format(OldCsv()) \
    .with_schema(Schema()
                 .field("startTime", DataTypes.TIMESTAMP(3))
                 .field("endTime", DataTypes.TIMESTAMP(3))
                 .field("pv", DataTypes.BIGINT())
                 .field("uv", DataTypes.BIGINT())) \
    .register_table_sink("sink")

st_env.scan("source") \
    .window(Tumble.over("1.hours").on("rowtime").alias("w")) \
    .group_by("w") \
    .select("w.start as startTime, w.end as endTime, COUNT(1) as pv, user_id.count.distinct as uv") \
    .insert_into("sink")

st_env.execute("pvuv")
