"""Inline SVG charts for report.html, drawn in Python: no JS library, no network, one file.

Two charts: a reference-vs-current histogram overlay (as shares, so windows of different sizes
compare) and a metric history (one point per past `as_of`) with the warn/error thresholds dashed,
anomalies ringed, the run the report is about marked, an anomaly test's expected band shaded and
the worst segments as thinner lines of their own. Pure functions returning SVG text; every label
is escaped. Each SVG has a viewBox and width 100%, so it fills its container at any screen width;
the viewBox sizes below are the design size (text is 12 units, ~12 px at that size).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlmon.numbers import share, value

STATUS_COLOR = {"pass": "#2e7d32", "warn": "#ef8f00", "fail": "#c62828", "error": "#6a1b9a", "skipped": "#9e9e9e"}
REF_COLOR, CUR_COLOR = "#b0bec5", "#1e63b8"
LINE_COLOR, RUN_COLOR, MEDIAN_COLOR = "#607d8b", "#1d2733", "#3f6e9c"
PASS_BAND, WARN_BAND = "#c8dcf0", "#e9f1fa"      # values that pass / would only warn
SEGMENT_COLORS = ("#00838f", "#8d6e63", "#7e57c2")    # none of them a status colour
CHAR_W = 7.2          # a 12-unit DejaVu Sans character, rounded up: labels are sized, never cut
WIDTH = 760


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


def _svg(kind: str, w: float, h: float, title: str) -> str:
    return (f'<svg class="chart {kind}" role="img" viewBox="0 0 {w:.0f} {h:.0f}" width="100%" '
            f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')


def _legend(items: list[tuple[str, str]], x0: float, y0: float, right: float) -> tuple[str, int]:
    """Swatches and names, wrapped onto as many rows as the width needs: (svg, rows)."""
    out, x, y, rows = [], x0, y0, 1 if items else 0
    for name, color in items:
        size = 24 + CHAR_W * len(name)
        if x > x0 and x + size > right:
            x, y, rows = x0, y + 16, rows + 1
        out.append(f'<rect x="{x:.0f}" y="{y - 9}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{x + 14:.0f}" y="{y}" class="legend">{escape(name)}</text>')
        x += size
    return "".join(out), rows


# --- histogram ---------------------------------------------------------------------------------

def histogram_svg(bins: Sequence[str], reference: Sequence[float] | None, current: Sequence[float] | None,
                  title: str = "", tips: Sequence[str] | None = None) -> str:
    """Reference (grey) and current (blue) shares per bin, overlaid. `bins` are the labels shown
    (long category names shortened); `tips` the exact ones for the tooltips."""
    labels = [_middle(str(b), 24) for b in bins]
    tips = [str(t) for t in tips] if tips is not None and len(tips) == len(bins) else [str(b) for b in bins]
    ref, cur = _shares(reference, len(bins)), _shares(current, len(bins))
    n = max(len(bins), 1)
    ymax = max([*(ref or []), *(cur or []), 1e-9])
    ticks = nice_ticks(0, ymax, 4)
    ymax = ticks[-1]
    tick_text = [share(t) for t in ticks]
    w, top, plot_h, right = WIDTH, 34, 190, 14
    left = max(44.0, CHAR_W * max(map(len, tick_text)) + 12)
    bw = (w - left - right) / n
    rotate = bool(labels) and max(map(len, labels)) * CHAR_W + 8 > bw
    if rotate:     # slanted labels hang left of their bin: the first ones must fit in the margin
        every = max(1, math.ceil(16 / (bw * 0.64)))
        left = max(left, *(len(labels[i]) * CHAR_W * 0.77 - (i + 0.5) * bw + 8 for i in range(0, n, every)))
        bw = (w - left - right) / n
        every = max(1, math.ceil(16 / (bw * 0.64)))
        bottom = 0.64 * CHAR_W * max(len(s) for s in labels[::every]) + 24
    else:
        every, bottom = 1, 26
    h = top + plot_h + bottom
    y = lambda v: top + plot_h - v / ymax * plot_h  # noqa: E731
    out = [_svg("histogram", w, h, title or "histogram")]
    for t, text in zip(ticks, tick_text):
        out.append(f'<line x1="{left:.1f}" x2="{w - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>'
                   f'<text x="{left - 5:.1f}" y="{y(t) + 4:.1f}" class="tick" text-anchor="end">{text}</text>')
    raw_ref, raw_cur = _counts(reference, len(bins)), _counts(current, len(bins))
    for i, label in enumerate(labels):
        x0 = left + i * bw
        tip = escape(f"{tips[i]}: reference {_tip(ref, raw_ref, i)}, current {_tip(cur, raw_cur, i)}")
        if ref is not None:
            out.append(f'<rect class="ref" x="{x0 + 1:.1f}" y="{y(ref[i]):.1f}" width="{max(bw - 2, 1):.1f}" '
                       f'height="{top + plot_h - y(ref[i]):.1f}" fill="{REF_COLOR}"><title>{tip}</title></rect>')
        if cur is not None:
            out.append(f'<rect class="cur" x="{x0 + bw * 0.25:.1f}" y="{y(cur[i]):.1f}" width="{max(bw * 0.5, 1):.1f}" '
                       f'height="{top + plot_h - y(cur[i]):.1f}" fill="{CUR_COLOR}" fill-opacity="0.85">'
                       f'<title>{tip}</title></rect>')
        if i % every:
            continue
        cx = x0 + bw / 2
        if rotate:
            out.append(f'<text class="tick bin" text-anchor="end" transform="translate({cx:.1f},{top + plot_h + 12}) '
                       f'rotate(-40)">{escape(label)}<title>{escape(tips[i])}</title></text>')
        else:
            out.append(f'<text class="tick bin" text-anchor="middle" x="{cx:.1f}" y="{top + plot_h + 17}">'
                       f'{escape(label)}<title>{escape(tips[i])}</title></text>')
    out.append(f'<line x1="{left:.1f}" x2="{w - right}" y1="{top + plot_h}" y2="{top + plot_h}" class="axis"/>')
    out.append(_legend([("reference", REF_COLOR), ("current", CUR_COLOR)], left, 16, w - right)[0])
    out.append("</svg>")
    return "".join(out)


def _tip(shares: list[float] | None, counts: list[float] | None, i: int) -> str:
    if shares is None or counts is None:
        return "—"
    return f"{share(shares[i])} ({value(counts[i], 6)} rows)"


# --- history -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryPoint:
    as_of: datetime
    value: float | None
    status: str
    anomaly: bool = False
    current: bool = False          # the run this report is about


@dataclass(frozen=True)
class BandPoint:
    """What one run's anomaly test expected: the median of the history and the values it would have
    passed at (`passing`) and at most warned at (`warning`), in the watched metric's units."""
    as_of: datetime
    median: float | None
    passing: tuple[float, float] | None
    warning: tuple[float, float] | None


