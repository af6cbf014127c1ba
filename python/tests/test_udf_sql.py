"""Python UDFs through the Table API and SQL on the engine: every kind,
batch and streaming mode, parallelism 2, bundle size 1, errors.

Skips when the engine binary was built without Python UDF support.
"""
import functools
import os
import sys

import cloudpickle
import pytest

from spry.table import DataTypes, EnvironmentSettings, TableEnvironment
from spry.table.expressions import col
from spry.table.udf import (AggregateFunction, ScalarFunction, TableAggregateFunction, TableFunction,
                            udaf, udf, udtaf, udtf)

# Workers run with the interpreter running the tests (it has pyarrow).
os.environ.setdefault("SPRY_PYTHON", sys.executable)
# Workers cannot import this module: ship its functions by value, as a job
# script's (__main__) are.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

WORDS = "(VALUES (1, 'a b'), (2, 'c'), (3, CAST(NULL AS STRING))) AS t(id, s)"


def make_env(mode, parallelism=1, **config):
    settings = EnvironmentSettings.in_batch_mode() if mode == "batch" else EnvironmentSettings.in_streaming_mode()
    t_env = TableEnvironment.create(settings)
    cfg = t_env.get_config()
    cfg.set("parallelism.default", str(parallelism))
    cfg.set("python.executable", sys.executable)
    for k, v in config.items():
        cfg.set(k, v)
    return t_env


def rows(t_env, query):
    with t_env.execute_sql(query).collect() as it:
        return sorted(tuple(r) for r in it)


def final_rows(t_env, query):
    """The collected rows with the changelog applied (streaming aggregations
    retract and update what they emitted before)."""
    live = {}
    with t_env.execute_sql(query).collect() as it:
        for r in it:
            retract = r.get_row_kind().name in ("UPDATE_BEFORE", "DELETE")
            live[tuple(r)] = live.get(tuple(r), 0) + (-1 if retract else 1)
    assert all(n >= 0 for n in live.values()), live
    return sorted(r for r, n in live.items() for _ in range(n))


def register(t_env, name, fn):
    try:
        t_env.create_temporary_system_function(name, fn)
    except Exception as e:  # an engine without pyudf linked in
        if "without Python UDF support" in str(e):
            pytest.skip(str(e))
        raise


@pytest.fixture(params=[("batch", 1, {}), ("streaming", 2, {}),
                        ("streaming", 1, {"python.fn-execution.bundle.size": "1"})],
                ids=["batch", "streaming-p2", "bundle-1"])
def env(request, spry_binary):
    mode, par, config = request.param
    t_env = make_env(mode, par, **config)
    yield t_env
    t_env.close()


class Plus(ScalarFunction):
    def open(self, function_context):
        self.k = 10

    def eval(self, x):
        return x + self.k


class Mul(object):
    def __call__(self, x):
        return x * 3


def _add(a, b):
    return a + b


def test_scalar_forms(env):
    @udf(result_type=DataTypes.STRING())
    def py_upper(s):
        return None if s is None else s.upper()

    register(env, "py_upper", py_upper)
    register(env, "py_inc", udf(lambda x: x + 1, result_type=DataTypes.BIGINT()))
    register(env, "py_plus", udf(Plus(), result_type=DataTypes.BIGINT()))
    register(env, "py_mul", udf(Mul(), result_type=DataTypes.BIGINT()))
    register(env, "py_part", udf(functools.partial(_add, 100), result_type=DataTypes.BIGINT()))
    got = rows(env, "SELECT id, py_upper(s), py_inc(py_inc(id)), py_plus(id), py_mul(id), py_part(id) FROM " + WORDS)
    assert [tuple(r) for r in got] == [(1, "A B", 3, 11, 3, 101), (2, "C", 4, 12, 6, 102), (3, None, 5, 13, 9, 103)]


def test_filter_on_udf(env):
    register(env, "py_inc", udf(lambda x: x + 1, result_type=DataTypes.BIGINT()))
    assert rows(env, "SELECT id FROM " + WORDS + " WHERE py_inc(id) > 2") == [(2,), (3,)]


def test_pandas_udf(env):
    register(env, "p_scale", udf(lambda a: a * 2.5, result_type=DataTypes.DOUBLE(), func_type="pandas"))
    assert rows(env, "SELECT p_scale(id) FROM " + WORDS) == [(2.5,), (5.0,), (7.5,)]


class Split(TableFunction):
    def eval(self, s):
        if s is None:
            return
        for w in s.split(" "):
            yield w, len(w)


def test_udtf_lateral_table(env):
    register(env, "split", udtf(Split(), result_types=[DataTypes.STRING(), DataTypes.INT()]))
    got = rows(env, "SELECT id, w, n FROM " + WORDS + ", LATERAL TABLE(split(s)) AS T(w, n)")
    assert got == [(1, "a", 1), (1, "b", 1), (2, "c", 1)]


