"""Expression factories, as PyFlink's ``pyflink.table.expressions``.

Example::

    >>> from spry.table.expressions import col, lit, call
    >>> t.select(col('a') + 1, call('upper', col('b')), lit('x').alias('c'))
"""

from spry.table.expression import (Expression, TimeIntervalUnit, TimePointUnit, JsonType,  # noqa: F401
                                   _e, quote, sql_literal)

__all__ = ["col", "lit", "call", "call_sql", "if_then_else", "row", "array", "map_", "map_from_arrays",
           "and_", "or_", "not_", "range_", "with_columns", "without_columns", "current_date",
           "current_time", "current_timestamp", "current_watermark", "local_time", "local_timestamp",
           "to_date", "to_timestamp", "to_timestamp_ltz", "temporal_overlaps", "date_format",
           "timestamp_diff", "null_of", "log", "source_watermark", "coalesce", "concat", "concat_ws",
           "uuid", "e", "pi", "row_interval", "rand", "rand_integer", "atan2", "negative", "UNBOUNDED_ROW",
           "UNBOUNDED_RANGE", "CURRENT_ROW", "CURRENT_RANGE", "json_string", "json_object",
           "json_array", "Expression", "TimeIntervalUnit", "TimePointUnit", "JsonType"]


def col(name):
    """A column reference; ``col('*')`` selects every column."""
    if name == "*":
        return Expression("*", "*")
    return Expression(quote(name), name)


column = col


def lit(v, data_type=None):
    """A literal value, optionally of an explicit type."""
    e = Expression(sql_literal(v))
    return e.cast(data_type) if data_type is not None else e


def _fn(name, *args):
    return Expression("%s(%s)" % (name, ", ".join(_e(a).sql for a in args)))


def call(f, *args):
    """Calls a function by name (a built-in or a registered UDF) or a UDF object."""
    name = f if isinstance(f, str) else getattr(f, "_name", None)
    if name is None:
        from spry.table.udf import UserDefinedFunctionWrapper
        if isinstance(f, UserDefinedFunctionWrapper):
            return f(*args)
        raise TypeError("call() takes a function name or a UDF, got %r" % (f,))
    return _fn(name, *args)


def call_sql(sql_expression):
    """An expression given as SQL text, e.g. ``call_sql('UPPER(b)')``."""
    return Expression("(%s)" % sql_expression)


def if_then_else(condition, if_true, if_false):
    """``CASE WHEN condition THEN if_true ELSE if_false END``."""
    return _e(condition).then(if_true, if_false)


def row(head, *tail):
    """A ROW value."""
    return _fn("ROW", head, *tail)


def array(head, *tail):
    """An ARRAY value."""
    return Expression("ARRAY[%s]" % ", ".join(_e(a).sql for a in (head,) + tail))


def map_(key, value, *tail):
    """A MAP value from alternating keys and values."""
    return Expression("MAP[%s]" % ", ".join(_e(a).sql for a in (key, value) + tail))


def map_from_arrays(key, value):
    """A MAP from an array of keys and an array of values."""
    return _fn("MAP_FROM_ARRAYS", key, value)


def and_(predicate0, predicate1, *predicates):
    """Conjunction of predicates."""
    ps = [_e(p).sql for p in (predicate0, predicate1) + predicates]
    return Expression("(%s)" % " AND ".join(ps))


def or_(predicate0, predicate1, *predicates):
    """Disjunction of predicates."""
    ps = [_e(p).sql for p in (predicate0, predicate1) + predicates]
    return Expression("(%s)" % " OR ".join(ps))


def not_(expression):
    """Negation."""
    return ~_e(expression)


def range_(start, end):
    """A range of columns for with_columns/without_columns (not supported yet)."""
    raise NotImplementedError("range_ column ranges are not supported by Spry yet")


def with_columns(head, *tails):
    """Column selection helper (columns listed by name)."""
    return [head] + list(tails)


def without_columns(head, *tails):
    """Column exclusion helper: use Table.drop_columns instead."""
    raise NotImplementedError("without_columns is not supported by Spry yet; use drop_columns")


def current_date():
    """As PyFlink's ``current_date``."""
    return Expression("CURRENT_DATE")


def current_time():
    """As PyFlink's ``current_time``."""
    return Expression("CURRENT_TIME")


