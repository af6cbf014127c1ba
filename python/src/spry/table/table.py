"""Table and its grouped/windowed forms, as PyFlink's ``pyflink.table.Table``.

A Table is a SQL query (see :mod:`spry.table._query`) plus its
TableEnvironment; operations compose SQL and nothing runs until
``execute``, ``execute_insert``, ``to_pandas`` or the environment's
``execute``. Arguments are Expressions or, as in PyFlink 1.9/1.10,
strings of expressions (``"a + 1, b"``).
"""

import re

from spry.table._query import Query, quote_path
from spry.table.expression import Expression, _OVER, _WPROP, quote

__all__ = ["Table", "GroupedTable", "GroupWindowedTable", "WindowGroupedTable", "OverWindowedTable",
           "AggregatedTable", "FlatAggregateTable"]


def to_exprs(args):
    """Expressions from Table API arguments: Expressions, strings of expressions, lists."""
    from spry.table._strexpr import parse_list
    out = []
    for a in args:
        if isinstance(a, Expression):
            out.append(a)
        elif isinstance(a, str):
            out.extend(parse_list(a))
        elif isinstance(a, (list, tuple)):
            out.extend(to_exprs(a))
        else:
            from spry.table.expression import _e
            out.append(_e(a))
    return out


def _select_items(exprs, agg_names=False):
    """SELECT list items, naming unnamed expressions as Flink's Table API does."""
    items = []
    n_agg = 0
    for i, e in enumerate(exprs):
        if e._name is not None or e.sql == "*":
            items.append(e.sql)
        elif agg_names and e._agg is not None:
            # Flink's Table API numbers unnamed aggregates among themselves
            # (EXPR$0, EXPR$1, ...), other unnamed expressions by position (_c1).
            items.append("%s AS %s" % (e.sql, quote("EXPR$%d" % n_agg)))
            n_agg += 1
        else:
            items.append("%s AS %s" % (e.sql, quote("_c%d" % i)))
    return items


