"""Tests that are one macro of named aggregates (`AggregateTest`), the failing-share kind of them
(`ShareTest`), and their `segments:`.

With `compare: reference` the same measures run on the reference window too and the judged metric
is current - reference (or current / reference). With `segments: [col, ...]` the same measures are
also asked per segment value, as a grouped request over the same window: every test of the run
with the same segment columns shares that one grouped scan (the planner fuses them), and each
segment is judged with the test's own thresholds (sqlmon.judge.segments).
"""
from __future__ import annotations

from typing import Any, ClassVar

from sqlglot import exp

from sqlmon.errors import ConfigError
from sqlmon.judge import noise
from sqlmon.judge.evaluate import compare_windows
from sqlmon.judge.segments import Segment, compare_segments, judge_segments
from sqlmon.numbers import share as share_text
from sqlmon.requests import Aggregates, Query, Scope
from sqlmon.results import Outcome
from sqlmon.testtypes.base import Run, TestContext, TestType
from sqlmon.testtypes.segments import SegmentParams, segment_columns, segment_exprs

ROWS = "sqlmon_rows"       # the rows of a segment, asked beside a grouped request's own measures


class AggregateTest(TestType):
    """One macro of named aggregates, one pass; `finish` turns the values into an Outcome."""

    macro: ClassVar[str]
    Params = SegmentParams
    segmentable = True

    def measure_args(self, ctx: TestContext) -> dict[str, Any]:
        return {}

    def finish(self, values: dict[str, Any], ctx: TestContext) -> Outcome:
        raise NotImplementedError

    def request(self, ctx: TestContext, scope: Scope) -> Aggregates | Query:
        """The measure macro over `scope` (fused with the other tests' aggregates)."""
        return ctx.aggregates(self.macro, scope, **self.measure_args(ctx))

    def segment_request(self, ctx: TestContext, scope: Scope, segments: tuple[exp.Expression, ...]) -> Aggregates | Query:
        """The same measures per segment: `scope` grouped by the segment columns, plus the rows of
        each segment (`min_segment_rows` reads them). Answer rows carry `g0`, `g1`, ... and the measures."""
        own = self.request(ctx, scope)
        if not isinstance(own, Aggregates):
            raise NotImplementedError(f"{self.name} has no per-segment request")
        return Aggregates(scope.grouped(*segments), {**own.measures, ROWS: exp.Count(this=exp.Star())})

    def values(self, answer: Any) -> dict[str, Any]:
        return answer

    def run(self, ctx: TestContext) -> Run:
        self.check_column(ctx)
        scopes = [ctx.current]
        if ctx.test.compare:
            if ctx.reference is None:
                raise ConfigError(f"`compare: reference` needs a `reference:` window on monitor '{ctx.monitor.name}'",
                                  location=ctx.test.location)
            scopes.append(ctx.reference)
        names = segment_columns(ctx, own_only=True)
        segs = segment_exprs(names)
        requests = [r for s in scopes for r in ([self.request(ctx, s)]
                                                 + ([self.segment_request(ctx, s, segs)] if names else []))]
        answers = yield requests
        step = 2 if names else 1
        windows = [(self.finish(self.values(answers[i]), ctx),
                    self.segments(answers[i + 1], names, ctx) if names else [])
                   for i in range(0, len(answers), step)]
        overall, segments = windows[0]
        if len(windows) == 2:
            how, (ref_overall, ref_segments) = ctx.test.compare, windows[1]
            overall = compare_windows(overall, ref_overall, how)
            segments = compare_segments(segments, ref_segments, how)
        if not names:
            return overall
        return judge_segments(ctx, overall, segments, direction_of(ctx))

    def segments(self, rows: Any, names: list[str], ctx: TestContext) -> list[Segment]:
        """One Segment per answer row: its key, its own Outcome, its rows."""
        out = []
        for row in rows or []:
            key = {n: row[f"g{i}"] for i, n in enumerate(names)}
            values = {k: v for k, v in row.items() if not (k.startswith("g") and k[1:].isdigit())}
            rows_in = int(values.get(ROWS, values.get("row_count")) or 0)
            out.append(Segment(key, self.finish(values, ctx), rows_in))
        return out


def direction_of(ctx: TestContext) -> str:
    """Which way a segment's metric is worse, from the test's thresholds: `> x` lines make higher
    worse, `< x` lines lower; other forms rank by distance from the overall value."""
    text = str(ctx.test.error_if or ctx.test.warn_if or "").strip()
    if text.startswith(">"):
        return "lower_is_better"
    if text.startswith("<"):
        return "higher_is_better"
    return "none"


class ShareTest(AggregateTest):
    """A test whose macro returns `failing_count` and `row_count`: the metric is the failing
    share, `failing` says what the failing rows do ("are NULL or missing"), and any failing row
    fails by default."""

    error_if: ClassVar[str | None] = "> 0"
    failing: ClassVar[str]

    def finish(self, values: dict[str, Any], ctx: TestContext) -> Outcome:
        return share(values["failing_count"], values["row_count"], self.failing)


def share(part: Any, whole: Any, what: str) -> Outcome:
    """A failing-row share; an empty window is `skipped`, never a silent 0."""
    part, whole = int(part or 0), int(whole or 0)
    details: dict[str, Any] = {"failing_rows": part, "rows": whole}
    if whole == 0:
        return Outcome(None, details, "no rows in the window", status="skipped")
    details["sampling"] = noise.binomial(whole)       # an anomaly test on it knows its noise
    return Outcome(part / whole, details, f"{part:,} of {whole:,} rows {what} ({share_text(part / whole)})")


__all__ = ["AggregateTest", "ROWS", "ShareTest", "direction_of", "share"]