@dataclass(frozen=True)
class Line:
    """A thinner series of its own (a segment's metric over the same runs)."""
    label: str
    points: Sequence[HistoryPoint]


def _finite_points(points: Sequence[HistoryPoint]) -> list[HistoryPoint]:
    return sorted((p for p in points if p.value is not None and math.isfinite(p.value)), key=lambda p: p.as_of)


def history_svg(points: Sequence[HistoryPoint], warn: float | None = None, error: float | None = None,
                title: str = "", *, run_at: datetime | None = None, band: Sequence[BandPoint] = (),
                lines: Sequence[Line] = ()) -> str:
    """Metric per `as_of`: a line, points coloured by status, anomalies ringed, thresholds dashed,
    the report's run (`run_at`) marked, an expected band shaded, extra lines in colours of their own."""
    pts = _finite_points(points)
    extra = [(line, _finite_points(line.points)) for line in lines[:len(SEGMENT_COLORS)]]
    extra = [(line, ps) for line, ps in extra if ps]
    band = sorted(band, key=lambda b: b.as_of)       # a run without a band stays: it breaks the band
    w = WIDTH
    if not pts and not extra:
        return _svg("history", w, 120, title or "metric history") + (
            f'<text x="{w / 2}" y="64" text-anchor="middle" class="tick">no values recorded yet</text></svg>')
    values = [p.value for p in pts] + [p.value for _, ps in extra for p in ps]
    lo, hi = min(values), max(values)
    span = (hi - lo) or abs(hi) or 1.0
    # The pass band is what the anomaly test judged by: always in view. The warn band may be wide,
    # so it is clipped to the plot rather than squashing the line.
    inner = [v for b in band for v in (*(b.passing or ()), b.median) if v is not None and math.isfinite(v)]
    lo, hi = min([lo, *inner]), max([hi, *inner])
    # A threshold near the values, or one the series breached, is drawn; a far one would squash the line.
    breached = any(p.status in ("warn", "fail") for p in pts)
    shown = [t for t in (warn, error) if t is not None and (breached or lo - span <= t <= hi + span)]
    lo, hi = min([lo, *shown]), max([hi, *shown])
    # a little air around the values, but no negative axis under a metric that never goes below 0
    ticks = nice_ticks(lo - 0.05 * span if lo < 0 or lo - 0.05 * span >= 0 else 0.0, hi + 0.05 * span, 4)
    ylo, yhi = ticks[0], ticks[-1]
    tick_text = [value(t) for t in ticks]
    legend = _history_legend(bool(extra), extra, band, warn in shown, error in shown,
                             any(p.anomaly for p in pts), run_at is not None)
    left, right = max(44.0, CHAR_W * max(map(len, tick_text)) + 12), 16
    legend_svg, rows = _legend(legend, left, 16, w - right)
    top, plot_h, bottom = 16 + 16 * rows + (16 if run_at is not None else 6), 180, 30
    h = top + plot_h + bottom
    plot_w = w - left - right
    times = [p.as_of for p in pts] + [p.as_of for _, ps in extra for p in ps] + [b.as_of for b in band]
    times += [run_at] if run_at is not None else []
    t0, t1 = min(times).timestamp(), max(times).timestamp()
    x = lambda t: left + (plot_w / 2 if t1 == t0 else (t.timestamp() - t0) / (t1 - t0) * plot_w)  # noqa: E731
    y = lambda v: top + plot_h - (min(max(v, ylo), yhi) - ylo) / ((yhi - ylo) or 1) * plot_h  # noqa: E731
    out = [_svg("history", w, h, title or "metric history")]
    for t, text in zip(ticks, tick_text):
        out.append(f'<line x1="{left:.1f}" x2="{w - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>'
                   f'<text x="{left - 5:.1f}" y="{y(t) + 4:.1f}" class="tick" text-anchor="end">{text}</text>')
    out += _band(band, x, y)
    for limit, name in ((warn, "warn"), (error, "fail")):
        if limit is not None and limit in shown:
            out.append(f'<line class="threshold {name}" x1="{left:.1f}" x2="{w - right}" y1="{y(limit):.1f}" '
                       f'y2="{y(limit):.1f}" stroke="{STATUS_COLOR[name]}" stroke-dasharray="5 4"><title>'
                       f'{"warn_if" if name == "warn" else "error_if"} {value(limit)}</title></line>')
    for (line, ps), color in zip(extra, SEGMENT_COLORS):
        out.append(f'<path class="segment-line" d="{_path(ps, x, y)}" fill="none" stroke="{color}" stroke-width="1.3"/>')
        for p in ps:
            ring = f' stroke="{STATUS_COLOR[p.status]}" stroke-width="1.5"' if p.status in ("warn", "fail") else ""
            out.append(f'<circle class="segment-point" cx="{x(p.as_of):.1f}" cy="{y(p.value):.1f}" r="2.6" '
                       f'fill="{color}"{ring}><title>{escape(f"{line.label} · {_when(p.as_of)}: {value(p.value)} ({p.status})")}'
                       f'</title></circle>')
    if pts:
        out.append(f'<path d="{_path(pts, x, y)}" class="line" fill="none" stroke="{LINE_COLOR}" '
                   f'stroke-width="{2.2 if extra else 1.6}"/>')
    if run_at is not None:
        rx = x(run_at)
        anchor, dx = ("end", -4) if rx > left + 60 else ("start", 4)
        out.append(f'<line class="run-marker" x1="{rx:.1f}" x2="{rx:.1f}" y1="{top - 14}" y2="{top + plot_h}" '
                   f'stroke="{RUN_COLOR}" stroke-dasharray="2 3"><title>this run: as of {_when(run_at)}</title></line>'
                   f'<text class="tick run-label" x="{rx + dx:.1f}" y="{top - 4}" text-anchor="{anchor}">this run</text>')
    expected = {b.as_of: b for b in band}
    for p in pts:
        cx, cy = x(p.as_of), y(p.value)
        tip = f"{_when(p.as_of)}: {value(p.value)} ({p.status}{', anomaly' if p.anomaly else ''}{_expected(expected.get(p.as_of))})"
        if p.anomaly:
            out.append(f'<circle class="anomaly" cx="{cx:.1f}" cy="{cy:.1f}" r="7.5" fill="none" '
                       f'stroke="{STATUS_COLOR["fail"]}" stroke-width="2"/>')
        if p.current:
            out.append(f'<circle class="current" cx="{cx:.1f}" cy="{cy:.1f}" r="5.5" fill="#fff" '
                       f'stroke="{RUN_COLOR}" stroke-width="2"/>')
        out.append(f'<circle class="point {escape(p.status)}" cx="{cx:.1f}" cy="{cy:.1f}" r="3.4" '
                   f'fill="{STATUS_COLOR.get(p.status, LINE_COLOR)}"><title>{escape(tip)}</title></circle>')
    out += _time_axis(sorted(set(times)), x, h - 10, left, w - right)
    out.append(legend_svg)
    out.append("</svg>")
    return "".join(out)


