"""The PyFlink 1.9-1.13 table sinks: CsvTableSink (registered with ``register_table_sink``)."""

__all__ = ["TableSink", "CsvTableSink", "WriteMode"]


class WriteMode(object):
    """Overwrite or not (the filesystem connector overwrites per job)."""

    NO_OVERWRITE = 0
    OVERWRITE = 1


class TableSink(object):
    """A sink described by connector options and columns."""

    def __init__(self, field_names, field_types, options):
        self._field_names = list(field_names or [])
        self._field_types = list(field_types or [])
        self._options = options


class CsvTableSink(TableSink):
    """CSV files at a path: ``CsvTableSink(['a', 'b'], [DataTypes.INT(), DataTypes.STRING()], '/tmp/out')``."""

    def __init__(self, field_names, field_types, path, field_delimiter=",", num_files=-1, write_mode=None):
        opts = {"connector": "filesystem", "path": path, "format": "csv"}
        if field_delimiter != ",":
            opts["csv.field-delimiter"] = field_delimiter
        super(CsvTableSink, self).__init__(field_names, field_types, opts)
