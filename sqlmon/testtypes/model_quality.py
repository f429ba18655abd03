"""Model-quality test types: one per metric of :data:`sqlmon.judge.model_metrics.METRICS`, plus `error_quantile`.

Each reads the monitor's `model:` block (task, prediction, score, label, decision_threshold,
positive). The warehouse returns counts and sums only (:mod:`.model_sources`); Python finishes
the formula (:mod:`sqlmon.judge.model_metrics`). Ungrouped measures fuse with the monitor's other tests into
one scan; score histograms, calibration bins and the multiclass confusion matrix are grouped
requests shared by every test that needs them.

Rules (README "Model-quality tests"):

* Rows with a NULL label are counted (``details.unlabelled``) and excluded. Fewer than
  ``min_labelled`` judged rows (default 100) -> ``skipped`` with the reason.
* An undefined metric (precision with no positive predictions, AUC with one class, R² of a
  constant label, ...) -> ``skipped``, metric null, the reason in the message. Scores outside
  [0, 1] (or NaN) -> ``error`` naming the score column, for every score-based metric.
* ``segments:`` -> every segment judged with the test's thresholds; see :mod:`sqlmon.judge.segments`.
* ``compare: reference`` -> current - reference (or ratio), overall and per segment.
"""
from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

import sqlmon.judge.model_metrics as q
from sqlmon.columns import STRING
from sqlmon.config.specs import MonitorSpec
from sqlmon.errors import CompileError, ConfigError, did_you_mean
from sqlmon.judge import noise
from sqlmon.judge.evaluate import compare_windows
from sqlmon.judge.segments import Segment, compare_segments, judge_segments
from sqlmon.requests import lockstep
from sqlmon.results import Outcome
from sqlmon.testtypes.base import Run, TestContext, TestType
from sqlmon.testtypes.model_sources import SOURCES, Collected, Model, Source, judged_rows, model_of
from sqlmon.testtypes.model_sources import collect as collect_answers
from sqlmon.testtypes.model_versus import METRICS as VERSUS_METRICS
from sqlmon.testtypes.model_versus import versus_name, versus_run
from sqlmon.testtypes.segments import SegmentParams, segment_columns, segment_exprs

MIN_LABELLED = 100
AUC_BINS = 100_000          # measured: README "Model-quality tests"
SEGMENT_AUC_BINS = 10_000   # per segment: the grouped answer stays <= segments x bins rows


class ModelParams(SegmentParams):
    min_labelled: int = Field(MIN_LABELLED, ge=0)
    model: str | None = None             # which of the monitor's `models:` (default: its first, or `model:`)
    versus: str | None = None            # compare with this model on the same rows (sqlmon.testtypes.model_versus)
    min_difference: float = Field(0.01, ge=0)     # with `versus`: how much worse is a verdict


class AveragedParams(ModelParams):
    average: Literal["macro", "micro", "weighted"] | None = None   # multiclass only; default macro


class AucParams(ModelParams):
    bins: int = Field(AUC_BINS, ge=10, le=10_000_000)
    segment_bins: int = Field(SEGMENT_AUC_BINS, ge=10, le=1_000_000)


class CalibrationParams(ModelParams):
    bins: int = Field(q.CALIBRATION_BINS, ge=2, le=1000)


class ErrorQuantileParams(ModelParams):
    q: float = Field(ge=0, le=1)


ERROR_QUANTILE = q.MetricSpec("error_quantile", (q.REGRESSION,), q.abs_error_quantile, "lower_is_better",
                              "quantile `q` of |pred - label| (linear interpolation, per-engine macro)",
                              "RegressionSums")
SCORE_AGGREGATES = ("ScoreSums", "ScoreHistogram", "CalibrationBins")
DEFAULT_THRESHOLDS = {"roc_auc": {"warn_if": "< 0.5"}, "r2": {"warn_if": "< 0"}}


def metrics_for(task: str) -> list[str]:
    return [s.name for s in (*q.METRICS.values(), ERROR_QUANTILE) if task in s.tasks]


