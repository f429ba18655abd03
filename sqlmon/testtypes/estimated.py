"""Estimated model-quality tests: `estimated_accuracy`, `estimated_precision`, `estimated_recall`,
`estimated_f1`, `estimated_roc_auc` -- the model's performance on the newest window before its
labels arrive (CBPE, sqlmon.judge.estimate).

One grouped request per window, fused with the window's other grouped aggregates: per score cell
(a fine score bin, split at the decision threshold) the rows, the labelled rows, the positives and
the score sums. The reference's labelled rows calibrate; the current window's rows (labelled or
not) are expected. Judged like the realised metric: thresholds, and `compare: reference` against
the reference's *realised* value (from the same cells). `skipped` with the reason when the
reference cannot calibrate (too few labelled rows: the rule is in sqlmon.judge.estimate).
"""
from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlglot import exp

import sqlmon.judge.model_metrics as q
import sqlmon.testtypes.model_sql as qs
from sqlmon.config.specs import MonitorSpec
from sqlmon.errors import ConfigError, did_you_mean
from sqlmon.judge.estimate import EXACT, Calibration, Cell, calibrate, expect, trapezoid_auc
from sqlmon.requests import Aggregates, Scope
from sqlmon.results import Outcome
from sqlmon.testtypes.base import Params, Run, TestContext, TestType
from sqlmon.testtypes.model_sources import model_of
from sqlmon.testtypes.model_versus import versus_name

FINE_BINS = 1000            # score cells per side of the threshold: the calibration merges them
SKIP_KEYS = ("score_out_of_range", "score_null")


class EstimatedParams(Params):
    min_labelled: int = Field(100, ge=0)        # labelled reference rows to calibrate on
    model: str | None = None                    # which of the monitor's `models:` (default: the first)


class EstimatedTest(TestType):
    """Base of the estimated test types; a subclass sets `name` and `estimates`."""

    level = "table"
    Params: ClassVar[type[BaseModel]] = EstimatedParams
    estimates: ClassVar[str]
    segmentable = False

    @classmethod
    def validate_params(cls, params: dict[str, Any], column: str | None, monitor: MonitorSpec,
                        location: str, source: str, root: Any, path: tuple) -> BaseModel:
        p = super().validate_params(params, column, monitor, location, source, root, path)
        if p.model is not None and p.model not in monitor.models:
            raise ConfigError(f"test '{cls.name}' names model '{p.model}', which monitor '{monitor.name}' does not "
                              "declare", location=location, hint=did_you_mean(p.model, list(monitor.models))
                              or "declare it under `models:`")
        model = monitor.model_named(p.model)
        if model is None or model.task != "binary_classification" or not model.score:
            raise ConfigError(f"test '{cls.name}' estimates a binary classifier's {cls.estimates} from its scores: "
                              f"monitor '{monitor.name}' needs `model: {{task: binary_classification, score: ..., "
                              "label: ...}}`", location=location)
        if monitor.reference is None:
            raise ConfigError(f"test '{cls.name}' calibrates on the reference window's labelled rows: monitor "
                              f"'{monitor.name}' has no `reference:`", location=location,
                              hint="add e.g. `reference: {previous: 28 days}` (a window whose labels are in)")
        return p

    @classmethod
    def default_name(cls, params: BaseModel) -> str:
        return versus_name(cls.name, getattr(params, "model", None), None)

    def run(self, ctx: TestContext) -> Run:
        m = model_of(ctx)
        ref_rows, cur_rows, ref_checks, cur_checks = yield [
            *(self.cells_request(ctx, m, s) for s in (ctx.reference, ctx.current)),
            *(Aggregates(s, _checks(m)) for s in (ctx.reference, ctx.current))]
        for name, checks in (("reference", ref_checks), ("current", cur_checks)):
            bad = int(checks.get("score_out_of_range") or 0)
            if bad:
                return Outcome(None, {}, f"column '{m.score}' has {bad} scores outside [0, 1] (or NaN) in the "
                                         f"{name} window", status="error")
        cells = _cells(ref_rows, cur_rows)
        labelled = sum(c.ref_labelled for c in cells)
        details: dict[str, Any] = {"estimated": self.estimates, "window": "current (labels not needed)",
                                   "reference_labelled": labelled, "current_rows": sum(c.cur_rows for c in cells),
                                   "score_null": int(cur_checks.get("score_null") or 0),
                                   "exact_expectation": self.estimates in EXACT}
        if labelled < ctx.params.min_labelled:
            return Outcome(None, details, f"the reference has {labelled:,.0f} labelled rows, fewer than "
                                          f"min_labelled = {ctx.params.min_labelled}: nothing to calibrate on",
                           status="skipped")
        cal = calibrate(cells)
        if isinstance(cal, str):
            return Outcome(None, details, cal, status="skipped")
        est = expect(cells, cal)
        value = est.metric(self.estimates)
        details.update(_described(cal, est, self.estimates), outside_reference_range=_outside(cells, cal))
        if value is None:
            return Outcome(None, details, f"{self.name} is undefined (no expected positives or negatives)",
                           status="skipped")
        kind = "an exact expectation" if self.estimates in EXACT else "a ratio of expectations"
        message = (f"{self.name} = {value:.4g} ± {est.standard_errors[self.estimates] or 0:.2g} on "
                   f"{details['current_rows']:,.0f} rows ({kind}, calibrated on {labelled:,.0f} labelled reference rows)")
        if details["outside_reference_range"] > 0.05:
            message += (f"; {details['outside_reference_range']:.0%} of the rows score outside the reference's "
                        "calibrated range, where the estimate is the nearest bin's")
        if not ctx.test.compare:
            return Outcome(value, details, message)
        realised = _realised(cells, self.estimates)
        details.update(reference_realised=realised)
        if realised is None:
            return Outcome(None, details, f"the reference's realised {self.estimates} is undefined", status="error")
        ratio = isinstance(ctx.test.compare, dict) and ctx.test.compare.get("reference") == "ratio"
        if ratio:
            if realised == 0:
                return Outcome(None, details, "reference value is 0: the ratio is undefined", status="error")
            return Outcome(value / realised, details, f"{message}; estimated/realised reference = "
                                                      f"{value:.4g}/{realised:.4g}")
        return Outcome(value - realised, details, f"{message}; estimated - realised reference = "
                                                  f"{value:.4g} - {realised:.4g}")

    @staticmethod
    def cells_request(ctx: TestContext, m: Any, scope: Scope) -> Aggregates:
        predicted = qs.predicted_positive(prediction=m.prediction, score=m.score, positive=m.positive,
                                          decision_threshold=m.decision_threshold)
        measures = qs.estimate_cell_measures(m.label, m.score, m.positive)
        return Aggregates(scope.grouped(qs.score_bin_expr(m.score, FINE_BINS), predicted), measures)