class Table(object):
    """A relational table: the result of a query, or of Table API operations on tables.

    Example::

        >>> t = t_env.from_path('orders')
        >>> t.filter(col('amount') > 10).group_by(col('user')).select(col('user'), col('amount').sum)
    """

    def __init__(self, q, t_env):
        self._q = q
        self._t_env = t_env
        self._schema = None

    # ---- internals
    def _query(self):
        return self._q.render()

    def _new(self, q):
        return Table(q, self._t_env)

    def _exprs(self, args):
        exprs = to_exprs(args)
        self._t_env._flush_udfs(exprs)
        return exprs

    def _names(self):
        return self.get_schema().get_field_names()

    # ---- relational operations
    def select(self, *fields):
        """Projects columns: ``t.select(col('a') + 1, col('b'))`` or ``t.select("a + 1, b")``."""
        exprs = self._exprs(fields)
        q = self._q if self._q.can_select() else self._q.wrap()
        return self._new(q.copy(select=_select_items(exprs, agg_names=True)))

    def filter(self, predicate):
        """Keeps the rows for which ``predicate`` holds."""
        (p,) = self._exprs([predicate])
        q = self._q if self._q.can_filter() else self._q.wrap()
        return self._new(q.copy(where=q.where + [p.sql]))

    where = filter

    def group_by(self, *fields):
        """Groups rows by keys; aggregate with ``.select(...)``."""
        return GroupedTable(self, self._exprs(fields))

    def distinct(self):
        """Removes duplicate rows."""
        q = self._q.wrap() if not self._q.can_filter() else self._q
        return self._new(q.copy(distinct=True))

    def _join(self, right, kind, predicate):
        left_from, right_from = self._q.as_from(), right._q.as_from()
        if predicate is None:
            if kind != "INNER":
                raise ValueError("an outer join needs a join predicate")
            return self._new(Query(from_sql="%s CROSS JOIN %s" % (left_from, right_from)))
        (p,) = self._exprs([predicate])
        return self._new(Query(from_sql="%s %s JOIN %s ON %s" % (left_from, kind, right_from, p.sql)))

    def join(self, right, join_predicate=None):
        """Inner join; without a predicate a cross join (add ``.where(...)``)."""
        return self._join(right, "INNER", join_predicate)

    def left_outer_join(self, right, join_predicate=None):
        """Left outer join."""
        return self._join(right, "LEFT", join_predicate)

    def right_outer_join(self, right, join_predicate):
        """Right outer join."""
        return self._join(right, "RIGHT", join_predicate)

    def full_outer_join(self, right, join_predicate):
        """Full outer join."""
        return self._join(right, "FULL", join_predicate)

    def _lateral(self, call, outer, predicate):
        (e,) = self._exprs([call])
        base, names = e, None
        if getattr(e, "_base", None) is not None:
            base = e._base
            names = e._name if isinstance(e._name, tuple) else (e._name,)
        Query._counter[0] += 1
        alias = "`$f%d`" % Query._counter[0]
        if names:
            alias += "(%s)" % ", ".join(quote(n) for n in names)
        lateral = "LATERAL TABLE(%s) AS %s" % (base.sql, alias)
        left = self._q.as_from()
        if outer:
            on = "TRUE" if predicate is None else self._exprs([predicate])[0].sql
            return self._new(Query(from_sql="%s LEFT JOIN %s ON %s" % (left, lateral, on)))
        if predicate is None:
            return self._new(Query(from_sql="%s, %s" % (left, lateral)))
        p = self._exprs([predicate])[0].sql
        return self._new(Query(from_sql="%s INNER JOIN %s ON %s" % (left, lateral, p)))

    def join_lateral(self, table_function_call, join_predicate=None):
        """Joins each row with the rows a table function (UDTF) returns for it."""
        return self._lateral(table_function_call, False, join_predicate)

    def left_outer_join_lateral(self, table_function_call, join_predicate=None):
        """As join_lateral, keeping rows for which the function returns nothing."""
        return self._lateral(table_function_call, True, join_predicate)

    def _setop(self, right, op):
        raw = "SELECT * FROM %s %s SELECT * FROM %s" % (self._q.as_from(), op, right._q.as_from())
        return self._new(Query(raw=raw))

    def union_all(self, right):
        """Rows of both tables."""
        return self._setop(right, "UNION ALL")

    def union(self, right):
        """Distinct rows of both tables."""
        return self._setop(right, "UNION")

    def minus(self, right):
        """Distinct rows of this table not in ``right``."""
        return self._setop(right, "EXCEPT")

    def minus_all(self, right):
        """Rows of this table not in ``right``, with multiplicity."""
        return self._setop(right, "EXCEPT ALL")

    def intersect(self, right):
        """Distinct rows in both tables."""
        return self._setop(right, "INTERSECT")

    def intersect_all(self, right):
        """Rows in both tables, with multiplicity."""
        return self._setop(right, "INTERSECT ALL")

    def order_by(self, *fields):
        """Sorts by expressions (``col('a').desc``)."""
        exprs = self._exprs(fields)
        q = self._q if self._q.can_order() else self._q.wrap()
        return self._new(q.copy(order_by=[e.sql for e in exprs]))

    def offset(self, offset):
        """Skips the first ``offset`` rows."""
        q = self._q if self._q.can_limit() else self._q.wrap()
        return self._new(q.copy(offset=int(offset)))

    def fetch(self, fetch):
        """Keeps the first ``fetch`` rows (after ``offset``)."""
        q = self._q if self._q.fetch is None and self._q.raw is None else self._q.wrap()
        return self._new(q.copy(fetch=int(fetch)))

    def limit(self, fetch, offset=0):
        """Keeps ``fetch`` rows after skipping ``offset``."""
        t = self.offset(offset) if offset else self
        return t.fetch(fetch)

    def add_columns(self, *fields):
        """Appends computed columns."""
        exprs = self._exprs(fields)
        n = len(self._names())
        items = ["*"] + [e.sql if e._name is not None else "%s AS %s" % (e.sql, quote("_c%d" % (n + i)))
                         for i, e in enumerate(exprs)]
        return self._new(self._q.wrap().copy(select=items))

    def add_or_replace_columns(self, *fields):
        """Appends computed columns, replacing columns of the same name."""
        exprs = self._exprs(fields)
        names = self._names()
        items = [quote(n) for n in names]
        for i, e in enumerate(exprs):
            name = e._name if e._name is not None else "_c%d" % (len(names) + i)
            sql = e.sql if e._name is not None else "%s AS %s" % (e.sql, quote(name))
            if name in names:
                items[names.index(name)] = sql
            else:
                items.append(sql)
        return self._new(self._q.wrap().copy(select=items))

    def drop_columns(self, *fields):
        """Removes columns."""
        drop = set()
        for e in self._exprs(fields):
            drop.add(e._name if e._name is not None else e.sql.strip("`"))
        keep = [quote(n) for n in self._names() if n not in drop]
        return self._new(self._q.wrap().copy(select=keep))

    def rename_columns(self, *fields):
        """Renames columns: ``t.rename_columns(col('a').alias('x'))``."""
        renames = {}
        for e in self._exprs(fields):
            base = getattr(e, "_base", None)
            if base is None or base._name is None:
                raise ValueError("rename_columns takes column aliases such as col('a').alias('b'), got %s" % e)
            renames[base._name] = e._name
        items = [quote(n) if n not in renames else "%s AS %s" % (quote(n), quote(renames[n]))
                 for n in self._names()]
        return self._new(self._q.wrap().copy(select=items))

    def alias(self, field, *fields):
        """Renames every column, in order: ``t.alias('x', 'y')``."""
        new = [e._name if e._name is not None else e.sql for e in to_exprs((field,) + fields)]
        names = self._names()
        if len(new) > len(names):
            raise ValueError("alias: %d names given for %d columns" % (len(new), len(names)))
        items = ["%s AS %s" % (quote(n), quote(a)) for n, a in zip(names, new)] + \
            [quote(n) for n in names[len(new):]]
        return self._new(self._q.wrap().copy(select=items))

    def window(self, window):
        """Groups by a group window (Tumble, Slide, Session); then ``.group_by(...)``."""
        return GroupWindowedTable(self, window)

    def over_window(self, *over_windows):
        """Defines over windows for ``.select("a.sum over w")``."""
        return OverWindowedTable(self, over_windows)

    def map(self, func):
        """Applies a scalar function returning a row; its fields become the columns."""
        (e,) = self._exprs([func])
        return self._new(self._q.wrap().copy(select=["%s AS `$m`" % e.sql])) \
            ._flatten("$m", _result_fields(e))

    def _flatten(self, col, fields):
        if not fields:
            return self
        items = ["%s.%s AS %s" % (quote(col), quote(f), quote(f)) for f in fields]
        return self._new(self._q.wrap().copy(select=items))

    def flat_map(self, func):
        """Applies a table function; its rows replace the input rows."""
        t = self.join_lateral(func)
        (e,) = to_exprs([func])
        names = e._name if isinstance(e._name, tuple) else ((e._name,) if e._name else _result_fields(e))
        if names:
            return t.select(*[Expression(quote(n), n) for n in names])
        return t

    def aggregate(self, func):
        """Global aggregation with an aggregate function: ``.aggregate(f).select(...)``."""
        return AggregatedTable(self, [], func)

    def flat_aggregate(self, func):
        """Global table aggregation: ``.flat_aggregate(f).select(...)``."""
        return FlatAggregateTable(self, [], func)

    # ---- running
    def execute(self):
        """Runs the query; read rows with ``.collect()`` or ``.print()``."""
        return self._t_env._execute(self._query())

    def execute_insert(self, table_path_or_descriptor, overwrite=False):
        """Writes the rows into a table (path or TableDescriptor); returns a TableResult."""
        path = self._t_env._sink_path(table_path_or_descriptor)
        return self._t_env._execute(self._insert_sql(path, overwrite))

    def _insert_sql(self, path, overwrite=False):
        return "INSERT %s %s %s" % ("OVERWRITE" if overwrite else "INTO", quote_path(path), self._query())

    def insert_into(self, table_path):
        """(1.9/1.10) Adds an INSERT to the jobs ``t_env.execute(name)`` runs."""
        self._t_env._pending_inserts.append(self._insert_sql(table_path))

    def explain(self, *extra_details):
        """The EXPLAIN text of this table's query."""
        return self._t_env._session.explain(self._query(), [d.name for d in extra_details])

    def get_schema(self):
        """The columns' names and types."""
        if self._schema is None:
            from spry.table.table_schema import TableSchema
            self._schema = TableSchema._from_columns(self._t_env._session.schema(self._query()))
        return self._schema

    def get_resolved_schema(self):
        """The columns' names and types."""
        return self.get_schema()

    def print_schema(self):
        """Prints the schema as Flink does."""
        print(self.get_schema())

    def to_pandas(self):
        """Runs the query and returns its rows as a pandas DataFrame (changelog applied)."""
        import pandas as pd
        res = self.execute()
        t = res._arrow()
        if t is None:
            return pd.DataFrame(columns=res._names)
        return t.to_pandas()

    def get_sql(self):
        """The SQL text this table stands for (a Spry extension)."""
        return self._query()

    def __str__(self):
        return "Table(%s)" % self._query()

    __repr__ = __str__

    def _repr_html_(self):
        return self.limit(100).execute()._repr_html_()

    def __getattr__(self, name):
        # t.a as a column reference, as in PyFlink.
        if name.startswith("_"):
            raise AttributeError(name)
        return Expression(quote(name), name)

    def __getitem__(self, name):
        return Expression(quote(name), name)


