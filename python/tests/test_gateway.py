"""Tests of the gateway client (spry._gateway) against the engine binary."""

import os
import statistics
import subprocess
import sys
import time

import pyarrow as pa
import pytest

try:
    import spry  # noqa: F401
except ImportError:  # run from a checkout without installing the package
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from spry import _gateway
from spry.errors import JobError, ProtocolError, SpryError, SqlError, ValidationError


@pytest.fixture
def client():
    c = _gateway.connect()
    c.call("set_config", {"key": "parallelism.default", "value": "1"})
    yield c
    c.close()


def rows(client, rid, with_kinds=False):
    """Fetch a result to the end as a list of tuples."""
    out = []
    while True:
        res, payloads = client.call("fetch", {"result": rid, "with_kinds": with_kinds})
        t = _gateway.from_ipc(payloads[0])
        out.extend(tuple(r.values()) for r in t.to_pylist())
        if res["done"]:
            return out


def test_hello(client):
    res, _ = client.call("hello", {"version": 1})
    assert res["version"] == 1
    assert "execute_sql" in res["methods"]
    with pytest.raises(ProtocolError, match="version 99"):
        client.call("hello", {"version": 99})


def test_execute_sql_rows_round_trip(client):
    client.call("set_config", {"key": "execution.runtime-mode", "value": "batch"})
    res, _ = client.call(
        "execute_sql",
        {"statement": "SELECT id, name, id * 1.5 AS x FROM (VALUES (1, 'a'), (2, CAST(NULL AS STRING))) AS t(id, name)"},
    )
    assert res["kind"] == "rows"
    assert [c["name"] for c in res["columns"]] == ["id", "name", "x"]
    assert rows(client, res["result"]) == [(1, "a", pytest.approx(1.5)), (2, None, pytest.approx(3.0))]


def test_streaming_changelog_kinds(client):
    res, _ = client.call(
        "execute_sql", {"statement": "SELECT w, COUNT(*) AS n FROM (VALUES ('a'), ('a')) AS t(w) GROUP BY w"}
    )
    assert res["changelog"] is True
    assert rows(client, res["result"], with_kinds=True) == [("a", 1, 0), ("a", 1, 1), ("a", 2, 2)]


def test_sql_errors_carry_line_and_column(client):
    with pytest.raises(SqlError) as e:
        client.call("execute_sql", {"statement": "SELECT a\nFORM t"})
    assert (e.value.line, e.value.column) == (2, 1)
    assert "SQL parse error at line 2, column 1" in str(e.value)
    assert "^" in str(e.value)

    with pytest.raises(ValidationError) as e:
        client.call("execute_sql", {"statement": "SELECT wrd FROM (VALUES (1)) AS t(word)"})
    assert (e.value.line, e.value.column) == (1, 8)
    assert "did you mean 'word'" in str(e.value)
    # the session survives errors
    res, _ = client.call("get_config", {"key": "parallelism.default"})
    assert res["value"] == "1"


def test_register_arrow_then_select(client):
    client.call("set_config", {"key": "execution.runtime-mode", "value": "batch"})
    t = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "name": pa.array(["x", None, "z"], pa.large_string()),
            "ts": pa.array([1_000_000_000, 2_000_000_000, 3_000_000_000], pa.timestamp("ns")),
        }
    )
    res, _ = client.call("register_arrow", {"name": "py_in", "temporary": True}, [_gateway.to_ipc(t)])
    assert res["rows"] == 3
    assert [(c["name"], c["type"]) for c in res["columns"]] == [
        ("id", "BIGINT"),
        ("name", "STRING"),
        ("ts", "TIMESTAMP(9)"),
    ]
    res, _ = client.call("execute_sql", {"statement": "SELECT name, id * 10 FROM py_in WHERE id <> 2"})
    assert rows(client, res["result"]) == [("x", 10), ("z", 30)]
    res, _ = client.call("schema", {"query": "SELECT id, name FROM py_in"})
    assert [c["type"] for c in res["columns"]] == ["BIGINT", "STRING"]


def test_job_error(client):
    client.call("set_config", {"key": "execution.runtime-mode", "value": "batch"})
    res, _ = client.call("execute_sql", {"statement": "SELECT CAST(s AS INT) FROM (VALUES ('x')) AS t(s)"})
    with pytest.raises(JobError) as e:
        rows(client, res["result"])
    assert e.value.line is None
    assert e.value.message


def test_print_sink_does_not_corrupt_stdio(client):
    client.call("execute_sql", {"statement": "CREATE TABLE p (x INT) WITH ('connector' = 'print')"})
    res, _ = client.call("execute_sql", {"statement": "INSERT INTO p VALUES (1), (2)"})
    client.call("wait", {"result": res["result"]})
    res, _ = client.call("get_config", {"key": "parallelism.default"})
    assert res["value"] == "1"


def test_tcp_gateway():
    exe = _gateway.find_binary()
    proc = subprocess.Popen([exe, "gateway", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE)
    try:
        addr = proc.stdout.readline().decode().strip()
        with _gateway.connect(address=addr) as c:
            res, _ = c.call("get_config", {"key": "execution.runtime-mode"})
            assert res["value"] == "streaming"
    finally:
        proc.terminate()
        proc.wait()


def test_round_trip_latency(client):
    for _ in range(50):
        client.call("get_config", {"key": "parallelism.default"})
    samples = []
    for _ in range(500):
        t0 = time.perf_counter()
        client.call("get_config", {"key": "parallelism.default"})
        samples.append(time.perf_counter() - t0)
    median_us = statistics.median(samples) * 1e6
    print("\nget_config round trip: median %.1f us, p99 %.1f us" % (median_us, sorted(samples)[494] * 1e6))
    assert median_us < 1000


def test_spry_run(tmp_path):
    exe = _gateway.find_binary()
    script = tmp_path / "job.py"
    script.write_text(
        "import sys\n"
        "from pyflink import _gateway\n"
        "import pyflink.errors\n"
        "c = _gateway.connect()\n"
        "r, _ = c.call('get_config', {'key': 'python.files'})\n"
        "print('files', r['value'], 'args', sys.argv[1:], 'same', pyflink.errors is __import__('spry.errors').errors)\n"
        "sys.exit(3)\n"
    )
    env = dict(os.environ, SPRY_PYTHON=sys.executable)
    env.pop("SPRY_GATEWAY", None)
    p = subprocess.run([exe, "run", "-pyfs", "a.py,b.py", "-py", str(script), "x", "--y"], capture_output=True, text=True, env=env)
    assert p.returncode == 3, p.stderr
    assert "files a.py,b.py args ['x', '--y'] same True" in p.stdout
