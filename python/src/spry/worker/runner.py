"""Evaluation of a worker program over Arrow batches."""

import os
import pickle
import traceback

import pyarrow as pa


_WORKER_DIR = os.path.dirname(os.path.abspath(__file__))


def _user_traceback(e):
    """The traceback of e without the worker's own frames."""
    tb = e.__traceback__
    while tb is not None and os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == _WORKER_DIR:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(e), e, tb))


class UDFException(Exception):
    """A user function raised; carries the function name and traceback."""

    def __init__(self, function, message, tb):
        Exception.__init__(self, message)
        self.function = function
        self.message = message
        self.traceback = tb


class Loaded(object):
    """One shipped function: how to call, open and close it."""

    def __init__(self, info, payload):
        self.name = info.get("name", "?")
        self.kind = info.get("kind", "scalar")
        self.func_type = info.get("func_type") or "general"
        obj = pickle.loads(bytes(payload))
        if isinstance(obj, dict) and "func" in obj:
            self.func_type = obj.get("func_type") or self.func_type
            obj = obj["func"]
        self.obj = obj
        ev = getattr(obj, "eval", None)
        self.call = ev if callable(ev) else obj
        if not callable(self.call) and not (self.kind in ("aggregate", "table_aggregate") and self.func_type != "pandas"):
            raise TypeError("Python function %s is not callable: %r" % (self.name, obj))

    def open(self, ctx):
        fn = getattr(self.obj, "open", None) if _is_udf_object(self.obj) else None
        if callable(fn):
            fn(ctx)

    def close(self):
        fn = getattr(self.obj, "close", None) if _is_udf_object(self.obj) else None
        if callable(fn):
            fn()


def _is_udf_object(obj):
    # UDF instances (ScalarFunction subclasses, callable objects) get
    # open/close called; plain functions, lambdas and partials have none.
    import functools
    import types

    return not isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial))


def _to_list(arr):
    """Arrow array → Python list; through numpy for null-free numbers,
    which is several times faster than to_pylist and gives the same ints
    and floats."""
    t = arr.type
    if arr.null_count == 0 and (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t)):
        return arr.to_numpy(zero_copy_only=False).tolist()
    return arr.to_pylist()


class _Column(object):
    """An argument value in the forms callers ask for, converted once."""

    __slots__ = ("arrow", "pylist", "series")

    def __init__(self, arrow=None, pylist=None, series=None):
        self.arrow, self.pylist, self.series = arrow, pylist, series

    def as_list(self):
        if self.pylist is None:
            if self.series is not None:
                self.pylist = self.series.tolist()
            else:
                self.pylist = _to_list(self.arrow)
        return self.pylist

    def as_series(self):
        if self.series is None:
            import pandas as pd

            if self.arrow is not None:
                self.series = self.arrow.to_pandas()
            else:
                self.series = pd.Series(self.pylist)
        return self.series


