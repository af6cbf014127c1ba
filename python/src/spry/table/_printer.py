"""Flink's tableau rendering of results (TableResult.print), as ``spry sql`` prints them.

The rules mirror table/printer (Go): streaming results show an ``op``
column, fixed widths by type and "Received a total of N rows"; batch
results size columns by their values and end with "N rows in set".
"""

import datetime
import decimal
import math
import unicodedata

__all__ = ["format_value", "tableau_streaming", "tableau_all"]

NULL_TEXT = "<NULL>"
MAX_WIDTH = 30


def _java_double(f, bits=64):
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    if f == 0:
        return "-0.0" if math.copysign(1, f) < 0 else "0.0"
    r = repr(f) if bits == 64 else _shortest32(f)
    mant, _, exp = r.lower().partition("e")
    neg = mant.startswith("-")
    mant = mant.lstrip("-")
    if "." not in mant:
        mant += ".0"
    ip, fp = mant.split(".")
    digits = (ip + fp).lstrip("0")
    # decimal exponent of the first significant digit
    e10 = (int(exp) if exp else 0) + len(ip.lstrip("0")) - 1 if ip.strip("0") else \
        (int(exp) if exp else 0) - (len(fp) - len(fp.lstrip("0"))) - 1
    digits = digits.rstrip("0") or "0"
    a = abs(f)
    if 1e-3 <= a < 1e7:
        if e10 >= 0:
            i = digits[:e10 + 1].ljust(e10 + 1, "0")
            fr = digits[e10 + 1:] or "0"
        else:
            i = "0"
            fr = "0" * (-e10 - 1) + digits
        s = i + "." + fr
    else:
        s = digits[0] + "." + (digits[1:] or "0") + "E" + str(e10)
    return ("-" if neg else "") + s


def _shortest32(f):
    import struct
    target = struct.unpack("f", struct.pack("f", f))[0]
    for p in range(1, 10):
        s = "%.*g" % (p, target)
        if struct.unpack("f", struct.pack("f", float(s)))[0] == target:
            return s
    return repr(target)


