"""The Table API and SQL, as PyFlink's ``pyflink.table``.

Example::

    from spry.table import EnvironmentSettings, TableEnvironment
    from spry.table.expressions import col

    t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
    t = t_env.from_elements([(1, 'hi'), (2, 'hello')], ['a', 'b'])
    t.select(col('a') + 1, col('b')).execute().print()
"""

from spry.common.types import Row, RowKind
from spry.table.environment_settings import EnvironmentSettings
from spry.table.explain_detail import ExplainDetail
from spry.table.expression import Expression, TimeIntervalUnit, TimePointUnit, JsonType
from spry.table.schema import Schema
from spry.table.sinks import CsvTableSink, TableSink, WriteMode
from spry.table.sources import CsvTableSource, TableSource
from spry.table.sql_dialect import SqlDialect
from spry.table.statement_set import StatementSet
from spry.table.table import (Table, GroupedTable, GroupWindowedTable, WindowGroupedTable, OverWindowedTable,
                              AggregatedTable, FlatAggregateTable)
from spry.table.table_config import TableConfig
from spry.table.table_descriptor import TableDescriptor, FormatDescriptor
from spry.table.table_environment import TableEnvironment, StreamTableEnvironment, BatchTableEnvironment
from spry.table.table_result import TableResult, ResultKind
from spry.table.table_schema import TableSchema
from spry.table.types import DataTypes, DataType, RowType
from spry.table.udf import (FunctionContext, ScalarFunction, TableFunction, AggregateFunction,
                            TableAggregateFunction)

__all__ = ["TableEnvironment", "StreamTableEnvironment", "BatchTableEnvironment", "EnvironmentSettings",
           "Table", "GroupedTable", "GroupWindowedTable", "WindowGroupedTable", "OverWindowedTable",
           "AggregatedTable", "FlatAggregateTable", "TableResult", "ResultKind", "StatementSet",
           "TableDescriptor", "FormatDescriptor", "Schema", "DataTypes", "DataType", "RowType", "TableConfig",
           "ExplainDetail", "Row", "RowKind", "TableSchema", "SqlDialect", "Expression", "TimeIntervalUnit",
           "TimePointUnit", "JsonType", "CsvTableSink", "CsvTableSource", "TableSink", "TableSource",
           "WriteMode", "FunctionContext", "ScalarFunction", "TableFunction", "AggregateFunction",
           "TableAggregateFunction"]