class Program(object):
    """A compiled program: functions, calls, outputs and result schema."""

    def __init__(self, msg, payloads, result_schema):
        prog = msg["program"]
        self.mode = prog.get("mode", "scalar")
        infos = prog["functions"]
        self.funcs = []
        for info, p in zip(infos, payloads):
            try:
                self.funcs.append(Loaded(info, p))
            except Exception as e:
                raise UDFException(info.get("name", "?"), "loading the function failed: %s: %s" % (type(e).__name__, e),
                                   traceback.format_exc())
        self.calls = prog["calls"]
        self.outputs = prog["outputs"]
        self.schema = result_schema
        self._agg = None

    def open(self, ctx):
        for f in self.funcs:
            try:
                f.open(ctx)
            except Exception as e:
                raise UDFException(f.name, "open() failed: %s: %s" % (type(e).__name__, e), _user_traceback(e))

    def close(self):
        for f in self.funcs:
            try:
                f.close()
            except Exception as e:
                raise UDFException(f.name, "close() failed: %s: %s" % (type(e).__name__, e), _user_traceback(e))

    def run(self, batch):
        """Evaluates the program over ``batch``; returns a RecordBatch."""
        if self.mode == "aggregate":
            if self._agg is None:
                from spry.worker.aggregate import AggregateProgram

                self._agg = AggregateProgram(self.funcs[0], self.schema)
            return self._agg.run(batch)
        cols = [_Column(arrow=batch.column(i)) for i in range(batch.num_columns)]
        n = batch.num_rows
        if self.mode == "table":
            return self._run_table(cols, n)
        values = []
        for call in self.calls:
            values.append(self._scalar(call, cols, values, n))
        arrays = []
        for i, o in enumerate(self.outputs):
            arrays.append(self._to_arrow(values[o], self.schema.field(i).type, self.funcs[self.calls[o]["fn"]], n))
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)

    def _args(self, call, cols, values):
        out = []
        for a in call["args"]:
            if "col" in a:
                out.append(cols[a["col"]])
            else:
                out.append(values[a["call"]])
        return out

    def _scalar(self, call, cols, values, n):
        f = self.funcs[call["fn"]]
        args = self._args(call, cols, values)
        try:
            if f.func_type == "pandas":
                res = f.call(*[a.as_series() for a in args])
                if not hasattr(res, "__len__") or len(res) != n:
                    raise ValueError("a pandas UDF must return a Series of the input's length %d, got %r" % (n, type(res).__name__))
                import pandas as pd

                if not isinstance(res, pd.Series):
                    res = pd.Series(res)
                return _Column(series=res)
            fn = f.call
            if not args:
                return _Column(pylist=[fn() for _ in range(n)])
            if len(args) == 1:
                return _Column(pylist=list(map(fn, args[0].as_list())))
            return _Column(pylist=list(map(fn, *[a.as_list() for a in args])))
        except UDFException:
            raise
        except Exception as e:
            raise UDFException(f.name, "%s: %s" % (type(e).__name__, e), _user_traceback(e))

    def _to_arrow(self, col, typ, f, n):
        try:
            if col.series is not None and col.pylist is None:
                return pa.Array.from_pandas(col.series, type=typ)
            vals = col.as_list()
            if pa.types.is_struct(typ):
                vals = [_struct(v) for v in vals]
            return pa.array(vals, type=typ)
        except Exception as e:
            raise UDFException(f.name, "result does not fit the declared type %s: %s: %s" % (typ, type(e).__name__, e), _user_traceback(e))

    def _run_table(self, cols, n):
        call = self.calls[0]
        f = self.funcs[call["fn"]]
        args = [c.as_list() for c in self._args(call, cols, [])]
        width = len(self.schema) - 1
        rows, parents = [], []
        fn = f.call
        try:
            for i in range(n):
                res = fn(*[a[i] for a in args])
                if res is None:
                    continue
                if hasattr(res, "_values") or not _iterable(res):
                    res = (res,)
                for item in res:
                    rows.append(_row_tuple(item, width))
                    parents.append(i)
        except Exception as e:
            raise UDFException(f.name, "%s: %s" % (type(e).__name__, e), _user_traceback(e))
        arrays = []
        for j in range(width):
            typ = self.schema.field(j).type
            vals = [r[j] for r in rows]
            if pa.types.is_struct(typ):
                vals = [_struct(v) for v in vals]
            try:
                arrays.append(pa.array(vals, type=typ))
            except Exception as e:
                raise UDFException(f.name, "result does not fit the declared type %s: %s: %s" % (typ, type(e).__name__, e), _user_traceback(e))
        arrays.append(pa.array(parents, type=pa.int32()))
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)


def _iterable(v):
    if isinstance(v, (str, bytes, dict)):
        return False
    try:
        iter(v)
        return True
    except TypeError:
        return False


def _row_tuple(item, width):
    if hasattr(item, "_values"):
        return tuple(item._values)
    if width == 1:
        if isinstance(item, tuple) and len(item) == 1:
            return item
        return (item,)
    return tuple(item)


def _struct(v):
    if v is None or isinstance(v, dict):
        return v
    if hasattr(v, "_values"):
        names = getattr(v, "_fields", None)
        return dict(zip(names, v._values)) if names else tuple(v._values)
    return tuple(v) if isinstance(v, list) else v