def _history_legend(overall: bool, extra: list, band: Sequence[BandPoint], warn: bool, error: bool, anomaly: bool,
                    run: bool) -> list[tuple[str, str]]:
    items = [("overall", LINE_COLOR)] if overall else []
    items += [(_short(line.label, 30), color) for (line, _), color in zip(extra, SEGMENT_COLORS)]
    items += [("expected: pass", PASS_BAND)] if any(b.passing for b in band) else []
    items += [("expected: warn", WARN_BAND)] if any(b.warning for b in band) else []
    items += [("median", MEDIAN_COLOR)] if any(b.median is not None for b in band) else []
    items += [("warn_if", STATUS_COLOR["warn"])] if warn else []
    items += [("error_if", STATUS_COLOR["fail"])] if error else []
    items += [("anomaly", STATUS_COLOR["fail"])] if anomaly else []
    return items + ([("this run", RUN_COLOR)] if run else [])


def _band(band: Sequence[BandPoint], x, y) -> list[str]:
    """The shaded ranges (each run's own, joined run to run; a run without one breaks the band)
    and the median line."""
    out = []
    for attr, color, name in (("warning", WARN_BAND, "band-warn"), ("passing", PASS_BAND, "band-pass")):
        for run in _runs(band, lambda b: getattr(b, attr) is not None):
            lows = [(x(b.as_of), y(getattr(b, attr)[0])) for b in run]
            highs = [(x(b.as_of), y(getattr(b, attr)[1])) for b in run]
            if len(run) == 1:       # a lone run: a short bar, so it still shows
                (cx, y0), (_, y1) = lows[0], highs[0]
                lows, highs = [(cx - 4, y0), (cx + 4, y0)], [(cx - 4, y1), (cx + 4, y1)]
            poly = " ".join(f"{a:.1f},{b:.1f}" for a, b in highs + lows[::-1])
            out.append(f'<polygon class="band {name}" points="{poly}" fill="{color}"/>')
    for run in _runs(band, lambda b: b.median is not None and math.isfinite(b.median)):
        d = " ".join(f"{'M' if i == 0 else 'L'}{x(b.as_of):.1f},{y(b.median):.1f}" for i, b in enumerate(run))
        out.append(f'<path class="median" d="{d}" fill="none" stroke="{MEDIAN_COLOR}" stroke-width="1.2" '
                   f'stroke-dasharray="6 3"/>')
    return out