def check_model(name: str, spec: q.MetricSpec, monitor: MonitorSpec, params: BaseModel, location: str) -> None:
    """Configuration errors that need no warehouse: no `model:`, wrong task, missing keys, a model
    name that `models:` does not declare, a `versus:` that cannot be compared."""
    for key in ("model", "versus"):
        wanted = getattr(params, key, None)
        if wanted is not None and wanted not in monitor.models:
            declared = list(monitor.models)
            raise ConfigError(f"test '{name}' names model '{wanted}' (`{key}:`), which monitor '{monitor.name}' does "
                              "not declare", location=location,
                              hint=did_you_mean(wanted, declared) or (f"declared models: {', '.join(declared)}" if declared
                                   else "declare them: `models: {champion: {score: ...}, challenger: {score: ...}}`"))
    versus = getattr(params, "versus", None)
    if versus is not None:
        check_versus(name, monitor, params, location)
        check_model(name, spec, monitor, params.model_copy(update={"model": versus, "versus": None}), location)
    elif "min_difference" in getattr(params, "model_fields_set", ()):
        raise ConfigError(f"`min_difference` is for a comparison (`versus:`); test '{name}' compares nothing",
                          location=location, hint="remove `min_difference`, or add `versus: <model>`")
    model = monitor.model_named(getattr(params, "model", None))
    example = "model: {task: binary_classification, score: <probability column>, label: <label column>}"
    if model is None:
        raise ConfigError(f"test '{name}' needs a `model:` block on monitor '{monitor.name}'", location=location,
                          hint=f"add `{example}` to the monitor")
    if model.task not in spec.tasks:
        raise ConfigError(f"test '{name}' is a {' / '.join(spec.tasks)} metric, but monitor '{monitor.name}' "
                          f"has `model.task: {model.task}`", location=location,
                          hint=f"{model.task} metrics: {', '.join(metrics_for(model.task))}")
    if spec.aggregate in SCORE_AGGREGATES:
        needs = ("label", "score")
    elif model.task == q.BINARY and model.score is not None:
        needs = ("label",)              # with only a score: predicted positive = score >= threshold
    else:
        needs = ("label", "prediction")
    for key in needs:
        if getattr(model, key) is None:
            raise ConfigError(f"test '{name}' needs `model.{key}` on monitor '{monitor.name}'", location=location,
                              hint=f"add `{key}: <column>` to the monitor's `model:` block")
    if getattr(params, "average", None) is not None and model.task != q.MULTICLASS:
        raise ConfigError(f"`average` applies to multiclass models; monitor '{monitor.name}' is "
                          f"{model.task}", location=location, hint="remove `average:`")


class ModelQualityTest(TestType):
    """Base of the model-quality test types; a subclass only sets `name` and `spec`."""

    level = "table"
    Params: ClassVar[type[BaseModel]] = ModelParams
    spec: ClassVar[q.MetricSpec]
    segmentable = True
    labelled = True

    @classmethod
    def validate_params(cls, params: dict[str, Any], column: str | None, monitor: MonitorSpec,
                        location: str, source: str, root: Any, path: tuple) -> BaseModel:
        p = super().validate_params(params, column, monitor, location, source, root, path)
        check_model(cls.name, cls.spec, monitor, p, location)
        return p

    @classmethod
    def default_name(cls, params: BaseModel) -> str:
        return versus_name(cls.name, getattr(params, "model", None), getattr(params, "versus", None))

    def source(self, task: str) -> Source:
        kinds = self.spec.aggregate.split("|")
        return SOURCES["MulticlassCounts" if task == q.MULTICLASS and "MulticlassCounts" in kinds else kinds[0]]

    def compute(self, agg: Any, ctx: TestContext) -> q.Metric:
        if self.spec is ERROR_QUANTILE:
            return q.abs_error_quantile(agg, ctx.params.q)
        if isinstance(agg, q.MulticlassCounts) and self.name != "accuracy":
            return self.spec.function(agg, average=ctx.params.average or "macro")
        return self.spec.function(agg)

    def outcome(self, ctx: TestContext, agg: Any, scalar: dict[str, Any], min_labelled: int) -> Outcome:
        m = self.compute(agg, ctx)
        n = judged_rows(agg)
        unlabelled, rows = int(scalar.get("unlabelled") or 0), int(scalar.get("rows") or 0)
        details = {**m.details, "rows": rows, "unlabelled": unlabelled, "judged": n}
        if ctx.monitor.model is not None and ctx.monitor.model.label_delay:     # which window: said
            details["label_delay"] = ctx.monitor.model.label_delay
        if m.error:
            return Outcome(None, details, m.reason or "invalid data", status="error")
        if n < min_labelled:
            why = f"{n} labelled rows to judge, fewer than min_labelled = {min_labelled}"
            why += f" ({unlabelled} rows still have a NULL label)" if unlabelled else ""
            why += f"; {m.reason}" if m.value is None and n else ""
            return Outcome(None, details, why, status="skipped")
        if m.value is None:
            return Outcome(None, details, f"{self.name} is undefined: {m.reason}", status="skipped")
        tail = f" ({unlabelled} unlabelled rows excluded)" if unlabelled else ""
        of = share_of(self.name, agg)
        if of:
            details["sampling"] = noise.binomial(of)      # a share of `of` rows: known sampling noise
        return Outcome(m.value, details, f"{self.name} = {m.value:.6g} on {n} labelled rows{tail}")

    def window(self, ctx: TestContext, model: Model, src: Source, names: list[str], total: Collected,
               per: dict[tuple, Collected]) -> tuple[Outcome, list[Segment]]:
        overall = self.outcome(ctx, src.read(total, model, ctx), total.scalar, ctx.params.min_labelled)
        segments = []
        for key, c in per.items():
            agg = src.read(c, model, ctx, segment=True)
            segments.append(Segment(dict(zip(names, key)), self.outcome(ctx, agg, c.scalar, 0), judged_rows(agg)))
        return overall, segments

    def run(self, ctx: TestContext) -> Run:
        if ctx.params.versus is not None:
            if ctx.test.compare or segment_columns(ctx):
                raise ConfigError("`versus:` compares two models overall in the current window; it does not combine "
                                  "with `compare: reference` or segments", location=ctx.test.location,
                                  hint="remove `compare:`, and add `segments: []` when the monitor has segments")
            first = next(iter(ctx.monitor.models))
            names = (ctx.params.versus, ctx.params.model or first)
            return (yield from versus_run(ctx, self.name, model_of(ctx, names[0]), model_of(ctx, names[1]), names))
        model = model_of(ctx)
        label = ctx.columns[model.label.lower()]
        if model.task == q.BINARY and label.kind == STRING and not isinstance(model.positive, str):
            raise CompileError(f"label column '{model.label}' is {label.type}: say which value is positive",
                               location=ctx.test.location, hint="add `positive: <label value>` to the `model:` block")
        names = segment_columns(ctx)
        segs = segment_exprs(names)
        src = self.source(model.task)
        scalar, parts = src.scalar(model, ctx), src.parts(model, ctx)
        scopes = [ctx.current]
        if ctx.test.compare:
            if ctx.reference is None:
                raise ConfigError(f"`compare: reference` needs a `reference:` window on monitor "
                                  f"'{ctx.monitor.name}'", location=ctx.test.location)
            scopes.append(ctx.reference)
        got = yield from lockstep([collect_answers(s, segs, scalar, parts) for s in scopes])
        windows = [self.window(ctx, model, src, names, total, per) for total, per in got]
        overall, segments = windows[0]
        if len(windows) == 2:
            how = ctx.test.compare
            ref_overall, ref_segments = windows[1]
            overall = compare_windows(overall, ref_overall, how)
            segments = compare_segments(segments, ref_segments, how)
        if not names:
            return overall
        return judge_segments(ctx, overall, segments, self.spec.direction)