def _result_fields(e):
    """The output field names of a UDF call returning a ROW (or a UDTF's f0, f1, ...)."""
    base = getattr(e, "_base", None)
    udf = getattr(e, "_udf", None) or getattr(base, "_udf", None)
    if udf is None:
        return None
    rt = getattr(udf, "_result_type", None)
    if rt is not None and getattr(rt, "_fields", None):
        return [f.name for f in rt._fields]
    rts = getattr(udf, "_result_types", None)
    if rts:
        return ["f%d" % i for i in range(len(rts))]
    return None


class GroupedTable(object):
    """A table grouped by keys; ``select`` computes one row per group."""

    def __init__(self, table, keys):
        self._table = table
        self._keys = keys

    def select(self, *fields):
        """Computes the output columns of each group (or window)."""
        t = self._table
        exprs = t._exprs(fields)
        q = t._q if t._q.can_filter() else t._q.wrap()
        return t._new(q.copy(select=_select_items(exprs, agg_names=True),
                             group_by=[k.sql for k in self._keys]))

    def aggregate(self, func):
        """Aggregates with an aggregate function; then ``select``."""
        return AggregatedTable(self._table, self._keys, func)

    def flat_aggregate(self, func):
        """Aggregates with a table aggregate function; then ``select``."""
        return FlatAggregateTable(self._table, self._keys, func)