def _runs(band: Sequence[BandPoint], keep) -> list[list[BandPoint]]:
    runs: list[list[BandPoint]] = [[]]
    for b in band:
        if keep(b):
            runs[-1].append(b)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def _expected(b: BandPoint | None) -> str:
    if b is None or b.passing is None:
        return ""
    return f"; expected {value(b.passing[0])} to {value(b.passing[1])}, median {value(b.median)}"


def _path(points: Sequence[HistoryPoint], x, y) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{x(p.as_of):.1f},{y(p.value):.1f}" for i, p in enumerate(points))


def _time_axis(times: list[datetime], x, baseline: float, lo: float, hi: float) -> list[str]:
    """Up to five labels at recorded times (a daily series is labelled at its days, not in between)."""
    if not times:
        return []
    daily = (times[-1] - times[0]).total_seconds() >= 2 * 86400 and all(t.hour == t.minute == 0 for t in times)
    fmt = "%Y-%m-%d" if daily or (times[-1] - times[0]).days >= 30 else "%m-%d %H:%M"
    picks = sorted({round(i * (len(times) - 1) / 4) for i in range(5)}) if len(times) > 1 else [0]
    out = []
    for i in picks:
        cx = x(times[i])
        text = times[i].strftime(fmt)
        half = len(text) * CHAR_W / 2
        anchor = "start" if cx - half < lo else ("end" if cx + half > hi else "middle")
        out.append(f'<text class="tick" x="{cx:.1f}" y="{baseline}" text-anchor="{anchor}">{text}</text>')
    return out


def _when(t: datetime) -> str:
    return f"{t:%Y-%m-%d %H:%M} UTC"


def _counts(counts: Sequence[float] | None, n: int) -> list[float] | None:
    if counts is None:
        return None
    vals = [float(c) if c is not None and math.isfinite(float(c)) else 0.0 for c in list(counts)[:n]]
    return vals + [0.0] * (n - len(vals))


def _shares(counts: Sequence[float] | None, n: int) -> list[float] | None:
    vals = _counts(counts, n)
    if vals is None:
        return None
    total = sum(vals)
    return [v / total if total else 0.0 for v in vals]


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _middle(text: str, n: int) -> str:
    """Shortened in the middle: categories often differ at the end (`plan_2023_q1`, `plan_2023_q2`).

    >>> _middle("category_with_a_long_name_07", 16)
    'categor…_name_07'
    """
    if len(text) <= n:
        return text
    head = (n - 1) // 2
    return text[:head] + "…" + text[len(text) - (n - 1 - head):]
