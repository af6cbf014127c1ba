"""The PyFlink 1.9-1.13 table sources: CsvTableSource (registered with ``register_table_source``)."""

from spry.table.sinks import TableSink

__all__ = ["TableSource", "CsvTableSource"]


class TableSource(TableSink):
    """A source described by connector options and columns."""


class CsvTableSource(TableSource):
    """CSV files at a path."""

    def __init__(self, source_path, field_names, field_types, field_delim=",", line_delim="\n",
                 quote_character=None, ignore_first_line=False, ignore_comments=None, lenient=False,
                 empty_column_as_null=False):
        opts = {"connector": "filesystem", "path": source_path, "format": "csv"}
        if field_delim != ",":
            opts["csv.field-delimiter"] = field_delim
        if lenient:
            opts["csv.ignore-parse-errors"] = "true"
        super(CsvTableSource, self).__init__(field_names, field_types, opts)
