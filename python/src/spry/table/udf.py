"""User-defined functions, as PyFlink's ``pyflink.table.udf``.

``udf``, ``udtf``, ``udaf`` and ``udtaf`` wrap a function (or a
ScalarFunction/TableFunction/AggregateFunction/TableAggregateFunction
instance) with its types; calling the wrapper in the Table API gives an
Expression, and registering it (``create_temporary_system_function``)
ships it to the engine, whose Python workers run it (spry.worker; the
payload format is spry.table.udf_serialize's).

Example::

    >>> @udf(result_type=DataTypes.BIGINT())
    ... def add(i, j):
    ...     return i + j
    >>> t_env.create_temporary_system_function("add", add)
    >>> t_env.sql_query("SELECT add(a, b) FROM t")
"""

import functools
import re
import weakref

from spry.table.expression import Expression, _e

__all__ = ["FunctionContext", "UserDefinedFunction", "ScalarFunction", "TableFunction", "AggregateFunction",
           "TableAggregateFunction", "ImperativeAggregateFunction", "udf", "udtf", "udaf", "udtaf",
           "UserDefinedFunctionWrapper", "UserDefinedScalarFunctionWrapper", "UserDefinedTableFunctionWrapper",
           "UserDefinedAggregateFunctionWrapper"]


class FunctionContext(object):
    """What ``open()`` receives: the metric group and the job parameters.

    The workers pass their own implementation (spry.worker.context); this
    class documents the interface.
    """

    def __init__(self, base_metric_group=None, job_parameters=None):
        self._base_metric_group = base_metric_group
        self._job_parameters = job_parameters or {}

    def get_metric_group(self):
        """Returns the metric group."""
        return self._base_metric_group

    def get_job_parameter(self, key, default_value):
        """Returns the job parameter."""
        return self._job_parameters.get(key, default_value)


class UserDefinedFunction(object):
    """Base of user-defined functions: optional ``open``/``close``, determinism."""

    def open(self, function_context):
        """Called once before the first call; override to set up state."""
        pass

    def close(self):
        """Closes the iterator and releases the engine's result."""
        pass

    def is_deterministic(self):
        """Whether deterministic."""
        return True


class ScalarFunction(UserDefinedFunction):
    """A scalar function: implement ``eval(*args)``."""

    def eval(self, *args):
        """Computes the function for one row (override)."""
        raise NotImplementedError("ScalarFunction.eval")


class TableFunction(UserDefinedFunction):
    """A table function: ``eval(*args)`` yields rows (tuples or Rows or values)."""

    def eval(self, *args):
        """Computes the function for one row (override)."""
        raise NotImplementedError("TableFunction.eval")


class ImperativeAggregateFunction(UserDefinedFunction):
    """Base of aggregate functions: an accumulator, accumulate/retract/merge."""

    def create_accumulator(self):
        """Creates a accumulator."""
        raise NotImplementedError("create_accumulator")

    def accumulate(self, accumulator, *args):
        """As PyFlink's ``accumulate``."""
        raise NotImplementedError("accumulate")

    def retract(self, accumulator, *args):
        """As PyFlink's ``retract``."""
        raise NotImplementedError("retract")

    def merge(self, accumulator, accumulators):
        """As PyFlink's ``merge``."""
        raise NotImplementedError("merge")

    def get_result_type(self):
        """Returns the result type."""
        return None

    def get_accumulator_type(self):
        """Returns the accumulator type."""
        return None


class AggregateFunction(ImperativeAggregateFunction):
    """An aggregate function: ``get_value(accumulator)`` gives the result."""

    def get_value(self, accumulator):
        """Returns the value."""
        raise NotImplementedError("get_value")


class TableAggregateFunction(ImperativeAggregateFunction):
    """A table aggregate function: ``emit_value(accumulator)`` yields rows."""

    def emit_value(self, accumulator):
        """As PyFlink's ``emit_value``."""
        raise NotImplementedError("emit_value")


# Wrappers called in Table API expressions; a TableEnvironment registers
# those its expressions call (as temporary system functions) on first use.
_pending = weakref.WeakValueDictionary()


def _default_name(func):
    f = func
    while isinstance(f, functools.partial):
        f = f.func
    name = getattr(f, "__name__", None) or type(f).__name__
    name = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or "udf"
    if name in ("lambda", "partial") or name.startswith("lambda"):
        name = "lambda_%x" % (id(func) & 0xffffff)
    return name


class UserDefinedFunctionWrapper(object):
    """A function with its types, as ``udf()`` etc. return it (PyFlink's attribute names)."""

    _kind = None

    def __init__(self, func, input_types, deterministic=None, name=None, func_type="general"):
        if func_type not in ("general", "pandas"):
            raise ValueError("func_type must be 'general' or 'pandas', got %r" % (func_type,))
        if not callable(func) and not isinstance(func, UserDefinedFunction):
            raise TypeError("Invalid function: not a function or callable (__call__ is not defined): %r"
                            % (func,))
        if input_types is not None and not isinstance(input_types, (list, tuple)):
            input_types = [input_types]
        self._func = func
        self._input_types = list(input_types) if input_types is not None else None
        self._name = name or _default_name(func)
        if deterministic is None:
            deterministic = func.is_deterministic() if isinstance(func, UserDefinedFunction) else True
        self._deterministic = deterministic
        self._func_type = func_type

    def __call__(self, *args):
        _pending[id(self)] = self
        e = Expression("%s(%s)" % (self._name, ", ".join(_e(a).sql for a in args)))
        e._udf = self
        return e

    def alias(self, *alias_names):
        """A table function call's output names: ``split(col('a')).alias('word')`` is preferred."""
        self._alias_names = alias_names
        return self


