"""Inline SVG charts for report.html, drawn in Python: no JS library, no network, one file.

Two charts: a reference-vs-current histogram overlay (as shares, so windows of different sizes
compare) and a metric history (one point per past `as_of`) with the warn/error thresholds as
dashed lines and anomalies ringed. Pure functions returning SVG text; every label is escaped.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

STATUS_COLOR = {"pass": "#2e7d32", "warn": "#ef8f00", "fail": "#c62828", "error": "#6a1b9a", "skipped": "#9e9e9e"}
REF_COLOR, CUR_COLOR = "#b0bec5", "#1e63b8"


def _num(v: float) -> str:
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e6 or a < 1e-3:
        return f"{v:.2e}"
    return f"{v:.4g}"


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi].

    >>> nice_ticks(0, 1)
    [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
    >>> nice_ticks(0, 0.25, 4)[-1] >= 0.25
    True
    """
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = [start]
    while ticks[-1] < hi - step * 1e-9:
        ticks.append(start + len(ticks) * step)
    return ticks


def histogram_svg(bins: Sequence[str], reference: Sequence[float] | None, current: Sequence[float] | None,
                  title: str = "") -> str:
    """Reference (grey) and current (blue) shares per bin, overlaid."""
    ref = _shares(reference, len(bins))
    cur = _shares(current, len(bins))
    w, h, left, bottom, top = 560, 220, 44, 52, 30
    n = max(len(bins), 1)
    plot_w, plot_h = w - left - 34, h - bottom - top       # room on the right for the last slanted label
    ymax = max([*(ref or []), *(cur or []), 1e-9])
    ticks = nice_ticks(0, ymax, 4)
    ymax = ticks[-1]
    y = lambda v: top + plot_h - v / ymax * plot_h  # noqa: E731
    bw = plot_w / n
    out = [f'<svg class="chart histogram" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title or "histogram")}</title>']
    for t in ticks:
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>'
                   f'<text x="{left - 4}" y="{y(t) + 3:.1f}" class="tick" text-anchor="end">{t * 100:.3g}%</text>')
    every = max(1, math.ceil(n / 14))
    for i, label in enumerate(bins):
        x0 = left + i * bw
        if ref is not None:
            out.append(f'<rect class="ref" x="{x0 + 1:.1f}" y="{y(ref[i]):.1f}" width="{max(bw - 2, 1):.1f}" '
                       f'height="{top + plot_h - y(ref[i]):.1f}" fill="{REF_COLOR}">'
                       f'<title>{escape(str(label))}: reference {ref[i] * 100:.2f}%</title></rect>')
        if cur is not None:
            out.append(f'<rect class="cur" x="{x0 + bw * 0.25:.1f}" y="{y(cur[i]):.1f}" width="{max(bw * 0.5, 1):.1f}" '
                       f'height="{top + plot_h - y(cur[i]):.1f}" fill="{CUR_COLOR}" fill-opacity="0.85">'
                       f'<title>{escape(str(label))}: current {cur[i] * 100:.2f}%</title></rect>')
        if i % every == 0:
            text = escape(_short(str(label), 12))
            out.append(f'<text class="tick" transform="translate({x0 + bw / 2:.1f},{top + plot_h + 8}) rotate(35)">{text}</text>')
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" class="axis"/>')
    out.append(_legend([("reference", REF_COLOR), ("current", CUR_COLOR)], left, 14))
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class HistoryPoint:
    as_of: datetime
    value: float | None
    status: str
    anomaly: bool = False


