"""The SQL query a Table stands for, built clause by clause.

Each Table operation either fills an empty clause of the current query
(``filter`` after ``from_path`` becomes its WHERE) or wraps the query as a
derived table, so simple Table API programs produce the same flat SQL a
person would write, and so the same plan as that SQL.
"""

from spry.table.expression import quote

__all__ = ["Query", "quote_path"]


def quote_path(path):
    """Quotes a table path (``cat.db.t`` → ```cat`.`db`.`t```); quoted paths stay as they are."""
    if "`" in path:
        return path
    return ".".join(quote(p) for p in path.split("."))


class Query(object):
    """SELECT [DISTINCT] select FROM from_sql [WHERE] [GROUP BY] [ORDER BY] [OFFSET] [FETCH]."""

    _counter = [0]

    def __init__(self, from_sql=None, select=None, where=(), group_by=None, order_by=(), offset=None,
                 fetch=None, distinct=False, raw=None):
        self.from_sql = from_sql
        self.select = select
        self.where = list(where)
        self.group_by = group_by
        self.order_by = list(order_by)
        self.offset = offset
        self.fetch = fetch
        self.distinct = distinct
        # A complete query that is no SELECT block of its own (set operations).
        self.raw = raw

    def copy(self, **kw):
        """A copy."""
        q = Query(self.from_sql, self.select, self.where, self.group_by, self.order_by, self.offset,
                  self.fetch, self.distinct, self.raw)
        for k, v in kw.items():
            setattr(q, k, v)
        return q

    @staticmethod
    def table(path):
        """The query of a registered table: ``SELECT * FROM path``."""
        return Query(from_sql=quote_path(path))

    def is_plain(self):
        """No clause but FROM: the query is its FROM item."""
        return (self.raw is None and self.select is None and not self.where and self.group_by is None
                and not self.order_by and self.offset is None and self.fetch is None and not self.distinct)

    def can_filter(self):
        """Whether a WHERE condition can join this query without changing its meaning."""
        return (self.raw is None and self.select is None and self.group_by is None and not self.order_by
                and self.offset is None and self.fetch is None and not self.distinct)

    def can_select(self):
        """Whether a SELECT list can be set on this query without wrapping it.

        A projection commutes with WHERE, ORDER BY and OFFSET/FETCH, so
        ``order_by(a).limit(2).select(b)`` stays one SELECT block (a wrapped
        ORDER BY would lose its order).
        """
        return self.raw is None and self.select is None and self.group_by is None and not self.distinct

    def can_order(self):
        """Whether an ORDER BY can be set on this query without wrapping it."""
        return self.raw is None and not self.order_by and self.offset is None and self.fetch is None \
            and not self.distinct and self.group_by is None

    def can_limit(self):
        """Whether OFFSET/FETCH can be set on this query without wrapping it."""
        return self.raw is None and self.offset is None and self.fetch is None

    def as_from(self):
        """This query as a FROM item: the table name, or ``(query) AS alias``."""
        if self.is_plain() and " JOIN " not in self.from_sql and "LATERAL" not in self.from_sql:
            return self.from_sql
        Query._counter[0] += 1
        return "(%s) AS `$t%d`" % (self.render(), Query._counter[0])

    def wrap(self):
        """A new query selecting everything from this one."""
        return Query(from_sql=self.as_from())

    def render(self):
        """The SQL text."""
        if self.raw is not None:
            return self.raw
        s = "SELECT "
        if self.distinct:
            s += "DISTINCT "
        s += ", ".join(self.select) if self.select else "*"
        s += " FROM " + self.from_sql
        if self.where:
            s += " WHERE " + " AND ".join(self.where)
        if self.group_by:
            s += " GROUP BY " + ", ".join(self.group_by)
        if self.order_by:
            s += " ORDER BY " + ", ".join(self.order_by)
        if self.offset is not None:
            s += " OFFSET %d ROWS" % self.offset
        if self.fetch is not None:
            if self.offset is None and not self.order_by:
                s += " LIMIT %d" % self.fetch
            else:
                s += " FETCH NEXT %d ROWS ONLY" % self.fetch
        return s
