"""The scalar-function methods of Expression (``upper_case``, ``substring``, ``extract`` ...).

Kept apart from expression.py so each file stays small; Expression mixes
this class in. Each method renders the Flink SQL call.
"""

__all__ = ["FunctionsMixin", "TimeIntervalUnit", "TimePointUnit", "JsonType", "JsonExistsOnError",
           "JsonValueOnEmptyOrError", "JsonQueryWrapper", "JsonQueryOnEmptyOrError"]


def quote(name):
    """Quotes an identifier with backticks, as Flink SQL does."""
    return "`%s`" % str(name).replace("`", "``")


class FunctionsMixin(object):
    """Scalar functions as Expression methods and properties, named as PyFlink's."""

    # ---- scalar functions
    def _fn(self, name, *args):
        return self._new("%s(%s)" % (name, ", ".join([self._sql] + [self._operand(a)._sql for a in args])))

    abs = property(lambda self: self._fn("ABS"))
    sqrt = property(lambda self: self._fn("SQRT"))
    ln = property(lambda self: self._fn("LN"))
    log10 = property(lambda self: self._fn("LOG10"))
    log2 = property(lambda self: self._fn("LOG2"))
    exp = property(lambda self: self._fn("EXP"))
    floor = property(lambda self: self._fn("FLOOR"))
    ceil = property(lambda self: self._fn("CEIL"))
    sign = property(lambda self: self._fn("SIGN"))
    sin = property(lambda self: self._fn("SIN"))
    cos = property(lambda self: self._fn("COS"))
    tan = property(lambda self: self._fn("TAN"))
    degrees = property(lambda self: self._fn("DEGREES"))
    radians = property(lambda self: self._fn("RADIANS"))
    bin = property(lambda self: self._fn("BIN"))
    hex = property(lambda self: self._fn("HEX"))
    upper_case = property(lambda self: self._fn("UPPER"))
    lower_case = property(lambda self: self._fn("LOWER"))
    init_cap = property(lambda self: self._fn("INITCAP"))
    char_length = property(lambda self: self._fn("CHAR_LENGTH"))
    md5 = property(lambda self: self._fn("MD5"))
    sha1 = property(lambda self: self._fn("SHA1"))
    sha256 = property(lambda self: self._fn("SHA256"))
    to_base64 = property(lambda self: self._fn("TO_BASE64"))
    from_base64 = property(lambda self: self._fn("FROM_BASE64"))
    ltrim = property(lambda self: self._fn("LTRIM"))
    rtrim = property(lambda self: self._fn("RTRIM"))
    reverse = property(lambda self: self._fn("REVERSE"))
    cardinality = property(lambda self: self._fn("CARDINALITY"))
    element = property(lambda self: self._fn("ELEMENT"))
    to_date = property(lambda self: self._fn("TO_DATE"))
    to_timestamp = property(lambda self: self._fn("TO_TIMESTAMP"))
    is_json = property(lambda self: self._new("(%s IS JSON)" % self._sql))

    def log(self, base=None):
        """As PyFlink's ``log``."""
        if base is None:
            return self._fn("LN")
        return self._new("LOG(%s, %s)" % (self._operand(base)._sql, self._sql))

    def power(self, other):
        """As PyFlink's ``power``."""
        return self._fn("POWER", other)

    def round(self, places=0):
        """As PyFlink's ``round``."""
        return self._fn("ROUND", places)

    def truncate(self, n=0):
        """As PyFlink's ``truncate``."""
        return self._fn("TRUNCATE", n)

    def trim(self, trim_string=None):
        """As PyFlink's ``trim``."""
        if trim_string is None:
            return self._new("TRIM(%s)" % self._sql)
        return self._new("TRIM(BOTH %s FROM %s)" % (self._operand(trim_string)._sql, self._sql))

    def trim_leading(self, character=None):
        """As PyFlink's ``trim_leading``."""
        c = "' '" if character is None else self._operand(character)._sql
        return self._new("TRIM(LEADING %s FROM %s)" % (c, self._sql))

    def trim_trailing(self, character=None):
        """As PyFlink's ``trim_trailing``."""
        c = "' '" if character is None else self._operand(character)._sql
        return self._new("TRIM(TRAILING %s FROM %s)" % (c, self._sql))

    def substring(self, begin_index, length=None):
        """As PyFlink's ``substring``."""
        if length is None:
            return self._fn("SUBSTRING", begin_index)
        return self._fn("SUBSTRING", begin_index, length)

    def substr(self, begin_index, length=None):
        """As PyFlink's ``substr``."""
        return self.substring(begin_index, length)

    def position(self, haystack):
        """As PyFlink's ``position``."""
        return self._new("POSITION(%s IN %s)" % (self._sql, self._operand(haystack)._sql))

    def overlay(self, new_string, starting, length=None):
        """As PyFlink's ``overlay``."""
        s = "OVERLAY(%s PLACING %s FROM %s" % (self._sql, self._operand(new_string)._sql, self._operand(starting)._sql)
        if length is not None:
            s += " FOR %s" % self._operand(length)._sql
        return self._new(s + ")")

    def replace(self, search, replacement):
        """As PyFlink's ``replace``."""
        return self._fn("REPLACE", search, replacement)

    def regexp_replace(self, regex, replacement):
        """As PyFlink's ``regexp_replace``."""
        return self._fn("REGEXP_REPLACE", regex, replacement)

    def regexp_extract(self, regex, extract_index=None):
        """As PyFlink's ``regexp_extract``."""
        if extract_index is None:
            return self._fn("REGEXP_EXTRACT", regex)
        return self._fn("REGEXP_EXTRACT", regex, extract_index)

    def split_index(self, separator, index):
        """As PyFlink's ``split_index``."""
        return self._fn("SPLIT_INDEX", separator, index)

    def lpad(self, length, pad):
        """As PyFlink's ``lpad``."""
        return self._fn("LPAD", length, pad)

    def rpad(self, length, pad):
        """As PyFlink's ``rpad``."""
        return self._fn("RPAD", length, pad)

    def repeat(self, n):
        """As PyFlink's ``repeat``."""
        return self._fn("REPEAT", n)

    def concat(self, *others):
        """As PyFlink's ``concat``."""
        return self._fn("CONCAT", *others)

    def at(self, index):
        """Array element (1-based) or map value: ``x[index]``."""
        return self._new("%s[%s]" % (self._sql, self._operand(index)._sql))

    def get(self, name_or_index):
        """A field of a ROW value."""
        if isinstance(name_or_index, str):
            return self._new("%s.%s" % (self._sql, quote(name_or_index)))
        return self._new("%s[%s]" % (self._sql, name_or_index))

    def json_value(self, path, returning_type=None, *args, **kwargs):
        """As PyFlink's ``json_value``."""
        if returning_type is None:
            return self._fn("JSON_VALUE", path)
        return self._new("JSON_VALUE(%s, %s RETURNING %s)" % (self._sql, self._operand(path)._sql, returning_type))

    def json_exists(self, path, *args, **kwargs):
        """As PyFlink's ``json_exists``."""
        return self._fn("JSON_EXISTS", path)

    def json_query(self, path, *args, **kwargs):
        """As PyFlink's ``json_query``."""
        return self._fn("JSON_QUERY", path)

    def extract(self, time_interval_unit):
        """As PyFlink's ``extract``."""
        return self._new("EXTRACT(%s FROM %s)" % (_unit(time_interval_unit), self._sql))

    def floor_to(self, unit):
        """As PyFlink's ``floor_to``."""
        return self._new("FLOOR(%s TO %s)" % (self._sql, _unit(unit)))

    def ceil_to(self, unit):
        """As PyFlink's ``ceil_to``."""
        return self._new("CEIL(%s TO %s)" % (self._sql, _unit(unit)))

    def date_format(self, fmt):
        """As PyFlink's ``date_format``."""
        return self._new("DATE_FORMAT(%s, %s)" % (self._sql, self._operand(fmt)._sql))

    def to_time(self):
        """As PyFlink's ``to_time``."""
        return self._new("CAST(%s AS TIME)" % self._sql)

    # ---- pseudo-properties used on window aliases of the 1.9 API
    def flatten(self):
        """As PyFlink's ``flatten``."""
        return self._new("%s.*" % self._sql)


