"""TableSchema, as PyFlink's ``pyflink.table.TableSchema``: field names and types."""

from spry.table.types import DataTypes, parse_type

__all__ = ["TableSchema"]


class TableSchema(object):
    """The names and :class:`~spry.table.types.DataType` of a table's columns."""

    def __init__(self, field_names=None, data_types=None):
        self._names = list(field_names or [])
        self._types = list(data_types or [])

    @staticmethod
    def _from_columns(columns):
        return TableSchema([c["name"] for c in columns], [parse_type(c["type"]) for c in columns])

    def copy(self):
        """A copy."""
        return TableSchema(self._names, self._types)

    def get_field_data_types(self):
        """The column types, in order."""
        return list(self._types)

    def get_field_data_type(self, field):
        """The type of a column by index or name (None when absent)."""
        if isinstance(field, int):
            return self._types[field] if 0 <= field < len(self._types) else None
        return self._types[self._names.index(field)] if field in self._names else None

    def get_field_count(self):
        """The number of columns."""
        return len(self._names)

    def get_field_names(self):
        """The column names, in order."""
        return list(self._names)

    def get_field_name(self, field_index):
        """The name of the column at an index (None when absent)."""
        return self._names[field_index] if 0 <= field_index < len(self._names) else None

    def to_row_data_type(self):
        """The schema as a ROW type."""
        return DataTypes.ROW([DataTypes.FIELD(n, t) for n, t in zip(self._names, self._types)])

    def __str__(self):
        # Flink's ResolvedSchema rendering.
        if not self._names:
            return "()"
        return "(\n%s\n)" % ",\n".join("  `%s` %s" % (n, t) for n, t in zip(self._names, self._types))

    __repr__ = __str__

    def __eq__(self, other):
        return isinstance(other, TableSchema) and self._names == other._names and self._types == other._types

    class Builder(object):
        """Builds a TableSchema field by field."""

        def __init__(self):
            self._names, self._types = [], []

        def field(self, name, data_type):
            """Adds a field with its type; returns self."""
            self._names.append(name)
            self._types.append(data_type)
            return self

        def build(self):
            """Builds the object."""
            return TableSchema(self._names, self._types)

    @staticmethod
    def builder():
        """As PyFlink's ``builder``."""
        return TableSchema.Builder()
