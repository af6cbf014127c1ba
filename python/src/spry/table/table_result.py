"""TableResult, as PyFlink's ``pyflink.table.TableResult``: the outcome of a statement."""

import sys
from enum import Enum

from spry.common.types import Row, RowKind
from spry.table.table_schema import TableSchema
from spry.table.types import DataTypes

__all__ = ["TableResult", "ResultKind", "CloseableIterator", "JobClient", "JobID", "JobStatus"]


class ResultKind(Enum):
    """What a statement produced: nothing (SUCCESS) or rows (SUCCESS_WITH_CONTENT)."""

    SUCCESS = 0
    SUCCESS_WITH_CONTENT = 1


class JobStatus(Enum):
    """The state of a job, as Flink's JobStatus."""

    INITIALIZING = 0
    CREATED = 1
    RUNNING = 2
    FAILING = 3
    FAILED = 4
    CANCELLING = 5
    CANCELED = 6
    FINISHED = 7
    RESTARTING = 8
    SUSPENDED = 9
    RECONCILING = 10


class JobID(object):
    """A job's id (its string form is Flink's 32 hex digits)."""

    def __init__(self, text):
        self._text = text

    def to_hex_string(self):
        """As PyFlink's ``to_hex_string``."""
        return self._text

    def __str__(self):
        return self._text

    def __repr__(self):
        return "JobID(%s)" % self._text

    def __eq__(self, other):
        return isinstance(other, JobID) and other._text == self._text


class JobClient(object):
    """Controls the job of a TableResult: id, status, cancel."""

    def __init__(self, result):
        self._result = result

    def get_job_id(self):
        """Returns the job id."""
        return JobID(self._result._job_id)

    def get_job_status(self):
        """Returns the job status."""
        r = self._result
        if r._failed:
            return _Done(JobStatus.FAILED)
        if r._finished:
            return _Done(JobStatus.FINISHED)
        return _Done(JobStatus.RUNNING)

    def cancel(self):
        """Cancels the job."""
        self._result._cancel()
        return _Done(None)

    def get_job_execution_result(self):
        """Returns the job execution result."""
        return _Done(self)


class _Done(object):
    """A completed future (PyFlink returns CompletableFutures from JobClient)."""

    def __init__(self, value):
        self._value = value

    def result(self, timeout=None):
        """The value of the completed future."""
        return self._value

    def done(self):
        """Whether the future is done (always)."""
        return True


class CloseableIterator(object):
    """An iterator over a result's rows that must be closed (or used in ``with``)."""

    def __init__(self, result):
        self._result = result
        self._gen = result._rows()

    def __iter__(self):
        return self

    def __next__(self):
        kind, vals = next(self._gen)
        r = Row(*vals)
        r.set_field_names(self._result._names)
        r.set_row_kind(kind)
        return r

    next = __next__

    def close(self):
        """Closes the iterator and releases the engine's result."""
        self._result._close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()


_KINDS = [RowKind.INSERT, RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER, RowKind.DELETE]


