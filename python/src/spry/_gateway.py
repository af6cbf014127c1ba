"""The client end of the gateway protocol (docs/gateway.md).

A :class:`Client` is one engine session. :func:`connect` attaches to the
gateway named by ``$SPRY_GATEWAY`` (``host:port``; ``spry run`` sets it), or
starts the engine binary as a child process speaking the protocol over its
stdin/stdout (``spry gateway --stdio``). The binary is looked for next to
this package (``spry/bin/spry``, where a wheel installs it), in
``$SPRY_HOME/bin``, in the ``bin/`` of a source checkout, then on ``PATH``.

Example::

    from spry import _gateway
    client = _gateway.connect()
    result, payloads = client.call("get_config", {"key": "parallelism.default"})
    client.close()
"""

import atexit
import json
import os
import socket
import struct
import threading
import weakref

# subprocess and shutil are imported where the engine is started as a
# child: under ``spry run`` the client only connects, and those imports
# cost a few milliseconds of every job's start-up.

from spry.errors import ProtocolError, from_error_object

#: The major protocol version this client speaks.
PROTOCOL_VERSION = 1

_HEADER = struct.Struct(">I")
_MAX_FRAME = 1 << 30

_open_clients = weakref.WeakSet()


def find_binary():
    """Return the path of the ``spry`` engine binary.

    Looked for in order: ``$SPRY_BINARY``; ``spry/bin/spry`` next to this
    package; ``$SPRY_HOME/bin/spry``; ``bin/spry`` of the source checkout this
    package lives in; ``spry`` on ``PATH``.

    :raise ProtocolError: when no binary is found.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = []
    if os.environ.get("SPRY_BINARY"):
        candidates.append(os.environ["SPRY_BINARY"])
    candidates.append(os.path.join(here, "bin", "spry"))
    if os.environ.get("SPRY_HOME"):
        candidates.append(os.path.join(os.environ["SPRY_HOME"], "bin", "spry"))
    # python/src/spry -> the checkout's bin/spry
    candidates.append(os.path.join(here, "..", "..", "..", "bin", "spry"))
    for c in candidates:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    import shutil

    on_path = shutil.which("spry")
    if on_path:
        return on_path
    raise ProtocolError(
        "cannot find the spry engine binary: looked in %s and on PATH; "
        "set SPRY_HOME, or build it with `make build` (or `go build -o bin/spry ./cmd/spry`)"
        % ", ".join(os.path.abspath(c) for c in candidates),
        type="ProtocolError",
    )


class Client(object):
    """One gateway session: a connection to the engine and its calls.

    Calls are serialized by a lock, so a client may be shared by threads.
    Use :func:`connect` to make one.
    """

    def __init__(self, reader, writer, proc=None, sock=None):
        self._reader = reader
        self._writer = writer
        self._proc = proc
        self._sock = sock
        self._lock = threading.Lock()
        self._next_id = 0
        self._closed = False
        self.engine_version = None
        #: The methods the engine offers (from ``hello``); newer ones
        #: (``register_rows``) are used only when listed here.
        self.methods = frozenset()
        _open_clients.add(self)

    def call(self, method, params=None, payloads=()):
        """Call a gateway method.

        :param method: the method name, e.g. ``"execute_sql"``.
        :param params: a JSON-encodable dict (default ``{}``).
        :param payloads: binary frames to send after the request (Arrow IPC
                         streams, pickles).
        :return: ``(result, payloads)``: the result dict and the list of
                 binary frames of the response.
        :raise SpryError: (a subclass of it) when the engine reports an error.
        """
        payloads = list(payloads or ())
        with self._lock:
            if self._closed:
                raise ProtocolError("the gateway client is closed", type="ProtocolError")
            self._next_id += 1
            rid = self._next_id
            head = json.dumps(
                {"id": rid, "method": method, "params": params or {}, "payloads": len(payloads)},
                separators=(",", ":"),
            ).encode("utf-8")
            parts = [_HEADER.pack(len(head)), head]
            for p in payloads:
                p = bytes(p) if not isinstance(p, (bytes, bytearray, memoryview)) else p
                parts.append(_HEADER.pack(len(p)))
                parts.append(p)
            try:
                self._writer(b"".join(parts))
                resp = json.loads(self._read_frame())
                out = [self._read_frame() for _ in range(resp.get("payloads", 0))]
            except (OSError, ValueError, EOFError) as e:
                self._broken(e)
            except BaseException:
                # Interrupted mid-call (Ctrl-C): the stream is out of step,
                # so end the session; the engine then cancels its jobs.
                self._closed = True
                self._release()
                raise
            if resp.get("id") != rid:
                self._broken(ValueError("response id %r does not match request id %r" % (resp.get("id"), rid)))
        if "error" in resp and resp["error"] is not None:
            raise from_error_object(resp["error"])
        return resp.get("result") or {}, out

    def _read_frame(self):
        head = self._read_exact(4)
        (n,) = _HEADER.unpack(head)
        if n > _MAX_FRAME:
            raise ValueError("frame of %d bytes exceeds the limit" % n)
        return self._read_exact(n)

    def _read_exact(self, n):
        buf = self._reader(n)
        if len(buf) == n:
            return buf
        chunks = [buf]
        got = len(buf)
        while got < n:
            b = self._reader(n - got)
            if not b:
                raise EOFError("the engine closed the connection")
            chunks.append(b)
            got += len(b)
        return b"".join(chunks)

    def _broken(self, cause):
        # The stream is out of step or gone: no later call can succeed.
        self._closed = True
        msg = "lost the connection to the spry engine: %s" % cause
        if self._proc is not None:
            code = self._proc.poll()
            if code is not None:
                msg = "the spry engine process exited with code %s (see its output on stderr)" % code
        raise ProtocolError(msg, type="ProtocolError") from cause

    def close(self):
        """End the session: the engine cancels the session's jobs."""
        with self._lock:
            self._closed = True
            self._release()

    def _release(self):
        # Close the transport; a child engine gets 5 s to end its session.
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
            self._sock = None
        if self._proc is not None:
            proc, self._proc = self._proc, None
            try:
                proc.stdin.close()
            except OSError:
                pass
            import subprocess

            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            try:
                proc.stdout.close()
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _hello(client):
    from spry import __version__

    result, _ = client.call("hello", {"version": PROTOCOL_VERSION, "client": "spry-python " + __version__})
    client.engine_version = result.get("engine")
    client.methods = frozenset(result.get("methods") or ())
    return client


