"""Row and RowKind, as PyFlink's ``pyflink.common.types``."""

from enum import Enum

__all__ = ["Row", "RowKind"]


class RowKind(Enum):
    """The change a row stands for in a changelog (Flink's byte values)."""

    INSERT = 0
    UPDATE_BEFORE = 1
    UPDATE_AFTER = 2
    DELETE = 3

    def __str__(self):
        return self.short_string()

    def short_string(self):
        """The form Flink prints: ``+I``, ``-U``, ``+U``, ``-D``."""
        return ("+I", "-U", "+U", "-D")[self.value]


class Row(object):
    """A row of a table: positional or named fields plus a :class:`RowKind`.

    Fields are read by position (``row[0]``), by name (``row['word']``,
    ``row.word``) or as a dict (:meth:`as_dict`). ``Row('name', 'age')``
    with only strings also works as a factory of rows with those names, as
    in PyFlink.

    Example::

        >>> r = Row(word='flink', cnt=2)
        >>> r.word, r[1], r.as_dict()
        ('flink', 2, {'word': 'flink', 'cnt': 2})
    """

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Can not use both args and kwargs to create Row")
        if kwargs:
            object.__setattr__(self, "_fields", list(kwargs.keys()))
            object.__setattr__(self, "_values", list(kwargs.values()))
        else:
            object.__setattr__(self, "_values", list(args))
        object.__setattr__(self, "_row_kind", RowKind.INSERT)

    def as_dict(self, recursive=False):
        """Returns the named fields as a dict (nested rows too when ``recursive``)."""
        if not hasattr(self, "_fields"):
            raise TypeError("Cannot convert a Row class into dict")
        if not recursive:
            return dict(zip(self._fields, self._values))

        def conv(obj):
            """Helper ``conv``."""
            if isinstance(obj, Row):
                return obj.as_dict(True)
            if isinstance(obj, list):
                return [conv(o) for o in obj]
            if isinstance(obj, dict):
                return {k: conv(v) for k, v in obj.items()}
            return obj

        return {k: conv(v) for k, v in zip(self._fields, self._values)}

    def get_row_kind(self):
        """Returns this row's :class:`RowKind`."""
        return self._row_kind

    def set_row_kind(self, row_kind):
        """Sets this row's :class:`RowKind`."""
        object.__setattr__(self, "_row_kind", row_kind)

    def set_field_names(self, field_names):
        """Names the fields of a positional row."""
        object.__setattr__(self, "_fields", list(field_names))

    def get_fields_by_names(self, names):
        """Returns the values of the named fields, in the order given."""
        return [self[n] for n in names]

    def __call__(self, *args):
        # Row('name', 'age')(...) builds a row with these field names.
        names = self._values
        if len(args) > len(names):
            raise ValueError("Can not create Row with fields %s, expected %d values but got %s"
                             % (self, len(names), args))
        r = Row(*args)
        r.set_field_names(names)
        return r

    def __getitem__(self, item):
        if isinstance(item, (int, slice)):
            return self._values[item]
        try:
            idx = self._fields.index(item)
        except (AttributeError, ValueError):
            raise KeyError(item)
        return self._values[idx]

    def __setitem__(self, key, value):
        if isinstance(key, int):
            self._values[key] = value
            return
        try:
            self._values[self._fields.index(key)] = value
        except (AttributeError, ValueError):
            raise KeyError(key)

    def __getattr__(self, item):
        if item.startswith("__") or item in ("_fields", "_values", "_row_kind"):
            raise AttributeError(item)
        try:
            return self._values[self.__dict__["_fields"].index(item)]
        except (KeyError, ValueError):
            raise AttributeError(item)

    def __setattr__(self, key, value):
        if key in ("_fields", "_values", "_row_kind"):
            object.__setattr__(self, key, value)
            return
        raise RuntimeError("Row is read-only")

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __contains__(self, item):
        if hasattr(self, "_fields"):
            return item in self._fields
        return item in self._values

    def __eq__(self, other):
        if not isinstance(other, Row):
            return False
        # Names matter only when both rows have them, so a collected (named)
        # row equals Row(1, 'a') written in a test.
        if hasattr(self, "_fields") and hasattr(other, "_fields") and self._fields != other._fields:
            return False
        return self._row_kind == other._row_kind and self._values == other._values

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(tuple(self._values))

    def __reduce__(self):
        if hasattr(self, "_fields"):
            return _restore_row, (self._fields, self._values, self._row_kind.value)
        return _restore_row, (None, self._values, self._row_kind.value)

    def __repr__(self):
        if hasattr(self, "_fields"):
            return "Row(%s)" % ", ".join("%s=%r" % (k, v) for k, v in zip(self._fields, self._values))
        return "<Row(%s)>" % ", ".join(repr(v) for v in self._values)


def _restore_row(fields, values, kind):
    r = Row(*values)
    if fields is not None:
        r.set_field_names(fields)
    r.set_row_kind(RowKind(kind))
    return r
