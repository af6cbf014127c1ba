"""The Expression class of the Table API: each expression renders to Flink SQL text.

PyFlink's ``Expression`` builds Java expressions through Py4J; Spry's holds
the SQL text of the expression instead, so a Table API program becomes one
SQL query that the engine plans exactly as the same query written in SQL.
"""

from spry.table._expression_functions import (  # noqa: F401
    FunctionsMixin, TimeIntervalUnit, TimePointUnit, JsonType, JsonExistsOnError, JsonValueOnEmptyOrError,
    JsonQueryWrapper, JsonQueryOnEmptyOrError, quote)

__all__ = ["Expression", "TimeIntervalUnit", "TimePointUnit", "JsonType", "JsonExistsOnError",
           "JsonValueOnEmptyOrError", "JsonQueryWrapper", "JsonQueryOnEmptyOrError"]

# Markers for window properties (w.start ...) and OVER references: the
# windowed tables replace them with the SQL their window stands for.
_WPROP = "\x00W:%s:%s\x00"
_OVER = "\x00O:%s\x00"



def sql_literal(v):
    """The Flink SQL literal of a Python value."""
    import datetime
    import decimal
    if v is None:
        return "NULL"
    if isinstance(v, Expression):
        return v._sql
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v) if -2147483648 <= v <= 2147483647 else "CAST(%d AS BIGINT)" % v
    if isinstance(v, float):
        return "CAST(%r AS DOUBLE)" % v
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, str):
        return "'%s'" % v.replace("'", "''")
    if isinstance(v, datetime.datetime):
        return "TIMESTAMP '%s'" % v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, datetime.date):
        return "DATE '%s'" % v.isoformat()
    if isinstance(v, datetime.time):
        return "TIME '%s'" % v.isoformat()
    if isinstance(v, (list, tuple)):
        return "ARRAY[%s]" % ", ".join(sql_literal(x) for x in v)
    if isinstance(v, dict):
        return "MAP[%s]" % ", ".join("%s, %s" % (sql_literal(k), sql_literal(x)) for k, x in v.items())
    raise TypeError("cannot use %r (%s) as a literal" % (v, type(v).__name__))


def _e(v):
    """Converts an operand (Expression or Python value) to an Expression."""
    if isinstance(v, Expression):
        return v
    if isinstance(v, str):
        # Strings in the 1.9 API are expressions; in the new API lit('x') is
        # needed for a string literal, as in PyFlink.
        from spry.table._strexpr import parse_one
        return parse_one(v)
    return Expression(sql_literal(v))