class UserDefinedScalarFunctionWrapper(UserDefinedFunctionWrapper):
    """A scalar UDF."""

    _kind = "scalar"

    def __init__(self, func, input_types, result_type, func_type="general", deterministic=None, name=None):
        super(UserDefinedScalarFunctionWrapper, self).__init__(func, input_types, deterministic, name, func_type)
        self._result_type = result_type


class UserDefinedTableFunctionWrapper(UserDefinedFunctionWrapper):
    """A table UDF (UDTF)."""

    _kind = "table"

    def __init__(self, func, input_types, result_types, deterministic=None, name=None):
        super(UserDefinedTableFunctionWrapper, self).__init__(func, input_types, deterministic, name)
        if result_types is not None and not isinstance(result_types, (list, tuple)):
            result_types = [result_types]
        self._result_types = list(result_types) if result_types is not None else None


class UserDefinedAggregateFunctionWrapper(UserDefinedFunctionWrapper):
    """An aggregate UDF (UDAF) or table aggregate UDF (UDTAF)."""

    def __init__(self, func, input_types, result_type, accumulator_type, func_type, deterministic, name,
                 is_table_aggregate=False):
        super(UserDefinedAggregateFunctionWrapper, self).__init__(func, input_types, deterministic, name,
                                                                  func_type)
        if result_type is None and isinstance(func, ImperativeAggregateFunction):
            result_type = func.get_result_type()
        if accumulator_type is None and isinstance(func, ImperativeAggregateFunction):
            accumulator_type = func.get_accumulator_type()
        self._result_type = result_type
        self._accumulator_type = accumulator_type
        self._kind = "table_aggregate" if is_table_aggregate else "aggregate"

    def __call__(self, *args):
        e = super(UserDefinedAggregateFunctionWrapper, self).__call__(*args)
        e._agg = (self._name, e.sql[len(self._name) + 1:-1])
        return e


def udf(f=None, input_types=None, result_type=None, deterministic=None, name=None, func_type="general",
        udf_type=None):
    """A scalar UDF from a function, lambda, callable, partial or ScalarFunction.

    :param f: the function; omitted when used as ``@udf(result_type=...)``.
    :param input_types: the argument types (optional).
    :param result_type: the result type.
    :param deterministic: whether equal arguments give equal results (default True).
    :param name: the function name (default: the function's).
    :param func_type: ``'general'`` (row at a time) or ``'pandas'`` (vectorized over pandas.Series).

    Example::

        >>> add_one = udf(lambda i: i + 1, result_type=DataTypes.BIGINT())
    """
    if udf_type is not None:
        func_type = udf_type
    if f is None:
        return functools.partial(udf, input_types=input_types, result_type=result_type,
                                 deterministic=deterministic, name=name, func_type=func_type)
    if result_type is None:
        raise TypeError("Invalid returnType: returnType should be DataType but is None")
    return UserDefinedScalarFunctionWrapper(f, input_types, result_type, func_type, deterministic, name)


def udtf(f=None, input_types=None, result_types=None, deterministic=None, name=None):
    """A table UDF: the function yields rows (tuples/Rows) for each input row."""
    if f is None:
        return functools.partial(udtf, input_types=input_types, result_types=result_types,
                                 deterministic=deterministic, name=name)
    return UserDefinedTableFunctionWrapper(f, input_types, result_types, deterministic, name)


def udaf(f=None, input_types=None, result_type=None, accumulator_type=None, deterministic=None, name=None,
         func_type="general"):
    """An aggregate UDF: an AggregateFunction, or with ``func_type='pandas'`` a function over pandas.Series."""
    if f is None:
        return functools.partial(udaf, input_types=input_types, result_type=result_type,
                                 accumulator_type=accumulator_type, deterministic=deterministic, name=name,
                                 func_type=func_type)
    return UserDefinedAggregateFunctionWrapper(f, input_types, result_type, accumulator_type, func_type,
                                               deterministic, name)


def udtaf(f=None, input_types=None, result_type=None, accumulator_type=None, deterministic=None, name=None,
          func_type="general"):
    """A table aggregate UDF (TableAggregateFunction)."""
    if f is None:
        return functools.partial(udtaf, input_types=input_types, result_type=result_type,
                                 accumulator_type=accumulator_type, deterministic=deterministic, name=name,
                                 func_type=func_type)
    return UserDefinedAggregateFunctionWrapper(f, input_types, result_type, accumulator_type, func_type,
                                               deterministic, name, is_table_aggregate=True)
