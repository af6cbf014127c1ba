"""Python table aggregate functions (udtaf) with Table.flat_aggregate.

Top2 per key, as in Flink's documentation: in batch each group emits its
two largest values once; in streaming the rows of a group are retracted
and emitted again on each change, so the collected (changelog-applied)
result is the same.
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


def test_streaming_changelog_retracts_previous_rows(stream_env):
    t = stream_env.from_elements([("a", 1), ("a", 5)], ["k", "v"])
    res = t.group_by(col("k")).flat_aggregate(udtaf(Top2())(col("v"))).select(col("v"), col("rnk"))
    with res.execute().collect() as it:
        kinds = [(r.get_row_kind().name, tuple(r)) for r in it]
    # The final rows survive the changelog: every retraction undoes an earlier row.
    live = {}
    for kind, row in kinds:
        live[row] = live.get(row, 0) + (1 if kind in ("INSERT", "UPDATE_AFTER") else -1)
    assert sorted(r for r, n in live.items() if n) == [(1, 2), (5, 1)]
    assert all(n in (0, 1) for n in live.values())


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
