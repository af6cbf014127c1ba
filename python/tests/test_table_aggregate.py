"""Python table aggregate functions (udtaf) with Table.flat_aggregate.

Top2 per key, as in Flink's documentation: in batch each group emits its
two largest values once; in streaming each change of a group retracts
(-D) all the rows the group emitted before and inserts (+I) the new ones,
so the collected (changelog-applied) result is the same.
"""
import sys

import cloudpickle
import pytest

from spry.common import Row
from spry.table import DataTypes
from spry.table.expressions import col
from spry.table.udf import TableAggregateFunction, udtaf

cloudpickle.register_pickle_by_value(sys.modules[__name__])


class Top2(TableAggregateFunction):
    def create_accumulator(self):
        return [None, None]

    def accumulate(self, acc, v):
        if v is None:
            return
        if acc[0] is None or v > acc[0]:
            acc[1], acc[0] = acc[0], v
        elif acc[1] is None or v > acc[1]:
            acc[1] = v

    def merge(self, acc, others):
        for o in others:
            for v in o:
                self.accumulate(acc, v)

    def emit_value(self, acc):
        for rank, v in enumerate(acc):
            if v is not None:
                yield Row(v, rank + 1)

    def get_result_type(self):
        return DataTypes.ROW([DataTypes.FIELD("v", DataTypes.BIGINT()), DataTypes.FIELD("rnk", DataTypes.INT())])

    def get_accumulator_type(self):
        return DataTypes.ARRAY(DataTypes.BIGINT())


class RowTop1(TableAggregateFunction):
    """Takes the whole input row (flat_aggregate of an uncalled udtaf)."""

    def create_accumulator(self):
        return [None]

    def accumulate(self, acc, row):
        if acc[0] is None or row.v > acc[0]:
            acc[0] = row.v

    def emit_value(self, acc):
        yield acc[0],


DATA = [("a", 1), ("a", 5), ("b", 2), ("a", 3), ("b", 7), ("c", 4), ("b", 1)]
WANT = sorted([("a", 5, 1), ("a", 3, 2), ("b", 7, 1), ("b", 2, 2), ("c", 4, 1)])


def _env(request, mode, parallelism):
    env = request.getfixturevalue(mode + "_env")
    env.get_config().set("parallelism.default", str(parallelism))
    return env


def _rows(t):
    """The collected rows with the changelog applied."""
    live = {}
    with t.execute().collect() as it:
        for r in it:
            k = r.get_row_kind().name
            live[tuple(r)] = live.get(tuple(r), 0) + (-1 if k in ("UPDATE_BEFORE", "DELETE") else 1)
    assert all(n >= 0 for n in live.values())
    return sorted(r for r, n in live.items() for _ in range(n))


@pytest.mark.parametrize("mode", ["batch", "stream"])
@pytest.mark.parametrize("parallelism", [1, 2])
def test_top2_per_key(request, mode, parallelism):
    env = _env(request, mode, parallelism)
    t = env.from_elements(DATA, ["k", "v"])
    top2 = udtaf(Top2())
    res = t.group_by(col("k")).flat_aggregate(top2(col("v"))).select(col("k"), col("v"), col("rnk"))
    assert _rows(res) == WANT


def test_alias_and_star(batch_env):
    t = batch_env.from_elements(DATA, ["k", "v"])
    top2 = udtaf(Top2(), name="top2")
    res = t.group_by(col("k")).flat_aggregate(top2(col("v")).alias("x", "r")).select(col("*"))
    assert res.get_schema().get_field_names() == ["k", "x", "r"]
    assert _rows(res) == WANT


def test_global_flat_aggregate(stream_env):
    t = stream_env.from_elements(DATA, ["k", "v"])
    res = t.flat_aggregate(udtaf(Top2())(col("v"))).select(col("v"), col("rnk"))
    assert _rows(res) == [(5, 2), (7, 1)]