def current_timestamp():
    """As PyFlink's ``current_timestamp``."""
    return Expression("CURRENT_TIMESTAMP")


def current_watermark(rowtimeAttribute):
    """As PyFlink's ``current_watermark``."""
    return _fn("CURRENT_WATERMARK", rowtimeAttribute)


def local_time():
    """As PyFlink's ``local_time``."""
    return Expression("LOCALTIME")


def local_timestamp():
    """As PyFlink's ``local_timestamp``."""
    return Expression("LOCALTIMESTAMP")


def to_date(date_str, format=None):
    """As PyFlink's ``to_date``."""
    return _fn("TO_DATE", date_str) if format is None else _fn("TO_DATE", date_str, format)


def to_timestamp(timestamp_str, format=None):
    """As PyFlink's ``to_timestamp``."""
    return _fn("TO_TIMESTAMP", timestamp_str) if format is None else _fn("TO_TIMESTAMP", timestamp_str, format)


def to_timestamp_ltz(numeric_epoch_time, precision):
    """As PyFlink's ``to_timestamp_ltz``."""
    return _fn("TO_TIMESTAMP_LTZ", numeric_epoch_time, precision)


def temporal_overlaps(left_time_point, left_temporal, right_time_point, right_temporal):
    """As PyFlink's ``temporal_overlaps``."""
    return Expression("((%s, %s) OVERLAPS (%s, %s))" % tuple(
        _e(x).sql for x in (left_time_point, left_temporal, right_time_point, right_temporal)))


def date_format(timestamp, format):
    """As PyFlink's ``date_format``."""
    return _fn("DATE_FORMAT", timestamp, format)


def timestamp_diff(time_point_unit, time_point1, time_point2):
    """As PyFlink's ``timestamp_diff``."""
    return Expression("TIMESTAMPDIFF(%s, %s, %s)" % (time_point_unit.name, _e(time_point1).sql,
                                                    _e(time_point2).sql))


def null_of(data_type):
    """As PyFlink's ``null_of``."""
    return Expression("CAST(NULL AS %s)" % data_type)


def log(v, base=None):
    """As PyFlink's ``log``."""
    return _e(v).log(base)


def row_interval(rows):
    """A row-count bound of an over window: ``Over...preceding(row_interval(2))``."""
    e = Expression(str(int(rows)))
    e._rows = True
    return e


def source_watermark():
    """As PyFlink's ``source_watermark``."""
    return Expression("SOURCE_WATERMARK()")


def coalesce(*args):
    """As PyFlink's ``coalesce``."""
    return _fn("COALESCE", *args)


def concat(first, *others):
    """As PyFlink's ``concat``."""
    return _fn("CONCAT", first, *others)


def concat_ws(separator, first, *others):
    """As PyFlink's ``concat_ws``."""
    return _fn("CONCAT_WS", separator, first, *others)


def uuid():
    """As PyFlink's ``uuid``."""
    return Expression("UUID()")


def e():
    """As PyFlink's ``e``."""
    return Expression("E()")


def pi():
    """As PyFlink's ``pi``."""
    return Expression("PI()")


def rand(seed=None):
    """As PyFlink's ``rand``."""
    return Expression("RAND()") if seed is None else _fn("RAND", seed)


def rand_integer(bound, seed=None):
    """As PyFlink's ``rand_integer``."""
    return _fn("RAND_INTEGER", bound) if seed is None else _fn("RAND_INTEGER", seed, bound)


def atan2(y, x):
    """As PyFlink's ``atan2``."""
    return _fn("ATAN2", y, x)


def negative(v):
    """As PyFlink's ``negative``."""
    return -_e(v)


def json_string(value):
    """As PyFlink's ``json_string``."""
    return _fn("JSON_STRING", value)


def json_object(on_null=None, *args):
    """As PyFlink's ``json_object``."""
    return _fn("JSON_OBJECT", *args)


def json_array(on_null=None, *args):
    """As PyFlink's ``json_array``."""
    return _fn("JSON_ARRAY", *args)


# Over window bounds.
UNBOUNDED_ROW = Expression("UNBOUNDED_ROW")
UNBOUNDED_RANGE = Expression("UNBOUNDED_RANGE")
CURRENT_ROW = Expression("CURRENT_ROW")
CURRENT_RANGE = Expression("CURRENT_RANGE")
