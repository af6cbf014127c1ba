"""The one place spry.table talks to the engine: a thin wrapper over spry._gateway.

Every engine call of the Table API goes through :class:`Session`, so the
protocol (docs/gateway.md) is visible in one file and tests can replace it.
"""

import io

__all__ = ["Session", "arrow_to_ipc", "ipc_to_table"]


class Session(object):
    """One engine session (one gateway connection) of a TableEnvironment."""

    def __init__(self, client=None):
        if client is None:
            from spry import _gateway
            client = _gateway.connect()
        self._client = client
        self._counter = 0
        # JSON rows (register_rows, fetch format "json") need an engine
        # that lists register_rows in its hello.
        methods = getattr(client, "methods", None)
        self.json_rows = methods is not None and "register_rows" in methods

    def call(self, method, params=None, payloads=()):
        """Calls a gateway method; returns ``(result, payloads)``."""
        return self._client.call(method, params or {}, list(payloads))

    def result(self, method, params=None, payloads=()):
        """Calls a gateway method; returns its result dict only."""
        return self.call(method, params, payloads)[0]

    def unique_name(self, prefix):
        """A fresh name for an inline table or view of this session."""
        self._counter += 1
        return "%s%d" % (prefix, self._counter)

    def close(self):
        """Ends the session (the engine cancels its unfinished jobs)."""
        close = getattr(self._client, "close", None)
        if close is not None:
            close()

    # ---- the calls the Table API uses
    def execute_sql(self, statement):
        """The gateway method ``execute_sql`` (docs/gateway.md)."""
        return self.result("execute_sql", {"statement": statement})

    def schema(self, query):
        """Sets the schema; returns the builder."""
        return self.result("schema", {"query": query})["columns"]

    def explain(self, statement, details=()):
        """The gateway method ``explain`` (docs/gateway.md)."""
        return self.result("explain", {"statement": statement, "details": list(details)})["plan"]

    def set_config(self, key, value):
        """Sets the config."""
        self.result("set_config", {"key": key, "value": value})

    def get_config(self, key):
        """Returns the config."""
        return self.result("get_config", {"key": key}).get("value")

    def config_all(self):
        """The gateway method ``config_all`` (docs/gateway.md)."""
        return self.result("config_all").get("options", {})

    def fetch(self, rid, max_rows=65536, with_kinds=True, timeout_ms=0):
        """Fetches rows of a result: ``(pyarrow.Table, done)``; ``timeout_ms`` 0 blocks until rows come."""
        params = {"result": rid, "max_rows": max_rows, "with_kinds": with_kinds}
        if timeout_ms:
            params["timeout_ms"] = timeout_ms
        res, payloads = self.call("fetch", params)
        table = ipc_to_table(payloads[0]) if payloads else None
        return table, bool(res.get("done"))

    def fetch_rows(self, rid, types, max_rows=65536, timeout_ms=0):
        """Fetches rows of a result as Python values: ``(kinds, rows, done)``.

        Flat results come as JSON rows, decoded without pyarrow; others as
        Arrow. ``kinds`` is a list of row-kind bytes or None (all +I);
        ``rows`` a list of value lists (nested values as pyarrow hands
        them out).
        """
        params = {"result": rid, "max_rows": max_rows, "with_kinds": True}
        if timeout_ms:
            params["timeout_ms"] = timeout_ms
        if self.json_rows:
            params["format"] = "json"
        res, payloads = self.call("fetch", params)
        done = bool(res.get("done"))
        if not payloads:
            return None, [], done
        if res.get("format") == "json":
            from spry.table._rows import decode_rows
            kinds, rows = decode_rows(payloads[0], types)
            return kinds, rows, done
        table = ipc_to_table(payloads[0])
        kinds = None
        if "$row_kind" in table.column_names:
            kinds = table.column("$row_kind").to_pylist()
            table = table.drop_columns(["$row_kind"])
        cols = [c.to_pylist() for c in table.columns]
        return kinds, [list(r) for r in zip(*cols)] if cols else [[] for _ in range(table.num_rows)], done

    def wait(self, rid):
        """The gateway method ``wait`` (docs/gateway.md)."""
        self.result("wait", {"result": rid})

    def cancel(self, rid):
        """Cancels the job."""
        self.result("cancel", {"result": rid})

    def close_result(self, rid):
        """The gateway method ``close_result`` (docs/gateway.md)."""
        try:
            self.result("close_result", {"result": rid})
        except Exception:
            pass

    def register_arrow(self, name, table):
        """The gateway method ``register_arrow`` (docs/gateway.md)."""
        return self.result("register_arrow", {"name": name, "temporary": True}, [arrow_to_ipc(table)])

    def register_rows(self, name, rows, names, types):
        """Registers Python rows as a temporary table, as JSON rows when every
        value has an exact JSON form, else as Arrow (docs/gateway.md)."""
        if self.json_rows:
            from spry.table._rows import NotJSON, encode_rows
            try:
                payload = encode_rows(rows, names, types)
            except NotJSON:
                pass
            else:
                cols = [{"name": n, "type": _plain_type(t)} for n, t in zip(names, types)]
                return self.result("register_rows", {"name": name, "temporary": True, "columns": cols}, [payload])
        from spry.table._arrow import rows_to_arrow
        return self.register_arrow(name, rows_to_arrow(rows, names, types))

    def create_function(self, spec, payload):
        """Creates a function."""
        self.result("create_function", spec, [payload])


def _plain_type(t):
    # The type as DDL reads it: time attributes are not part of the data.
    s = str(t)
    return s.split(" *", 1)[0]


def arrow_to_ipc(table):
    """Serializes a pyarrow Table as an Arrow IPC stream."""
    import pyarrow as pa
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue()


def ipc_to_table(data):
    """Reads an Arrow IPC stream into a pyarrow Table."""
    import pyarrow as pa
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()
