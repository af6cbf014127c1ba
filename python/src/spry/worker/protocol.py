"""Framing of the worker protocol (4-byte big-endian length, tag, body)."""

import json
import struct

TAG_JSON = b"J"[0]
TAG_BATCH = b"B"[0]
TAG_RESULT = b"R"[0]
TAG_PAYLOAD = b"P"[0]

_LEN = struct.Struct(">I")


class Channel(object):
    """Reads and writes frames on a pair of binary streams."""

    def __init__(self, rfile, wfile):
        self._r = rfile
        self._w = wfile

    def read(self):
        """Returns ``(tag, body)``, or ``(None, None)`` at end of input."""
        hdr = self._r.read(4)
        if len(hdr) < 4:
            return None, None
        (n,) = _LEN.unpack(hdr)
        body = self._r.read(n)
        if len(body) < n:
            return None, None
        return body[0], memoryview(body)[1:]

    def write(self, tag, body):
        """Writes one frame (not flushed)."""
        self._w.write(_LEN.pack(len(body) + 1))
        self._w.write(bytes((tag,)))
        self._w.write(body)

    def write_json(self, obj):
        """Writes a ``J`` frame holding ``obj`` as JSON."""
        self.write(TAG_JSON, json.dumps(obj).encode("utf-8"))

    def flush(self):
        """Flushes what was written."""
        self._w.flush()
