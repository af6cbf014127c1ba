"""Conversions between DataTypes, Python values and Arrow for from_elements/from_pandas."""

import datetime
import decimal

from spry.table.types import DataType

__all__ = ["arrow_type", "arrow_schema", "rows_to_arrow"]


def arrow_type(t):
    """The Arrow type of a DataType (the engine's mapping, docs/gateway.md)."""
    import pyarrow as pa
    n = t.type_name
    p = t._params
    simple = {"BOOLEAN": pa.bool_(), "TINYINT": pa.int8(), "SMALLINT": pa.int16(), "INT": pa.int32(),
              "BIGINT": pa.int64(), "FLOAT": pa.float32(), "DOUBLE": pa.float64(), "CHAR": pa.string(),
              "VARCHAR": pa.string(), "BINARY": pa.binary(), "VARBINARY": pa.binary(), "DATE": pa.date32(),
              "TIME": pa.time32("ms"), "TIMESTAMP": pa.timestamp("us"), "TIMESTAMP_LTZ": pa.timestamp("us", "UTC"),
              "NULL": pa.null()}
    if n in simple:
        return simple[n]
    if n == "DECIMAL":
        return pa.decimal128(p[0], p[1])
    if n in ("ARRAY", "MULTISET"):
        return pa.list_(arrow_type(t._children[0]))
    if n == "MAP":
        return pa.map_(arrow_type(t._children[0]), arrow_type(t._children[1]))
    if n == "ROW":
        return pa.struct([pa.field(f.name, arrow_type(f.data_type), f.data_type._nullable) for f in t._fields])
    raise TypeError("no Arrow mapping for type %s" % t)


def arrow_schema(names, types):
    """An Arrow schema whose fields carry the exact Flink type (``spry.type`` metadata)."""
    import pyarrow as pa
    return pa.schema([pa.field(n, arrow_type(t), t._nullable, metadata={"spry.type": str(t)})
                      for n, t in zip(names, types)])


def _convert(v, t):
    if v is None:
        return None
    n = t.type_name
    if n == "ROW":
        vals = list(v.values()) if isinstance(v, dict) else list(v)
        return {f.name: _convert(x, f.data_type) for f, x in zip(t._fields, vals)}
    if n in ("ARRAY", "MULTISET"):
        return [_convert(x, t._children[0]) for x in v]
    if n == "MAP":
        return [(_convert(k, t._children[0]), _convert(x, t._children[1])) for k, x in v.items()]
    if n == "DECIMAL" and not isinstance(v, decimal.Decimal):
        return decimal.Decimal(str(v))
    if n in ("DOUBLE", "FLOAT") and isinstance(v, int):
        return float(v)
    if n == "TIMESTAMP_LTZ" and isinstance(v, datetime.datetime) and v.tzinfo is None:
        return v.replace(tzinfo=datetime.timezone.utc)
    return v


def _pyarrow_without_pandas():
    """pyarrow, told once that pandas is absent unless it is already loaded.

    pyarrow's first ``pa.array`` call imports pandas (about a quarter of a
    second) to check whether its input is a pandas object; Python rows
    never are. A later conversion that needs pandas (``to_pandas``,
    ``from_pandas``) still imports it then.
    """
    import sys
    import pyarrow as pa
    global _primed
    if _primed or "pandas" in sys.modules:
        return pa

    class _NoPandas(object):
        def find_spec(self, name, path=None, target=None):
            if name == "pandas" or name.startswith("pandas."):
                raise ImportError("pandas is imported on demand")
            return None

    blocker = _NoPandas()
    sys.meta_path.insert(0, blocker)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(blocker)
    _primed = True
    return pa


_primed = False


def rows_to_arrow(rows, names, types):
    """A pyarrow Table from Python rows (tuples, lists, Rows, dicts) of the given types."""
    pa = _pyarrow_without_pandas()
    cols = [[] for _ in names]
    for r in rows:
        vals = [r.get(n) for n in names] if isinstance(r, dict) else (
            list(r) if isinstance(r, (list, tuple)) or hasattr(r, "_values") else [r])
        if len(vals) != len(names):
            raise ValueError("row %r has %d fields, the schema %d" % (r, len(vals), len(names)))
        for i, v in enumerate(vals):
            cols[i].append(_convert(v, types[i]))
    schema = arrow_schema(names, types)
    arrays = [pa.array(c, type=f.type) for c, f in zip(cols, schema)]
    return pa.Table.from_arrays(arrays, schema=schema)


def is_datatype(x):
    """Whether datatype."""
    return isinstance(x, DataType)
