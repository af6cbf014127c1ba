"""Data types, as PyFlink's ``pyflink.table.types``: ``DataTypes.INT()`` and friends.

A :class:`DataType` renders as Flink's SQL type string (``str(DataTypes.ROW(
[DataTypes.FIELD("a", DataTypes.INT())]))`` is ``ROW<`a` INT>``), which is
what the engine reads; :func:`parse_type` reads the engine's type strings
back.
"""

import datetime
import decimal
import re

__all__ = ["DataType", "DataTypes", "RowField", "RowType", "parse_type"]


class DataType(object):
    """A logical type: a Flink type name, parameters, children and nullability."""

    def __init__(self, name, nullable=True, params=(), children=(), fields=None, time_attr=None):
        self._name = name
        self._nullable = nullable
        self._params = tuple(params)
        self._children = tuple(children)
        self._fields = fields
        self._time_attr = time_attr

    @property
    def type_name(self):
        """The Flink type name, e.g. ``INT`` or ``TIMESTAMP``."""
        return self._name

    @property
    def _nullable_flag(self):
        return self._nullable

    def not_null(self):
        """The same type, NOT NULL."""
        return self._copy(False)

    def nullable(self):
        """The same type, nullable."""
        return self._copy(True)

    def _copy(self, nullable):
        return DataType(self._name, nullable, self._params, self._children, self._fields, self._time_attr)

    def type_string(self):
        """Flink's SQL string of the type without the NOT NULL suffix."""
        n = self._name
        if n == "VARCHAR" and self._params == (2147483647,):
            return "STRING"
        if n == "VARBINARY" and self._params == (2147483647,):
            return "BYTES"
        if n == "ROW":
            return "ROW<%s>" % ", ".join(f.sql() for f in self._fields)
        if n in ("ARRAY", "MULTISET"):
            return "%s<%s>" % (n, self._children[0])
        if n == "MAP":
            return "MAP<%s, %s>" % (self._children[0], self._children[1])
        if n == "INTERVAL":
            return "INTERVAL " + self._params[0]
        if self._params:
            return "%s(%s)" % (n, ", ".join(str(p) for p in self._params))
        return n

    def __str__(self):
        s = self.type_string()
        if not self._nullable:
            s += " NOT NULL"
        if self._time_attr:
            s += " *%s*" % self._time_attr
        return s

    def __repr__(self):
        return "DataType(%s)" % self

    def __eq__(self, other):
        return isinstance(other, DataType) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


class RowField(object):
    """A named field of a ROW type."""

    def __init__(self, name, data_type, description=None):
        self.name = name
        self.data_type = data_type
        self.description = description

    def sql(self):
        """Helper ``sql``."""
        s = "`%s` %s" % (self.name.replace("`", "``"), self.data_type)
        if self.description:
            s += " '%s'" % self.description.replace("'", "''")
        return s

    def __repr__(self):
        return "RowField(%s, %s)" % (self.name, self.data_type)

    def __eq__(self, other):
        return isinstance(other, RowField) and (self.name, self.data_type) == (other.name, other.data_type)


class RowType(DataType):
    """A ROW type: an ordered list of :class:`RowField`."""

    def __init__(self, fields, nullable=True):
        super(RowType, self).__init__("ROW", nullable, fields=list(fields))

    def _copy(self, nullable):
        return RowType(self._fields, nullable)

    @property
    def fields(self):
        """The fields."""
        return self._fields

    def field_names(self):
        """The field names, in order."""
        return [f.name for f in self._fields]

    def names(self):
        """The field names, in order."""
        return self.field_names()

    def field_types(self):
        """The field types, in order."""
        return [f.data_type for f in self._fields]

    def __iter__(self):
        return iter(self._fields)

    def __len__(self):
        return len(self._fields)


