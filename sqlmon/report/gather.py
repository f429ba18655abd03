"""What the report reads from the history for one run, in one place (html.py only draws).

Everything is cut at the run's `as_of`: the report of a backfill's day, of an `--as-of` run, or
`sqlmon report` re-rendering an older run never shows what was recorded after it. Read:
  - every test's (overall) series over the last `runs` recorded `as_of` values up to the run's;
  - each anomaly test's own results with their details: the band each past run expected;
  - each segmented test's worst segments (of this run) over the same span: lines of their own.
A history that cannot be read is a note on the page, never a failed report.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from sqlmon.errors import SqlmonError

if TYPE_CHECKING:
    from sqlmon.history import HistoryReader, SeriesPoint

WORST_LINES = 3       # segments drawn as lines of their own: more would hide the overall line


@dataclass
class ReportHistory:
    series: dict[str, list["SeriesPoint"]] = field(default_factory=dict)     # unique_id -> overall series
    anomaly: dict[str, list["SeriesPoint"]] = field(default_factory=dict)    # anomaly unique_id -> results with details
    segments: dict[str, dict[str, list["SeriesPoint"]]] = field(default_factory=dict)  # uid -> segment JSON -> series
    note: str = ""


def run_as_of(data: dict[str, Any]) -> datetime | None:
    """The run's `as_of` (aware UTC) from run_results.json's metadata, or None."""
    text = (data.get("metadata") or {}).get("as_of")
    try:
        value = datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def segment_key(segment: Any) -> str:
    """A segment as the history stores it: its key dict as JSON with sorted keys."""
    return json.dumps(segment, sort_keys=True)


def worst_segments(result: dict[str, Any], n: int = WORST_LINES) -> list[dict[str, Any]]:
    """The first `n` segments of a segmented result's `details.segments` (listed worst first)."""
    listed = (result.get("details") or {}).get("segments")
    if not isinstance(listed, list):
        return []
    return [s["segment"] for s in listed if isinstance(s, dict) and isinstance(s.get("segment"), dict)][:n]


def read_history(data: dict[str, Any], history: "HistoryReader | None", runs: int = 60) -> ReportHistory:
    out = ReportHistory()
    if history is None:
        return out
    as_of = run_as_of(data)
    stage = (data.get("metadata") or {}).get("stage")       # the run's stage's history only
    try:
        out.series = history.recent_until(as_of, runs, stage) if as_of is not None else history.recent(runs, stage)
        first = min((p.as_of for points in out.series.values() for p in points), default=None)
        if first is None:
            return out
        before = as_of + timedelta(microseconds=1) if as_of is not None else None     # `before` excludes
        for r in data.get("results", []):
            uid = r["unique_id"]
            if r.get("test_type") == "anomaly" and (r.get("details") or {}).get("of"):
                out.anomaly[uid] = history.series(uid, before=before, since=first, details=True, stage=stage)
            segments = worst_segments(r)
            if segments:
                out.segments[uid] = history.segment_series(uid, segments, since=first, before=before, stage=stage)
    except SqlmonError as err:
        out.note = f"history unavailable: {err.message}"
    return out


__all__ = ["ReportHistory", "WORST_LINES", "read_history", "run_as_of", "segment_key", "worst_segments"]
