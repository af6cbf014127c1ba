"""Parity with PyFlink's public API (as PyFlink's own test_*_completeness.py do).

The lists are PyFlink's public methods (1.9 through 1.17, from its API
docs; apache-flink is not installed here). A missing name fails the test
unless it is in EXCEPTIONS with the reason Spry leaves it out.
"""
import pytest

import spry.table as st
from spry.table.table import GroupedTable, GroupWindowedTable, OverWindowedTable, WindowGroupedTable

TABLE_ENVIRONMENT = """
create from_table_source register_catalog get_catalog load_module unload_module use_modules
create_java_temporary_system_function create_temporary_system_function drop_temporary_system_function
create_java_function drop_function create_java_temporary_function create_temporary_function
drop_temporary_function create_temporary_table create_table from_path from_descriptor list_catalogs
list_modules list_full_modules list_databases list_tables list_views list_user_defined_functions
list_functions list_temporary_tables list_temporary_views drop_temporary_table drop_temporary_view
explain_sql sql_query execute_sql create_statement_set get_current_catalog use_catalog
get_current_database use_database get_config register_java_function register_function
create_temporary_view add_python_file set_python_requirements add_python_archive from_elements
from_pandas
scan register_table register_table_source register_table_sink insert_into connect sql_update explain
execute
""".split()

STREAM_TABLE_ENVIRONMENT = """
create from_data_stream to_data_stream to_changelog_stream from_changelog_stream to_append_stream
to_retract_stream create_temporary_view
""".split()

TABLE = """
select alias filter where group_by distinct join left_outer_join right_outer_join full_outer_join
join_lateral left_outer_join_lateral minus minus_all union union_all intersect intersect_all order_by
offset fetch limit window over_window add_columns add_or_replace_columns rename_columns drop_columns
map flat_map aggregate flat_aggregate to_pandas get_schema get_resolved_schema print_schema
execute_insert execute explain insert_into
""".split()

GROUPED_TABLE = "select aggregate flat_aggregate".split()
GROUP_WINDOWED_TABLE = "group_by".split()
WINDOW_GROUPED_TABLE = "select aggregate".split()
OVER_WINDOWED_TABLE = "select".split()

TABLE_RESULT = "get_job_client wait get_table_schema get_result_kind collect print".split()
STATEMENT_SET = "add_insert_sql add_insert explain execute attach_as_datastream".split()
TABLE_CONFIG = """
get_local_timezone set_local_timezone get_null_check set_null_check get_max_generated_code_length
set_max_generated_code_length set_idle_state_retention_time get_configuration add_configuration
get_sql_dialect set_sql_dialect set_python_executable get_python_executable set get
""".split()
ENVIRONMENT_SETTINGS = "new_instance in_streaming_mode in_batch_mode is_streaming_mode " \
                       "get_built_in_catalog_name get_built_in_database_name get_configuration".split()

# PyFlink names Spry leaves out, and why.
EXCEPTIONS = {
    ("TableEnvironment", "from_table_source"): "legacy Java TableSource objects; use connect() or DDL",
    ("TableEnvironment", "register_catalog"): "Java Catalog objects; Spry has its built-in catalog",
    ("TableEnvironment", "get_catalog"): "Java Catalog objects; Spry has its built-in catalog",
}

CASES = [
    ("TableEnvironment", st.TableEnvironment, TABLE_ENVIRONMENT),
    ("StreamTableEnvironment", st.StreamTableEnvironment, STREAM_TABLE_ENVIRONMENT),
    ("Table", st.Table, TABLE),
    ("GroupedTable", GroupedTable, GROUPED_TABLE),
    ("GroupWindowedTable", GroupWindowedTable, GROUP_WINDOWED_TABLE),
    ("WindowGroupedTable", WindowGroupedTable, WINDOW_GROUPED_TABLE),
    ("OverWindowedTable", OverWindowedTable, OVER_WINDOWED_TABLE),
    ("TableResult", st.TableResult, TABLE_RESULT),
    ("StatementSet", st.StatementSet, STATEMENT_SET),
    ("TableConfig", st.TableConfig, TABLE_CONFIG),
    ("EnvironmentSettings", st.EnvironmentSettings, ENVIRONMENT_SETTINGS),
]


@pytest.mark.parametrize("name, cls, methods", CASES, ids=[c[0] for c in CASES])
def test_methods_present(name, cls, methods):
    missing = [m for m in methods if not callable(getattr(cls, m, None)) and (name, m) not in EXCEPTIONS]
    assert not missing, "%s lacks PyFlink's %s" % (name, ", ".join(missing))


def test_exceptions_are_really_missing():
    # An exception that got implemented should leave the list.
    for (cls_name, m), _ in EXCEPTIONS.items():
        assert not hasattr(getattr(st, cls_name), m), "%s.%s exists: drop it from EXCEPTIONS" % (cls_name, m)


MODULES = {
    "spry.table": "TableEnvironment StreamTableEnvironment BatchTableEnvironment EnvironmentSettings Table "
                  "GroupedTable GroupWindowedTable OverWindowedTable WindowGroupedTable TableResult ResultKind "
                  "StatementSet TableDescriptor FormatDescriptor Schema DataTypes TableConfig ExplainDetail Row "
                  "RowKind TableSchema SqlDialect CsvTableSink CsvTableSource",
    "spry.table.expressions": "col lit call call_sql if_then_else row array map_ and_ or_ not_ "
                              "current_timestamp to_timestamp concat coalesce UNBOUNDED_RANGE CURRENT_ROW",
    "spry.table.window": "Tumble Slide Session Over",
    "spry.table.udf": "udf udtf udaf udtaf ScalarFunction TableFunction AggregateFunction "
                      "TableAggregateFunction FunctionContext",
    "spry.table.descriptors": "Schema Rowtime FileSystem OldCsv Csv Json Kafka",
    "spry.common": "Configuration Row RowKind",
    "spry.datastream": "StreamExecutionEnvironment TimeCharacteristic",
    "spry.dataset": "ExecutionEnvironment",
}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_names(module):
    import importlib
    mod = importlib.import_module(module)
    missing = [n for n in MODULES[module].split() if not hasattr(mod, n)]
    assert not missing, "%s lacks %s" % (module, ", ".join(missing))