class Expression(FunctionsMixin):
    """A Table API expression: a column, literal, call or operator over them.

    Example::

        >>> from spry.table.expressions import col, lit
        >>> (col('a') + 1).alias('b').sql
        '(`a` + 1) AS `b`'
    """

    def __init__(self, sql, name=None, agg=None):
        self._sql = sql
        # The name a bare column reference or an alias gives the output field.
        self._name = name
        # (function, args, distinct) of an aggregate call, for .distinct.
        self._agg = agg

    @property
    def sql(self):
        """The Flink SQL text of this expression."""
        return self._sql

    def _new(self, sql):
        return Expression(sql)

    def _operand(self, v):
        return _e(v)

    def __str__(self):
        return self._sql

    def __repr__(self):
        return "Expression(%s)" % self._sql

    def __bool__(self):
        raise TypeError("an Expression has no truth value; use & | ~ instead of and/or/not")

    # ---- operators
    def _bin(self, op, other, rev=False):
        a, b = self._sql, _e(other)._sql
        if rev:
            a, b = b, a
        return Expression("(%s %s %s)" % (a, op, b))

    def __add__(self, o):
        return self._bin("+", o)

    def __radd__(self, o):
        return self._bin("+", o, True)

    def __sub__(self, o):
        return self._bin("-", o)

    def __rsub__(self, o):
        return self._bin("-", o, True)

    def __mul__(self, o):
        return self._bin("*", o)

    def __rmul__(self, o):
        return self._bin("*", o, True)

    def __truediv__(self, o):
        return self._bin("/", o)

    def __rtruediv__(self, o):
        return self._bin("/", o, True)

    def __mod__(self, o):
        return Expression("MOD(%s, %s)" % (self._sql, _e(o)._sql))

    def __rmod__(self, o):
        return Expression("MOD(%s, %s)" % (_e(o)._sql, self._sql))

    def __pow__(self, o):
        return Expression("POWER(%s, %s)" % (self._sql, _e(o)._sql))

    def __rpow__(self, o):
        return Expression("POWER(%s, %s)" % (_e(o)._sql, self._sql))

    def __neg__(self):
        return Expression("(- %s)" % self._sql)

    def __pos__(self):
        return self

    def __eq__(self, o):
        return self._bin("=", o)

    def __ne__(self, o):
        return self._bin("<>", o)

    def __lt__(self, o):
        return self._bin("<", o)

    def __le__(self, o):
        return self._bin("<=", o)

    def __gt__(self, o):
        return self._bin(">", o)

    def __ge__(self, o):
        return self._bin(">=", o)

    def __and__(self, o):
        return self._bin("AND", o)

    def __rand__(self, o):
        return self._bin("AND", o, True)

    def __or__(self, o):
        return self._bin("OR", o)

    def __ror__(self, o):
        return self._bin("OR", o, True)

    def __invert__(self):
        return Expression("(NOT %s)" % self._sql)

    def __hash__(self):
        return hash(self._sql)

    def __getitem__(self, index):
        return self.at(index)

    # ---- naming, types, ordering
    def alias(self, name, *extra_names):
        """Names the expression's result (``AS name``)."""
        if extra_names:
            names = (name,) + extra_names
            e = Expression("%s AS (%s)" % (self._sql, ", ".join(quote(n) for n in names)), names)
        else:
            e = Expression("%s AS %s" % (_strip_alias(self._sql), quote(name)), name)
        # The unaliased expression, for places that name results themselves
        # (join_lateral, flat_map, rename_columns).
        e._base = self
        return e

    def cast(self, data_type):
        """Casts to a :class:`~spry.table.types.DataType` (or a type string)."""
        return Expression("CAST(%s AS %s)" % (_strip_alias(self._sql), data_type))

    def try_cast(self, data_type):
        """Casts, giving NULL when the value does not convert."""
        return Expression("TRY_CAST(%s AS %s)" % (_strip_alias(self._sql), data_type))

    @property
    def asc(self):
        """As PyFlink's ``asc``."""
        return Expression("%s ASC" % self._sql)

    @property
    def desc(self):
        """As PyFlink's ``desc``."""
        return Expression("%s DESC" % self._sql)

    @property
    def nulls_first(self):
        """As PyFlink's ``nulls_first``."""
        return Expression("%s NULLS FIRST" % self._sql)

    @property
    def nulls_last(self):
        """As PyFlink's ``nulls_last``."""
        return Expression("%s NULLS LAST" % self._sql)

    # ---- predicates
    def in_(self, first_element_or_table, *remaining):
        """``x IN (a, b, ...)``, or ``x IN (subquery)`` for a Table."""
        from spry.table.table import Table
        if isinstance(first_element_or_table, Table):
            return Expression("(%s IN (%s))" % (self._sql, first_element_or_table._query()))
        items = (first_element_or_table,) + remaining
        return Expression("(%s IN (%s))" % (self._sql, ", ".join(_e(i)._sql for i in items)))

    def between(self, lower_bound, upper_bound):
        """As PyFlink's ``between``."""
        return Expression("(%s BETWEEN %s AND %s)" % (self._sql, _e(lower_bound)._sql, _e(upper_bound)._sql))

    def not_between(self, lower_bound, upper_bound):
        """As PyFlink's ``not_between``."""
        return Expression("(%s NOT BETWEEN %s AND %s)" % (self._sql, _e(lower_bound)._sql, _e(upper_bound)._sql))

    def then(self, if_true, if_false):
        """As PyFlink's ``then``."""
        return Expression("CASE WHEN %s THEN %s ELSE %s END" % (self._sql, _e(if_true)._sql, _e(if_false)._sql))

    def if_null(self, null_replacement):
        """As PyFlink's ``if_null``."""
        return Expression("IFNULL(%s, %s)" % (self._sql, _e(null_replacement)._sql))

    def like(self, pattern):
        """As PyFlink's ``like``."""
        return Expression("(%s LIKE %s)" % (self._sql, _e(pattern)._sql))

    def similar(self, pattern):
        """As PyFlink's ``similar``."""
        return Expression("(%s SIMILAR TO %s)" % (self._sql, _e(pattern)._sql))

    @property
    def is_null(self):
        """Whether null."""
        return Expression("(%s IS NULL)" % self._sql)

    @property
    def is_not_null(self):
        """Whether not null."""
        return Expression("(%s IS NOT NULL)" % self._sql)

    @property
    def is_true(self):
        """Whether true."""
        return Expression("(%s IS TRUE)" % self._sql)

    @property
    def is_false(self):
        """Whether false."""
        return Expression("(%s IS FALSE)" % self._sql)

    @property
    def is_not_true(self):
        """Whether not true."""
        return Expression("(%s IS NOT TRUE)" % self._sql)

    @property
    def is_not_false(self):
        """Whether not false."""
        return Expression("(%s IS NOT FALSE)" % self._sql)

    # ---- aggregates
    def _aggregate(self, fn, *args):
        a = ", ".join([self._sql] + [_e(x)._sql for x in args])
        return Expression("%s(%s)" % (fn, a), agg=(fn, a))

    @property
    def count(self):
        """As PyFlink's ``count``."""
        return self._aggregate("COUNT")

    @property
    def sum(self):
        """As PyFlink's ``sum``."""
        return self._aggregate("SUM")

    @property
    def sum0(self):
        """As PyFlink's ``sum0``."""
        return self._aggregate("SUM0")

    @property
    def min(self):
        """As PyFlink's ``min``."""
        return self._aggregate("MIN")

    @property
    def max(self):
        """As PyFlink's ``max``."""
        return self._aggregate("MAX")

    @property
    def avg(self):
        """As PyFlink's ``avg``."""
        return self._aggregate("AVG")

    @property
    def stddev_pop(self):
        """As PyFlink's ``stddev_pop``."""
        return self._aggregate("STDDEV_POP")

    @property
    def stddev_samp(self):
        """As PyFlink's ``stddev_samp``."""
        return self._aggregate("STDDEV_SAMP")

    @property
    def var_pop(self):
        """As PyFlink's ``var_pop``."""
        return self._aggregate("VAR_POP")

    @property
    def var_samp(self):
        """As PyFlink's ``var_samp``."""
        return self._aggregate("VAR_SAMP")

    @property
    def collect(self):
        """As PyFlink's ``collect``."""
        return self._aggregate("COLLECT")

    @property
    def first_value(self):
        """As PyFlink's ``first_value``."""
        return self._aggregate("FIRST_VALUE")

    @property
    def last_value(self):
        """As PyFlink's ``last_value``."""
        return self._aggregate("LAST_VALUE")

    def list_agg(self, separator=None):
        """Lists the agg."""
        return self._aggregate("LISTAGG") if separator is None else self._aggregate("LISTAGG", separator)

    @property
    def array_agg(self):
        """As PyFlink's ``array_agg``."""
        return self._aggregate("ARRAY_AGG")

    @property
    def distinct(self):
        """``COUNT(DISTINCT x)`` after an aggregate; ``SELECT DISTINCT``-style otherwise."""
        if self._agg is None:
            raise ValueError("distinct applies to an aggregate call such as col('a').count.distinct")
        fn, a = self._agg
        return Expression("%s(DISTINCT %s)" % (fn, a))

    def over(self, alias):
        """Applies an aggregate over the over window named ``alias``."""
        name = alias._name if isinstance(alias, Expression) else str(alias)
        return Expression("%s OVER %s" % (self._sql, _OVER % name))

    # ---- window properties (group windows)
    def _wprop(self, prop):
        return Expression(_WPROP % (self._name or self._sql, prop))

    @property
    def start(self):
        """As PyFlink's ``start``."""
        return self._wprop("start")

    @property
    def end(self):
        """As PyFlink's ``end``."""
        return self._wprop("end")

    @property
    def rowtime(self):
        """As PyFlink's ``rowtime``."""
        return self._wprop("rowtime")

    @property
    def proctime(self):
        """As PyFlink's ``proctime``."""
        return self._wprop("proctime")

    # ---- intervals: lit(1).hours
    def _interval(self, unit):
        return Expression("INTERVAL '%s' %s" % (self._sql.strip("'"), unit))

    years = property(lambda self: self._interval("YEAR"))
    year = years
    months = property(lambda self: self._interval("MONTH"))
    month = months
    days = property(lambda self: self._interval("DAY"))
    day = days
    hours = property(lambda self: self._interval("HOUR"))
    hour = hours
    minutes = property(lambda self: self._interval("MINUTE"))
    minute = minutes
    seconds = property(lambda self: self._interval("SECOND"))
    second = seconds
    milli = property(lambda self: Expression("INTERVAL '%s' SECOND" % _millis(self._sql)))
    millis = milli

def _strip_alias(sql):
    return sql


def _millis(sql):
    try:
        return "%g" % (int(sql) / 1000.0)
    except ValueError:
        return sql
