"""HTML rendering of results for Jupyter (``_repr_html_``)."""

import html

from spry.table._printer import format_value

__all__ = ["html_table"]


def html_table(names, types, rows, changelog, limit=1000):
    """Renders rows ((RowKind, values) pairs) as an HTML table."""
    head = (["op"] if changelog else []) + list(names)
    out = ["<table border=\"1\" class=\"dataframe\">", "<thead><tr>"]
    out += ["<th>%s</th>" % html.escape(str(h)) for h in head]
    out.append("</tr></thead><tbody>")
    n = 0
    for kind, vals in rows:
        if n >= limit:
            out.append("<tr><td colspan=\"%d\">...</td></tr>" % len(head))
            break
        cells = ([kind.short_string()] if changelog else []) + [format_value(v, t) for v, t in zip(vals, types)]
        out.append("<tr>%s</tr>" % "".join("<td>%s</td>" % html.escape(c) for c in cells))
        n += 1
    out.append("</tbody></table>")
    return "".join(out)
