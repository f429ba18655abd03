"""Model-quality metrics, finished in Python from the counts and sums the warehouse returns.

The SQL side (:mod:`sqlmon.testtypes.model_sql`) returns only aggregates; its ``read_*`` functions put
them into the small frozen dataclasses below, and this module turns those into metrics. Every
function returns a :class:`Metric` whose value is a finite float or ``None`` with a ``reason`` --
never NaN or inf. ``error=True`` marks invalid data (e.g. probabilities outside [0, 1]): the
result is then ``error``, not ``pass``. Exact mode ranks any finite score; binned mode and the
score sums need probabilities.

Conventions (each checked against scikit-learn in ``tests/test_quality.py``):

* Rows with a NULL label are not judged; they are counted (``unlabelled``). Rows with a label but
  no prediction/score are counted too (``prediction_null`` / ``score_null``) and not judged.
* Undefined ratios are ``None`` with a reason where scikit-learn returns 0 with a warning
  (precision with no positive predictions, recall with no positive labels, F1 when
  ``2tp + fp + fn = 0``, AUC with one class, R² with a constant label).
* Multiclass averages follow scikit-learn's default ``zero_division`` inside the average: a
  per-class precision (recall) whose denominator is 0 counts as 0 in macro/weighted means and is
  listed in ``details["undefined_classes"]``; the *overall* metric is ``None`` only when nothing
  was judged. Labels are the sorted union of labels and predictions, as ``unique_labels`` does.
* Score histograms: :data:`SCORE_BINS` (1000) equal-width bins over [0, 1],
  ``bin = least(floor(p * 1000), 999)``, ascending; or, in exact mode, one bin per distinct score.
* Calibration (ECE): :data:`CALIBRATION_BINS` (10) equal-width bins, same bin rule.
* Log loss clips p to ``[eps, 1 - eps]`` with ``eps = finfo(float64).eps`` like scikit-learn
  (which clips ``1 - p`` for negatives, as the SQL does).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

EPS = float(np.finfo(np.float64).eps)
SCORE_BINS = 1000
CALIBRATION_BINS = 10
AVERAGES = ("macro", "micro", "weighted")


@dataclass(frozen=True)
class Metric:
    """One metric: ``value`` (finite float) or ``None`` plus ``reason``; ``error`` = bad data."""

    value: float | None
    details: dict = field(default_factory=dict)
    reason: str | None = None
    error: bool = False


def _metric(value: float | None, details: dict, reason: str | None = None) -> Metric:
    if value is None:
        return Metric(None, details, reason or "undefined")
    value = float(value)
    if not math.isfinite(value):
        return Metric(None, details, f"not a finite number ({value})")
    return Metric(value, details)


def _ratio(num: float, den: float, details: dict, reason: str) -> Metric:
    return _metric(num / den if den else None, details, reason)


def _nothing_judged(unlabelled: int, n_labelled: int, what: str = "prediction") -> str:
    if n_labelled == 0:
        return (f"all {unlabelled} labels are NULL (nothing labelled yet)" if unlabelled
                else "no rows in the window")
    return f"no labelled row has a {what} ({n_labelled} labelled rows)"


# ---------------------------------------------------------------- aggregates (what SQL returns)
@dataclass(frozen=True)
class BinaryCounts:
    """Confusion counts of labelled rows with a prediction (``binary_confusion_measures``)."""

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    unlabelled: int = 0
    prediction_null: int = 0

    @property
    def n_judged(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def n_labelled(self) -> int:
        return self.n_judged + self.prediction_null

    def details(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn,
                "n_labelled": self.n_labelled, "unlabelled": self.unlabelled,
                "prediction_null": self.prediction_null}


@dataclass(frozen=True)
class ScoreSums:
    """Score sums of labelled rows with a score (``model_sql.logloss_brier_measures``)."""

    n: int
    sum_logloss: float
    sum_brier: float
    score_out_of_range: int = 0
    unlabelled: int = 0
    score_null: int = 0
    score_column: str = "score"


@dataclass(frozen=True)
class ScoreHistogram:
    """Positives and negatives per score bin, bins in increasing score order.

    Binned mode (``thresholds is None``): ``len(pos)`` equal-width bins over [0, 1]. Exact mode:
    ``thresholds`` holds the distinct scores, one bin each. ``invalid`` counts labelled rows whose
    score cannot be placed (outside [0, 1] or NaN when binned; NaN when exact).
    """

    pos: tuple[int, ...]
    neg: tuple[int, ...]
    thresholds: tuple[float, ...] | None = None
    invalid: int = 0
    score_null: int = 0
    score_column: str = "score"

    @property
    def exact(self) -> bool:
        return self.thresholds is not None


@dataclass(frozen=True)
class CalibrationBins:
    """Per calibration bin (ascending): rows, sum of scores, sum of labels (1 = positive)."""

    count: tuple[int, ...]
    sum_score: tuple[float, ...]
    sum_label: tuple[float, ...]
    invalid: int = 0
    score_column: str = "score"


@dataclass(frozen=True)
class MulticlassCounts:
    """Confusion matrix ``{(label, prediction): rows}`` of labelled rows with a prediction."""

    matrix: Mapping[tuple[Any, Any], int]
    unlabelled: int = 0
    prediction_null: int = 0

    @property
    def labels(self) -> list:
        found = {k[0] for k in self.matrix} | {k[1] for k in self.matrix}
        try:
            return sorted(found)
        except TypeError:  # mixed types: a stable order all the same
            return sorted(found, key=lambda v: (type(v).__name__, str(v)))

    @property
    def n_judged(self) -> int:
        return sum(self.matrix.values())


@dataclass(frozen=True)
class RegressionSums:
    """Regression aggregates (``model_sql.regression_measures``); error = prediction - label.

    ``abs_error_quantiles`` maps q -> quantile of |error|, computed elsewhere (quantile SQL is
    per dialect) and passed through.
    """

    n: int
    sum_error: float = 0.0
    sum_abs_error: float = 0.0
    sum_sq_error: float = 0.0
    max_abs_error: float | None = None
    label_var_pop: float | None = None
    sum_ape: float = 0.0
    zero_labels: int = 0
    unlabelled: int = 0
    prediction_null: int = 0
    abs_error_quantiles: Mapping[float, float] = field(default_factory=dict)


# ---------------------------------------------------------------- binary classification
def _binary(c: BinaryCounts, num: float, den: float, reason: str = "") -> Metric:
    if c.n_judged == 0:
        return Metric(None, c.details(), _nothing_judged(c.unlabelled, c.n_labelled))
    return _ratio(num, den, c.details(), reason)


def accuracy(c: BinaryCounts | MulticlassCounts) -> Metric:
    if isinstance(c, MulticlassCounts):
        return _multiclass(c, "accuracy", "micro")
    return _binary(c, c.tp + c.tn, c.n_judged)


def precision(c: BinaryCounts | MulticlassCounts, average: str = "macro") -> Metric:
    if isinstance(c, MulticlassCounts):
        return _multiclass(c, "precision", average)
    return _binary(c, c.tp, c.tp + c.fp, "no positive predictions (tp + fp = 0)")


def recall(c: BinaryCounts | MulticlassCounts, average: str = "macro") -> Metric:
    if isinstance(c, MulticlassCounts):
        return _multiclass(c, "recall", average)
    return _binary(c, c.tp, c.tp + c.fn, "no positive labels (tp + fn = 0)")


def f1(c: BinaryCounts | MulticlassCounts, average: str = "macro") -> Metric:
    if isinstance(c, MulticlassCounts):
        return _multiclass(c, "f1", average)
    return _binary(c, 2 * c.tp, 2 * c.tp + c.fp + c.fn,
                   "no positive labels or predictions (2tp + fp + fn = 0)")


def fpr(c: BinaryCounts) -> Metric:
    return _binary(c, c.fp, c.fp + c.tn, "no negative labels (fp + tn = 0)")


def fnr(c: BinaryCounts) -> Metric:
    return _binary(c, c.fn, c.fn + c.tp, "no positive labels (fn + tp = 0)")


def positive_rate(c: BinaryCounts) -> Metric:
    return _binary(c, c.tp + c.fp, c.n_judged)


def label_rate(c: BinaryCounts) -> Metric:
    return _binary(c, c.tp + c.fn, c.n_judged)


def _score_guard(invalid: int, column: str, details: dict) -> Metric | None:
    if invalid:
        return Metric(None, details, f"column '{column}' has {invalid} scores outside [0, 1] "
                      "or NaN; a probability is expected", error=True)
    return None


def _mean_score_loss(s: ScoreSums, total: float, **extra: Any) -> Metric:
    d = {"n": s.n, "unlabelled": s.unlabelled, "score_null": s.score_null,
         "score_out_of_range": s.score_out_of_range, **extra}
    return (_score_guard(s.score_out_of_range, s.score_column, d)
            or _ratio(total, s.n, d, _nothing_judged(s.unlabelled, s.score_null, "score")))


def log_loss(s: ScoreSums) -> Metric:
    return _mean_score_loss(s, s.sum_logloss, eps=EPS)


def brier(s: ScoreSums) -> Metric:
    return _mean_score_loss(s, s.sum_brier)


def _auc(h: ScoreHistogram, formula: Callable[[np.ndarray, np.ndarray], float]) -> Metric:
    pos, neg = np.asarray(h.pos, dtype=np.float64), np.asarray(h.neg, dtype=np.float64)
    d = {"positives": int(pos.sum()), "negatives": int(neg.sum()), "bins": len(pos),
         "mode": "exact" if h.exact else "binned", "invalid": h.invalid, "score_null": h.score_null}
    if h.invalid:
        return _score_guard(h.invalid, h.score_column, d)
    if pos.sum() + neg.sum() == 0:
        return Metric(None, d, "no labelled rows with a score")
    if pos.sum() == 0 or neg.sum() == 0:
        return Metric(None, d, "only one class in the window")
    return _metric(formula(pos, neg), d)


def _roc_auc(pos: np.ndarray, neg: np.ndarray) -> float:
    pos_above = pos.sum() - np.cumsum(pos)  # positives in strictly higher bins
    return float(np.sum((neg / neg.sum()) * ((pos_above + pos / 2) / pos.sum())))


def _average_precision(pos: np.ndarray, neg: np.ndarray) -> float:
    pos_d, tp, fp = pos[::-1], np.cumsum(pos[::-1]), np.cumsum(neg[::-1])  # descending score
    hit = pos_d > 0  # thresholds where recall moves
    return float(np.sum(pos_d[hit] / pos.sum() * (tp[hit] / (tp[hit] + fp[hit]))))


def roc_auc(h: ScoreHistogram) -> Metric:
    """Trapezoid ROC AUC over thresholds at bin boundaries (= Mann-Whitney, ties in a bin = 1/2)."""
    return _auc(h, _roc_auc)


def pr_auc(h: ScoreHistogram) -> Metric:
    """Average precision: sum over thresholds (descending) of (R_n - R_{n-1}) * P_n.

    A bin is one threshold, so its rows are pooled like tied scores in scikit-learn; against raw
    continuous scores that is biased slightly low (measured: see tests/test_quality.py)."""
    return _auc(h, _average_precision)


def calibration_error(b: CalibrationBins) -> Metric:
    """ECE = sum_b (n_b / N) |mean score_b - mean label_b| = sum_b |S_score - S_label| / N."""
    n = sum(b.count)
    d = {"n": n, "bins": [{"bin": i, "count": c, "mean_score": s / c if c else None,
                           "mean_label": y / c if c else None}
                          for i, (c, s, y) in enumerate(zip(b.count, b.sum_score, b.sum_label))]}
    gap = float(np.sum(np.abs(np.asarray(b.sum_score) - np.asarray(b.sum_label))))
    return (_score_guard(b.invalid, b.score_column, d)
            or _ratio(gap, n, d, "no labelled rows with a score"))


# ---------------------------------------------------------------- multiclass
def _multiclass(c: MulticlassCounts, which: str, average: str) -> Metric:
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}, not {average!r}")
    if c.n_judged == 0:
        return Metric(None, {"unlabelled": c.unlabelled, "prediction_null": c.prediction_null},
                      _nothing_judged(c.unlabelled, c.prediction_null))
    labels = c.labels
    index = {lab: i for i, lab in enumerate(labels)}
    m = np.zeros((len(labels), len(labels)))
    for (lab, pred), n in c.matrix.items():
        m[index[lab], index[pred]] += n
    tp, predicted, support = np.diag(m), m.sum(axis=0), m.sum(axis=1)
    per_class = [{"class": lab, "support": int(support[i]),
                  "precision": tp[i] / predicted[i] if predicted[i] else None,
                  "recall": tp[i] / support[i] if support[i] else None,
                  "f1": 2 * tp[i] / (predicted[i] + support[i])}  # > 0: lab is in the union
                 for i, lab in enumerate(labels)]
    d = {"average": average, "labels": labels, "per_class": per_class,
         "confusion_matrix": [[lab, pred, n] for (lab, pred), n in  # in label order, whatever
                              sorted(c.matrix.items(),   # order the engine returned its groups
                                     key=lambda kv: (index[kv[0][0]], index[kv[0][1]]))],
         "unlabelled": c.unlabelled, "prediction_null": c.prediction_null}
    if which == "accuracy" or average == "micro":  # single-label: micro P = R = F1 = accuracy
        return _metric(float(tp.sum() / m.sum()), d)
    d["zero_division"] = 0
    d["undefined_classes"] = [row["class"] for row in per_class if row[which] is None]
    values = np.array([row[which] or 0.0 for row in per_class])
    weights = np.ones_like(values) if average == "macro" else support
    return _metric(float(np.sum(values * weights) / weights.sum()), d)


# ---------------------------------------------------------------- regression
def _regression(r: RegressionSums, value: Callable[[], float | None], reason: str = "",
                **extra: Any) -> Metric:
    d = {"n": r.n, "unlabelled": r.unlabelled, "prediction_null": r.prediction_null, **extra}
    if r.n == 0:
        return Metric(None, d, _nothing_judged(r.unlabelled, r.prediction_null))
    return _metric(value(), d, reason)


def mae(r: RegressionSums) -> Metric:
    return _regression(r, lambda: r.sum_abs_error / r.n)


def rmse(r: RegressionSums) -> Metric:
    return _regression(r, lambda: math.sqrt(max(r.sum_sq_error, 0.0) / r.n))


def mean_error(r: RegressionSums) -> Metric:
    return _regression(r, lambda: r.sum_error / r.n)


def max_error(r: RegressionSums) -> Metric:
    return _regression(r, lambda: r.max_abs_error)


def mape(r: RegressionSums) -> Metric:
    nonzero = r.n - r.zero_labels
    return _regression(r, lambda: r.sum_ape / nonzero if nonzero else None,
                       "every label is zero (MAPE excludes zero labels)",
                       zero_labels_excluded=r.zero_labels)


def r2(r: RegressionSums) -> Metric:
    var = r.label_var_pop
    return _regression(r, lambda: 1.0 - (r.sum_sq_error / r.n) / var if var else None,
                       "the label is constant in the window (VAR_POP = 0)", label_var_pop=var)


def abs_error_quantile(r: RegressionSums, q: float) -> Metric:
    """Passthrough of a quantile of |error| computed elsewhere (quantile SQL is per dialect)."""
    return _regression(r, lambda: r.abs_error_quantiles.get(q),
                       f"quantile {q} of |error| was not computed", quantile=q)


# ---------------------------------------------------------------- registry
BINARY, MULTICLASS, REGRESSION = "binary_classification", "multiclass_classification", "regression"


@dataclass(frozen=True)
class MetricSpec:
    """What the test-type layer needs to expose one metric."""

    name: str
    tasks: tuple[str, ...]
    function: Callable[..., Metric]
    direction: str  # higher_is_better | lower_is_better | closer_to_zero | none
    formula: str
    aggregate: str  # the dataclass the function takes (binary task for classification ones)


_CLS, _B, _R = (BINARY, MULTICLASS), (BINARY,), (REGRESSION,)
_UP, _DOWN = "higher_is_better", "lower_is_better"
_BC, _MC, _SS, _SH, _CB, _RS = ("BinaryCounts", "MulticlassCounts", "ScoreSums", "ScoreHistogram",
                                "CalibrationBins", "RegressionSums")
_AVG = "; multiclass: average=macro|micro|weighted"
METRICS: dict[str, MetricSpec] = {s.name: s for s in (
    MetricSpec("accuracy", _CLS, accuracy, _UP, "(tp + tn) / n; multiclass: trace / n",
               _BC + "|" + _MC),
    MetricSpec("precision", _CLS, precision, _UP, "tp / (tp + fp)" + _AVG, _BC + "|" + _MC),
    MetricSpec("recall", _CLS, recall, _UP, "tp / (tp + fn)" + _AVG, _BC + "|" + _MC),
    MetricSpec("f1", _CLS, f1, _UP, "2tp / (2tp + fp + fn)" + _AVG, _BC + "|" + _MC),
    MetricSpec("fpr", _B, fpr, _DOWN, "fp / (fp + tn)", _BC),
    MetricSpec("fnr", _B, fnr, _DOWN, "fn / (fn + tp)", _BC),
    MetricSpec("roc_auc", _B, roc_auc, _UP,
               "trapezoid ROC over score-bin thresholds (ties in a bin count 1/2)", _SH),
    MetricSpec("pr_auc", _B, pr_auc, _UP,
               "average precision: sum (R_n - R_{n-1}) P_n over score-bin thresholds", _SH),
    MetricSpec("log_loss", _B, log_loss, _DOWN,
               "mean -[y ln(clip p) + (1-y) ln(clip(1-p))], clip to [eps, 1-eps]", _SS),
    MetricSpec("brier", _B, brier, _DOWN, "mean (p - y)^2", _SS),
    MetricSpec("calibration_error", _B, calibration_error, _DOWN,
               "ECE = sum_b (n_b/N) |mean p_b - mean y_b|, 10 equal-width bins", _CB),
    MetricSpec("positive_rate", _B, positive_rate, "none", "(tp + fp) / n (predicted positive)",
               _BC),
    MetricSpec("label_rate", _B, label_rate, "none", "(tp + fn) / n (labelled positive)", _BC),
    MetricSpec("mae", _R, mae, _DOWN, "mean |pred - label|", _RS),
    MetricSpec("rmse", _R, rmse, _DOWN, "sqrt(mean (pred - label)^2)", _RS),
    MetricSpec("mape", _R, mape, _DOWN,
               "mean |pred - label| / |label| over nonzero labels (zero labels excluded, counted)",
               _RS),
    MetricSpec("r2", _R, r2, _UP, "1 - MSE / VAR_POP(label)", _RS),
    MetricSpec("mean_error", _R, mean_error, "closer_to_zero", "mean (pred - label) (bias)", _RS),
    MetricSpec("max_error", _R, max_error, _DOWN, "max |pred - label|", _RS),
)}
