"""Group and over windows, as PyFlink's ``pyflink.table.window``.

``Tumble.over(lit(1).hours).on(col('rowtime')).alias('w')`` (or the 1.9
strings ``Tumble.over("1.hours").on("rowtime").alias("w")``) becomes the
legacy group window ``GROUP BY TUMBLE(rowtime, INTERVAL '1' HOUR)`` with
``TUMBLE_START``/``_END``/``_ROWTIME``/``_PROCTIME`` for ``w.start`` etc.;
an Over window becomes an inline ``OVER (PARTITION BY ... ORDER BY ...
RANGE BETWEEN ... AND ...)``.
"""

from spry.table.expression import Expression

__all__ = ["Tumble", "Slide", "Session", "Over", "GroupWindow", "OverWindow"]


def _x(v):
    if isinstance(v, Expression):
        return v
    from spry.table._strexpr import parse_one
    return parse_one(v)


def _name(v):
    e = _x(v)
    return e._name if e._name is not None else e.sql


def _check_time(size, what):
    if getattr(size, "_rows", False):
        from spry.errors import ValidationError
        raise ValidationError("row-count %s windows (%s.rows) are not supported by Spry yet; "
                              "use a time interval" % (what, size.sql))
    return size


class GroupWindow(object):
    """A group window with an alias, used by ``Table.window(...)``."""

    def __init__(self, fn, time_field, params, alias):
        self._fn = fn
        self._time = time_field
        self._params = params
        self._alias = alias

    def _args(self):
        return ", ".join([self._time.sql] + [p.sql for p in self._params])

    def _group_sql(self):
        return "%s(%s)" % (self._fn, self._args())

    def _property_sql(self, prop):
        return "%s_%s(%s)" % (self._fn, prop.upper(), self._args())


class _Aliasable(object):
    def __init__(self, fn, time_field, params):
        self._fn, self._time, self._params = fn, time_field, params

    def alias(self, alias):
        """Names the window (``alias('w')``); it is referred to as ``w`` in group_by/select."""
        return GroupWindow(self._fn, self._time, self._params, _name(alias))


class Tumble(object):
    """Tumbling windows: ``Tumble.over(lit(10).minutes).on(col('rowtime')).alias('w')``."""

    @classmethod
    def over(cls, size):
        """The size of the window (an interval such as ``lit(1).hours`` or ``'1.hours'``)."""
        return TumbleWithSize(_check_time(_x(size), "tumble"))


class TumbleWithSize(object):
    """As PyFlink's ``TumbleWithSize``."""

    def __init__(self, size):
        self._size = size

    def on(self, time_field):
        """The time attribute the window is defined on."""
        return TumbleWithSizeOnTime(_x(time_field), self._size)


class TumbleWithSizeOnTime(_Aliasable):
    """As PyFlink's ``TumbleWithSizeOnTime``."""

    def __init__(self, time_field, size):
        super(TumbleWithSizeOnTime, self).__init__("TUMBLE", time_field, [size])


class Slide(object):
    """Sliding windows: ``Slide.over(lit(10).minutes).every(lit(5).minutes).on(col('rowtime')).alias('w')``."""

    @classmethod
    def over(cls, size):
        """The size of the window (an interval such as ``lit(1).hours`` or ``'1.hours'``)."""
        return SlideWithSize(_check_time(_x(size), "slide"))


class SlideWithSize(object):
    """As PyFlink's ``SlideWithSize``."""

    def __init__(self, size):
        self._size = size

    def every(self, slide):
        """The slide of the window."""
        return SlideWithSizeAndSlide(self._size, _check_time(_x(slide), "slide"))


class SlideWithSizeAndSlide(object):
    """As PyFlink's ``SlideWithSizeAndSlide``."""

    def __init__(self, size, slide):
        self._size, self._slide = size, slide

    def on(self, time_field):
        """The time attribute the window is defined on."""
        return SlideWithSizeAndSlideOnTime(_x(time_field), self._size, self._slide)


class SlideWithSizeAndSlideOnTime(_Aliasable):
    """As PyFlink's ``SlideWithSizeAndSlideOnTime``."""

    def __init__(self, time_field, size, slide):
        # HOP(time, slide, size): the slide comes first in SQL.
        super(SlideWithSizeAndSlideOnTime, self).__init__("HOP", time_field, [slide, size])