class AggregatedTable(object):
    """The result of ``aggregate(f)``: select the keys and the function's fields."""

    def __init__(self, table, keys, func):
        self._table, self._keys, self._func = table, keys, func

    def select(self, *fields):
        """Computes the output columns of each group (or window)."""
        t = self._table
        (e,) = t._exprs([self._func])
        base = e if getattr(e, "_base", None) is None else e._base
        names = e._name if isinstance(e._name, tuple) else ((e._name,) if e._name else None)
        fnames = _result_fields(base)
        q = t._q if t._q.can_filter() else t._q.wrap()
        keys = [k.sql for k in self._keys]
        if fnames:
            inner = t._new(q.copy(select=keys + ["%s AS `$a`" % base.sql], group_by=keys or None))
            outs = [quote(k._name) for k in self._keys] + [
                "%s.%s AS %s" % (quote("$a"), quote(f), quote(n)) for f, n in zip(fnames, names or fnames)]
            inner = inner._new(inner._q.wrap().copy(select=outs))
        else:
            name = names[0] if names else "EXPR$0"
            inner = t._new(q.copy(select=keys + ["%s AS %s" % (base.sql, quote(name))], group_by=keys or None))
        return inner.select(*fields)


class FlatAggregateTable(object):
    """The result of ``flat_aggregate(f)``: select the keys and the rows ``f`` emits.

    Flink has no SQL for table aggregates; Spry's SQL form puts the call
    in a select list of its own next to the group keys,
    ``SELECT k, top2(v) FROM t GROUP BY k``, where the call stands for
    every column of the rows it emits. The engine plans it as Flink's
    ``PythonGroupTableAggregate``: in streaming, each change of a group
    retracts (``-D``) all the rows the group emitted before and inserts
    (``+I``) the new ones (see docs/python_udf.md).
    """

    def __init__(self, table, keys, func):
        self._table, self._keys, self._func = table, keys, func

    def _call(self):
        # An uncalled udtaf takes the whole input row, as PyFlink's
        # row-based flat_aggregate passes it.
        from spry.table.udf import UserDefinedAggregateFunctionWrapper
        f, t = self._func, self._table
        if isinstance(f, UserDefinedAggregateFunctionWrapper):
            schema = t.get_schema()
            names, dtypes = schema.get_field_names(), schema.get_field_data_types()
            row = "CAST(ROW(%s) AS ROW<%s>)" % (", ".join(quote(n) for n in names), ", ".join(
                "%s %s" % (quote(n), _sql_type(d)) for n, d in zip(names, dtypes)))
            names = getattr(f, "_alias_names", None)
            f = f(Expression(row, None))
            if names:  # flat_aggregate(top2.alias('v', 'rank'))
                f = f.alias(*names)
        (e,) = t._exprs([f])
        return e

    def select(self, *fields):
        """Computes the output columns of each group."""
        from spry.errors import SpryError
        t = self._table
        e = self._call()
        base = e if getattr(e, "_base", None) is None else e._base
        names = e._name if isinstance(e._name, tuple) else ((e._name,) if e._name else None)
        if not _is_table_aggregate(t._t_env, base):
            raise SpryError("flat_aggregate needs a table aggregate function (udtaf), got %s" % base.sql)
        q = t._q if t._q.can_filter() else t._q.wrap()
        keys = [k.sql for k in self._keys]
        inner = t._new(q.copy(select=keys + [base.sql], group_by=keys or None))
        if names:
            cols = inner._names()
            knames, fnames = cols[:len(keys)], cols[len(keys):]
            if len(names) != len(fnames):
                raise SpryError("flat_aggregate alias names %d fields, the function emits %d" % (
                    len(names), len(fnames)))
            outs = [quote(k) for k in knames] + [
                "%s AS %s" % (quote(f), quote(n)) for f, n in zip(fnames, names)]
            inner = inner._new(inner._q.wrap().copy(select=outs))
        return inner.select(*fields)


