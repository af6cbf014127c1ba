"""A small SVG bar chart writer for bench/python/RESULTS.svg (no plotting library needed).

``write_svg(path, panels)``: each panel is ``(title, unit, bars)`` with bars
``[(label, value, highlight), ...]``; every panel gets its own linear scale
and each bar is labelled with its value.
"""
from xml.sax.saxutils import escape

WIDTH = 760
LABEL_W = 250
BAR_H = 22
GAP = 8
TITLE_H = 34
PANEL_GAP = 18


def _fmt(v, unit):
    if v is None:
        return "not measured"
    if unit == "rows/s":
        return "{:,.0f} rows/s".format(v)
    return "%.2f %s" % (v, unit)


def write_svg(path, panels, title):
    """Writes the chart to path."""
    out = []
    y = 40
    body = []
    for ptitle, unit, bars in panels:
        body.append('<text x="10" y="%d" class="h">%s</text>' % (y + 18, escape(ptitle)))
        y += TITLE_H
        top = max([v for _, v, _ in bars if v] or [1.0])
        span = WIDTH - LABEL_W - 150
        for label, v, hi in bars:
            w = 0 if not v else max(1.0, span * v / top)
            body.append('<text x="%d" y="%d" class="l" text-anchor="end">%s</text>' % (
                LABEL_W - 8, y + 15, escape(label)))
            body.append('<rect x="%d" y="%d" width="%.1f" height="%d" class="%s"/>' % (
                LABEL_W, y, w, BAR_H, "hi" if hi else "b"))
            body.append('<text x="%.1f" y="%d" class="v">%s</text>' % (LABEL_W + w + 6, y + 15, escape(_fmt(v, unit))))
            y += BAR_H + GAP
        y += PANEL_GAP
    out.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">' % (
        WIDTH, y, WIDTH, y))
    out.append("<style>text{font-family:sans-serif;font-size:13px;fill:#222}.h{font-weight:bold;font-size:14px}"
               ".b{fill:#9aa5b1}.hi{fill:#e8743b}.v{font-size:12px}</style>")
    out.append('<rect width="100%" height="100%" fill="white"/>')
    out.append('<text x="10" y="24" class="h">%s</text>' % escape(title))
    out.extend(body)
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
