"""UDF objects of spry.table.udf as PyFlink's, and their use through the Table API.

The worker side (every UDF kind, bundles, errors) is tested by test_udf_*.py;
this file checks the decorators, the wrappers' attributes that
spry.table.udf_serialize reads, and that Table API calls of UDF objects
register and run them. Engine-backed tests skip when the binary was built
without Python UDF support.
"""
import functools

import pytest

from spry.table import DataTypes
from spry.table.expressions import col
from spry.table.udf import (AggregateFunction, ScalarFunction, TableFunction, udaf, udf, udtf)


class SubtractOne(ScalarFunction):
    def eval(self, i):
        return i - 1


class Split(TableFunction):
    def eval(self, s):
        for w in s.split(" "):
            yield w, len(w)


class MySum(AggregateFunction):
    def create_accumulator(self):
        return [0]

    def accumulate(self, acc, v):
        acc[0] += v

    def retract(self, acc, v):
        acc[0] -= v

    def get_value(self, acc):
        return acc[0]

    def get_result_type(self):
        return DataTypes.BIGINT()

    def get_accumulator_type(self):
        return DataTypes.ARRAY(DataTypes.BIGINT())


def test_udf_forms_and_attributes():
    @udf(result_type=DataTypes.BIGINT())
    def add(i, j):
        return i + j

    assert add._name == "add" and str(add._result_type) == "BIGINT" and add._func_type == "general"
    assert add._deterministic is True and add._input_types is None
    lam = udf(lambda i: i + 1, result_type=DataTypes.BIGINT(), input_types=[DataTypes.BIGINT()])
    assert lam._name.startswith("lambda_") and [str(t) for t in lam._input_types] == ["BIGINT"]
    part = udf(functools.partial(lambda k, x: x * k, 2), result_type=DataTypes.BIGINT(), name="twice")
    assert part._name == "twice"
    cls = udf(SubtractOne(), result_type=DataTypes.BIGINT())
    assert cls._name == "SubtractOne"
    pandas = udf(lambda s: s + 1, result_type=DataTypes.BIGINT(), func_type="pandas")
    assert pandas._func_type == "pandas"
    with pytest.raises(ValueError):
        udf(lambda s: s, result_type=DataTypes.INT(), func_type="arrow")
    with pytest.raises(TypeError):
        udf(lambda s: s)


def test_udtf_udaf_attributes():
    t = udtf(Split(), result_types=[DataTypes.STRING(), DataTypes.INT()])
    assert t._kind == "table" and [str(x) for x in t._result_types] == ["STRING", "INT"]
    a = udaf(MySum())
    assert a._kind == "aggregate" and str(a._result_type) == "BIGINT"
    assert str(a._accumulator_type) == "ARRAY<BIGINT>"


def test_calls_render_sql():
    f = udf(lambda s: s, result_type=DataTypes.STRING(), name="py_id")
    assert f(col("a")).sql == "py_id(`a`)"
    agg = udaf(MySum(), name="my_sum")
    assert agg(col("v")).distinct.sql == "my_sum(DISTINCT `v`)"


def test_describe_reads_the_wrappers():
    from spry.table.udf_serialize import describe
    payload, spec = describe(udtf(Split(), result_types=[DataTypes.STRING(), DataTypes.INT()], name="split"))
    assert spec["kind"] == "table" and spec["result_types"] == ["STRING", "INT"] and spec["name"] == "split"
    payload, spec = describe(udaf(MySum(), name="s"))
    assert spec["kind"] == "aggregate" and spec["result_type"] == "BIGINT"
    assert isinstance(payload, bytes)


def _udf_env(batch_env):
    from spry.errors import SpryError
    try:
        batch_env.create_temporary_system_function("probe_fn", udf(lambda x: x, result_type=DataTypes.BIGINT()))
    except SpryError as e:
        if "without Python UDF support" in str(e) or "not supported" in str(e).lower():
            pytest.skip("engine built without Python UDF support")
        raise
    return batch_env


def test_table_api_with_udfs(batch_env):
    t_env = _udf_env(batch_env)
    t = t_env.from_elements([(1, "hi there"), (2, "hello")], ["a", "s"])
    add_one = udf(lambda i: i + 1, result_type=DataTypes.BIGINT(), name="add_one")
    with t.select(add_one(col("a")).alias("x")).execute().collect() as it:
        assert sorted(r[0] for r in it) == [2, 3]
    split = udtf(Split(), result_types=[DataTypes.STRING(), DataTypes.INT()], name="split")
    with t.join_lateral(split(col("s")).alias("word", "n")).select("a, word, n").execute().collect() as it:
        assert sorted(tuple(r) for r in it) == [(1, "hi", 2), (1, "there", 5), (2, "hello", 5)]
    t_env.register_function("py_sub", udf(SubtractOne(), result_type=DataTypes.BIGINT()))
    with t_env.sql_query("SELECT py_sub(CAST(1 AS BIGINT))").execute().collect() as it:
        assert [r[0] for r in it] == [0]
