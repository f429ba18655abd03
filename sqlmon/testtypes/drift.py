"""Drift test types: `drift` (a column), `prediction_drift` (the model's output) and
`dataset_drift` (the share of drifted feature columns).

The warehouse returns histograms (drift_passes); `stats.compare` judges them. Without a
threshold the verdict is the two-gate rule of DESIGN §6 (significant AND large); with
`warn_if`/`error_if` the chosen method's metric is judged by them.
"""
from __future__ import annotations

from pydantic import Field, field_validator

from sqlmon.columns import ColumnInfo
from sqlmon.errors import CompileError, ConfigError, did_you_mean
from sqlmon.judge.segments import judge_segments
from sqlmon.judge.verdict import METHODS, compare_histograms
from sqlmon.requests import lockstep
from sqlmon.results import Outcome
from sqlmon.testtypes.base import Params, Run, TestContext, TestType
from sqlmon.testtypes.drift_passes import (
    Baseline,
    CategoryPasses,
    NumericPasses,
    cached,
    definition_key,
    drift_kind,
    pinned,
    profile_key,
    remember,
    stored,
)
from sqlmon.testtypes.drift_segments import drift_segments, pair_judge
from sqlmon.testtypes.segments import SegmentParams, segment_columns


class DriftKeys(Params):
    method: str | None = None
    threshold: float | None = None
    bins: int = Field(default=20, ge=2, le=200)
    k: int = Field(default=50, ge=1, le=1000)
    kind: str | None = None
    refresh: bool = False

    @field_validator("method")
    @classmethod
    def _method(cls, v: str | None) -> str | None:
        if v is not None and v not in METHODS:
            raise ValueError(f"unknown drift method '{v}'; {did_you_mean(v, METHODS) or 'use one of ' + ', '.join(METHODS)}")
        return v

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str | None) -> str | None:
        if v is not None and v not in ("numeric", "categorical", "boolean"):
            raise ValueError("kind must be numeric, categorical or boolean")
        return v


class DriftParams(DriftKeys, SegmentParams):
    """A column's drift test: the drift keys and the guards of `segments:`."""