def history_svg(points: Sequence[HistoryPoint], warn: float | None = None, error: float | None = None,
                title: str = "") -> str:
    """Metric per `as_of`: a line, points coloured by status, anomalies ringed, thresholds dashed."""
    pts = [p for p in points if p.value is not None and math.isfinite(p.value)]
    w, h, left, bottom, top, right = 560, 196, 56, 30, 28, 12
    plot_w, plot_h = w - left - right, h - top - bottom
    out = [f'<svg class="chart history" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title or "metric history")}</title>']
    if not pts:
        out.append(f'<text x="{w / 2}" y="{h / 2}" text-anchor="middle" class="tick">no values recorded yet</text></svg>')
        return "".join(out)
    values = [p.value for p in pts]
    lo, hi = min(values), max(values)
    span = (hi - lo) or abs(hi) or 1.0
    # A threshold near the values, or one the series breached, is drawn; a far one would squash the line.
    breached = any(p.status in ("warn", "fail") for p in pts)
    shown = [t for t in (warn, error) if t is not None and (breached or lo - span <= t <= hi + span)]
    lo, hi = min([lo, *shown]), max([hi, *shown])
    ticks = nice_ticks(lo - 0.05 * span, hi + 0.05 * span, 4)
    ylo, yhi = ticks[0], ticks[-1]
    t0, t1 = pts[0].as_of.timestamp(), pts[-1].as_of.timestamp()
    x = lambda t: left + (plot_w / 2 if t1 == t0 else (t - t0) / (t1 - t0) * plot_w)  # noqa: E731
    y = lambda v: top + plot_h - (v - ylo) / ((yhi - ylo) or 1) * plot_h  # noqa: E731
    for t in ticks:
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>'
                   f'<text x="{left - 4}" y="{y(t) + 3:.1f}" class="tick" text-anchor="end">{_num(t)}</text>')
    for value, name in ((warn, "warn"), (error, "fail")):
        if value is not None and value in shown:
            out.append(f'<line class="threshold {name}" x1="{left}" x2="{w - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                       f'stroke="{STATUS_COLOR[name]}" stroke-dasharray="5 4"><title>{"warn_if" if name == "warn" else "error_if"} '
                       f'{_num(value)}</title></line>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(p.as_of.timestamp()):.1f},{y(p.value):.1f}" for i, p in enumerate(pts))
    out.append(f'<path d="{path}" class="line" fill="none" stroke="#607d8b" stroke-width="1.5"/>')
    for p in pts:
        cx, cy = x(p.as_of.timestamp()), y(p.value)
        tip = escape(f"{p.as_of:%Y-%m-%d %H:%M} UTC: {_num(p.value)} ({p.status}{', anomaly' if p.anomaly else ''})")
        if p.anomaly:
            out.append(f'<circle class="anomaly" cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="none" '
                       f'stroke="{STATUS_COLOR["fail"]}" stroke-width="2"/>')
        out.append(f'<circle class="point {escape(p.status)}" cx="{cx:.1f}" cy="{cy:.1f}" r="3.2" '
                   f'fill="{STATUS_COLOR.get(p.status, "#607d8b")}"><title>{tip}</title></circle>')
    for i in sorted({0, len(pts) // 2, len(pts) - 1}):
        anchor = "start" if i == 0 else ("end" if i == len(pts) - 1 else "middle")
        out.append(f'<text class="tick" x="{x(pts[i].as_of.timestamp()):.1f}" y="{h - 10}" text-anchor="{anchor}">'
                   f'{pts[i].as_of:%Y-%m-%d}</text>')
    legend = [("warn_if", STATUS_COLOR["warn"])] if warn in shown else []
    legend += [("error_if", STATUS_COLOR["fail"])] if error in shown else []
    legend += [("anomaly", STATUS_COLOR["fail"])] if any(p.anomaly for p in pts) else []
    out.append(_legend(legend, left, 14))
    out.append("</svg>")
    return "".join(out)


def _legend(items: list[tuple[str, str]], x: float, y: float) -> str:
    out = []
    for name, color in items:
        out.append(f'<rect x="{x:.0f}" y="{y - 8}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{x + 14:.0f}" y="{y + 1}" class="legend">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return "".join(out)


def _shares(counts: Sequence[float] | None, n: int) -> list[float] | None:
    if counts is None:
        return None
    vals = [float(c) if c is not None and math.isfinite(float(c)) else 0.0 for c in list(counts)[:n]]
    vals += [0.0] * (n - len(vals))
    total = sum(vals)
    return [v / total if total else 0.0 for v in vals]


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