def _unit(u):
    return getattr(u, "name", str(u)).upper()


class _UnitEnum(object):
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


class TimeIntervalUnit(object):
    """Units of ``extract`` and ``floor_to`` (``TimeIntervalUnit.HOUR``)."""


class TimePointUnit(object):
    """Units of ``timestamp_diff`` (``TimePointUnit.DAY``)."""


for _u in ("YEAR", "YEAR_TO_MONTH", "QUARTER", "MONTH", "WEEK", "DAY", "DAY_TO_HOUR", "DAY_TO_MINUTE",
           "DAY_TO_SECOND", "HOUR", "HOUR_TO_MINUTE", "HOUR_TO_SECOND", "MINUTE", "MINUTE_TO_SECOND",
           "SECOND", "MILLISECOND", "MICROSECOND"):
    setattr(TimeIntervalUnit, _u, _UnitEnum(_u))
    setattr(TimePointUnit, _u, _UnitEnum(_u))


class JsonType(object):
    """JSON types of ``is_json``."""

    VALUE = _UnitEnum("VALUE")
    OBJECT = _UnitEnum("OBJECT")
    ARRAY = _UnitEnum("ARRAY")
    SCALAR = _UnitEnum("SCALAR")


class JsonExistsOnError(object):
    """ON ERROR behaviour of ``json_exists``."""

    TRUE = _UnitEnum("TRUE")
    FALSE = _UnitEnum("FALSE")
    UNKNOWN = _UnitEnum("UNKNOWN")
    ERROR = _UnitEnum("ERROR")


class JsonValueOnEmptyOrError(object):
    """ON EMPTY / ON ERROR behaviour of ``json_value``."""

    NULL = _UnitEnum("NULL")
    ERROR = _UnitEnum("ERROR")
    DEFAULT = _UnitEnum("DEFAULT")


class JsonQueryWrapper(object):
    """Wrapper behaviour of ``json_query``."""

    WITHOUT_ARRAY = _UnitEnum("WITHOUT_ARRAY")
    CONDITIONAL_ARRAY = _UnitEnum("CONDITIONAL_ARRAY")
    UNCONDITIONAL_ARRAY = _UnitEnum("UNCONDITIONAL_ARRAY")


class JsonQueryOnEmptyOrError(object):
    """ON EMPTY / ON ERROR behaviour of ``json_query``."""

    NULL = _UnitEnum("NULL")
    EMPTY_ARRAY = _UnitEnum("EMPTY_ARRAY")
    EMPTY_OBJECT = _UnitEnum("EMPTY_OBJECT")
    ERROR = _UnitEnum("ERROR")
