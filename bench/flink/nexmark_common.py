"""Pure helpers shared by the side-by-side harness (bench.py, run under the
system Python) and the Flink driver (flink_nexmark.py, run under the PyFlink
venv's Python): placeholder filling, statement splitting, /proc parsing and
the JSON result shape of ``spry bench nexmark`` (engine, query, events,
seconds, cpu_seconds, ...). Standard library only; no Flink, no Spry.
"""

import os
import re

#: The placeholders of bench/nexmark's DDL files.
PLACEHOLDERS = ("TOPIC", "BOOTSTRAP_SERVERS", "EVENTS_NUM", "TPS", "NEXMARK_DIR")

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class PlaceholderError(ValueError):
    """A ``${NAME}`` in a SQL file that no value was given for."""


def fill_placeholders(text, values):
    """Replaces every ``${NAME}`` of text with values[NAME] (plain text
    replacement, as bench/nexmark/run.sh does with sed).

    :param text: the SQL text.
    :param values: a dict of placeholder name to value (any type, str()'d).
    :return: the filled text.
    :raises PlaceholderError: when a placeholder has no value, naming it.

    >>> fill_placeholders("'topic' = '${TOPIC}'", {"TOPIC": "t"})
    "'topic' = 't'"
    """
    missing = sorted({m.group(1) for m in _PLACEHOLDER.finditer(text)} - set(values))
    if missing:
        raise PlaceholderError("no value for placeholder(s) %s" % ", ".join("${%s}" % m for m in missing))
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


def split_statements(sql):
    """Splits a SQL script into statements at the ``;`` that are outside
    quotes and comments; drops ``--`` and ``/* */`` comments and empty
    statements (TableEnvironment.execute_sql takes one statement).

    :param sql: the script.
    :return: a list of statements without their trailing ``;``.
    """
    out, cur, i, n = [], [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "/" and sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            cur.append(" ")
            continue
        if c in ("'", '"', "`"):
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:  # doubled quote
                        j += 2
                        continue
                    break
                j += 1
            cur.append(sql[i:j + 1])
            i = j + 1
            continue
        if c == ";":
            stmt = "".join(cur).strip()
            if stmt:
                out.append(stmt)
            cur = []
        else:
            cur.append(c)
        i += 1
    stmt = "".join(cur).strip()
    if stmt:
        out.append(stmt)
    return out


def is_insert(stmt):
    """Whether a statement is the job (INSERT INTO / INSERT OVERWRITE)."""
    return re.match(r"\s*INSERT\s", stmt, re.IGNORECASE) is not None


def parse_proc_stat_cpu(stat, clk_tck=100):
    """CPU seconds (utime + stime, all threads) from a /proc/<pid>/stat line.

    The command name (field 2) may hold spaces and parentheses, so the
    fields are counted from the last ``)``.
    """
    rest = stat[stat.rindex(")") + 2:].split()
    # rest[0] is field 3 (state); utime and stime are fields 14 and 15
    return (int(rest[11]) + int(rest[12])) / float(clk_tck)


def parse_proc_status_bytes(status, key="VmHWM"):
    """A ``kB`` field of /proc/<pid>/status (default VmHWM, the peak RSS) in
    bytes; None when absent."""
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name == key:
            parts = value.split()
            return int(parts[0]) * 1024 if parts else None
    return None


def proc_cpu_seconds(pid):
    """utime + stime of a live process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        return parse_proc_stat_cpu(f.read(), os.sysconf("SC_CLK_TCK"))


def proc_peak_rss(pid):
    """VmHWM of a live process, in bytes."""
    with open("/proc/%d/status" % pid) as f:
        return parse_proc_status_bytes(f.read())


def result(engine, query, source, events, parallelism, seconds=None, cpu_seconds=None,
           peak_rss_bytes=None, status="ok", error=""):
    """One result in the JSON shape of ``spry bench nexmark --format json``
    (the round's contract); rates are derived and None unless status is ok."""
    ok = status == "ok"
    eps = events / seconds if ok and seconds else None
    epc = events / cpu_seconds if ok and cpu_seconds else None
    return {
        "engine": engine, "query": query, "source": source, "events": events,
        "parallelism": parallelism,
        "seconds": _round(seconds), "cpu_seconds": _round(cpu_seconds),
        "events_per_sec": _round(eps, 0), "events_per_sec_per_core": _round(epc, 0),
        "peak_rss_bytes": peak_rss_bytes,
        "latency_p50_ms": None, "latency_p99_ms": None,
        "status": status, "error": error,
    }


def _round(v, digits=3):
    if v is None:
        return None
    return round(v, digits) if digits else int(round(v))


def root_cause(text, limit=300):
    """The most specific line of a Java/py4j error: the last ``Caused by:``
    (its message), else the first non-empty line; cut to limit chars."""
    cause = None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("Caused by:"):
            cause = s[len("Caused by:"):].strip()
    if cause is None:
        lines = [l.strip() for l in text.splitlines() if l.strip()]
        cause = next((l.lstrip(": ") for l in lines if re.search(r"(Exception|Error)\b", l)
                      and not l.startswith("An error occurred while calling")),
                     lines[0] if lines else "")
    return cause[:limit]


#: Column names of the Nexmark SQL that Flink 2.x's parser (Calcite 1.34+)
#: takes for keywords; nexmark-flink quotes them for Flink 2 (`dateTime`).
FLINK_KEYWORD_COLUMNS = ("dateTime",)

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def quote_identifiers(sql, words=FLINK_KEYWORD_COLUMNS):
    """Puts backticks around every bare occurrence of the given identifiers
    (matched case-insensitively as whole words, outside string literals,
    quoted identifiers and comments): the one textual change the Nexmark
    files need to parse on Flink 2.x, where DATETIME is a keyword. The
    result means the same on any engine that reads Flink SQL.
    """
    want = {w.lower() for w in words}
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c in ("'", '"', "`"):
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            j = min(j + 1, n)
        else:
            m = _WORD.match(sql, i)
            if m:
                w = m.group(0)
                out.append("`%s`" % w if w.lower() in want else w)
                i = m.end()
                continue
            j = i + 1
        out.append(sql[i:j])
        i = j
    return "".join(out)
