"""A test's charts, each beside the panel that explains it. Decides what a chart draws: a drift
histogram with rounded bin labels; a history chart of the test's own metric (for a segmented test
the overall value, with its worst segments as lines of their own) or, for an anomaly test, of the
metric it watches with the band each run expected. The run the report is about is marked and
takes its own values from run_results.json (the history may not hold it: `--no-history`, or a later
re-run at the same `as_of`). Drawing is charts.py, the panels are panels.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from sqlmon.config.thresholds import parse_threshold
from sqlmon.errors import SqlmonError
from sqlmon.numbers import bin_labels
from sqlmon.report.charts import BandPoint, HistoryPoint, Line, histogram_svg, history_svg
from sqlmon.report.gather import ReportHistory, segment_key, worst_segments
from sqlmon.report.panels import anomaly_facts, drift_facts, metric_facts, segment_label, segment_table

if TYPE_CHECKING:
    from sqlmon.history import SeriesPoint

FLAGGED = ("warn", "fail")


def anomaly_marks(results: list[dict[str, Any]], hist: ReportHistory, run_at: datetime | None) -> dict[str, set]:
    """unique_id -> the `as_of` values where an anomaly test on it said warn/fail (this run included)."""
    marks: dict[str, set] = {}
    for r in results:
        of = (r.get("details") or {}).get("of")
        if r.get("test_type") != "anomaly" or not of:
            continue
        flagged = marks.setdefault(of, set())
        flagged.update(p.as_of for p in hist.series.get(r["unique_id"], []) if p.status in FLAGGED)
        if run_at is not None and r.get("status") in FLAGGED:
            flagged.add(run_at)
    return marks


@dataclass
class RunView:
    """What every test's figures share: the run (its `as_of`, id, results by id) and its history."""
    hist: ReportHistory
    run_at: datetime | None
    invocation: str | None
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    marks: dict[str, set] = field(default_factory=dict)       # anomaly_marks


def figures(r: dict[str, Any], view: RunView) -> tuple[list[str], bool]:
    """The HTML blocks of a result, and whether its plotted history holds trouble (then it opens)."""
    hist, run_at, marks, invocation = view.hist, view.run_at, view.marks, view.invocation
    blocks = []
    uid, d = r["unique_id"], r.get("details") or {}
    hist_data = d.get("histogram")
    if isinstance(hist_data, dict) and isinstance(hist_data.get("bins"), list):
        raw = [str(b) for b in hist_data["bins"]]
        labels = bin_labels(raw) if d.get("kind") in ("numeric", "discrete") else raw
        chart = histogram_svg(labels, hist_data.get("reference"), hist_data.get("current"), uid, tips=raw)
        blocks.append(_pair(f"<figure><figcaption>reference vs current (share of rows)</figcaption>{chart}</figure>",
                            drift_facts(r)))
    of = d.get("of") if r.get("test_type") == "anomaly" else None
    if of:
        watched = view.by_id.get(of)
        own = (d.get("value"), (watched or {}).get("status", r["status"])) if d.get("value") is not None else None
        points = _points(hist.series.get(of, []), run_at, own, invocation, marks.get(of, set()))
        band = _band(hist.anomaly.get(uid, []), r, run_at)
        side, lines, caption = anomaly_facts(r, watched), [], f"{of} history, expected band shaded, anomalies ringed"
        warn = error = None
    else:
        segmented = isinstance(d.get("segments"), list)
        metric = d.get("overall") if segmented and "overall" in d else r.get("metric")
        points = _points(hist.series.get(uid, []), run_at, (metric, r["status"]), invocation,
                         marks.get(uid, set()))
        lines = _segment_lines(r, hist.segments.get(uid, {}), run_at, invocation) if segmented else []
        band = []
        flagged = sum(1 for p in points if p.status in FLAGGED)
        side = segment_table(r) if segmented else metric_facts(r, len(points), flagged)
        caption = "overall and worst segments" if lines else "metric history"
        warn, error = _value(r.get("warn_if")), _value(r.get("error_if"))
    runs_drawn = {p.as_of for p in (*points, *(q for line in lines for q in line.points)) if p.value is not None}
    if len(runs_drawn) >= 2:        # one run alone is no history
        chart = history_svg(points, warn, error, uid, run_at=run_at, band=band, lines=lines)
        blocks.append(_pair(f"<figure><figcaption>{escape(caption)} ({len(points)} runs)</figcaption>{chart}</figure>",
                            side))
    elif not of and isinstance(d.get("segments"), list):
        blocks.append(_pair("", side))          # no history yet: the segments still deserve their table
    troubled = any(p.anomaly or p.status in FLAGGED for p in points)
    return blocks, troubled


def _pair(figure: str, side: str) -> str:
    return f'<div class="pair">{figure or "<div></div>"}{side}</div>'


def _points(series: list["SeriesPoint"], run_at: datetime | None, own: tuple[Any, str] | None,
            invocation: str | None, anomalies: set) -> list[HistoryPoint]:
    """The series before the run, then the run's own point: from its results (authoritative: the
    history may lack it, or hold a later re-run at the same `as_of`), else the history's row of
    this very run."""
    pts = [(p.as_of, p.metric, p.status) for p in series if run_at is None or p.as_of < run_at or
           (own is None and p.as_of == run_at and p.invocation_id == invocation)]
    if run_at is not None and own is not None:
        pts.append((run_at, _num(own[0]), own[1]))
    return [HistoryPoint(a, m, s, a in anomalies, a == run_at) for a, m, s in sorted(pts, key=lambda p: p[0])]


def _band(series: list["SeriesPoint"], r: dict[str, Any], run_at: datetime | None) -> list[BandPoint]:
    """Each run's expected band, from the anomaly test's own recorded details (this run's from its
    result)."""
    by_time = {p.as_of: p.details or {} for p in series if run_at is None or p.as_of < run_at}
    if run_at is not None:
        by_time[run_at] = r.get("details") or {}
    out = []
    for at, d in sorted(by_time.items()):
        expected = d.get("expected") if isinstance(d.get("expected"), dict) else {}
        out.append(BandPoint(at, _num(d.get("median")), _range(expected.get("warn")), _range(expected.get("error"))))
    return out


def _segment_lines(r: dict[str, Any], stored: dict[str, list["SeriesPoint"]], run_at: datetime | None,
                   invocation: str | None) -> list[Line]:
    """The worst segments of this run over the same runs; this run's values from its details."""
    now = {segment_key(s.get("segment")): s for s in (r.get("details") or {}).get("segments") or []
           if isinstance(s, dict)}
    lines = []
    for segment in worst_segments(r):
        key = segment_key(segment)
        mine = now.get(key, {})
        own = (mine.get("metric"), str(mine.get("status") or "pass")) if mine else None
        points = _points(stored.get(key, []), run_at, own, invocation, set())
        lines.append(Line(segment_label(segment), points))
    return lines


def _range(pair: Any) -> tuple[float, float] | None:
    if isinstance(pair, (list, tuple)) and len(pair) == 2:
        lo, hi = _num(pair[0]), _num(pair[1])
        if lo is not None and hi is not None:
            return (min(lo, hi), max(lo, hi))
    return None


def _num(v: Any) -> float | None:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
        return float(v)
    return None


def _value(text: Any) -> float | None:
    if not text:
        return None
    try:
        return parse_threshold(str(text)).value
    except SqlmonError:
        return None


__all__ = ["RunView", "anomaly_marks", "figures"]
