"""`anomaly`: is another test's metric in this run unusual for its own history?

Trends become tests: a row count, a NULL share, a mean, a PSI or an accuracy that has no sensible
fixed threshold still has a usual range. This test compares the referenced test's metric of THIS
run with its recorded history (the history store, one value per past `as_of`) by a noise-aware
robust z-score (sqlmon.judge.robust): the history's median and Qn spread, plus the sampling noise
the metric carries by construction when its test declares it (a share of n rows, a count, a mean
of n values: sqlmon.judge.noise), so a small share moving within its noise is not an anomaly.

    - anomaly: {of: row_count}                                   # a name in this monitor, or a unique_id
    - anomaly: {of: not_null, lookback: 60, seasonality: day_of_week, min_rel_change: 10%}

Metric: |z| (`direction: up` -> z, `down` -> -z), judged by `warn_if: "> <warn_sensitivity>"`
and `error_if: "> <error_sensitivity>"` (defaults 3 and 5; explicit warn_if/error_if win).
It is `skipped` (with the reason) while fewer than `min_history` past values exist, and `pass`
when the change is below `min_abs_change` or `min_rel_change` (share of |median|), so a metric
that barely moves (a NULL share going 0.001 -> 0.002) never alarms. Past values this anomaly test
judged warn or fail are left out of the baseline (`exclude_anomalies`), so one incident does not
widen the usual range and hide the next. The test runs in phase 1, after the test it reads.
"""
from __future__ import annotations

import math
import statistics
from datetime import timedelta
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, field_validator

from sqlmon.config.references import resolve_reference
from sqlmon.config.thresholds import parse_duration
from sqlmon.judge import noise
from sqlmon.judge.robust import Point, baseline, robust_z
from sqlmon.results import Outcome
from sqlmon.testtypes.base import Params, Run, TestContext, TestType

SEASON_FACTOR = {"none": 1, "day_of_week": 7, "hour_of_day": 24}


class AnomalyParams(Params):
    of: str
    lookback: int | str = 30
    min_history: int = Field(7, ge=1)
    seasonality: Literal["none", "day_of_week", "hour_of_day"] = "none"
    warn_sensitivity: float = Field(3.0, gt=0)
    error_sensitivity: float = Field(5.0, gt=0)
    min_abs_change: float = Field(0.0, ge=0)
    min_rel_change: float | str = 0.01     # a change under 1% of |median| never alarms (constant histories)
    direction: Literal["both", "up", "down"] = "both"
    exclude_anomalies: bool = True

    @field_validator("lookback")
    @classmethod
    def _lookback(cls, v: Any) -> int | str:
        if isinstance(v, bool) or (isinstance(v, int) and v < 1):
            raise ValueError("lookback is a number of runs (>= 1) or a span like '30 days'")
        if isinstance(v, str):
            try:
                parse_duration(v)
            except Exception:
                raise ValueError(f"bad lookback '{v}': write a number of runs (30) or a span ('30 days', "
                                 "'12 weeks')") from None
        return v

    @field_validator("min_rel_change")
    @classmethod
    def _share(cls, v: Any) -> float:
        text = str(v).strip()
        try:
            value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise ValueError(f"bad min_rel_change '{v}': write a share (0.1) or a percentage ('10%')") from None
        if value < 0:
            raise ValueError("min_rel_change must be >= 0")
        return value


class Anomaly(TestType):
    name, level, phase, compares = "anomaly", "any", 1, False
    Params = AnomalyParams
    warn_if, error_if = "> 3", "> 5"
    metric: ClassVar[str] = ("noise-aware robust z-score of the `of:` test's metric against its history: "
                             "(y - median) / sqrt(day-to-day spread² + sampling noise²), README \"Anomaly tests\" "
                             "(thresholds from `warn_sensitivity` 3 / `error_sensitivity` 5)")

    @classmethod
    def threshold_defaults(cls, params: dict[str, Any]) -> dict[str, Any]:
        warn, error = params.get("warn_sensitivity", 3), params.get("error_sensitivity", 5)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (warn, error)):
            return cls.defaults()      # validation reports the bad value with file:line
        return {"warn_if": f"> {warn:g}", "error_if": f"> {error:g}"}

    @classmethod
    def references(cls, params: BaseModel) -> list[str]:
        return [params.of]

    def run(self, ctx: TestContext) -> Run:
        return judge_anomaly(ctx)
        yield []  # pragma: no cover - a generator that needs no query


