"""Connector descriptors (1.9 connect(...), TableDescriptor) become Flink DDL (no engine needed)."""
from spry.table import DataTypes, FormatDescriptor, Schema, TableDescriptor
from spry.table import descriptors as d


class RecordingEnv(object):
    def __init__(self):
        self.statements = []

    def execute_sql(self, stmt):
        self.statements.append(stmt)


def test_legacy_kafka_json_with_rowtime_and_proctime():
    env = RecordingEnv()
    d.ConnectTableDescriptor(env, d.Kafka().version("universal").topic("user_behavior").start_from_earliest()
                             .property("bootstrap.servers", "localhost:9092")
                             .property("zookeeper.connect", "localhost:2181")) \
        .with_format(d.Json().fail_on_missing_field(True)) \
        .with_schema(d.Schema().field("user_id", DataTypes.STRING())
                     .field("rowtime", DataTypes.TIMESTAMP())
                     .rowtime(d.Rowtime().timestamps_from_field("ts").watermarks_periodic_bounded(60000))
                     .field("pt", DataTypes.TIMESTAMP(3)).proctime()) \
        .in_append_mode().register_table_source("source")
    assert env.statements == ["""CREATE TEMPORARY TABLE `source` (
  `user_id` STRING,
  `ts` STRING,
  `rowtime` AS TO_TIMESTAMP(REPLACE(REPLACE(`ts`, 'T', ' '), 'Z', '')),
  `pt` AS PROCTIME(),
  WATERMARK FOR `rowtime` AS `rowtime` - INTERVAL '60' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'user_behavior',
  'scan.startup.mode' = 'earliest-offset',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'json.fail-on-missing-field' = 'true'
)"""]


def test_legacy_filesystem_oldcsv_fields_without_schema():
    env = RecordingEnv()
    d.ConnectTableDescriptor(env, d.FileSystem().path("/tmp/out")) \
        .with_format(d.OldCsv().field_delimiter("\t").field("word", DataTypes.STRING())
                     .field("count", DataTypes.BIGINT())) \
        .register_table_sink("mySink")
    assert env.statements[0].startswith("CREATE TEMPORARY TABLE `mySink` (\n  `word` STRING,\n  `count` BIGINT\n)")
    assert "'csv.field-delimiter' = '\t'" in env.statements[0]


def test_rowtime_from_a_timestamp_field_and_ascending():
    s = d.Schema().field("ts", DataTypes.TIMESTAMP(3)).field("rt", DataTypes.TIMESTAMP(3)) \
        .rowtime(d.Rowtime().timestamps_from_field("ts").watermarks_periodic_ascending())
    assert s._ddl_items() == ["`ts` TIMESTAMP(3)", "`rt` AS CAST(`ts` AS TIMESTAMP(3))",
                              "WATERMARK FOR `rt` AS `rt` - INTERVAL '0' SECOND"]


def test_table_descriptor_ddl():
    td = TableDescriptor.for_connector("datagen") \
        .schema(Schema.new_builder().column("a", DataTypes.INT().not_null()).column_by_expression("b", "a + 1")
                .column("ts", DataTypes.TIMESTAMP(3)).watermark("ts", "ts - INTERVAL '1' SECOND")
                .primary_key("a").build()) \
        .option("rows-per-second", 10) \
        .format(FormatDescriptor.for_format("csv").option("field-delimiter", "|").build()) \
        .partitioned_by("a").comment("it's").build()
    assert td._ddl("db.t", temporary=True) == """CREATE TEMPORARY TABLE `db`.`t` (
  `a` INT NOT NULL,
  `b` AS a + 1,
  `ts` TIMESTAMP(3),
  WATERMARK FOR `ts` AS ts - INTERVAL '1' SECOND,
  PRIMARY KEY (`a`) NOT ENFORCED
) COMMENT 'it''s' PARTITIONED BY (`a`) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '10',
  'format' = 'csv',
  'csv.field-delimiter' = '|'
)"""
    assert td.get_options()["connector"] == "datagen"


def test_csv_table_sink_options():
    from spry.table import CsvTableSink
    s = CsvTableSink(["a"], [DataTypes.INT()], "/tmp/x", field_delimiter="|")
    assert s._options == {"connector": "filesystem", "path": "/tmp/x", "format": "csv", "csv.field-delimiter": "|"}