def _is_table_aggregate(t_env, call):
    """Whether a call expression calls a udtaf (inline, or registered under its name)."""
    udf = getattr(call, "_udf", None)
    if udf is not None:
        return getattr(udf, "_kind", None) == "table_aggregate"
    m = re.match(r"\s*((?:`[^`]+`|[\w$]+)(?:\s*\.\s*(?:`[^`]+`|[\w$]+))*)\s*\(", call.sql)
    if not m:
        return False
    name = m.group(1).replace("`", "").replace(" ", "")
    registered = getattr(t_env, "_registered", {})
    for key in (name, name.split(".")[-1]):
        for n, w in registered.items():
            if n.lower() == key.lower() or n.lower().split(".")[-1] == key.lower():
                return getattr(w, "_kind", None) == "table_aggregate"
    return False


def _sql_type(d):
    """The Flink SQL text of a DataType (its str)."""
    return str(d)


class GroupWindowedTable(object):
    """A table with a group window; ``group_by`` must name the window alias."""

    def __init__(self, table, window):
        self._table = table
        self._window = window

    def group_by(self, *fields):
        """Groups by keys, which must include the window alias."""
        return WindowGroupedTable(self._table, self._window, self._table._exprs(fields))


class WindowGroupedTable(object):
    """A table grouped by a group window and keys; ``select`` aggregates per window."""

    def __init__(self, table, window, keys):
        self._table = table
        self._window = window
        self._keys = keys

    def _replace(self, sql):
        w = self._window
        for prop in ("start", "end", "rowtime", "proctime"):
            sql = sql.replace(_WPROP % (w._alias, prop), w._property_sql(prop))
        return sql

    def select(self, *fields):
        """Computes the output columns of each group (or window)."""
        t = self._table
        exprs = t._exprs(fields)
        w = self._window
        keys = []
        for k in self._keys:
            keys.append(w._group_sql() if k._name == w._alias else k.sql)
        if w._group_sql() not in keys:
            raise ValueError("group_by of a windowed table must name the window alias %r" % w._alias)
        items = [self._replace(s) for s in _select_items(exprs, agg_names=True)]
        q = t._q if t._q.can_filter() else t._q.wrap()
        return t._new(q.copy(select=items, group_by=keys))

    def aggregate(self, func):
        """Aggregates with an aggregate function; then ``select``."""
        raise NotImplementedError("window aggregate(udaf) is not supported by Spry yet; use select")


class OverWindowedTable(object):
    """A table with over windows; ``select`` may use ``agg.over(alias)``."""

    def __init__(self, table, windows):
        self._table = table
        self._windows = windows

    def select(self, *fields):
        """Computes the output columns of each group (or window)."""
        t = self._table
        exprs = t._exprs(fields)
        items = _select_items(exprs, agg_names=True)
        out = []
        for s in items:
            for w in self._windows:
                s = s.replace(_OVER % w._alias, "(%s)" % w._sql())
            out.append(s)
        q = t._q if t._q.can_select() else t._q.wrap()
        return t._new(q.copy(select=out))
