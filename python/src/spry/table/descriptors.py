"""The PyFlink 1.9-1.13 connector descriptors: ``t_env.connect(FileSystem().path(p))``.

``connect(...).with_format(OldCsv()...).with_schema(Schema()...)`` and
``register_table_source/sink`` or ``create_temporary_table`` become a
``CREATE TEMPORARY TABLE ... WITH (...)`` with today's option names
(``'connector' = 'filesystem'``, ``'format' = 'csv'``,
``'csv.field-delimiter'``; Kafka and JSON likewise).
"""

from spry.table.expression import quote
from spry.table.table_descriptor import _opt

__all__ = ["Schema", "Rowtime", "FileSystem", "OldCsv", "Csv", "Json", "Avro", "Kafka",
           "ConnectTableDescriptor", "StreamTableDescriptor", "BatchTableDescriptor", "CustomConnectorDescriptor",
           "CustomFormatDescriptor"]


def _s(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


class Rowtime(object):
    """Rowtime attribute of a legacy Schema field (timestamps and watermark strategy)."""

    def __init__(self):
        self._from_field = None
        self._delay_ms = None
        self._ascending = False

    def timestamps_from_field(self, field_name):
        """As PyFlink's ``timestamps_from_field``."""
        self._from_field = field_name
        return self

    def timestamps_from_source(self):
        """As PyFlink's ``timestamps_from_source``."""
        return self

    def watermarks_periodic_ascending(self):
        """As PyFlink's ``watermarks_periodic_ascending``."""
        self._ascending = True
        self._delay_ms = 0
        return self

    def watermarks_periodic_bounded(self, delay):
        """As PyFlink's ``watermarks_periodic_bounded``."""
        self._delay_ms = int(delay)
        return self

    def watermarks_from_source(self):
        """As PyFlink's ``watermarks_from_source``."""
        return self


class Schema(object):
    """The legacy schema descriptor: ``Schema().field('word', DataTypes.STRING())``."""

    def __init__(self, fields=None):
        self._fields = []  # (name, type string)
        self._computed = []
        self._watermarks = []
        if fields:
            for n, t in fields.items():
                self.field(n, t)

    def field(self, field_name, field_type):
        """Adds a field with its type; returns self."""
        self._fields.append([field_name, str(field_type)])
        return self

    def fields(self, fields):
        """As PyFlink's ``fields``."""
        for n, t in fields.items():
            self.field(n, t)
        return self

    def schema(self, table_schema):
        """Sets the schema; returns the builder."""
        for n, t in zip(table_schema.get_field_names(), table_schema.get_field_data_types()):
            self.field(n, t)
        return self

    def from_origin_field(self, origin_field_name):
        # The last field reads the source's column `origin_field_name`.
        """As PyFlink's ``from_origin_field``."""
        name, typ = self._fields.pop()
        self._computed.append("%s AS %s" % (quote(name), quote(origin_field_name)))
        return self

    def proctime(self):
        """As PyFlink's ``proctime``."""
        name, _ = self._fields.pop()
        self._computed.append("%s AS PROCTIME()" % quote(name))
        return self

    def rowtime(self, rowtime):
        """As PyFlink's ``rowtime``."""
        name, typ = self._fields[-1]
        src = rowtime._from_field or name
        if src != name:
            self._fields.pop()
            declared = dict((n, t) for n, t in self._fields)
            if src in declared and declared[src].startswith("TIMESTAMP"):
                self._computed.append("%s AS CAST(%s AS TIMESTAMP(3))" % (quote(name), quote(src)))
            else:
                # The format's field (an ISO-8601 string such as
                # 2017-11-26T01:00:00Z) becomes a column the rowtime reads.
                if src not in declared:
                    self._fields.append([src, "STRING"])
                self._computed.append("%s AS TO_TIMESTAMP(REPLACE(REPLACE(%s, 'T', ' '), 'Z', ''))"
                                      % (quote(name), quote(src)))
        else:
            self._fields[-1][1] = "TIMESTAMP(3)"
        delay = rowtime._delay_ms or 0
        self._watermarks.append("WATERMARK FOR %s AS %s - INTERVAL '%s' SECOND"
                                % (quote(name), quote(name), _g(delay / 1000.0)))
        return self

    def _ddl_items(self):
        return ["%s %s" % (quote(n), t) for n, t in self._fields] + self._computed + self._watermarks


def _g(x):
    return ("%.3f" % x).rstrip("0").rstrip(".")


class _Descriptor(object):
    def __init__(self):
        self._options = {}

    def property(self, key, value):
        """Sets a raw option; returns self."""
        self._options[key] = _s(value)
        return self

    def properties(self, property_dict):
        """Sets raw options; returns self."""
        for k, v in property_dict.items():
            self.property(k, v)
        return self


class FileSystem(_Descriptor):
    """The filesystem connector: ``FileSystem().path('/tmp/in.csv')``."""

    def __init__(self):
        super(FileSystem, self).__init__()
        self._options["connector"] = "filesystem"

    def path(self, path_str):
        """As PyFlink's ``path``."""
        self._options["path"] = path_str
        return self


class CustomConnectorDescriptor(_Descriptor):
    """Any connector by its option names."""

    def __init__(self, type, version=None, format_needed=False):
        super(CustomConnectorDescriptor, self).__init__()
        self._options["connector"] = type


class Kafka(_Descriptor):
    """The Kafka connector descriptor (options mapped to today's names)."""

    def __init__(self):
        super(Kafka, self).__init__()
        self._options["connector"] = "kafka"

    def version(self, version):
        """As PyFlink's ``version``."""
        return self

    def topic(self, topic):
        """As PyFlink's ``topic``."""
        self._options["topic"] = topic
        return self

    def properties(self, property_dict):
        """Sets raw options; returns self."""
        for k, v in property_dict.items():
            self.property(k, v)
        return self

    def property(self, key, value):
        """Sets a raw option; returns self."""
        key = {"zookeeper.connect": None}.get(key, key)
        if key:
            self._options["properties." + key] = _s(value)
        return self

    def start_from_earliest(self):
        """As PyFlink's ``start_from_earliest``."""
        self._options["scan.startup.mode"] = "earliest-offset"
        return self

    def start_from_latest(self):
        """As PyFlink's ``start_from_latest``."""
        self._options["scan.startup.mode"] = "latest-offset"
        return self

    def start_from_group_offsets(self):
        """As PyFlink's ``start_from_group_offsets``."""
        self._options["scan.startup.mode"] = "group-offsets"
        return self

    def sink_partitioner_fixed(self):
        """As PyFlink's ``sink_partitioner_fixed``."""
        self._options["sink.partitioner"] = "fixed"
        return self

    def sink_partitioner_round_robin(self):
        """As PyFlink's ``sink_partitioner_round_robin``."""
        self._options["sink.partitioner"] = "round-robin"
        return self


class _Format(_Descriptor):
    _id = None

    def _format_options(self):
        out = {"format": self._id}
        for k, v in self._options.items():
            out["%s.%s" % (self._id, k)] = v
        return out


class OldCsv(_Format):
    """The legacy CSV format (``'format' = 'csv'``); its fields are the schema's."""

    _id = "csv"

    def __init__(self):
        super(OldCsv, self).__init__()
        self._fields = []

    def field_delimiter(self, delimiter):
        """As PyFlink's ``field_delimiter``."""
        self._options["field-delimiter"] = delimiter
        return self

    def line_delimiter(self, delimiter):
        """As PyFlink's ``line_delimiter``."""
        return self

    def field(self, field_name, field_type):
        """Adds a field with its type; returns self."""
        self._fields.append((field_name, str(field_type)))
        return self

    def schema(self, schema):
        """Sets the schema; returns the builder."""
        return self

    def quote_character(self, quote_character):
        """As PyFlink's ``quote_character``."""
        self._options["quote-character"] = quote_character
        return self

    def comment_prefix(self, prefix):
        """As PyFlink's ``comment_prefix``."""
        self._options["allow-comments"] = "true"
        return self

    def ignore_parse_errors(self):
        """As PyFlink's ``ignore_parse_errors``."""
        self._options["ignore-parse-errors"] = "true"
        return self

    def ignore_first_line(self):
        """As PyFlink's ``ignore_first_line``."""
        return self


class Csv(OldCsv):
    """The CSV format descriptor."""

    def derive_schema(self):
        """As PyFlink's ``derive_schema``."""
        return self

    def array_element_delimiter(self, delimiter):
        """As PyFlink's ``array_element_delimiter``."""
        self._options["array-element-delimiter"] = delimiter
        return self

    def escape_character(self, escape_character):
        """As PyFlink's ``escape_character``."""
        self._options["escape-character"] = escape_character
        return self

    def null_literal(self, null_literal):
        """As PyFlink's ``null_literal``."""
        self._options["null-literal"] = null_literal
        return self


class Json(_Format):
    """The JSON format descriptor."""

    _id = "json"

    def fail_on_missing_field(self, fail_on_missing_field):
        """As PyFlink's ``fail_on_missing_field``."""
        self._options["fail-on-missing-field"] = _s(fail_on_missing_field)
        return self

    def ignore_parse_errors(self, ignore_parse_errors=True):
        """As PyFlink's ``ignore_parse_errors``."""
        self._options["ignore-parse-errors"] = _s(ignore_parse_errors)
        return self

    def json_schema(self, json_schema):
        """As PyFlink's ``json_schema``."""
        return self

    def schema(self, schema_data_type):
        """Sets the schema; returns the builder."""
        return self

    def derive_schema(self):
        """As PyFlink's ``derive_schema``."""
        return self


class Avro(_Format):
    """The Avro format descriptor."""

    _id = "avro"

    def record_class(self, record_class):
        """As PyFlink's ``record_class``."""
        return self

    def avro_schema(self, avro_schema):
        """As PyFlink's ``avro_schema``."""
        return self


class CustomFormatDescriptor(_Format):
    """Any format by its option names."""

    def __init__(self, type, version=None):
        super(CustomFormatDescriptor, self).__init__()
        self._id = type


class ConnectTableDescriptor(object):
    """The result of ``t_env.connect(...)``: add a format and schema, then register."""

    def __init__(self, t_env, connector):
        self._t_env = t_env
        self._connector = connector
        self._format = None
        self._schema = None
        self._update_mode = None

    def with_format(self, format_descriptor):
        """Builder step ``with_format``; returns the builder."""
        self._format = format_descriptor
        return self

    def with_schema(self, schema):
        """Builder step ``with_schema``; returns the builder."""
        self._schema = schema
        return self

    def in_append_mode(self):
        """Builder step ``in_append_mode``; returns the builder."""
        self._update_mode = "append"
        return self

    def in_retract_mode(self):
        """Builder step ``in_retract_mode``; returns the builder."""
        self._update_mode = "retract"
        return self

    def in_upsert_mode(self):
        """Builder step ``in_upsert_mode``; returns the builder."""
        self._update_mode = "upsert"
        return self

    def _ddl(self, name):
        opts = dict(self._connector._options)
        items = []
        if self._schema is not None:
            items = self._schema._ddl_items()
        elif isinstance(self._format, OldCsv) and self._format._fields:
            items = ["%s %s" % (quote(n), t) for n, t in self._format._fields]
        if self._format is not None:
            opts.update(self._format._format_options())
        from spry.table._query import quote_path
        return "CREATE TEMPORARY TABLE %s (\n  %s\n) WITH (\n  %s\n)" % (
            quote_path(name), ",\n  ".join(items), ",\n  ".join(_opt(k, v) for k, v in opts.items()))

    def create_temporary_table(self, path):
        """Registers the described table under ``path``."""
        self._t_env.execute_sql(self._ddl(path))
        return self

    def register_table_source(self, name):
        """As PyFlink's ``register_table_source``."""
        return self.create_temporary_table(name)

    def register_table_sink(self, name):
        """As PyFlink's ``register_table_sink``."""
        return self.create_temporary_table(name)

    def register_table_source_and_sink(self, name):
        """As PyFlink's ``register_table_source_and_sink``."""
        return self.create_temporary_table(name)

    def to_properties(self):
        """As PyFlink's ``to_properties``."""
        opts = dict(self._connector._options)
        if self._format is not None:
            opts.update(self._format._format_options())
        return opts


StreamTableDescriptor = ConnectTableDescriptor
BatchTableDescriptor = ConnectTableDescriptor
