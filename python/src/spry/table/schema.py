"""Schema, as PyFlink's ``pyflink.table.Schema`` (Flink >= 1.14): the columns of a TableDescriptor."""

from spry.table.expression import quote

__all__ = ["Schema"]


class Schema(object):
    """Physical, computed and metadata columns, a watermark and a primary key.

    Example::

        >>> Schema.new_builder().column("word", DataTypes.STRING()) \\
        ...     .column_by_expression("ts", "TO_TIMESTAMP(t)").watermark("ts", "ts - INTERVAL '1' SECOND") \\
        ...     .build()
    """

    def __init__(self, columns=(), watermarks=(), primary_key=None):
        self._columns = list(columns)
        self._watermarks = list(watermarks)
        self._primary_key = primary_key

    @staticmethod
    def new_builder():
        """As PyFlink's ``new_builder``."""
        return Schema.Builder()

    def _ddl_items(self):
        items = list(self._columns)
        items += ["WATERMARK FOR %s AS %s" % (quote(c), e) for c, e in self._watermarks]
        if self._primary_key:
            items.append("PRIMARY KEY (%s) NOT ENFORCED" % ", ".join(quote(c) for c in self._primary_key))
        return items

    def __str__(self):
        return "(\n  %s\n)" % ",\n  ".join(self._ddl_items())

    class Builder(object):
        """Builds a Schema column by column."""

        def __init__(self):
            self._columns, self._watermarks, self._pk = [], [], None

        def from_schema(self, unresolved_schema):
            """As PyFlink's ``from_schema``."""
            self._columns += unresolved_schema._columns
            self._watermarks += unresolved_schema._watermarks
            self._pk = unresolved_schema._primary_key
            return self

        def from_row_data_type(self, data_type):
            """As PyFlink's ``from_row_data_type``."""
            for f in data_type.fields:
                self.column(f.name, f.data_type)
            return self

        def from_fields(self, field_names, field_data_types):
            """As PyFlink's ``from_fields``."""
            for n, t in zip(field_names, field_data_types):
                self.column(n, t)
            return self

        def column(self, column_name, data_type):
            """Adds a physical column; returns the builder."""
            self._columns.append("%s %s" % (quote(column_name), data_type))
            return self

        def column_by_expression(self, column_name, expr):
            """As PyFlink's ``column_by_expression``."""
            sql = expr.sql if hasattr(expr, "sql") else str(expr)
            self._columns.append("%s AS %s" % (quote(column_name), sql))
            return self

        def column_by_metadata(self, column_name, data_type, metadata_key=None, is_virtual=False):
            """As PyFlink's ``column_by_metadata``."""
            s = "%s %s METADATA" % (quote(column_name), data_type)
            if metadata_key:
                s += " FROM '%s'" % metadata_key
            if is_virtual:
                s += " VIRTUAL"
            self._columns.append(s)
            return self

        def watermark(self, column_name, watermark_expr):
            """As PyFlink's ``watermark``."""
            sql = watermark_expr.sql if hasattr(watermark_expr, "sql") else str(watermark_expr)
            self._watermarks.append((column_name, sql))
            return self

        def primary_key(self, *column_names):
            """As PyFlink's ``primary_key``."""
            self._pk = list(column_names)
            return self

        def primary_key_named(self, constraint_name, *column_names):
            """As PyFlink's ``primary_key_named``."""
            self._pk = list(column_names)
            return self

        def with_comment(self, comment):
            """Builder step ``with_comment``; returns the builder."""
            return self

        def build(self):
            """Builds the object."""
            return Schema(self._columns, self._watermarks, self._pk)