class Session(object):
    """Session windows: ``Session.with_gap(lit(10).minutes).on(col('rowtime')).alias('w')``."""

    @classmethod
    def with_gap(cls, gap):
        """Builder step ``with_gap``; returns the builder."""
        return SessionWithGap(_check_time(_x(gap), "session"))


class SessionWithGap(object):
    """As PyFlink's ``SessionWithGap``."""

    def __init__(self, gap):
        self._gap = gap

    def on(self, time_field):
        """The time attribute the window is defined on."""
        return SessionWithGapOnTime(_x(time_field), self._gap)


class SessionWithGapOnTime(_Aliasable):
    """As PyFlink's ``SessionWithGapOnTime``."""

    def __init__(self, time_field, gap):
        super(SessionWithGapOnTime, self).__init__("SESSION", time_field, [gap])


class OverWindow(object):
    """An over window with an alias, used by ``Table.over_window(...)``."""

    def __init__(self, partition_by, order_by, preceding, following, alias):
        self._partition_by = partition_by
        self._order_by = order_by
        self._preceding = preceding
        self._following = following
        self._alias = alias

    def _sql(self):
        parts = []
        if self._partition_by:
            parts.append("PARTITION BY " + ", ".join(p.sql for p in self._partition_by))
        parts.append("ORDER BY " + self._order_by.sql)
        pre = self._preceding
        fol = self._following
        rows = pre is not None and (pre.sql in ("UNBOUNDED_ROW", "CURRENT_ROW") or getattr(pre, "_rows", False))
        if pre is None:
            pre_sql = "UNBOUNDED PRECEDING"
        elif pre.sql in ("UNBOUNDED_ROW", "UNBOUNDED_RANGE"):
            pre_sql = "UNBOUNDED PRECEDING"
        elif pre.sql in ("CURRENT_ROW", "CURRENT_RANGE"):
            pre_sql = "CURRENT ROW"
        else:
            pre_sql = "%s PRECEDING" % pre.sql
        if fol is None or fol.sql in ("CURRENT_ROW", "CURRENT_RANGE"):
            fol_sql = "CURRENT ROW"
        else:
            fol_sql = "%s FOLLOWING" % fol.sql
        parts.append("%s BETWEEN %s AND %s" % ("ROWS" if rows else "RANGE", pre_sql, fol_sql))
        return " ".join(parts)


class Over(object):
    """Over windows: ``Over.partition_by(col('a')).order_by(col('rowtime')).preceding(UNBOUNDED_RANGE).alias('w')``."""

    @classmethod
    def order_by(cls, order_by):
        """The time attribute the over window is ordered by."""
        return OverWindowPartitionedOrdered([], _x(order_by))

    @classmethod
    def partition_by(cls, *partition_by):
        """As PyFlink's ``partition_by``."""
        from spry.table.table import to_exprs
        return OverWindowPartitioned(to_exprs(partition_by))


class OverWindowPartitioned(object):
    """As PyFlink's ``OverWindowPartitioned``."""

    def __init__(self, partition_by):
        self._partition_by = partition_by

    def order_by(self, order_by):
        """The time attribute the over window is ordered by."""
        return OverWindowPartitionedOrdered(self._partition_by, _x(order_by))


class OverWindowPartitionedOrdered(object):
    """As PyFlink's ``OverWindowPartitionedOrdered``."""

    def __init__(self, partition_by, order_by):
        self._partition_by, self._order_by = partition_by, order_by

    def preceding(self, preceding):
        """The lower bound of the over window.

        ``UNBOUNDED_RANGE``, ``UNBOUNDED_ROW``, ``CURRENT_ROW``, an interval or ``row_interval(n)``.
        """
        return OverWindowPartitionedOrderedPreceding(self._partition_by, self._order_by, _x(preceding))

    def alias(self, alias):
        """Names the window (``alias('w')``); it is referred to as ``w`` in group_by/select."""
        return OverWindow(self._partition_by, self._order_by, None, None, _name(alias))


class OverWindowPartitionedOrderedPreceding(object):
    """As PyFlink's ``OverWindowPartitionedOrderedPreceding``."""

    def __init__(self, partition_by, order_by, preceding):
        self._partition_by, self._order_by, self._preceding = partition_by, order_by, preceding
        self._following = None

    def following(self, following):
        """The upper bound of the over window (default the current row)."""
        self._following = _x(following)
        return self

    def alias(self, alias):
        """Names the window (``alias('w')``); it is referred to as ``w`` in group_by/select."""
        return OverWindow(self._partition_by, self._order_by, self._preceding, self._following, _name(alias))