# Metrics that are a share of rows (binomial), by the rows they are a share of.
SHARE_OF = {"accuracy": lambda c: c.n_judged, "positive_rate": lambda c: c.n_judged,
            "label_rate": lambda c: c.n_judged, "precision": lambda c: c.tp + c.fp,
            "recall": lambda c: c.tp + c.fn, "fnr": lambda c: c.tp + c.fn, "fpr": lambda c: c.fp + c.tn}


def share_of(metric: str, agg: Any) -> int:
    """The rows a binary metric (or multiclass accuracy) is a share of; 0 when it is no share."""
    binary = isinstance(agg, q.BinaryCounts) or (metric == "accuracy" and isinstance(agg, q.MulticlassCounts))
    return int(SHARE_OF[metric](agg)) if binary and metric in SHARE_OF else 0


def check_versus(name: str, monitor: MonitorSpec, params: Any, location: str) -> None:
    """What a comparison cannot be: with itself, or on a metric without a paired test (per segment
    and against the reference window are refused when it runs: those keys are the test's own)."""
    own = params.model or next(iter(monitor.models))
    if params.versus == own:
        raise ConfigError(f"test '{name}' compares model '{own}' with itself", location=location,
                          hint="set `model:` to the challenger and `versus:` to the champion")
    if name not in VERSUS_METRICS:
        raise ConfigError(f"test '{name}' has no paired comparison (`versus:`)", location=location,
                          hint=f"compare with one of: {', '.join(VERSUS_METRICS)}")


PARAMS = {"precision": AveragedParams, "recall": AveragedParams, "f1": AveragedParams,
          "roc_auc": AucParams, "pr_auc": AucParams, "calibration_error": CalibrationParams,
          "error_quantile": ErrorQuantileParams}


def _test_type(spec: q.MetricSpec) -> type[ModelQualityTest]:
    thresholds = DEFAULT_THRESHOLDS.get(spec.name, {})
    return type(f"ModelQuality_{spec.name}", (ModelQualityTest,), {
        "name": spec.name, "spec": spec, "Params": PARAMS.get(spec.name, ModelParams),
        "metric": spec.formula, "warn_if": thresholds.get("warn_if"), "error_if": thresholds.get("error_if"),
        "__doc__": f"{spec.name}: {spec.formula} ({', '.join(spec.tasks)})."})


TYPES: list[type[TestType]] = [_test_type(s) for s in (*q.METRICS.values(), ERROR_QUANTILE)]

__all__ = ["AUC_BINS", "MIN_LABELLED", "ModelQualityTest", "TYPES", "metrics_for"]