def _checks(m: Any) -> dict[str, exp.Expression]:
    sums = qs.logloss_brier_measures(m.label, m.score, m.positive)
    return {k: sums[k] for k in SKIP_KEYS}


def _cells(ref_rows: Any, cur_rows: Any) -> list[Cell]:
    """Cells in score order (bin, then below/above the threshold); rows with a NULL or invalid key
    (a NULL score or prediction) are not placed -- they are counted by the checks."""
    acc: dict[tuple[int, bool], dict[str, float]] = {}
    for side, rows in (("ref", ref_rows), ("cur", cur_rows)):
        for r in rows or []:
            b, pred = r["g0"], r["g1"]
            if b is None or pred is None or not 0 <= int(b) < FINE_BINS:
                continue
            cell = acc.setdefault((int(b), bool(pred)), {})
            if side == "ref":
                cell["ref_pos"] = float(r["pos"] or 0)
                cell["ref_labelled"] = float(r["labelled"] or 0)
                cell["ref_score"] = float(r["labelled_score_sum"] or 0)
            else:
                cell["cur_rows"] = float(r["rows"] or 0)
                cell["cur_score"] = float(r["score_sum"] or 0)
    return [Cell(pred, **v) for (b, pred), v in sorted(acc.items())]


def _realised(cells: list[Cell], metric: str) -> float | None:
    """The reference's realised metric from the same cells (its labelled rows)."""
    tp = sum(c.ref_pos for c in cells if c.predicted)
    fp = sum(c.ref_labelled - c.ref_pos for c in cells if c.predicted)
    fn = sum(c.ref_pos for c in cells if not c.predicted)
    tn = sum(c.ref_labelled - c.ref_pos for c in cells if not c.predicted)
    if metric == "roc_auc":
        return trapezoid_auc([c.ref_pos for c in cells], [c.ref_labelled - c.ref_pos for c in cells])
    counts = q.BinaryCounts(tp=int(tp), fp=int(fp), tn=int(tn), fn=int(fn))
    return q.METRICS[metric].function(counts).value


def _described(cal: Calibration, est: Any, metric: str) -> dict[str, Any]:
    return {"expected": {"tp": est.tp, "fp": est.fp, "tn": est.tn, "fn": est.fn},
            "standard_error": est.standard_errors.get(metric), "calibration_bins": len(cal.groups),
            "calibration_min_rows": cal.min_rows,
            "calibration": [{"score": c, "rate": r, "labelled": n} for c, r, n in zip(cal.centres, cal.rates,
                                                                                     cal.labelled)]}


def _outside(cells: list[Cell], cal: Calibration) -> float:
    """Share of current rows scored beyond the reference's first or last calibration bin centre."""
    total = sum(c.cur_rows for c in cells)
    lo, hi = cal.centres[0], cal.centres[-1]
    out = sum(c.cur_rows for c in cells if c.cur_rows and not lo <= c.cur_score / c.cur_rows <= hi)
    return out / total if total else 0.0


def _test_type(metric: str) -> type[EstimatedTest]:
    realised = "roc_auc" if metric == "roc_auc" else metric
    thresholds = {"roc_auc": {"warn_if": "< 0.5"}}.get(metric, {})
    return type(f"Estimated_{metric}", (EstimatedTest,), {
        "name": f"estimated_{metric}", "estimates": metric, "warn_if": thresholds.get("warn_if"),
        "metric": f"expected {realised} of the current window from its scores, calibrated on the reference (CBPE)",
        "__doc__": f"estimated_{metric}: CBPE estimate of {realised} (binary classification)."})


TYPES: list[type[TestType]] = [_test_type(m) for m in ("accuracy", "precision", "recall", "f1", "roc_auc")]

__all__ = ["EstimatedTest", "TYPES"]