class TableResult(object):
    """The result of ``execute_sql``, ``Table.execute`` or ``execute_insert``.

    Example::

        >>> with t_env.execute_sql("SELECT 1").collect() as results:
        ...     for r in results:
        ...         print(r)
    """

    def __init__(self, session, res, batch=False):
        self._session = session
        self._kind = res.get("kind", "ok")
        self._rid = res.get("result")
        self._job_id = res.get("job_id") or ""
        cols = res.get("columns") or []
        self._schema = TableSchema._from_columns(cols) if cols else None
        if self._kind == "ok":
            self._schema = TableSchema(["result"], [DataTypes.STRING()])
        self._names = self._schema.get_field_names()
        self._changelog = bool(res.get("changelog", not batch)) and self._kind == "rows"
        self._bounded = bool(res.get("bounded", True))
        self._buffer = None
        self._consumed = False
        self._finished = self._kind == "ok"
        self._failed = False

    # ---- PyFlink API
    def get_job_client(self):
        """The job's client, or None for a statement without a job."""
        return JobClient(self) if self._job_id else None

    def wait(self, timeout_ms=None):
        """Blocks until the statement's job ends (rows stay readable afterwards)."""
        if self._kind == "job" and self._rid is not None and not self._finished:
            try:
                self._session.wait(self._rid)
            except Exception:
                self._failed = True
                raise
            self._finished = True
        elif self._kind == "rows" and self._buffer is None and not self._consumed:
            self._buffer = list(self._fetch_all())

    def get_table_schema(self):
        """The schema of the result's rows."""
        return self._schema

    def get_result_kind(self):
        """SUCCESS for DDL and other statements without rows, else SUCCESS_WITH_CONTENT."""
        return ResultKind.SUCCESS if self._kind == "ok" else ResultKind.SUCCESS_WITH_CONTENT

    def collect(self):
        """Iterates over the result's rows (with their RowKind); close it when done."""
        return CloseableIterator(self)

    def print(self):
        """Prints the result as Flink's tableau (the op column for streaming queries)."""
        out = sys.stdout
        names, types = self._names, self._schema.get_field_data_types()
        from spry.table import _printer
        if self._kind == "ok":
            _printer.tableau_all(names, types, [["OK"]], out)
        elif self._kind == "job":
            # As Flink: one column per sink, -1 for "affected rows unknown".
            _printer.tableau_all(names, types, (v for _, v in self._rows()), out)
        elif self._changelog:
            _printer.tableau_streaming(names, types, ((k.short_string(), v) for k, v in self._rows()), out)
        else:
            _printer.tableau_all(names, types, (v for _, v in self._rows()), out)
        out.flush()

    # ---- helpers used by Table.to_pandas and the notebook renderers
    def _rows(self):
        """Yields (RowKind, values) for every row."""
        if self._kind == "ok":
            yield RowKind.INSERT, ["OK"]
            return
        if self._kind == "job":
            self.wait()
            yield RowKind.INSERT, [-1] * len(self._names)
            return
        if self._buffer is not None:
            buf, self._buffer = self._buffer, None
            self._consumed = True
            for r in buf:
                yield r
            return
        if self._consumed:
            return
        self._consumed = True
        for r in self._fetch_all():
            yield r

    def _fetch_all(self):
        done = False
        try:
            types = self._schema.get_field_data_types()
            while not done:
                kinds, rows, done = self._session.fetch_rows(self._rid, types)
                for i, r in enumerate(_nested_to_python(rows, types)):
                    yield (_KINDS[kinds[i]] if kinds else RowKind.INSERT), r
        except Exception:
            self._failed = True
            raise
        self._finished = True

    def _arrow(self):
        """All rows as a pyarrow Table (changelog materialized) for to_pandas."""
        import pyarrow as pa
        tables = []
        done = False
        while not done:
            table, done = self._session.fetch(self._rid)
            if table is not None:
                tables.append(table)
        self._consumed = self._finished = True
        if not tables:
            return None
        t = pa.concat_tables(tables)
        if "$row_kind" in t.column_names:
            kinds = t.column("$row_kind").to_pylist()
            t = t.drop_columns(["$row_kind"])
            if any(k != 0 for k in kinds):
                t = _materialize(t, kinds)
        return t

    def _cancel(self):
        if self._rid is not None:
            self._session.cancel(self._rid)

    def _close(self):
        if self._rid is not None and not self._finished:
            self._session.close_result(self._rid)
            self._finished = True

    def _repr_html_(self):
        from spry.table._html import html_table
        if self._kind == "rows" and not self._bounded and self._buffer is None and not self._consumed:
            # An unbounded query never ends: show what arrives within a few seconds.
            rows = list(self._fetch_some(limit=1000, timeout_ms=2000))
            self._close()
        else:
            rows = list(self._rows())
        return html_table(self._names, self._schema.get_field_data_types(), rows, self._changelog)

    def _fetch_some(self, limit, timeout_ms):
        """Yields up to ``limit`` rows, stopping when none arrive within ``timeout_ms``."""
        import time
        self._consumed = True
        n = 0
        deadline = time.monotonic() + timeout_ms / 1000.0
        while n < limit:
            left = int((deadline - time.monotonic()) * 1000)
            if left <= 0:
                return
            types = self._schema.get_field_data_types()
            kinds, rows, done = self._session.fetch_rows(self._rid, types, max_rows=limit - n, timeout_ms=left)
            if rows:
                for i, r in enumerate(_nested_to_python(rows, types)):
                    yield (_KINDS[kinds[i]] if kinds else RowKind.INSERT), r
                n += len(rows)
            elif not done:
                return
            if done:
                self._finished = True
                return


def _materialize(table, kinds):
    """Applies a changelog: -U/-D remove one equal earlier row, +I/+U add one."""
    rows = table.to_pylist()
    out = []
    for kind, row in zip(kinds, rows):
        if kind in (0, 2):
            out.append(row)
        else:
            key = row
            for i in range(len(out) - 1, -1, -1):
                if out[i] == key:
                    del out[i]
                    break
    import pyarrow as pa
    return pa.Table.from_pylist(out, schema=table.schema)


def _convert(v, t):
    """A value as PyFlink hands it out: ROW → Row, MAP → dict, nested likewise."""
    if v is None or t is None:
        return v
    n = t.type_name
    if n == "ROW":
        fields = t._fields or []
        vals = list(v.values()) if isinstance(v, dict) else list(v)
        r = Row(*[_convert(x, f.data_type) for x, f in zip(vals, fields)])
        r.set_field_names([f.name for f in fields])
        return r
    if n == "MAP":
        items = v.items() if isinstance(v, dict) else v
        return {_convert(k, t._children[0]): _convert(x, t._children[1]) for k, x in items}
    if n in ("ARRAY", "MULTISET") and t._children and t._children[0].type_name in ("ROW", "MAP", "ARRAY"):
        return [_convert(x, t._children[0]) for x in v]
    return v


def _nested_to_python(rows, types):
    """Converts the values of nested columns (ROW, MAP, ARRAY) in place."""
    nested = [(i, t) for i, t in enumerate(types)
              if t is not None and t.type_name in ("ROW", "MAP", "ARRAY", "MULTISET")]
    for i, t in nested:
        for r in rows:
            r[i] = _convert(r[i], t)
    return rows