@pytest.mark.parametrize("parallelism", [1, 2])
def test_streaming_changelog_retracts_previous_rows(stream_env, parallelism):
    # Bundles of one row: each row of a key retracts (-D) every row the
    # key emitted before and inserts (+I) its new rows, as Flink's
    # PythonGroupTableAggregate does.
    stream_env.get_config().set("python.fn-execution.bundle.size", "1")
    stream_env.get_config().set("parallelism.default", str(parallelism))
    t = stream_env.from_elements([("a", 1), ("b", 2), ("a", 5), ("a", 3)], ["k", "v"])
    res = t.group_by(col("k")).flat_aggregate(udtaf(Top2())(col("v"))).select(col("k"), col("v"), col("rnk"))
    with res.execute().collect() as it:
        rows = [(r.get_row_kind().name, tuple(r)) for r in it]
    per_key = {}
    for kind, row in rows:
        per_key.setdefault(row[0], []).append((kind, row[1:]))
    assert per_key["b"] == [("INSERT", (2, 1))]
    assert per_key["a"] == [
        ("INSERT", (1, 1)),
        ("DELETE", (1, 1)), ("INSERT", (5, 1)), ("INSERT", (1, 2)),
        ("DELETE", (5, 1)), ("DELETE", (1, 2)), ("INSERT", (5, 1)), ("INSERT", (3, 2)),
    ]


def test_explain_is_flinks_table_aggregate(stream_env):
    t = stream_env.from_elements(DATA, ["k", "v"])
    top2 = udtaf(Top2(), name="top2")
    plan = t.group_by(col("k")).flat_aggregate(top2(col("v")).alias("x", "r")).select(col("k"), col("x")).explain()
    assert "LogicalTableAggregate(group=[{0}], tableAggregate=[[top2($1)]])" in plan
    assert "PythonGroupTableAggregate(groupBy=[k], select=[k, top2(v) AS (v, rnk)])" in plan
    assert "Exchange(distribution=[hash[k]])" in plan
    assert "UNNEST" not in plan


def test_alias_of_a_clashing_name(batch_env):
    # The emitted column v clashes with the key v: it is named v_0 inside
    # (as Flink does), and the alias renames it.
    t = batch_env.from_elements([(1, 10), (1, 20), (2, 5)], ["v", "w"])
    res = t.group_by(col("v")).flat_aggregate(udtaf(Top2())(col("w")).alias("top", "r")).select(col("*"))
    assert res.get_schema().get_field_names() == ["v", "top", "r"]
    assert _rows(res) == [(1, 10, 2), (1, 20, 1), (2, 5, 1)]


def test_uncalled_udtaf_takes_the_row(batch_env):
    t = batch_env.from_elements(DATA, ["k", "v"])
    f = udtaf(RowTop1(), result_type=DataTypes.ROW([DataTypes.FIELD("m", DataTypes.BIGINT())]))
    res = t.group_by(col("k")).flat_aggregate(f).select(col("k"), col("m"))
    assert _rows(res) == [("a", 5), ("b", 7), ("c", 4)]


def test_registered_udtaf_by_name(batch_env):
    batch_env.create_temporary_function("top2", udtaf(Top2()))
    t = batch_env.from_elements(DATA, ["k", "v"])
    res = t.group_by(col("k")).flat_aggregate("top2(v)").select(col("k"), col("v"), col("rnk"))
    assert _rows(res) == WANT


def test_flat_aggregate_needs_a_udtaf(batch_env):
    from spry.errors import SpryError
    t = batch_env.from_elements(DATA, ["k", "v"])
    with pytest.raises(SpryError, match="table aggregate function"):
        t.group_by(col("k")).flat_aggregate("SUM(v)").select(col("*"))


def test_same_plan_as_sql(stream_env):
    stream_env.execute_sql("CREATE TABLE src (k STRING, v BIGINT) WITH ('connector' = 'datagen')")
    stream_env.create_temporary_function("top2", udtaf(Top2()))
    py = stream_env.from_path("src").group_by(col("k")).flat_aggregate("top2(v)").select(col("k"), col("v"), col("rnk"))
    sql = stream_env.explain_sql("SELECT k, top2(v) FROM src GROUP BY k")

    def physical(plan):
        return plan[plan.index("== Optimized Physical Plan =="):]
    assert physical(py.explain()) == physical(sql)
    assert "PythonGroupTableAggregate(groupBy=[k], select=[k, top2(v) AS (v, rnk)])" in sql


def test_uncalled_udtaf_with_alias_and_string_select(stream_env):
    t = stream_env.from_elements([("a", 1), ("a", 5), ("b", 2)], ["k", "v"])
    f = udtaf(RowTop1(), result_type=DataTypes.ROW([DataTypes.FIELD("m", DataTypes.BIGINT())]))
    res = t.group_by("k").flat_aggregate(f.alias("top")).select("k, top")
    assert res.get_schema().get_field_names() == ["k", "top"]
    assert _rows(res) == [("a", 5), ("b", 2)]
