"""Rows as JSON for the gateway, so small jobs need no pyarrow.

``import pyarrow`` costs a Python process about a third of a second (and
pyarrow's first ``pa.array`` call imports pandas, another quarter), which
made up most of the time of a short job such as a ``from_elements`` word
count. The gateway therefore also moves flat rows as JSON (docs/gateway.md,
"JSON rows"): ``fetch`` with ``format: "json"`` and ``register_rows``. The
values are the ones the Arrow path produces; anything this module cannot
encode exactly (nested types, out-of-range numbers, odd Python values)
makes the caller fall back to Arrow, so behaviour never depends on the path
taken.
"""

import base64
import datetime
import decimal
import json
import math

__all__ = ["JSON_TYPES", "json_types", "encode_rows", "decode_rows", "NotJSON"]

#: The Flink type names with a JSON rows form (gateway/rowsjson.go).
JSON_TYPES = frozenset(["NULL", "BOOLEAN", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL",
                        "CHAR", "VARCHAR", "BINARY", "VARBINARY", "DATE", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ"])

_EPOCH = datetime.datetime(1970, 1, 1)
_EPOCH_UTC = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_US = datetime.timedelta(microseconds=1)
_DAY0 = 719163  # date(1970, 1, 1).toordinal()
_RANGES = {"TINYINT": 1 << 7, "SMALLINT": 1 << 15, "INT": 1 << 31, "BIGINT": 1 << 63}


class NotJSON(Exception):
    """A value or type without an exact JSON rows form: use Arrow instead."""


def json_types(types):
    """Whether every type has a JSON rows form."""
    return all(t is not None and t.type_name in JSON_TYPES for t in types)


# ---- Python values -> JSON rows (register_rows)

def _enc_int(name):
    bound = _RANGES[name]

    def enc(v):
        if type(v) is not int or not -bound <= v < bound:
            raise NotJSON()
        return v
    return enc


def _enc_float(v):
    if type(v) is int:
        v = float(v)
    elif type(v) is not float:
        raise NotJSON()
    if math.isfinite(v):
        return v
    return "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")


def _enc_bool(v):
    if type(v) is not bool:
        raise NotJSON()
    return v


def _enc_str(v):
    if type(v) is not str:
        raise NotJSON()
    return v


def _enc_bytes(v):
    if not isinstance(v, (bytes, bytearray)):
        raise NotJSON()
    return base64.b64encode(bytes(v)).decode("ascii")


def _enc_decimal(t):
    p = tuple(t._params)
    prec, scale = (p[0] if p else 10), (p[1] if len(p) > 1 else 0)

    def enc(v):
        if isinstance(v, bool):
            raise NotJSON()
        if not isinstance(v, decimal.Decimal):
            v = decimal.Decimal(str(v))
        if not v.is_finite():
            raise NotJSON()
        _, digits, exp = v.as_tuple()
        # pyarrow refuses a value with more fractional digits than the
        # scale, or more integer digits than precision - scale: let it.
        if -exp > scale or len(digits) + exp > prec - scale:
            raise NotJSON()
        return format(v, "f")
    return enc


def _enc_date(v):
    if type(v) is not datetime.date:
        raise NotJSON()
    return v.toordinal() - _DAY0


def _enc_time(v):
    if type(v) is not datetime.time or v.tzinfo is not None or v.microsecond % 1000:
        raise NotJSON()
    return ((v.hour * 60 + v.minute) * 60 + v.second) * 1000 + v.microsecond // 1000


def _enc_timestamp(v):
    if type(v) is not datetime.datetime or v.tzinfo is not None:
        raise NotJSON()
    return (v - _EPOCH) // _US


def _enc_timestamp_ltz(v):
    if type(v) is not datetime.datetime:
        raise NotJSON()
    if v.tzinfo is None:
        v = v.replace(tzinfo=datetime.timezone.utc)
    return (v - _EPOCH_UTC) // _US


def _enc_null(v):
    raise NotJSON()


def _encoder(t):
    n = t.type_name
    if n in _RANGES:
        return _enc_int(n)
    if n == "DECIMAL":
        return _enc_decimal(t)
    enc = {"BOOLEAN": _enc_bool, "FLOAT": _enc_float, "DOUBLE": _enc_float, "CHAR": _enc_str, "VARCHAR": _enc_str,
           "BINARY": _enc_bytes, "VARBINARY": _enc_bytes, "DATE": _enc_date, "TIME": _enc_time,
           "TIMESTAMP": _enc_timestamp, "TIMESTAMP_LTZ": _enc_timestamp_ltz, "NULL": _enc_null}.get(n)
    if enc is None:
        raise NotJSON()
    return enc


def encode_rows(rows, names, types):
    """The rows (tuples, lists, Rows, dicts) as a JSON rows payload (bytes).

    :raise NotJSON: when a type or value has no exact JSON form.
    """
    if not json_types(types):
        raise NotJSON()
    encs = [_encoder(t) for t in types]
    width = len(names)
    out = []
    for r in rows:
        if isinstance(r, dict):
            vals = [r.get(n) for n in names]
        elif isinstance(r, (list, tuple)) or hasattr(r, "_values"):
            vals = list(r)
        else:
            vals = [r]
        if len(vals) != width:
            raise NotJSON()  # the Arrow path words the error
        out.append([None if v is None else e(v) for e, v in zip(encs, vals)])
    return json.dumps(out, separators=(",", ":"), allow_nan=False).encode("utf-8")


# ---- JSON rows -> Python values (fetch)

def _dec_time(ms):
    return datetime.time(ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000 * 1000)


_utc = None


def _dec_timestamp_ltz(us):
    # pyarrow hands out zoneinfo's UTC; use the same tzinfo so reprs match.
    global _utc
    if _utc is None:
        import zoneinfo
        _utc = datetime.datetime(1970, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC"))
    return _utc + datetime.timedelta(microseconds=us)


_DECODERS = {
    "DECIMAL": decimal.Decimal,
    "DATE": lambda d: datetime.date.fromordinal(d + _DAY0),
    "TIME": _dec_time,
    "TIMESTAMP": lambda us: _EPOCH + datetime.timedelta(microseconds=us),
    "TIMESTAMP_LTZ": _dec_timestamp_ltz,
    "BINARY": base64.b64decode,
    "VARBINARY": base64.b64decode,
}


def decode_rows(payload, types):
    """Decodes a JSON rows payload of ``fetch``.

    :return: ``(kinds, rows)``: kinds is a list of Flink row-kind bytes or
             None (all +I); rows is a list of value lists.
    """
    doc = json.loads(payload)
    rows = doc["rows"]
    convs = [(i, _DECODERS[t.type_name]) for i, t in enumerate(types)
             if t is not None and t.type_name in _DECODERS]
    for i, f in convs:
        for r in rows:
            v = r[i]
            if v is not None:
                r[i] = f(v)
    return doc.get("kinds"), rows
