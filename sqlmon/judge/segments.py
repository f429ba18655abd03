"""Judging a metric per segment: every segment with the test's own thresholds, reduced to one
Outcome -- the worst of the overall value and the segments' values, with the worst segments listed
in ``details.segments``. Pure; statuses come from :func:`sqlmon.judge.evaluate.judge`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmon.judge.evaluate import compare_windows, judge
from sqlmon.results import RANK, Outcome

MIN_SEGMENT_ROWS = 100
MAX_SEGMENTS = 20
SHOWN_SEGMENTS = 10
SEGMENT_DETAILS = ("stats", "reference_count", "current_count", "failing_rows")   # kept per listed segment


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


def compare_segments(segments: list[Segment], reference: list[Segment], how: Any) -> list[Segment]:
    """`compare: reference` per segment: each segment's current outcome against the same
    segment's reference outcome (a segment the reference lacks is `skipped`)."""
    ref = {tuple(s.key.values()): s.outcome for s in reference}
    missing = Outcome(None, {}, "segment not in the reference window", status="skipped")
    return [Segment(s.key, compare_windows(s.outcome, ref.get(tuple(s.key.values()), missing), how), s.rows)
            for s in segments]


def judge_segments(ctx: Any, overall: Outcome, segments: list[Segment], direction: str
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
    # largest first; equal sizes by key, so every engine (whose GROUP BY order differs) judges the same ones
    ranked = sorted(segments, key=lambda s: (-s.rows, json.dumps(s.key, sort_keys=True, default=str)))
    eligible = [s for s in ranked if s.rows >= min_rows]
    judged_segs, beyond = eligible[:max_n], eligible[max_n:]
    listed, verdicts = [], {}
    for s in judged_segs:
        r = judge(ctx.test, s.outcome)
        listed.append({"segment": s.key, "metric": s.outcome.metric, "status": r.status,
                       "rows": s.rows, "message": s.outcome.message,
                       **{k: s.outcome.details[k] for k in SEGMENT_DETAILS if k in s.outcome.details}})
        verdicts[id(listed[-1])] = s.outcome.verdict     # a test's own rule (drift's two gates) travels along
    # the judged metric may be a segment's: the overall value's sampling noise is not its own
    details = {**{k: v for k, v in overall.details.items() if k != "sampling"}, "overall": overall.metric, "segment_columns": names,
               "segments_total": len(segments), "segments_judged": len(judged_segs),
               "segments_below_min_rows": len(segments) - len(eligible),
               "segments_beyond_max": len(beyond), "min_segment_rows": min_rows}
    if overall.status or overall.metric is None:
        details["segments"] = listed[:SHOWN_SEGMENTS]
        return Outcome(overall.metric, details, overall.message, status=overall.status or "error")
    base = judge(ctx.test, overall).status
    details["overall_status"] = base

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
        return Outcome(overall.metric, details, f"{overall.message} ({summary}{tail})", verdict=overall.verdict)
    details["worst_segment"] = worst["segment"]
    return Outcome(worst["metric"], details,
                   f"worst segment {_label(worst['segment'])}: {worst['message']} "
                   f"(overall {overall.metric:.6g}; {summary})", verdict=verdicts[id(worst)])


__all__ = ["MAX_SEGMENTS", "MIN_SEGMENT_ROWS", "Segment", "badness", "compare_segments", "judge_segments"]