def judge_anomaly(ctx: TestContext) -> Outcome:
    p: AnomalyParams = ctx.params            # type: ignore[assignment]
    if ctx.results is None:                   # `sqlmon compile`: nothing to send
        return Outcome(None, {}, "judged from the history after the other tests; sends no SQL", status="skipped")
    results = ctx.results
    uid = resolve_reference(p.of, ctx.test, results)
    current = results[uid]
    details: dict[str, Any] = {"of": uid, "seasonality": p.seasonality, "lookback": p.lookback}
    if current.metric is None or current.status in ("error", "skipped"):
        return Outcome(None, details, f"{uid} is {current.status} in this run: no metric to compare", status="skipped")
    if ctx.history is None:
        return Outcome(None, details, "no history store (history is off)", status="skipped")
    # a segmented test's history line is its overall value (sqlmon.history.tables), so is this run's
    overall = current.details.get("overall") if "segment_columns" in (current.details or {}) else None
    x = float(overall if overall is not None else current.metric)
    sampling = noise.Sampling.of(current.details)
    details["value"] = x
    points = _history(ctx, p, uid, sampling is not None)
    base, excluded = baseline(points, ctx.as_of, p.seasonality, p.exclude_anomalies)
    if isinstance(p.lookback, int):
        base = base[-p.lookback:]
    details.update(history=len(base), excluded_anomalies=excluded)
    if len(base) < p.min_history:
        season = "" if p.seasonality == "none" else f" of the same {p.seasonality.replace('_of_', ' of ')}"
        return Outcome(None, details, f"only {len(base)} past values{season} in the history; "
                                      f"min_history is {p.min_history}", status="skipped")
    return assess(uid, x, sampling, base, p, details)


def assess(uid: str, x: float, sampling: noise.Sampling | None, base: list[Point], p: AnomalyParams,
           details: dict[str, Any]) -> Outcome:
    """The judgement of `x` against its baseline (min_history already met). Pure: the synthetic
    calm-weeks and incident targets in tests/test_anomaly.py drive it day by day."""
    # Each past value on the judging scale with its own sampling noise; a value recorded without
    # one (an older sqlmon, another model) is taken as sampled like this run's.
    past = [b.sampling if b.sampling is not None and sampling is not None and b.sampling.model == sampling.model
            else sampling for b in base]
    r = robust_z(noise.judged(x, sampling), [noise.judged(b.value, s) for b, s in zip(base, past)],
                 noise.variance(sampling), statistics.median(noise.variance(s) for s in past))
    median = statistics.median(b.value for b in base)
    change = x - median
    rel = abs(change) / abs(median) if median else (math.inf if change else 0.0)
    details.update(median=median, spread=r.spread, overdispersion=r.overdispersion, sampling_sd=r.sampling,
                   scale=r.scale, z=r.z, change=change, relative_change=rel if math.isfinite(rel) else None,
                   judged_on=noise.SCALES[sampling.model] if sampling else "the metric's own",
                   first=base[0].as_of.isoformat(), last=base[-1].as_of.isoformat())
    if sampling is not None:
        details["of_sampling"] = sampling.as_details()
    if r.scale > 0:      # the values this run would have passed at: the report draws it as a band
        details["expected"] = {name: [noise.original(r.median + sign * k * r.scale, sampling) for sign in (-1, 1)]
                               for name, k in (("warn", p.warn_sensitivity), ("error", p.error_sensitivity))}
    what = f"{uid} = {x:.6g} vs median {median:.6g} of {len(base)} past values"
    if abs(change) < p.min_abs_change or rel < p.min_rel_change:
        floor = "min_abs_change" if abs(change) < p.min_abs_change else "min_rel_change"
        return Outcome(_directed(r.z, p.direction), details,
                       f"{what}: change {change:+.6g} is below {floor}", verdict=False)
    if r.z is None:
        return Outcome(None, details, f"{what}: the history is constant, any change is an anomaly",
                       verdict=_alarming(change, p.direction))
    return Outcome(_directed(r.z, p.direction), details, f"{what}: robust z = {r.z:+.3g}{_noise_note(sampling)}")


def _noise_note(s: noise.Sampling | None) -> str:
    """What the z accounts for beside the history's spread, said in the message."""
    if s is None:
        return ""
    if s.model == "poisson":
        return " (with the sampling noise of a count)"
    return f" (with the sampling noise of a {'share of' if s.model == 'binomial' else 'mean of'} {s.n:,.0f} rows)"


def _history(ctx: TestContext, p: AnomalyParams, uid: str, with_sampling: bool) -> list[Point]:
    """Past values of the referenced test, each marked when this anomaly test flagged it."""
    if isinstance(p.lookback, int):
        since, limit = None, p.lookback * SEASON_FACTOR[p.seasonality] * 2 + 10
    else:
        since, limit = ctx.as_of - timedelta(seconds=parse_duration(p.lookback)), None
    # the run's stage only: a validation run's values never enter a production baseline
    stage = getattr(ctx.history, "stage", None)
    series = ctx.history.series(uid, before=ctx.as_of, since=since, limit=limit, details=with_sampling, stage=stage)
    if not series:
        return []
    flagged = {s.as_of for s in ctx.history.series(ctx.test.unique_id, before=ctx.as_of, since=series[0].as_of,
                                                   stage=stage) if s.status in ("warn", "fail")}
    return [Point(s.as_of, float(s.metric), s.as_of in flagged, noise.Sampling.of(s.details)) for s in series
            if s.metric is not None and s.status not in ("error", "skipped")]


def _directed(z: float | None, direction: str) -> float | None:
    if z is None:
        return None
    return abs(z) if direction == "both" else (z if direction == "up" else -z)


def _alarming(change: float, direction: str) -> bool:
    return direction == "both" or (change > 0) == (direction == "up")


TYPES = [Anomaly]