class DataTypes(object):
    """Factories of :class:`DataType`, named as Flink's SQL types.

    Example::

        >>> str(DataTypes.ROW([DataTypes.FIELD("a", DataTypes.BIGINT()),
        ...                    DataTypes.FIELD("b", DataTypes.STRING())]))
        'ROW<`a` BIGINT, `b` STRING>'
    """

    @staticmethod
    def NULL():
        """The type of the NULL literal."""
        return DataType("NULL")

    @staticmethod
    def CHAR(length, nullable=True):
        """Fixed-length character string: ``CHAR(length)``."""
        return DataType("CHAR", nullable, (length,))

    @staticmethod
    def VARCHAR(length, nullable=True):
        """Variable-length character string: ``VARCHAR(length)``."""
        return DataType("VARCHAR", nullable, (length,))

    @staticmethod
    def STRING(nullable=True):
        """``STRING`` (``VARCHAR(2147483647)``)."""
        return DataType("VARCHAR", nullable, (2147483647,))

    @staticmethod
    def BOOLEAN(nullable=True):
        """``BOOLEAN``."""
        return DataType("BOOLEAN", nullable)

    @staticmethod
    def BINARY(length, nullable=True):
        """Fixed-length binary string: ``BINARY(length)``."""
        return DataType("BINARY", nullable, (length,))

    @staticmethod
    def VARBINARY(length, nullable=True):
        """Variable-length binary string: ``VARBINARY(length)``."""
        return DataType("VARBINARY", nullable, (length,))

    @staticmethod
    def BYTES(nullable=True):
        """``BYTES`` (``VARBINARY(2147483647)``)."""
        return DataType("VARBINARY", nullable, (2147483647,))

    @staticmethod
    def DECIMAL(precision, scale, nullable=True):
        """``DECIMAL(precision, scale)``."""
        return DataType("DECIMAL", nullable, (precision, scale))

    @staticmethod
    def TINYINT(nullable=True):
        """1-byte signed integer."""
        return DataType("TINYINT", nullable)

    @staticmethod
    def SMALLINT(nullable=True):
        """2-byte signed integer."""
        return DataType("SMALLINT", nullable)

    @staticmethod
    def INT(nullable=True):
        """4-byte signed integer."""
        return DataType("INT", nullable)

    @staticmethod
    def BIGINT(nullable=True):
        """8-byte signed integer."""
        return DataType("BIGINT", nullable)

    @staticmethod
    def FLOAT(nullable=True):
        """4-byte floating point number."""
        return DataType("FLOAT", nullable)

    @staticmethod
    def DOUBLE(nullable=True):
        """8-byte floating point number."""
        return DataType("DOUBLE", nullable)

    @staticmethod
    def DATE(nullable=True):
        """A date (year-month-day)."""
        return DataType("DATE", nullable)

    @staticmethod
    def TIME(precision=0, nullable=True):
        """A time of day: ``TIME(precision)``."""
        return DataType("TIME", nullable, (precision,) if precision else ())

    @staticmethod
    def TIMESTAMP(precision=6, nullable=True):
        """A timestamp without time zone: ``TIMESTAMP(precision)`` (default 6)."""
        return DataType("TIMESTAMP", nullable, (precision,))

    @staticmethod
    def TIMESTAMP_LTZ(precision=6, nullable=True):
        """A timestamp with local time zone: ``TIMESTAMP_LTZ(precision)``."""
        return DataType("TIMESTAMP_LTZ", nullable, (precision,))

    @staticmethod
    def TIMESTAMP_WITH_LOCAL_TIME_ZONE(precision=6, nullable=True):
        """Same as :meth:`TIMESTAMP_LTZ`."""
        return DataType("TIMESTAMP_LTZ", nullable, (precision,))

    @staticmethod
    def ARRAY(element_type, nullable=True):
        """``ARRAY<element_type>``."""
        return DataType("ARRAY", nullable, children=(element_type,))

    @staticmethod
    def LIST_VIEW(element_type):
        """A list view of an aggregate accumulator (an ARRAY here)."""
        return DataTypes.ARRAY(element_type)

    @staticmethod
    def MAP(key_type, value_type, nullable=True):
        """``MAP<key_type, value_type>``."""
        return DataType("MAP", nullable, children=(key_type, value_type))

    @staticmethod
    def MAP_VIEW(key_type, value_type):
        """A map view of an aggregate accumulator (a MAP here)."""
        return DataTypes.MAP(key_type, value_type)

    @staticmethod
    def MULTISET(element_type, nullable=True):
        """``MULTISET<element_type>``."""
        return DataType("MULTISET", nullable, children=(element_type,))

    @staticmethod
    def ROW(row_fields=(), nullable=True):
        """``ROW<...>`` of :meth:`FIELD` s."""
        return RowType(row_fields, nullable)

    @staticmethod
    def FIELD(name, data_type, description=None):
        """A named field of a :meth:`ROW` type."""
        return RowField(name, data_type, description)

    @staticmethod
    def INTERVAL(upper_resolution, lower_resolution=None):
        """``INTERVAL upper [TO lower]`` of resolutions such as :meth:`DAY`, :meth:`SECOND`."""
        s = upper_resolution if lower_resolution is None else upper_resolution + " TO " + lower_resolution
        return DataType("INTERVAL", True, (s,))

    @staticmethod
    def SECOND(precision=6):
        """The SECOND resolution of an :meth:`INTERVAL`."""
        return "SECOND(%d)" % precision if precision != 6 else "SECOND"

    @staticmethod
    def MINUTE():
        """The MINUTE resolution of an :meth:`INTERVAL`."""
        return "MINUTE"

    @staticmethod
    def HOUR():
        """The HOUR resolution of an :meth:`INTERVAL`."""
        return "HOUR"

    @staticmethod
    def DAY(precision=2):
        """The DAY resolution of an :meth:`INTERVAL`."""
        return "DAY"

    @staticmethod
    def MONTH():
        """The MONTH resolution of an :meth:`INTERVAL`."""
        return "MONTH"

    @staticmethod
    def YEAR(precision=2):
        """The YEAR resolution of an :meth:`INTERVAL`."""
        return "YEAR"