def format_value(v, dtype, null_text=NULL_TEXT):
    """Renders a Python value of a DataType as Flink's CAST(x AS STRING)."""
    if v is None:
        return null_text
    name = dtype.type_name if dtype is not None else None
    if name == "BOOLEAN" or isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if name in ("DOUBLE", "FLOAT") or isinstance(v, float):
        return _java_double(float(v), 32 if name == "FLOAT" else 64)
    if name == "DECIMAL" and isinstance(v, decimal.Decimal):
        scale = dtype._params[1] if len(dtype._params) > 1 else 0
        return str(v.quantize(decimal.Decimal(1).scaleb(-scale))) if scale else str(int(v))
    if isinstance(v, (bytes, bytearray)):
        return "x'%s'" % bytes(v).hex()
    if isinstance(v, datetime.datetime):
        prec = dtype._params[0] if dtype is not None and dtype._params else 6
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        s = v.strftime("%Y-%m-%d %H:%M:%S")
        if prec > 0:
            frac = "%06d" % v.microsecond
            s += "." + (frac[:prec] if prec <= 6 else frac + "0" * (prec - 6))
        return s
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, datetime.time):
        prec = dtype._params[0] if dtype is not None and dtype._params else 0
        s = v.strftime("%H:%M:%S")
        if prec > 0:
            s += "." + ("%03d" % (v.microsecond // 1000))[:min(prec, 3)]
        return s
    if isinstance(v, datetime.timedelta):
        ms = int(v.total_seconds() * 1000)
        sign = "-" if ms < 0 else "+"
        ms = abs(ms)
        return "%s%d %02d:%02d:%02d.%03d" % (sign, ms // 86400000, ms // 3600000 % 24, ms // 60000 % 60,
                                             ms // 1000 % 60, ms % 1000)
    children = dtype._children if dtype is not None else ()
    if name == "ROW" or (dtype is not None and dtype._fields is not None):
        fields = dtype._fields or []
        vals = list(v.values()) if isinstance(v, dict) else list(v)
        return "(%s)" % ", ".join(format_value(x, fields[i].data_type if i < len(fields) else None, "NULL")
                                  for i, x in enumerate(vals))
    if isinstance(v, dict) or (name == "MAP" and isinstance(v, list)):
        items = v.items() if isinstance(v, dict) else v
        kt = children[0] if children else None
        vt = children[1] if len(children) > 1 else None
        return "{%s}" % ", ".join("%s=%s" % (format_value(k, kt, "NULL"), format_value(x, vt, "NULL"))
                                  for k, x in items)
    if name == "ROW" or (dtype is not None and dtype._fields is not None):
        fields = dtype._fields or []
        vals = list(v.values()) if isinstance(v, dict) else list(v)
        return "(%s)" % ", ".join(format_value(x, fields[i].data_type if i < len(fields) else None, "NULL")
                                  for i, x in enumerate(vals))
    if isinstance(v, (list, tuple)):
        et = children[0] if children else None
        return "[%s]" % ", ".join(format_value(x, et, "NULL") for x in v)
    return str(v)


def _width(s):
    n = 0
    for ch in s:
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def _truncate(s, width):
    used, out = 0, []
    for ch in s:
        w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used + w > width:
            break
        used += w
        out.append(ch)
    return " " * max(0, width - used) + "".join(out)


def _border(widths):
    return "+" + "+".join("-" * (w + 2) for w in widths) + "+"


def _line(cells, widths):
    parts = []
    for c, w in zip(cells, widths):
        dw = _width(c)
        if dw <= w:
            parts.append(" " * (w - dw) + c)
        elif w < 3:
            parts.append("..."[:w])
        else:
            parts.append(_truncate(c, w - 3) + "...")
    return "|" + "|".join(" %s " % p for p in parts) + "|"


def _type_width(dtype, name):
    n = {"TINYINT": 4, "SMALLINT": 6, "INT": 11, "BIGINT": 20, "BOOLEAN": 5, "DATE": 10}.get(dtype.type_name)
    if n is None:
        t = dtype.type_name
        p = dtype._params
        if t == "DECIMAL":
            n = p[0] + 2
        elif t == "TIME":
            n = 8 + (p[0] + 1 if p and p[0] > 0 else 0)
        elif t in ("TIMESTAMP", "TIMESTAMP_LTZ"):
            prec = p[0] if p else 6
            n = 19 if prec == 0 else (23 if prec <= 3 else (26 if prec <= 6 else 29))
        else:
            n = MAX_WIDTH
    return max(n, len(NULL_TEXT), _width(name))


def tableau_streaming(names, dtypes, rows, out):
    """Prints a changelog as Flink's streaming tableau; rows are (kind_str, values)."""
    widths = [2] + [_type_width(t, n) for n, t in zip(names, dtypes)]
    out.write(_border(widths) + "\n")
    out.write(_line(["op"] + list(names), widths) + "\n")
    out.write(_border(widths) + "\n")
    n = 0
    for kind, vals in rows:
        out.write(_line([kind] + [format_value(v, t) for v, t in zip(vals, dtypes)], widths) + "\n")
        out.flush()
        n += 1
    if n > 0:
        out.write(_border(widths) + "\n")
    out.write("Received a total of %d %s\n" % (n, "row" if n == 1 else "rows"))


def tableau_all(names, dtypes, rows, out):
    """Prints final rows as Flink's batch tableau, sized by the values."""
    rows = list(rows)
    if not rows:
        out.write("Empty set\n")
        return
    cells = [[format_value(v, t) for v, t in zip(vals, dtypes)] for vals in rows]
    widths = [_width(n) for n in names]
    for r in cells:
        widths = [max(w, _width(c)) for w, c in zip(widths, r)]
    widths = [min(w, MAX_WIDTH) for w in widths]
    out.write(_border(widths) + "\n")
    out.write(_line(names, widths) + "\n")
    out.write(_border(widths) + "\n")
    for r in cells:
        out.write(_line(r, widths) + "\n")
    out.write(_border(widths) + "\n")
    out.write("%d %s in set\n" % (len(rows), "row" if len(rows) == 1 else "rows"))
