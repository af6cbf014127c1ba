"""Entry point of ``python -m spry.worker``: serve one operator subtask.

The protocol owns the process's real stdout; ``print`` in a UDF goes to
stderr, which the engine keeps the tail of for error messages.
"""

import io
import os
import sys
import traceback


def _protocol_streams():
    # Keep the real stdout for frames and point fd 1 (and sys.stdout) at
    # stderr, so user prints cannot corrupt the stream.
    out_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    in_fd = os.dup(0)
    for fd in (in_fd, out_fd):
        _grow_pipe(fd)
    rfile = io.open(in_fd, "rb", buffering=1 << 16)
    wfile = io.open(out_fd, "wb", buffering=1 << 16)
    return rfile, wfile


#: Linux's fcntl command that sets a pipe's capacity (not in every
#: Python's fcntl module).
_F_SETPIPE_SZ = 1031


def _grow_pipe(fd, size=1 << 20):
    """Raise a pipe's capacity from Linux's 64 KiB towards 1 MiB.

    A batch of 10,000 BIGINTs is ~80 KiB of Arrow: through a 64 KiB pipe
    every batch and every result took two hand-overs between engine and
    worker, and each side stalled until the other was scheduled. With room
    for whole batches both sides keep working. Best effort: not a pipe, not
    Linux, or over the system's limit leaves the pipe as it is.
    """
    try:
        import fcntl

        limit = size
        try:
            with open("/proc/sys/fs/pipe-max-size") as f:
                limit = min(size, int(f.read()))
        except (OSError, ValueError):
            pass
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", _F_SETPIPE_SZ), limit)
    except (ImportError, OSError, ValueError):
        pass


def _prime_pyarrow_without_pandas():
    """Let pyarrow decide once that pandas is absent, unless it is loaded.

    pyarrow imports pandas (half a second) on its first ``pa.array`` call
    to check for pandas objects; a worker of general UDFs never needs it.
    pyarrow still imports pandas later if a conversion asks for it, and
    user code may import it at any time.
    """
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

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


def main():
    rfile, wfile = _protocol_streams()
    from spry.worker.protocol import Channel, TAG_JSON, TAG_BATCH, TAG_PAYLOAD, TAG_RESULT
    from spry.worker.context import FunctionContext, _Metrics
    from spry.worker.runner import Program, UDFException
    import json
    import pyarrow as pa

    ch = Channel(rfile, wfile)
    metrics = _Metrics()

    def send_error(function, message, tb):
        ch.write_json({"type": "error", "function": function, "message": message, "traceback": tb})
        ch.flush()

    def send_metrics():
        m = metrics.report()
        if m is not None:
            ch.write_json(m)

    tag, body = ch.read()
    if tag != TAG_JSON:
        return 2
    msg = json.loads(bytes(body))
    nfun = len(msg["program"]["functions"])
    payloads = []
    for _ in range(nfun + 1):
        tag, body = ch.read()
        if tag != TAG_PAYLOAD:
            return 2
        payloads.append(bytes(body))
    result_schema = pa.ipc.open_stream(payloads[-1]).schema
    try:
        prog = Program(msg, payloads[:-1], result_schema)
        if all(f.func_type != "pandas" for f in prog.funcs):
            _prime_pyarrow_without_pandas()
        ctx = FunctionContext(metrics, msg.get("job_parameters"), msg.get("subtask", 0), msg.get("parallelism", 1))
        prog.open(ctx)
    except UDFException as e:
        send_error(e.function, e.message, e.traceback)
        return 1
    except Exception as e:
        send_error("?", "loading the Python functions failed: %s: %s" % (type(e).__name__, e), traceback.format_exc())
        return 1
    ch.write_json({"type": "opened"})
    ch.flush()

    while True:
        tag, body = ch.read()
        if tag is None:
            return 0
        if tag == TAG_BATCH:
            try:
                reader = pa.ipc.open_stream(body)
                batch = reader.read_next_batch()
                out = prog.run(batch)
            except UDFException as e:
                send_error(e.function, e.message, e.traceback)
                continue
            except Exception as e:
                send_error("?", "%s: %s" % (type(e).__name__, e), traceback.format_exc())
                continue
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, out.schema) as w:
                w.write_batch(out)
            send_metrics()
            ch.write(TAG_RESULT, sink.getvalue())
            ch.flush()
        elif tag == TAG_JSON:
            req = json.loads(bytes(body))
            if req.get("type") == "close":
                try:
                    prog.close()
                except UDFException as e:
                    send_error(e.function, e.message, e.traceback)
                    return 1
                send_metrics()
                ch.write_json({"type": "closed"})
                ch.flush()
                return 0
        else:
            return 2


if __name__ == "__main__":
    sys.exit(main())