def column_drift(ctx: TestContext, col: ColumnInfo, p: DriftParams) -> Run:
    """Profile (unless cached), histograms of both windows, verdict -> Outcome for one column."""
    if ctx.reference is None:
        raise ConfigError(f"drift needs a `reference:` window on monitor '{ctx.monitor.name}'", location=ctx.test.location,
                          hint="add e.g. `reference: {previous: 7 days}` or `reference: {relation: main.training}`")
    kind = drift_kind(col, p.kind)
    if kind == "unsupported":
        raise CompileError(f"drift cannot bin column '{col.name}' of type {col.type}", location=ctx.test.location,
                           hint="set `kind: categorical` (or numeric) on the test, or cast the column in a view")
    key, dkey = profile_key(ctx, col, kind, p.bins, p.k), definition_key(ctx, col, kind, p.bins, p.k)
    base = None if p.refresh else (pinned(ctx, dkey) or cached(ctx, key) or stored(ctx, dkey, key))
    notes: list[str] = []
    if kind == "numeric":
        passes = NumericPasses(ctx, col, p.bins)
        if base is None:
            # The whole reference side (profile and histogram) reads the engine's seeded profile
            # sample: a two-sample test against up to 100,000 reference rows on DuckDB (the
            # same rows every run) loses nothing that the Wasserstein gate would flag.
            sample = passes.reference_sample()
            profile = yield from passes.profile_run(sample)
            ref_rows, cur_rows = yield from passes.histogram_run(profile, [sample, ctx.current],
                                                                 assume_finite=passes.sample_finite)
            base = Baseline(profile, passes.histogram(ref_rows, profile, std=profile.std), key=key)
        else:
            ref = base.histogram
            cur_rows, = yield from passes.histogram_run(base.profile, [ctx.current],
                                                        assume_finite=not (ref.nan or ref.posinf or ref.neginf))
        current = passes.histogram(cur_rows, base.profile)
    else:
        cat = CategoryPasses(ctx, col, kind, p.k)
        if base is None:
            ref_rows, cur_rows = yield [cat.counts_request(ctx.reference), cat.counts_request(ctx.current)]
            why = cat.id_like(ref_rows) if kind == "categorical" and p.kind is None else None
            if why:
                return Outcome(None, {}, f"{col.name}: {why}. Remove the test, or set `kind: categorical` "
                                         "to compare its top-k values anyway", status="error")
            base = cat.baseline(ref_rows)
            base.key = key
        else:
            cur_rows, = yield [cat.counts_request(ctx.current)]
        if base.values is None and kind == "categorical":
            notes.append("reference has too many values to list them all: unseen values count as `other`")
        current = cat.histogram(cur_rows, base)
    if base.window is None and base.key == key:     # read now (or cached from this definition): say from where
        base.window = ctx.windows["reference"].bounds() if "reference" in ctx.windows else None
    remember(ctx, key, base)
    stats_kind = base.profile.kind
    try:
        res = compare_histograms(base.histogram, current, stats_kind, p.method, p.threshold)
    except ValueError as err:
        raise ConfigError(str(err), location=ctx.test.location) from None
    details = {"column": col.name, "kind": stats_kind, "method": res.method, "threshold": res.threshold,
               "drifted": res.drifted, "stats": res.stats, "reference_count": base.histogram.n,
               "current_count": current.n, "bins": base.profile.n_bins,
               "histogram": {"bins": list(base.profile.labels), "reference": list(base.histogram.counts),
                             "current": list(current.counts)},
               "new_values": [str(v) for v in current.new_values[:20]],
               "profile": base.to_dict(), "profile_key": dkey, "pinned": base.key != key,
               # the window the reference counts come from: a pinned baseline's own, not the monitor's
               "reference_window": {**(base.window or {"relation": None, "start": None, "end": None}),
                                    "source": "pinned" if base.key != key else "monitor"}}
    message = res.message + ("; " + "; ".join(notes) if notes else "")
    if res.skipped:
        return Outcome(None, details, message, status="skipped")
    if res.metric is None:
        return Outcome(None, details, message, status="error")
    thresholds_given = ctx.test.warn_if is not None or ctx.test.error_if is not None
    overall = Outcome(res.metric, details, message, verdict=None if thresholds_given else res.drifted)
    names = segment_columns(ctx, own_only=True)
    if not names:
        return overall
    segments = yield from drift_segments(ctx, col, kind, base, names, pair_judge(ctx, stats_kind, p.method, p.threshold))
    return judge_segments(ctx, overall, segments, "lower_is_better")


class Drift(TestType):
    name = "drift"
    segmentable = True
    Params = DriftParams
    compares = False
    metric = ("the method's statistic; by default the effect size of the two-gate verdict (numeric: "
              "normalised Wasserstein, categorical/boolean/discrete: Jensen–Shannon distance)")

    def run(self, ctx: TestContext) -> Run:
        return (yield from column_drift(ctx, ctx.column, ctx.params))


class PredictionDrift(TestType):
    """Drift of the model's prediction column (or its score when there is no prediction)."""

    name, level = "prediction_drift", "table"
    Params = DriftParams
    segmentable = True
    compares = False
    metric = "as `drift`, on `model.prediction` (or `model.score`)"

    def run(self, ctx: TestContext) -> Run:
        model = ctx.monitor.model
        name = model and (model.prediction or model.score)
        if not name:
            raise ConfigError("prediction_drift needs `model: {prediction: ...}` (or `score:`) on the monitor",
                              location=ctx.test.location)
        col = ctx.columns.get(name.lower())
        if col is None:
            raise CompileError(f"unknown model column '{name}'", location=ctx.test.location,
                               hint=did_you_mean(name, ctx.column_names()))
        return (yield from column_drift(ctx, col, ctx.params))


