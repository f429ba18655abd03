"""Segments of a test: which columns (``segments: [col, ...]``; the test's own list wins over the
monitor's, ``segments: []`` on a test switches them off), resolved against the warehouse schema,
and the guards on how many are judged. Judging them is :mod:`sqlmon.judge.segments`; running the
current and reference windows side by side is :func:`sqlmon.requests.lockstep`.

Segment values are the group values of a grouped ``Aggregates`` request (``g0``, ``g1``, ...), so
the per-segment numbers come from the same scan as every other grouped measure of the monitor.
"""
from __future__ import annotations

from pydantic import Field
from sqlglot import exp

from sqlmon.errors import CompileError, did_you_mean
from sqlmon.judge.segments import MAX_SEGMENTS, MIN_SEGMENT_ROWS
from sqlmon.sql import column
from sqlmon.testtypes.base import Params, TestContext


class SegmentParams(Params):
    """Guards for `segments:`: judge at most `max_segments` segments (largest first), each with
    at least `min_segment_rows` rows that the metric can judge."""

    min_segment_rows: int = Field(MIN_SEGMENT_ROWS, ge=1)
    max_segments: int = Field(MAX_SEGMENTS, ge=1)


def segment_columns(ctx: TestContext, own_only: bool = False) -> list[str]:
    """The segment column names (as the warehouse spells them) for this test. The monitor's
    `segments:` feed its model-quality tests; other tests segment only when they say so
    (`own_only`), so adding segments for the model does not multiply every data check."""
    names = ctx.test.segments if ctx.test.segments is not None or own_only else ctx.monitor.segments
    out = []
    for name in names or []:
        col = ctx.columns.get(str(name).lower())
        if col is None:
            raise CompileError(f"unknown segment column '{name}' in {ctx.monitor.relation}",
                               location=ctx.test.location,
                               hint=did_you_mean(str(name), ctx.column_names())
                               or f"columns: {', '.join(ctx.column_names()[:20])}")
        out.append(col.name)
    return out


def segment_exprs(names: list[str]) -> tuple[exp.Expression, ...]:
    return tuple(column(n) for n in names)


__all__ = ["SegmentParams", "segment_columns", "segment_exprs"]
