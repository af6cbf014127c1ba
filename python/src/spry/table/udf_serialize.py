"""How Python user-defined functions are shipped to the engine.

:func:`describe` turns a UDF object (what ``udf()``, ``udtf()``, ``udaf()``
and ``udtaf()`` return, or a bare function / UDF instance with its types
given as keyword arguments) into the payload the engine's workers unpickle
and the spec the gateway's ``create_function`` takes.

The payload is ``cloudpickle.dumps({"func": f, "kind": kind,
"func_type": func_type})``: ``f`` is the user's callable or
ScalarFunction/TableFunction/AggregateFunction instance; the worker calls
``f.eval(*args)`` when ``f`` has ``eval``, else ``f(*args)``, and
``open(ctx)``/``close()`` on UDF instances.

Example::

    >>> payload, spec = describe(udf(lambda x: x + 1, result_type=DataTypes.BIGINT()))
    >>> spec["kind"], spec["result_type"]
    ('scalar', 'BIGINT')
"""

import cloudpickle

__all__ = ["describe", "type_string"]

_KINDS = ("scalar", "table", "aggregate", "table_aggregate")


def type_string(t):
    """The Flink SQL type string of a DataType (or of a type string).

    :param t: a DataType object or a SQL type string such as ``'BIGINT'``.
    """
    if t is None:
        return None
    if isinstance(t, str):
        return t
    to_sql = getattr(t, "to_sql", None)
    if callable(to_sql):
        return to_sql()
    return str(t)


def _kind_of(obj):
    kind = getattr(obj, "_kind", None)
    if kind in _KINDS:
        return kind
    names = [c.__name__ for c in type(obj).__mro__]
    if "TableAggregateFunction" in names:
        return "table_aggregate"
    if "AggregateFunction" in names:
        return "aggregate"
    if "TableFunction" in names:
        return "table"
    return "scalar"


def describe(udf_obj, name=None, kind=None, input_types=None, result_type=None, result_types=None,
             accumulator_type=None, func_type=None, deterministic=None):
    """Returns ``(payload, spec)`` for shipping ``udf_obj`` to the engine.

    :param udf_obj: a wrapper from ``udf``/``udtf``/``udaf``/``udtaf``, or a
        function, callable or UDF instance (then give the types below).
    :param name: the function name (default: the wrapper's).
    :param kind: ``scalar``, ``table``, ``aggregate`` or ``table_aggregate``.
    :param input_types: argument types (DataTypes or SQL strings), optional.
    :param result_type: the result type of a scalar or aggregate function.
    :param result_types: the column types of a table function.
    :param accumulator_type: an aggregate's accumulator type, optional.
    :param func_type: ``general`` or ``pandas``.
    :param deterministic: whether equal arguments give equal results.
    :return: the pickled function (bytes) and the spec (dict with ``kind``,
        ``func_type``, ``input_types``, ``result_type``/``result_types``,
        ``deterministic`` and, when known, ``name``).
    """
    wrapped = hasattr(udf_obj, "_func")
    func = udf_obj._func if wrapped else udf_obj
    get = (lambda attr, default=None: getattr(udf_obj, attr, default)) if wrapped else (lambda attr, default=None: default)
    kind = kind or (_kind_of(udf_obj) if wrapped else _kind_of(func))
    if kind not in _KINDS:
        raise ValueError("kind must be one of %s, got %r" % (", ".join(_KINDS), kind))
    func_type = func_type or get("_func_type") or "general"
    if input_types is None:
        input_types = get("_input_types")
    if result_type is None:
        result_type = get("_result_type")
    if result_types is None:
        result_types = get("_result_types")
    if accumulator_type is None:
        accumulator_type = get("_accumulator_type")
    if deterministic is None:
        deterministic = get("_deterministic")
        if deterministic is None:
            is_det = getattr(func, "is_deterministic", None)
            deterministic = bool(is_det()) if callable(is_det) else True
    if kind in ("scalar", "aggregate") and result_type is None:
        get_rt = getattr(func, "get_result_type", None)
        result_type = get_rt() if callable(get_rt) else None
        if result_type is None:
            raise TypeError("Invalid returnType: returnType should be DataType but is None")
    if kind in ("table", "table_aggregate") and result_types is None:
        if result_type is not None:
            result_types = [result_type]
        else:
            raise TypeError("Invalid result_types: a table function needs its result types")
    if result_types is not None and not isinstance(result_types, (list, tuple)):
        result_types = [result_types]
    if input_types is not None and not isinstance(input_types, (list, tuple)):
        input_types = [input_types]
    spec = {
        "kind": kind,
        "func_type": func_type,
        "input_types": [type_string(t) for t in input_types] if input_types is not None else None,
        "deterministic": bool(deterministic),
    }
    if kind in ("scalar", "aggregate"):
        spec["result_type"] = type_string(result_type)
    else:
        spec["result_types"] = [type_string(t) for t in result_types]
        names = getattr(result_type, "field_names", None) if result_type is not None else None
        if callable(names):
            spec["result_names"] = list(names())
    if accumulator_type is not None:
        spec["accumulator_type"] = type_string(accumulator_type)
    name = name or get("_name")
    if name:
        spec["name"] = name
    payload = cloudpickle.dumps({"func": func, "kind": kind, "func_type": func_type})
    return payload, spec
