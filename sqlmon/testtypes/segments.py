"""Helpers any test type can use to judge a metric per segment and per window in one pass.

* :func:`lockstep` runs several request generators side by side, so the current and reference
  windows (``compare: reference``) ask their questions in the same rounds and fuse.
* :func:`segment_columns` resolves ``segments: [col, ...]`` (the test's own list wins over the
  monitor's; ``segments: []`` on a test switches them off) against the warehouse schema.
* :func:`judge_segments` judges every segment with the test's own thresholds and reduces them to
  one Outcome: the worst of the overall value and the segments' values, with the worst segments
  listed in ``details.segments``.

Segment values are the group values of a grouped ``Aggregates`` request (``g0``, ``g1``, ...), so
the per-segment numbers come from the same scan as every other grouped measure of the monitor.
"""
from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from sqlglot import exp

from ..errors import CompileError, did_you_mean
from ..evaluate import RANK, judge
from ..measures import Outcome
from ..sql import column
from .base import Params, TestContext

MIN_SEGMENT_ROWS = 100
MAX_SEGMENTS = 20
SHOWN_SEGMENTS = 10


class SegmentParams(Params):
    """Guards for `segments:`: judge at most `max_segments` segments (largest first), each with
    at least `min_segment_rows` rows that the metric can judge."""

    min_segment_rows: int = Field(MIN_SEGMENT_ROWS, ge=1)
    max_segments: int = Field(MAX_SEGMENTS, ge=1)


def lockstep(gens: list[Generator]) -> Generator[list[Any], list[Any], list[Any]]:
    """Drive request generators in parallel rounds; return their return values in order."""
    results: list[Any] = [None] * len(gens)
    live: dict[int, list[Any]] = {}
    for i, g in enumerate(gens):
        try:
            live[i] = list(next(g))
        except StopIteration as stop:
            results[i] = stop.value
    while live:
        order = list(live.items())
        answers = yield [r for _, reqs in order for r in reqs]
        live, pos = {}, 0
        for i, reqs in order:
            mine, pos = list(answers[pos:pos + len(reqs)]), pos + len(reqs)
            try:
                live[i] = list(gens[i].send(mine))
            except StopIteration as stop:
                results[i] = stop.value
    return results


def segment_columns(ctx: TestContext) -> list[str]:
    """The segment column names (as the warehouse spells them) for this test."""
    names = ctx.test.segments if ctx.test.segments is not None else ctx.monitor.segments
    out = []
    for name in names or []:
        col = ctx.columns.get(str(name).lower())
        if col is None:
            raise CompileError(f"unknown segment column '{name}' in {ctx.monitor.relation}",
                               where=ctx.test.location,
                               hint=did_you_mean(str(name), ctx.column_names())
                               or f"columns: {', '.join(ctx.column_names()[:20])}")
        out.append(col.name)
    return out


def segment_exprs(names: list[str]) -> tuple[exp.Expression, ...]:
    return tuple(column(n) for n in names)


@dataclass
class Segment:
    key: dict[str, Any]          # {segment column: value}
    outcome: Outcome
    rows: int                    # rows the metric judged in this segment


def badness(metric: float, direction: str, overall: float | None) -> float:
    """Larger = worse, to rank segments that share a status."""
    if direction == "higher_is_better":
        return -metric
    if direction == "lower_is_better":
        return metric
    if direction == "closer_to_zero" or overall is None:
        return abs(metric)
    return abs(metric - overall)


def _label(key: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


def judge_segments(ctx: TestContext, overall: Outcome, segments: list[Segment], direction: str
                   ) -> Outcome:
    """One Outcome from the overall value and each segment's (see module docstring).

    Segments with fewer than ``min_segment_rows`` judged rows, or beyond the ``max_segments``
    largest, are counted but not judged. The returned metric is the worst judged value
    (status first: fail, warn, pass; then the metric's direction), so the runner's thresholds
    give the test the status of its worst segment.
    """
    p = ctx.params
    min_rows = getattr(p, "min_segment_rows", MIN_SEGMENT_ROWS)
    max_n = getattr(p, "max_segments", MAX_SEGMENTS)
    names = list(segments[0].key) if segments else []
    ranked = sorted(segments, key=lambda s: -s.rows)
    eligible = [s for s in ranked if s.rows >= min_rows]
    judged_segs, beyond = eligible[:max_n], eligible[max_n:]
    listed = []
    for s in judged_segs:
        r = judge(ctx.test, s.outcome)
        listed.append({"segment": s.key, "metric": s.outcome.metric, "status": r.status,
                       "rows": s.rows, "message": s.outcome.message})
    details = {**overall.details, "overall": overall.metric, "segment_columns": names,
               "segments_total": len(segments), "segments_judged": len(judged_segs),
               "segments_below_min_rows": len(segments) - len(eligible),
               "segments_beyond_max": len(beyond), "min_segment_rows": min_rows}
    if overall.status or overall.metric is None:
        details["segments"] = listed[:SHOWN_SEGMENTS]
        return Outcome(overall.metric, details, overall.message, status=overall.status or "error")
    base = judge(ctx.test, overall).status

    def rank(item: dict) -> tuple:
        m = item["metric"]
        return (RANK[item["status"]], -badness(m, direction, overall.metric))

    scored = [s for s in listed if s["metric"] is not None and s["status"] in ("pass", "warn", "fail")]
    scored.sort(key=rank)
    unscored = [s for s in listed if s not in scored]
    details["segments"] = (scored + unscored)[:SHOWN_SEGMENTS]
    summary = f"{len(judged_segs)} of {len(segments)} segments judged"
    worst = scored[0] if scored else None
    if worst is None or rank(worst) >= rank({"metric": overall.metric, "status": base}):
        details["worst_segment"] = worst["segment"] if worst else None
        tail = f"; worst segment {_label(worst['segment'])}: {worst['metric']:.6g}" if worst else ""
        return Outcome(overall.metric, details, f"{overall.message} ({summary}{tail})")
    details["worst_segment"] = worst["segment"]
    return Outcome(worst["metric"], details,
                   f"worst segment {_label(worst['segment'])}: {worst['message']} "
                   f"(overall {overall.metric:.6g}; {summary})")


__all__ = ["SegmentParams", "Segment", "badness", "judge_segments", "lockstep", "segment_columns",
           "segment_exprs"]
