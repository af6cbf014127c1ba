"""The seed's PV/UV case as it ran in production, PyFlink 1.9 style: Kafka in, MySQL out.

User-behaviour JSON events are read from Kafka with the Kafka()/Json()/Schema()
descriptors (event time from 'ts', watermarks 1 s behind); hourly page views and
unique visitors are written into a MySQL/MariaDB table through the JDBC sink,
declared with the Flink 1.9 DDL ('connector.type' = 'jdbc') and flushed on
every row ('connector.write.flush.max-rows' = '1').

Run (servers from scripts/services.sh up):
    spry run examples/pvuv_kafka_mysql.py [bootstrap] [topic] [jdbc-url] [user] [password] [table] [bounded]
The table: CREATE TABLE pvuv_sink (startTime DATETIME, endTime DATETIME, pv BIGINT, uv BIGINT).
With ``bounded`` the job reads the topic to its current end and finishes (a test's setting).
"""
import sys

try:
    from pyflink.datastream import StreamExecutionEnvironment, TimeCharacteristic
    from pyflink.table import StreamTableEnvironment, DataTypes, EnvironmentSettings
    from pyflink.table.descriptors import Schema, Json, Rowtime, Kafka, CustomConnectorDescriptor
    from pyflink.table.window import Tumble
except ImportError:
    from spry.datastream import StreamExecutionEnvironment, TimeCharacteristic
    from spry.table import StreamTableEnvironment, DataTypes, EnvironmentSettings
    from spry.table.descriptors import Schema, Json, Rowtime, Kafka, CustomConnectorDescriptor
    from spry.table.window import Tumble

args = sys.argv[1:] + [None] * 7
bootstrap = args[0] or "127.0.0.1:19092"
topic = args[1] or "user_behavior"
jdbc_url = args[2] or "jdbc:mysql://127.0.0.1:13306/spry"
user = args[3] or "spry"
password = args[4] or "spry"
table = args[5] or "pvuv_sink"
bounded = args[6] == "bounded"

s_env = StreamExecutionEnvironment.get_execution_environment()
s_env.set_stream_time_characteristic(TimeCharacteristic.EventTime)
s_env.set_parallelism(1)
st_env = StreamTableEnvironment.create(
    s_env, environment_settings=EnvironmentSettings.new_instance().in_streaming_mode().use_blink_planner().build())

source = Kafka() \
    .version("universal") \
    .topic(topic) \
    .start_from_earliest() \
    .property("bootstrap.servers", bootstrap) \
    .property("group.id", "pvuv")
if bounded:
    # Not a 1.9 option: read to the topic's current end, then finish.
    source = CustomConnectorDescriptor("kafka", "universal", True).properties({
        "topic": topic, "properties.bootstrap.servers": bootstrap, "properties.group.id": "pvuv",
        "scan.startup.mode": "earliest-offset", "scan.bounded.mode": "latest-offset"})

st_env.connect(source) \
    .with_format(Json().fail_on_missing_field(True).json_schema(
        "{type: 'object',"
        " properties: {"
        "user_id: {type: 'string'},"
        "item_id: {type: 'string'},"
        "category_id: {type: 'string'},"
        "behavior: {type: 'string'},"
        "ts: {type: 'string', format: 'date-time'}}}")) \
    .with_schema(Schema()
                 .field("user_id", DataTypes.STRING())
                 .field("item_id", DataTypes.STRING())
                 .field("category_id", DataTypes.STRING())
                 .field("behavior", DataTypes.STRING())
                 .field("rowtime", DataTypes.TIMESTAMP())
                 .rowtime(Rowtime()
                          .timestamps_from_field("ts")
                          .watermarks_periodic_bounded(1000))) \
    .in_append_mode() \
    .register_table_source("source")

st_env.sql_update("""
CREATE TABLE pvuv_sink (
    startTime TIMESTAMP(3),
    endTime TIMESTAMP(3),
    pv BIGINT,
    uv BIGINT
) WITH (
    'connector.type' = 'jdbc',
    'connector.url' = '%s',
    'connector.table' = '%s',
    'connector.username' = '%s',
    'connector.password' = '%s',
    'connector.write.flush.max-rows' = '1'
)""" % (jdbc_url, table, user, password))

st_env.scan("source") \
    .window(Tumble.over("1.hours").on("rowtime").alias("w")) \
    .group_by("w") \
    .select("w.start as startTime, w.end as endTime, COUNT(1) as pv, user_id.count.distinct as uv") \
    .insert_into("pvuv_sink")

st_env.execute("pvuv")
