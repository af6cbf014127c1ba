"""The UDF worker (``python -m spry.worker``) driven through its protocol.

These tests need no engine binary: they play the engine's side of the
protocol (docs/python_udf.md) and check every kind of callable, pandas
UDFs, table functions, open/close and metrics, errors with tracebacks,
and that user prints cannot corrupt the stream.
"""
import functools
import json
import os
import struct
import subprocess
import sys

import cloudpickle
import pyarrow as pa
import pytest

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "src"))
if SRC not in sys.path:
    sys.path.insert(0, SRC)

from spry.table.udf_serialize import describe  # noqa: E402

# The workers cannot import this test module: ship its functions by value,
# as a job script's (__main__) functions are.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class Worker(object):
    """A worker process and the engine's side of the protocol."""

    def __init__(self, funcs, calls, outputs, result_schema, mode="scalar", job_parameters=None):
        env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.p = subprocess.Popen([sys.executable, "-m", "spry.worker"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        infos = [{"name": name, "kind": "table" if mode == "table" else "scalar", "func_type": ft,
                  "deterministic": True} for name, _, ft in funcs]
        msg = {"type": "open", "version": 1, "operator": "PythonCalc(test)", "subtask": 0, "parallelism": 1,
               "program": {"mode": mode, "functions": infos, "calls": calls, "outputs": outputs},
               "job_parameters": job_parameters or {}}
        self._send(b"J", json.dumps(msg).encode())
        for _, payload, _ in funcs:
            self._send(b"P", payload)
        sink = pa.BufferOutputStream()
        pa.ipc.new_stream(sink, result_schema).close()
        self._send(b"P", sink.getvalue().to_pybytes())
        tag, body = self._recv()
        if tag == b"J" and json.loads(body)["type"] == "error":
            self.error = json.loads(body)
        else:
            self.error = None
            assert (tag, json.loads(body)["type"]) == (b"J", "opened")
        self.metrics = {}

    def _send(self, tag, body):
        self.p.stdin.write(struct.pack(">I", len(body) + 1) + tag + body)
        self.p.stdin.flush()

    def _recv(self):
        hdr = self.p.stdout.read(4)
        if len(hdr) < 4:
            return None, None
        (n,) = struct.unpack(">I", hdr)
        body = self.p.stdout.read(n)
        return body[:1], body[1:]

    def eval(self, **cols):
        batch = pa.RecordBatch.from_pydict(cols)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, batch.schema) as w:
            w.write_batch(batch)
        self._send(b"B", sink.getvalue().to_pybytes())
        while True:
            tag, body = self._recv()
            if tag == b"R":
                return pa.ipc.open_stream(body).read_next_batch()
            msg = json.loads(body)
            if msg["type"] == "metrics":
                for k, v in msg["counters"].items():
                    self.metrics[k] = self.metrics.get(k, 0) + v
                continue
            return msg

    def close(self):
        self._send(b"J", b'{"type": "close"}')
        out = []
        while True:
            tag, body = self._recv()
            if tag is None:
                break
            out.append(json.loads(body))
            if out[-1]["type"] in ("closed", "error"):
                break
        self.p.wait(timeout=10)
        return out


def scalar_worker(fn, result_type=pa.int64(), func_type="general", **kw):
    payload, _ = describe(fn, kind="scalar", result_type="BIGINT", func_type=func_type)
    return Worker([("f", payload, func_type)], [{"fn": 0, "args": [{"col": 0}]}], [0],
                  pa.schema([("r", result_type)]), **kw)


class AddOne(object):
    def __call__(self, x):
        return x + 1


def _add(a, b):
    return a + b


def _plus_one(x):
    return x + 1


class Counting(object):
    """A ScalarFunction-like class with open/close and a counter."""

    def open(self, ctx):
        self.calls = ctx.get_metric_group().add_group("udf").counter("calls")
        self.k = int(ctx.get_job_parameter("k", "1"))

    def eval(self, x):
        self.calls.inc()
        return x + self.k

    def close(self):
        pass


@pytest.mark.parametrize("fn", [
    lambda x: x + 1,
    _plus_one,
    AddOne(),
    functools.partial(_add, 1),
    Counting(),
], ids=["lambda", "function", "callable", "partial", "class"])
def test_scalar_callables(fn):
    w = scalar_worker(fn)
    out = w.eval(a=[1, 2, 3])
    assert out.column(0).to_pylist() == [2, 3, 4]
    assert w.close()[-1]["type"] == "closed"


def test_nulls_and_chains():
    p1, _ = describe(lambda x: None if x is None else x * 2, kind="scalar", result_type="BIGINT")
    p2, _ = describe(lambda x, y: -1 if x is None else x + y, kind="scalar", result_type="BIGINT")
    w = Worker([("dbl", p1, "general"), ("add", p2, "general")],
               [{"fn": 0, "args": [{"col": 0}]}, {"fn": 1, "args": [{"call": 0}, {"col": 1}]}], [0, 1],
               pa.schema([("d", pa.int64()), ("s", pa.int64())]))
    out = w.eval(a=[1, None, 3], b=[10, 20, 30])
    assert out.column(0).to_pylist() == [2, None, 6]
    assert out.column(1).to_pylist() == [12, -1, 36]


def test_pandas_udf():
    w = scalar_worker(lambda s: s * 10, func_type="pandas")
    assert w.eval(a=[1, 2])["r"].to_pylist() == [10, 20]


def test_metrics_and_job_parameters():
    w = scalar_worker(Counting(), job_parameters={"k": "100"})
    assert w.eval(a=[1, 2]).column(0).to_pylist() == [101, 102]
    assert w.metrics == {"udf.calls": 2}


def test_error_has_traceback_and_worker_survives():
    def boom(x):
        if x == 2:
            raise ValueError("bad value %d" % x)
        return x

    w = scalar_worker(boom)
    err = w.eval(a=[1, 2])
    assert err["type"] == "error" and err["function"] == "f"
    assert "ValueError: bad value 2" in err["message"]
    assert "Traceback" in err["traceback"] and "in boom" in err["traceback"]
    assert "spry/worker" not in err["traceback"]  # the worker's own frames are left out


def test_wrong_result_type_is_reported():
    w = scalar_worker(lambda x: "text")
    err = w.eval(a=[1])
    assert err["type"] == "error" and "declared type int64" in err["message"]


def test_print_does_not_corrupt_the_stream():
    def noisy(x):
        print("hello from the udf")
        return x

    w = scalar_worker(noisy)
    assert w.eval(a=[5]).column(0).to_pylist() == [5]
    w.close()
    assert b"hello from the udf" in w.p.stderr.read()


def test_table_function():
    def split(s):
        if s is None:
            return
        for part in s.split(","):
            yield part, len(part)

    payload, _ = describe(split, kind="table", result_types=["STRING", "INT"])
    w = Worker([("split", payload, "general")], [{"fn": 0, "args": [{"col": 0}]}], [0],
               pa.schema([("w", pa.string()), ("n", pa.int32()), ("$parent", pa.int32())]), mode="table")
    out = w.eval(a=["x,yy", None, "z"])
    assert out.column(0).to_pylist() == ["x", "yy", "z"]
    assert out.column(1).to_pylist() == [1, 2, 1]
    assert out.column(2).to_pylist() == [0, 0, 2]


def test_open_failure_is_reported():
    class BadOpen(object):
        def open(self, ctx):
            raise RuntimeError("cannot open")

        def eval(self, x):
            return x

    w = scalar_worker(BadOpen())
    assert w.error is not None and "cannot open" in w.error["message"]


def test_payload_is_a_cloudpickled_dict():
    payload, spec = describe(lambda x: x, kind="scalar", result_type="INT", input_types=["INT"])
    obj = cloudpickle.loads(payload)
    assert obj["kind"] == "scalar" and obj["func"](3) == 3
    assert spec == {"kind": "scalar", "func_type": "general", "input_types": ["INT"], "deterministic": True,
                    "result_type": "INT"}
