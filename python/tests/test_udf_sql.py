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
from spry.table.udf import AggregateFunction, ScalarFunction, TableFunction, udaf, udf, udtf

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


def test_udaf(spry_binary):
    t_env = make_env("batch", 2)
    register(t_env, "my_sum", udaf(MySum()))
    got = rows(t_env, "SELECT k, my_sum(v) FROM (VALUES ('a', 1), ('b', 2), ('a', 3)) AS t(k, v) GROUP BY k")
    assert got == [("a", 4), ("b", 2)]


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
