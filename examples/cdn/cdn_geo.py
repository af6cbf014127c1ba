"""IP address → province, from the ranges in ip_ranges.csv next to this module.

Shipped to the Python UDF workers with ``t_env.add_python_file("examples/cdn")``
by examples/cdn_log_analysis.py (the seed's CDN log analysis case).
"""
import bisect
import os

_starts, _ranges = None, None


def _ip(s):
    a, b, c, d = (int(x) for x in s.strip().split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def _load():
    global _starts, _ranges
    ranges = []
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ip_ranges.csv")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                start, end, province = line.strip().split(",")
                ranges.append((_ip(start), _ip(end), province))
    ranges.sort()
    _starts, _ranges = [r[0] for r in ranges], ranges


def province_of(ip):
    """The province of an IPv4 address, or 'unknown'."""
    if _ranges is None:
        _load()
    try:
        n = _ip(ip)
    except (ValueError, AttributeError):
        return "unknown"
    i = bisect.bisect_right(_starts, n) - 1
    if i >= 0 and n <= _ranges[i][1]:
        return _ranges[i][2]
    return "unknown"