class MySum(AggregateFunction):
    def create_accumulator(self):
        return [0]

    def accumulate(self, acc, v):
        acc[0] += v

    def retract(self, acc, v):
        acc[0] -= v

    def merge(self, acc, others):
        for o in others:
            acc[0] += o[0]

    def get_value(self, acc):
        return acc[0]

    def get_result_type(self):
        return DataTypes.BIGINT()

    def get_accumulator_type(self):
        return DataTypes.ARRAY(DataTypes.BIGINT())


GROUPS = "(VALUES ('a', 1), ('b', 2), ('a', 3), ('b', 5), ('c', 4)) AS t(k, v)"


def test_udaf(env):
    register(env, "my_sum", udaf(MySum()))
    register(env, "p_mean", udaf(lambda v: float(v.mean()), result_type=DataTypes.DOUBLE(), func_type="pandas"))
    got = final_rows(env, "SELECT k, my_sum(v), p_mean(v) FROM " + GROUPS + " GROUP BY k")
    assert got == [("a", 4, 2.0), ("b", 7, 3.5), ("c", 4, 4.0)]


class Top2(TableAggregateFunction):
    def create_accumulator(self):
        return [None, None]

    def accumulate(self, acc, v):
        if acc[0] is None or v > acc[0]:
            acc[1], acc[0] = acc[0], v
        elif acc[1] is None or v > acc[1]:
            acc[1] = v

    def emit_value(self, acc):
        for v in acc:
            if v is not None:
                yield v,

    def get_result_type(self):
        return DataTypes.ROW([DataTypes.FIELD("top", DataTypes.BIGINT())])

    def get_accumulator_type(self):
        return DataTypes.ARRAY(DataTypes.BIGINT())


def test_udtaf(env):
    t = env.sql_query("SELECT * FROM " + GROUPS)
    res = t.group_by(col("k")).flat_aggregate(udtaf(Top2())(col("v"))).select(col("k"), col("top"))
    live = {}
    with res.execute().collect() as it:
        for r in it:
            retract = r.get_row_kind().name in ("UPDATE_BEFORE", "DELETE")
            live[tuple(r)] = live.get(tuple(r), 0) + (-1 if retract else 1)
    got = sorted(r for r, n in live.items() for _ in range(n))
    assert got == [("a", 1), ("a", 3), ("b", 2), ("b", 5), ("c", 4)]


@pytest.mark.parametrize("mode,parallelism", [("batch", 1), ("streaming", 2)])
def test_pandas_udaf_in_tumble_window(spry_binary, tmp_path, mode, parallelism):
    data = tmp_path / "ev.csv"
    data.write_text("1,2024-01-01 00:00:10\n3,2024-01-01 00:00:50\n10,2024-01-01 00:01:05\n"
                    "20,2024-01-01 00:01:30\n7,2024-01-01 00:02:01\n")
    t_env = make_env(mode, parallelism)
    t_env.execute_sql("CREATE TABLE ev (v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ("
                      "'connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')" % data)
    register(t_env, "p_mean", udaf(lambda v: float(v.mean()), result_type=DataTypes.DOUBLE(), func_type="pandas"))
    got = rows(t_env, "SELECT window_start, p_mean(v) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), "
                      "INTERVAL '1' MINUTE)) GROUP BY window_start, window_end")
    assert [(str(w), m) for w, m in got] == [("2024-01-01 00:00:00", 2.0), ("2024-01-01 00:01:00", 15.0),
                                            ("2024-01-01 00:02:00", 7.0)]


def test_udf_error_carries_traceback(spry_binary):
    t_env = make_env("batch")

    def boom(x):
        if x == 2:
            raise ValueError("bad row %d" % x)
        return x

    register(t_env, "boom", udf(boom, result_type=DataTypes.BIGINT()))
    with pytest.raises(Exception) as info:
        rows(t_env, "SELECT boom(id) FROM " + WORDS)
    msg = str(info.value)
    assert "ValueError: bad row 2" in msg
    assert "Traceback" in msg and "in boom" in msg
    assert "PythonCalc" in msg


def test_add_python_file(spry_binary, tmp_path):
    mod = tmp_path / "shipped_mod.py"
    mod.write_text("def triple(x):\n    return 3 * x\n")
    t_env = make_env("batch")
    t_env.add_python_file(str(mod))

    def use(x):
        import shipped_mod
        return shipped_mod.triple(x)

    register(t_env, "use", udf(use, result_type=DataTypes.BIGINT()))
    assert rows(t_env, "SELECT use(id) FROM " + WORDS) == [(3,), (6,), (9,)]