def connect(address=None, binary=None):
    """Open a gateway session.

    :param address: ``host:port`` of a running gateway; default
                    ``$SPRY_GATEWAY``; when neither is set the engine binary
                    is started as a child process.
    :param binary: the engine binary to start (default: :func:`find_binary`).
    :return: a :class:`Client` that has said hello.
    """
    address = address or os.environ.get("SPRY_GATEWAY")
    if address:
        host, _, port = address.rpartition(":")
        sock = socket.create_connection((host or "127.0.0.1", int(port)))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        rfile = sock.makefile("rb")
        client = Client(rfile.read, sock.sendall, sock=sock)
    else:
        import subprocess

        exe = binary or find_binary()
        proc = subprocess.Popen(
            [exe, "gateway", "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,
            bufsize=-1,
        )

        def write(b, _w=proc.stdin):
            _w.write(b)
            _w.flush()

        client = Client(proc.stdout.read, write, proc=proc)
    try:
        return _hello(client)
    except BaseException:
        client.close()
        raise


_shared = None
_shared_lock = threading.Lock()


def shared():
    """Return the process-wide client, connecting on first use.

    :return: a :class:`Client` shared by every caller in this process.
    """
    global _shared
    with _shared_lock:
        if _shared is None or _shared._closed:
            _shared = connect()
        return _shared


@atexit.register
def _close_all():
    for c in list(_open_clients):
        try:
            c.close()
        except Exception:
            pass


def to_ipc(table):
    """Encode a pyarrow Table or RecordBatch as an Arrow IPC stream (bytes).

    :param table: a ``pyarrow.Table`` or ``pyarrow.RecordBatch``.
    """
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write(table)
    return sink.getvalue().to_pybytes()


def from_ipc(data):
    """Decode an Arrow IPC stream (bytes) into a ``pyarrow.Table``.

    :param data: the payload of a ``fetch`` response.
    """
    import pyarrow as pa

    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()
