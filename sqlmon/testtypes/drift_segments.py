"""`segments:` on drift tests: each segment's current window against the same segment's reference,
on the overall reference's bins (edges or categories), so every segment is judged on one scale.

One round after the overall comparison: the histogram pass grouped by the segment columns over
the whole reference window and the current window (numeric: the same cumulative counts at the
overall edges, fused with the window's other grouped aggregates; categorical/boolean: counts per
segment and value). The reference side reads the full window, not the profile sample, so a
segment's counts are exact; a pinned or cached baseline still fixes the bins.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmon.columns import ColumnInfo
from sqlmon.errors import CompileError
from sqlmon.judge.binning import Histogram, categorical_histogram
from sqlmon.judge.segments import Segment
from sqlmon.judge.verdict import compare_histograms
from sqlmon.results import Outcome
from sqlmon.testtypes.base import Run, TestContext
from sqlmon.testtypes.drift_passes import Baseline, NumericPasses
from sqlmon.testtypes.segments import segment_exprs

ROW_LIMIT = 200_000     # segment x value rows fetched per window (categorical)


def drift_segments(ctx: TestContext, col: ColumnInfo, kind: str, base: Baseline, names: list[str],
                   judge_pair: Callable[[Histogram, Histogram], Outcome]) -> Run:
    """Per-segment Outcomes (each from `judge_pair(reference, current)`), one round."""
    segs = segment_exprs(names)
    if kind == "numeric":
        passes = NumericPasses(ctx, col, base.profile.n_bins)
        ref_rows, cur_rows = yield [passes.histogram_request(base.profile, s.grouped(*segs))
                                    for s in (ctx.reference, ctx.current)]
        ref = {_key(r, names): passes.histogram(r, base.profile, std=base.profile.std) for r in ref_rows or []}
        cur = {_key(r, names): passes.histogram(r, base.profile) for r in cur_rows or []}
    else:
        quoted = ctx.macros.quote(col.name, "category_counts_by_segment")
        answers = yield [ctx.query("category_counts_by_segment", s, column=quoted, segments=names, limit=ROW_LIMIT)
                         for s in (ctx.reference, ctx.current)]
        if any(len(a) >= ROW_LIMIT for a in answers):
            raise CompileError(f"drift of '{col.name}' by {', '.join(names)}: more than {ROW_LIMIT:,} segment and "
                               "value combinations", location=ctx.test.location,
                               hint="segment by fewer or coarser columns, or drop `segments:` from this test")
        ref = {k: _categories(v, base, reference=True) for k, v in _by_segment(answers[0], names).items()}
        cur = {k: _categories(v, base, reference=False) for k, v in _by_segment(answers[1], names).items()}
    out = []
    for key, current in cur.items():
        reference = ref.get(key)
        outcome = (Outcome(None, {}, "segment not in the reference window", status="skipped") if reference is None
                   else judge_pair(reference, current))
        out.append(Segment(dict(zip(names, key)), outcome, int(current.n)))
    return out


def _key(row: dict[str, Any], names: list[str]) -> tuple:
    return tuple(row[f"g{i}"] for i in range(len(names)))


def _by_segment(rows: list[dict[str, Any]], names: list[str]) -> dict[tuple, dict[Any, float]]:
    out: dict[tuple, dict[Any, float]] = {}
    for r in rows or []:
        out.setdefault(_key(r, names), {})[r["value"]] = float(r["n"])
    return out


def _categories(counts: dict[Any, float], base: Baseline, reference: bool) -> Histogram:
    """A segment's histogram on the overall categories: the kept values, then `other` (and `new`:
    values the overall reference never had, current side only; tested together with `other`)."""
    profile, null = base.profile, counts.get(None, 0.0)
    values = {v: n for v, n in counts.items() if v is not None}
    if profile.kind == "boolean":
        return categorical_histogram([values.get(False, 0.0), values.get(True, 0.0)], other=0, new=0, null=null,
                                     profile=profile, is_reference=False)
    kept = [values.get(v, 0.0) for v in profile.values]
    new = 0.0 if reference or base.values is None else sum(n for v, n in values.items() if v not in base.values)
    return categorical_histogram(kept, other=sum(values.values()) - sum(kept) - new, new=new, null=null,
                                 profile=profile, is_reference=False)


def pair_judge(ctx: TestContext, kind: str, method: str | None, threshold: float | None
               ) -> Callable[[Histogram, Histogram], Outcome]:
    """How one segment's pair of histograms becomes an Outcome: the overall test's method, and its
    thresholds when it has them, else its two-gate verdict."""
    thresholds_given = ctx.test.warn_if is not None or ctx.test.error_if is not None

    def judge_pair(ref: Histogram, cur: Histogram) -> Outcome:
        res = compare_histograms(ref, cur, kind, method, threshold)
        details = {"reference_count": ref.n, "current_count": cur.n, "stats": res.stats}
        if res.skipped:
            return Outcome(None, details, res.message, status="skipped")
        if res.metric is None:
            return Outcome(None, details, res.message, status="error")
        return Outcome(res.metric, details, res.message, verdict=None if thresholds_given else res.drifted)
    return judge_pair


__all__ = ["drift_segments", "pair_judge"]