class DatasetDriftParams(DriftKeys):
    columns: list[str] | None = None
    weights: dict[str, float] = {}


class DatasetDrift(TestType):
    """Share of drifted feature columns, every column judged by its own default verdict."""

    name, level = "dataset_drift", "table"
    Params = DatasetDriftParams
    error_if = ">= 0.5"
    compares = False
    metric = ("share of drifted columns (weighted with `weights:`); default columns: all but the "
              "timestamp, model columns and identifier-like names")

    def run(self, ctx: TestContext) -> Run:
        cols = self.feature_columns(ctx)
        if not cols:
            raise ConfigError("dataset_drift found no feature columns", location=ctx.test.location,
                              hint="list them with `columns: [...]`")
        col_params = DriftParams(method=ctx.params.method, threshold=ctx.params.threshold, bins=ctx.params.bins,
                                 k=ctx.params.k, refresh=ctx.params.refresh)
        # Each column is judged by the default verdict (or `method`), not by this test's share thresholds.
        sub = _without_thresholds(ctx)
        outcomes = yield from lockstep([column_drift(sub, c, col_params) for c in cols])
        per_column, weight_sum, drifted_weight = {}, 0.0, 0.0
        for c, o in zip(cols, outcomes):
            w = float(ctx.params.weights.get(c.name, 1.0))
            judged = o.status is None and o.verdict is not None
            status = o.status or ("fail" if o.verdict else "pass" if judged else None)
            per_column[c.name] = {"status": status, "metric": o.metric, "drifted": bool(judged and o.verdict),
                                  "method": o.details.get("method"), "message": o.message, "weight": w,
                                  "histogram": o.details.get("histogram")}
            if judged:
                weight_sum += w
                drifted_weight += w if o.verdict else 0.0
        if weight_sum == 0:
            return Outcome(None, {"columns": per_column}, "no column could be judged", status="skipped")
        share = drifted_weight / weight_sum
        drifted = sorted(c for c, d in per_column.items() if d["drifted"])
        # every column's baseline, so the history can hand it to the next process (and pin it)
        profiles = [{"column": c.name, "profile": o.details["profile"], "profile_key": o.details["profile_key"]}
                    for c, o in zip(cols, outcomes) if "profile" in o.details]
        return Outcome(share, {"columns": per_column, "drifted_columns": drifted, "judged": weight_sum,
                               "profiles": profiles},
                       f"{len(drifted)} of {sum(1 for d in per_column.values() if d['status'] in ('pass', 'fail'))} "
                       f"columns drifted" + (f": {', '.join(drifted[:10])}" if drifted else ""))

    @staticmethod
    def feature_columns(ctx: TestContext) -> list[ColumnInfo]:
        if ctx.params.columns:
            out = []
            for name in ctx.params.columns:
                col = ctx.columns.get(name.lower())
                if col is None:
                    raise CompileError(f"unknown column '{name}' in dataset_drift", location=ctx.test.location,
                                       hint=did_you_mean(name, ctx.column_names()))
                out.append(col)
            return out
        model = ctx.monitor.model
        in_reference = ctx.reference_columns or ctx.columns
        skip = {n.lower() for n in (ctx.monitor.timestamp, *(ctx.monitor.segments or []),
                                    *((model.prediction, model.score, model.label) if model else ())) if n}
        return [c for c in ctx.columns.values()
                if c.name.lower() in in_reference and c.name.lower() not in skip and not _id_like(c.name) and drift_kind(c, None) != "unsupported"]


def _id_like(name: str) -> bool:
    n = name.lower()
    return n == "id" or n.endswith("_id") or n.endswith("_key") or n == "uuid"


def _without_thresholds(ctx: TestContext) -> TestContext:
    from dataclasses import replace
    return replace(ctx, test=ctx.test.model_copy(update={"warn_if": None, "error_if": None}))


TYPES = [Drift, PredictionDrift, DatasetDrift]