_TOKEN = re.compile(r"\s*(`(?:[^`]|``)*`|'(?:[^']|'')*'|\*[A-Z]+\*|[A-Za-z_][A-Za-z_0-9]*|\d+|[<>(),])")


def parse_type(text):
    """Parses a Flink type string (``ROW<`a` INT NOT NULL>``) into a :class:`DataType`."""
    toks = _TOKEN.findall(text)
    pos = [0]

    def peek():
        """Helper ``peek``."""
        return toks[pos[0]].upper() if pos[0] < len(toks) else None

    def take():
        """Helper ``take``."""
        t = toks[pos[0]]
        pos[0] += 1
        return t

    def ptype():
        """Helper ``ptype``."""
        name = take().upper()
        params, children, fields = [], [], None
        if name == "TIMESTAMP" and peek() == "WITH":
            # TIMESTAMP WITH LOCAL TIME ZONE
            while peek() in ("WITH", "LOCAL", "TIME", "ZONE"):
                take()
            name = "TIMESTAMP_LTZ"
        if name == "INTERVAL":
            words = []
            while peek() not in (None, "NOT", ",", ">", ")") and not peek().startswith("*"):
                words.append(take())
            params = [" ".join(words)]
        if peek() == "(":
            take()
            while peek() != ")":
                t = take()
                if t != ",":
                    params.append(int(t) if t.isdigit() else t)
            take()
        if name == "TIMESTAMP" and peek() == "WITH":
            while peek() in ("WITH", "LOCAL", "TIME", "ZONE"):
                take()
            name = "TIMESTAMP_LTZ"
        if peek() == "<":
            take()
            if name == "ROW":
                fields = []
                while peek() != ">":
                    fname = take()
                    if fname.startswith("`"):
                        fname = fname[1:-1].replace("``", "`")
                    ft = ptype()
                    desc = None
                    if peek() is not None and peek().startswith("'"):
                        desc = take()[1:-1].replace("''", "'")
                    fields.append(RowField(fname, ft, desc))
                    if peek() == ",":
                        take()
            else:
                while peek() != ">":
                    children.append(ptype())
                    if peek() == ",":
                        take()
            take()
        nullable, attr = True, None
        if peek() == "NOT":
            take()
            take()
            nullable = False
        if peek() is not None and peek().startswith("*"):
            attr = take()[1:-1]
        if name == "STRING":
            name, params = "VARCHAR", [2147483647]
        elif name == "BYTES":
            name, params = "VARBINARY", [2147483647]
        elif name == "INTEGER":
            name = "INT"
        if name == "ROW":
            rt = RowType(fields or [], nullable)
            rt._time_attr = attr
            return rt
        return DataType(name, nullable, params, children, None, attr)

    return ptype()


def _infer_type(value):
    """The DataType of a Python value, as PyFlink infers it for from_elements."""
    from spry.common.types import Row
    if value is None:
        return DataTypes.NULL()
    if isinstance(value, bool):
        return DataTypes.BOOLEAN()
    if isinstance(value, int):
        return DataTypes.BIGINT()
    if isinstance(value, float):
        return DataTypes.DOUBLE()
    if isinstance(value, str):
        return DataTypes.STRING()
    if isinstance(value, (bytes, bytearray)):
        return DataTypes.BYTES()
    if isinstance(value, decimal.Decimal):
        return DataTypes.DECIMAL(38, 18)
    if isinstance(value, datetime.datetime):
        return DataTypes.TIMESTAMP(6) if value.tzinfo is None else DataTypes.TIMESTAMP_LTZ(6)
    if isinstance(value, datetime.date):
        return DataTypes.DATE()
    if isinstance(value, datetime.time):
        return DataTypes.TIME()
    if isinstance(value, (list, tuple)) and not isinstance(value, Row):
        elem = next((v for v in value if v is not None), None)
        return DataTypes.ARRAY(_infer_type(elem) if elem is not None else DataTypes.NULL())
    if isinstance(value, dict):
        k, v = next(iter(value.items()), (None, None))
        return DataTypes.MAP(_infer_type(k), _infer_type(v))
    if isinstance(value, Row):
        names = getattr(value, "_fields", None) or ["_%d" % (i + 1) for i in range(len(value))]
        return DataTypes.ROW([DataTypes.FIELD(n, _infer_type(v)) for n, v in zip(names, value)])
    raise TypeError("not supported type: %s" % type(value))
