"""Aggregate functions in the worker: accumulators per group.

The engine's aggregation operator owns the groups; the worker keeps one
accumulator per group id and answers the operator's requests, named by the
``spry.op`` metadata key of each batch's schema:

- ``update``: columns (group int64, retract bool, args...): accumulate or
  retract each row into its group's accumulator;
- ``result``: column (group): ``get_value`` of each group (for a table
  aggregate, the list of rows ``emit_value`` yields);
- ``state``: column (group): each accumulator pickled (for checkpoints and
  two-phase aggregation), null for groups without one;
- ``merge``: columns (group, state binary): merge pickled accumulators in;
- ``reset``: column (group): forget the groups.

A ``func_type="pandas"`` aggregate is a function over ``pandas.Series``: its
accumulator is the list of argument rows, and ``get_value`` calls it.
"""

import cloudpickle
import pyarrow as pa

from spry.worker.runner import UDFException, _to_list, _user_traceback

_EMPTY = pa.schema([])


def _rows_of(arr):
    # ROW arguments arrive as Rows with field names, as PyFlink passes them
    # (row-based flat_aggregate hands the whole input row to accumulate).
    vals = _to_list(arr)
    if not pa.types.is_struct(arr.type):
        return vals
    from spry.common import Row
    return [None if v is None else Row(**v) for v in vals]


class _PandasAggregate(object):
    """A pandas UDAF as an AggregateFunction over collected rows."""

    def __init__(self, fn):
        self.fn = fn

    def create_accumulator(self):
        return []

    def accumulate(self, acc, *args):
        acc.append(args)

    def retract(self, acc, *args):
        try:
            acc.remove(args)
        except ValueError:
            pass

    def merge(self, acc, others):
        for o in others:
            acc.extend(o)

    def get_value(self, acc):
        import pandas as pd

        n = len(acc[0]) if acc else 0
        cols = [pd.Series([r[i] for r in acc]) for i in range(n)]
        return self.fn(*cols) if cols else None


class AggregateProgram(object):
    """Serves one aggregate function's accumulators."""

    def __init__(self, loaded, result_schema):
        self.f = loaded
        self.name = loaded.name
        obj = loaded.obj
        self.agg = _PandasAggregate(loaded.call) if loaded.func_type == "pandas" else obj
        self.result_type = result_schema.field(0).type
        self.accs = {}

    def run(self, batch):
        op = (batch.schema.metadata or {}).get(b"spry.op", b"update").decode()
        try:
            return getattr(self, "_" + op)(batch)
        except UDFException:
            raise
        except Exception as e:
            raise UDFException(self.name, "%s: %s" % (type(e).__name__, e), _user_traceback(e))

    def _acc(self, g):
        acc = self.accs.get(g)
        if acc is None:
            acc = self.agg.create_accumulator()
            self.accs[g] = acc
        return acc

    def _update(self, batch):
        groups = _to_list(batch.column(0))
        retract = _to_list(batch.column(1))
        args = [_rows_of(batch.column(i)) for i in range(2, batch.num_columns)]
        accumulate, retract_fn = self.agg.accumulate, getattr(self.agg, "retract", None)
        for i, g in enumerate(groups):
            row = [a[i] for a in args]
            if retract[i]:
                if retract_fn is None:
                    raise TypeError("%s has no retract method, but the aggregation consumes updates" % self.name)
                retract_fn(self._acc(g), *row)
            else:
                accumulate(self._acc(g), *row)
        return pa.RecordBatch.from_arrays([], schema=_EMPTY)

    def _result(self, batch):
        if self.f.kind == "table_aggregate":
            return self._emit(batch)
        vals = [self.agg.get_value(self._acc(g)) for g in _to_list(batch.column(0))]
        return pa.RecordBatch.from_arrays([pa.array(vals, type=self.result_type)], names=["value"])

    def _emit(self, batch):
        # A table aggregate's value is the list of rows emit_value yields;
        # the engine's PythonGroupTableAggregate emits them as rows.
        names = [f.name for f in self.result_type.value_type]
        vals = []
        for g in _to_list(batch.column(0)):
            rows = []
            for r in self.agg.emit_value(self._acc(g)) or ():
                if isinstance(r, dict):
                    r = [r.get(n) for n in names]
                elif hasattr(r, "_values"):
                    r = list(r._values)
                elif not isinstance(r, (tuple, list)):
                    r = [r]
                if len(r) != len(names):
                    raise TypeError("emit_value of %s yielded %d fields, expected %d" % (self.name, len(r), len(names)))
                rows.append(dict(zip(names, r)))
            vals.append(rows)
        return pa.RecordBatch.from_arrays([pa.array(vals, type=self.result_type)], names=["value"])

    def _state(self, batch):
        out = []
        for g in _to_list(batch.column(0)):
            acc = self.accs.get(g)
            out.append(None if acc is None else cloudpickle.dumps(acc))
        return pa.RecordBatch.from_arrays([pa.array(out, type=pa.binary())], names=["state"])

    def _merge(self, batch):
        groups = _to_list(batch.column(0))
        states = batch.column(1).to_pylist()
        for g, s in zip(groups, states):
            if s is None:
                continue
            other = cloudpickle.loads(s)
            acc = self.accs.get(g)
            if acc is None:
                self.accs[g] = other
            else:
                self.agg.merge(acc, [other])
        return pa.RecordBatch.from_arrays([], schema=_EMPTY)

    def _reset(self, batch):
        for g in _to_list(batch.column(0)):
            self.accs.pop(g, None)
        return pa.RecordBatch.from_arrays([], schema=_EMPTY)
