"""Flat rows move as JSON (register_rows, fetch format "json"): same values as Arrow, no pyarrow needed."""
import datetime
import decimal
import io
import os
import subprocess
import sys
from contextlib import redirect_stdout

import pytest

from spry.table import DataTypes
from spry.table.expressions import col, lit

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", "src"))

SCHEMA = DataTypes.ROW([
    DataTypes.FIELD("b", DataTypes.BOOLEAN()), DataTypes.FIELD("ti", DataTypes.TINYINT()),
    DataTypes.FIELD("si", DataTypes.SMALLINT()), DataTypes.FIELD("i", DataTypes.INT()),
    DataTypes.FIELD("l", DataTypes.BIGINT()), DataTypes.FIELD("f", DataTypes.FLOAT()),
    DataTypes.FIELD("d", DataTypes.DOUBLE()), DataTypes.FIELD("dec", DataTypes.DECIMAL(10, 2)),
    DataTypes.FIELD("c", DataTypes.CHAR(3)), DataTypes.FIELD("s", DataTypes.STRING()),
    DataTypes.FIELD("bin", DataTypes.BYTES()), DataTypes.FIELD("dt", DataTypes.DATE()),
    DataTypes.FIELD("tm", DataTypes.TIME()), DataTypes.FIELD("ts", DataTypes.TIMESTAMP(6)),
    DataTypes.FIELD("ltz", DataTypes.TIMESTAMP_LTZ(6)),
])

ROWS = [
    (True, -128, 32767, -5, 2 ** 62 + 1, 1.1, 0.1, decimal.Decimal("12.5"), "ab", 'q"\n\u00e9\U0001f600', b"\x00\xff",
     datetime.date(1969, 12, 31), datetime.time(23, 59, 58, 123000), datetime.datetime(1960, 5, 6, 7, 8, 9, 123456),
     datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc)),
    (None, None, None, None, None, float("nan"), float("-inf"), None, None, None, None, None, None, None, None),
    (False, 0, 0, 0, 0, 3, -0.0, 7, "x", "", b"", datetime.date(2000, 2, 29), datetime.time(0, 0),
     datetime.datetime(1970, 1, 1), datetime.datetime(1970, 1, 1)),
]


def _collect(t_env, rows, schema, op=lambda t: t):
    t = op(t_env.from_elements(rows, schema))
    with t.execute().collect() as it:
        return [(r.get_row_kind(), repr(r), [repr(v) for v in r]) for r in it]


def _both(t_env, rows, schema, op=lambda t: t):
    session = t_env._session
    assert session.json_rows, "the engine should offer register_rows"
    via_json = _collect(t_env, rows, schema, op)
    session.json_rows = False
    try:
        via_arrow = _collect(t_env, rows, schema, op)
    finally:
        session.json_rows = True
    return via_json, via_arrow


def test_flat_types_round_trip_like_arrow(batch_env):
    via_json, via_arrow = _both(batch_env, ROWS, SCHEMA)
    assert via_json == via_arrow
    assert len(via_json) == 3


def test_changelog_kinds_like_arrow(stream_env):
    words = [("a",), ("b",), ("a",)]
    via_json, via_arrow = _both(stream_env, words, ["w"],
                                lambda t: t.group_by(col("w")).select(col("w"), lit(1).count.alias("c")))
    assert via_json == via_arrow
    assert [k.short_string() for k, _, _ in via_json] == ["+I", "+I", "-U", "+U"]


@pytest.mark.parametrize("rows,schema", [
    ([(300,)], DataTypes.ROW([DataTypes.FIELD("x", DataTypes.TINYINT())])),      # out of range
    ([(decimal.Decimal("1.234"),)], DataTypes.ROW([DataTypes.FIELD("x", DataTypes.DECIMAL(10, 2))])),
    ([([1, 2],)], None),                                                       # nested: Arrow only
])
def test_values_without_json_form_take_the_arrow_path(batch_env, rows, schema):
    def run():
        try:
            return _collect(batch_env, rows, schema)
        except Exception as e:  # the Arrow path's error, whichever path ran
            return type(e).__name__
    session = batch_env._session
    a = run()
    session.json_rows = False
    try:
        b = run()
    finally:
        session.json_rows = True
    assert a == b


def test_print_same_on_both_paths(stream_env):
    def out():
        buf = io.StringIO()
        with redirect_stdout(buf):
            t = stream_env.from_elements([(1, "x", 1.5), (2, None, float("nan"))], ["a", "b", "c"])
            t.execute().print()
        return buf.getvalue()
    via_json = out()
    stream_env._session.json_rows = False
    try:
        assert out() == via_json
    finally:
        stream_env._session.json_rows = True
    assert "NaN" in via_json and "<NULL>" in via_json


def test_word_count_without_pyarrow(spry_binary):
    """The start-up path (from_elements, group_by, collect, print) imports neither pyarrow nor pandas."""
    script = r'''
import sys
class Block(object):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pyarrow", "pandas", "numpy", "cloudpickle"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
from spry.table import EnvironmentSettings, TableEnvironment
from spry.table.expressions import col, lit
t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
t = t_env.from_elements([(w,) for w in "a b a".split()], ["word"])
r = t.group_by(col("word")).select(col("word"), lit(1).count.alias("cnt"))
with r.execute().collect() as rows:
    print(sorted(tuple(x) for x in rows))
r.execute().print()
'''
    env = dict(os.environ, PYTHONPATH=SRC, SPRY_BINARY=spry_binary)
    env.pop("SPRY_GATEWAY", None)
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0] == "[('a', 2), ('b', 1)]"
    assert "| a |" in p.stdout.replace("  ", " ") or "a |" in p.stdout


def test_nested_rows_need_pyarrow_but_not_pandas(spry_binary):
    """Nested values go as Arrow; pyarrow's pandas probe is skipped, yet to_pandas still works later."""
    script = r'''
import sys
from spry.table import EnvironmentSettings, TableEnvironment
t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
t = t_env.from_elements([([1, 2], "a")], ["xs", "s"])
with t.execute().collect() as rows:
    print([tuple(r) for r in rows])
print("pandas" in sys.modules)
print(t.to_pandas().shape)
'''
    env = dict(os.environ, PYTHONPATH=SRC, SPRY_BINARY=spry_binary)
    env.pop("SPRY_GATEWAY", None)
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["[([1, 2], 'a')]", "False", "(1, 2)"]
