"""What each model-quality metric asks of the warehouse, and how the answers are read.

A *source* names the aggregates one family of metrics needs (the dataclasses of
:mod:`sqlmon.judge.model_metrics`): ungrouped ``scalar`` measures, which the planner fuses into the monitor's
main scan, and optional ``Grouped`` parts (score histograms, calibration bins, the multiclass
confusion matrix), which become grouped ``Aggregates`` shared by every test that needs the same
grouping. With segments, the scalar measures are also asked per segment (one grouped scan for
all tests with the same segment columns); a grouped part either adds the segment columns in front
of its own keys and sums the segment rows for the overall value, or (histograms) runs a separate,
coarser grouping per segment so the answer stays small.

All SQL is built with sqlglot (:mod:`sqlmon.testtypes.model_sql`); the only per-engine aggregate (the
|error| quantile) is the dispatched macro ``abs_error_quantile`` in ``macros/model_quality.sql``.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Generator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
from sqlglot import exp

import sqlmon.judge.model_metrics as q
import sqlmon.testtypes.model_sql as qs
from sqlmon.errors import CompileError, did_you_mean
from sqlmon.requests import Aggregates, Columns, Scope, float_values
from sqlmon.testtypes.base import TestContext

ROWS = exp.Count(this=exp.Star())


# ---------------------------------------------------------------- the monitor's model block
@dataclass(frozen=True)
class Model:
    """The monitor's `model:` block with column names as the warehouse spells them."""

    task: str
    label: str
    prediction: str | None
    score: str | None
    positive: Any
    decision_threshold: float


def model_of(ctx: TestContext, name: str | None = None) -> Model:
    """Resolve the model's columns against the schema (a typo gets a "did you mean"): the model
    `name` of `models:`, else the test's `model:` parameter, else the monitor's model."""
    spec = ctx.monitor.model_named(name or getattr(ctx.params, "model", None))
    assert spec is not None  # checked when the project was loaded
    names: dict[str, str | None] = {}
    for key in ("label", "prediction", "score"):
        wanted = getattr(spec, key)
        if wanted is None:
            names[key] = None
            continue
        col = ctx.columns.get(wanted.lower())
        if col is None:
            raise CompileError(f"model column '{wanted}' (model.{key} of monitor '{ctx.monitor.name}') "
                               f"is not in {ctx.monitor.relation}", location=ctx.test.location,
                               hint=did_you_mean(wanted, ctx.column_names())
                               or f"columns: {', '.join(ctx.column_names()[:20])}")
        names[key] = col.name
    assert names["label"] is not None
    return Model(spec.task, names["label"], names["prediction"], names["score"], spec.positive,
                 spec.decision_threshold)


def col(name: str) -> exp.Expression:
    return qs.column(name)


# ---------------------------------------------------------------- requests and answers
@dataclass
class Grouped:
    """A grouped part: measures per `keys`. `segment_keys=None`: per segment the same keys with
    the segment columns in front, and the overall rows are the sum over segments; else the
    segments use `segment_keys` and the overall value gets its own request."""

    keys: tuple[exp.Expression, ...]
    measures: dict[str, exp.Expression]
    segment_keys: tuple[exp.Expression, ...] | None = None
    columnar: bool = False      # the overall rows come as `Columns` (read with numpy)


@dataclass
class Collected:
    """Answers for one window (or one segment): the scalar row and, per grouped part, rows of
    ``(key..., measure...)`` tuples, or the `Columns` of a columnar part (overall only)."""

    scalar: dict[str, Any]
    grouped: list[list[tuple] | Columns] = field(default_factory=list)


def _tuples(rows: list[dict[str, Any]], offset: int, n_keys: int, measures: dict) -> list[tuple]:
    """Answer rows -> ``(key..., measure...)`` tuples (a score histogram has ~100,000 rows)."""
    names = [f"g{offset + k}" for k in range(n_keys)] + list(measures)
    if len(names) == 1:
        return [(r[names[0]],) for r in rows]
    get = itemgetter(*names)
    return [get(r) for r in rows]


def collect(scope: Scope, segs: tuple[exp.Expression, ...], scalar: dict[str, exp.Expression],
            parts: list[Grouped]) -> Generator[list[Any], list[Any], tuple[Collected, dict]]:
    """One round of requests; returns the overall answers and ``{segment values: answers}``."""
    ns = len(segs)
    reqs: list[Aggregates] = [Aggregates(scope, scalar)]
    if ns:
        reqs.append(Aggregates(scope.grouped(*segs), scalar))
    positions: list[tuple[int | None, int | None]] = []
    for part in parts:
        overall = by_segment = None
        if ns and part.segment_keys is None:
            by_segment = len(reqs)
            reqs.append(Aggregates(scope.grouped(*segs, *part.keys), part.measures))
        else:
            overall = len(reqs)
            reqs.append(Aggregates(scope.grouped(*part.keys), part.measures, columnar=part.columnar))
            if ns:
                by_segment = len(reqs)
                reqs.append(Aggregates(scope.grouped(*segs, *part.segment_keys), part.measures))
        positions.append((overall, by_segment))
    answers = yield reqs
    total = Collected(dict(answers[0] or {}), [])
    per: dict[tuple, Collected] = {}
    for row in answers[1] if ns else []:
        per[tuple(row[f"g{i}"] for i in range(ns))] = Collected(row, [[] for _ in parts])
    for j, (part, (overall, by_segment)) in enumerate(zip(parts, positions)):
        if by_segment is not None:
            n_keys = len(part.keys if part.segment_keys is None else part.segment_keys)
            rows = answers[by_segment]
            for row, values in zip(rows, _tuples(rows, ns, n_keys, part.measures)):
                key = tuple(row[f"g{i}"] for i in range(ns))
                per.setdefault(key, Collected({}, [[] for _ in parts])).grouped[j].append(values)
        if overall is not None:
            got = answers[overall]
            total.grouped.append(got if isinstance(got, Columns)
                                 else _tuples(got, 0, len(part.keys), part.measures))
        else:   # additive measures: the overall rows are all the segment rows
            total.grouped.append([t for c in per.values() for t in c.grouped[j]])
    return total, per


# ---------------------------------------------------------------- sources
def _score_checks(m: Model) -> dict[str, exp.Expression]:
    sums = qs.logloss_brier_measures(m.label, m.score, m.positive)
    return {k: sums[k] for k in ("score_out_of_range", "score_null", "unlabelled")}


def _unlabelled(m: Model) -> dict[str, exp.Expression]:
    return {"unlabelled": qs.unlabelled_measure(m.label)}


class Source:
    """Measures for one aggregate dataclass of :mod:`sqlmon.judge.model_metrics` and how to read them."""

    def scalar(self, m: Model, ctx: TestContext) -> dict[str, exp.Expression]:
        raise NotImplementedError

    def parts(self, m: Model, ctx: TestContext) -> list[Grouped]:
        return []

    def read(self, c: Collected, m: Model, ctx: TestContext, segment: bool = False) -> Any:
        raise NotImplementedError


class BinarySource(Source):
    def scalar(self, m: Model, ctx: TestContext) -> dict[str, exp.Expression]:
        predicted = qs.predicted_positive(prediction=m.prediction, score=m.score, positive=m.positive,
                                          decision_threshold=m.decision_threshold)
        return {"rows": ROWS, **qs.binary_confusion_measures(m.label, predicted, m.positive)}

    def read(self, c: Collected, m: Model, ctx: TestContext, segment: bool = False) -> q.BinaryCounts:
        return qs.read_binary_counts(c.scalar)


class ScoreSumSource(Source):
    def scalar(self, m: Model, ctx: TestContext) -> dict[str, exp.Expression]:
        return {"rows": ROWS, **qs.logloss_brier_measures(m.label, m.score, m.positive)}

    def read(self, c: Collected, m: Model, ctx: TestContext, segment: bool = False) -> q.ScoreSums:
        return qs.read_score_sums(c.scalar, m.score)


class RegressionSource(Source):
    def scalar(self, m: Model, ctx: TestContext) -> dict[str, exp.Expression]:
        out = {"rows": ROWS, **qs.regression_measures(m.label, m.prediction)}
        if hasattr(ctx.params, "q"):
            macro = "abs_error_quantile"
            agg = ctx.aggregates(macro, prediction=ctx.macros.quote(m.prediction, macro),
                                 label=ctx.macros.quote(m.label, macro))
            out["abs_error_q"] = agg.measures["value"]
        return out

    def read(self, c: Collected, m: Model, ctx: TestContext, segment: bool = False) -> q.RegressionSums:
        quantiles = {}
        if hasattr(ctx.params, "q") and c.scalar.get("abs_error_q") is not None:
            quantiles[ctx.params.q] = float(c.scalar["abs_error_q"])
        return qs.read_regression_sums(c.scalar, quantiles)


class MulticlassSource(Source):
    def scalar(self, m: Model, ctx: TestContext) -> dict[str, exp.Expression]:
        return {"rows": ROWS, **_unlabelled(m)}

    def parts(self, m: Model, ctx: TestContext) -> list[Grouped]:
        return [Grouped((col(m.label), col(m.prediction)), {"n": ROWS})]

    def read(self, c: Collected, m: Model, ctx: TestContext, segment: bool = False) -> q.MulticlassCounts:
        return qs.read_multiclass_counts(c.grouped[0])


class CalibrationSource(Source):
    def scalar(self, m: Model, ctx: TestContext) -> dict[str, exp.Expression]:
        return {"rows": ROWS, **_score_checks(m)}

    def parts(self, m: Model, ctx: TestContext) -> list[Grouped]:
        return [Grouped((qs.score_bin_expr(m.score, ctx.params.bins),),
                        qs.labelled_calibration_measures(m.label, m.score, m.positive))]

    def read(self, c: Collected, m: Model, ctx: TestContext, segment: bool = False) -> q.CalibrationBins:
        b = qs.read_calibration_bins(c.grouped[0], ctx.params.bins, m.score)
        bad = int(c.scalar.get("score_out_of_range") or 0)
        return dataclasses.replace(b, invalid=max(b.invalid, bad))


class HistogramSource(Source):
    """Per-label score histograms for ROC/PR AUC: `bins` equal-width bins over [0, 1] for the
    window, `segment_bins` per segment. A bin pools its rows like tied scores (scikit-learn's rule
    for ties); when every bin holds one score, the result is exact (``mode: exact``)."""

    def scalar(self, m: Model, ctx: TestContext) -> dict[str, exp.Expression]:
        return {"rows": ROWS, **_score_checks(m)}

    def parts(self, m: Model, ctx: TestContext) -> list[Grouped]:
        p = ctx.params
        return [Grouped((qs.score_bin_expr(m.score, p.bins),),
                        qs.labelled_histogram_measures(m.label, m.score, m.positive),
                        segment_keys=(qs.score_bin_expr(m.score, p.segment_bins),), columnar=True)]

    def read(self, c: Collected, m: Model, ctx: TestContext, segment: bool = False) -> q.ScoreHistogram:
        bins = ctx.params.segment_bins if segment else ctx.params.bins
        h = read_sparse_histogram(c.grouped[0], bins, m.score)
        bad = int(c.scalar.get("score_out_of_range") or 0)
        return dataclasses.replace(h, invalid=max(h.invalid, bad))


def read_sparse_histogram(rows: list[tuple] | Columns, bins: int, score_column: str) -> q.ScoreHistogram:
    """``(bin, pos, labelled, min_score, max_score)`` rows (``model_sql.
    labelled_histogram_measures``; negatives = labelled - pos), or the same as `Columns`,
    -> the non-empty bins in order.

    Empty bins add nothing to ROC AUC or average precision, so only the returned rows are kept
    (no dense array of `bins` entries). When every non-empty bin holds a single score, the bins
    are the distinct scores: exact mode, keyed by the score itself. Vectorised: a window has up
    to `bins` (100,000) rows (read once per answer, though roc_auc and pr_auc both ask)."""
    if isinstance(rows, Columns):           # roc_auc and pr_auc get the same answer: read it once
        memo = ("score_histogram", bins, score_column)
        if memo not in rows.memo:
            rows.memo[memo] = _read_sparse_histogram(rows.columns, bins, score_column)
        return rows.memo[memo]
    return _read_sparse_histogram(list(zip(*rows)), bins, score_column)


def _read_sparse_histogram(columns: list[Any], bins: int, score_column: str) -> q.ScoreHistogram:
    if not columns or not len(columns[0]):
        return q.ScoreHistogram((), (), None, 0, 0, score_column)
    key, is_null = float_values(columns[0])
    pos = np.nan_to_num(float_values(columns[1])[0]).astype(np.int64)        # NULL -> nan -> 0
    n = np.nan_to_num(float_values(columns[2])[0]).astype(np.int64)
    neg = n - pos
    key = np.where(is_null, -1, key)
    kept = n > 0
    null = int(n[kept & is_null].sum())
    placed = kept & ~is_null & (key >= 0) & (key < bins)
    invalid = int(n[kept & ~is_null].sum()) - int(n[placed].sum())
    uniq, at = np.unique(key[placed], return_inverse=True)     # segment rows repeat a bin
    pos_b, neg_b = np.zeros(len(uniq), np.int64), np.zeros(len(uniq), np.int64)
    np.add.at(pos_b, at, pos[placed])
    np.add.at(neg_b, at, neg[placed])
    # exact: every bin holds one score (segment rows of one bin must agree on it too)
    low, high = float_values(columns[3])[0][placed], float_values(columns[4])[0][placed]
    lo_b, hi_b = np.full(len(uniq), np.inf), np.full(len(uniq), -np.inf)
    np.minimum.at(lo_b, at, low)
    np.maximum.at(hi_b, at, high)
    exact = bool(len(uniq)) and bool(np.all(lo_b == hi_b))
    thresholds = tuple(lo_b.tolist()) if exact else None
    return q.ScoreHistogram(tuple(pos_b.tolist()), tuple(neg_b.tolist()), thresholds, invalid, null,
                            score_column)


SOURCES: dict[str, Source] = {"BinaryCounts": BinarySource(), "ScoreSums": ScoreSumSource(),
                              "RegressionSums": RegressionSource(), "MulticlassCounts": MulticlassSource(),
                              "CalibrationBins": CalibrationSource(), "ScoreHistogram": HistogramSource()}


def judged_rows(agg: Any) -> int:
    """Labelled rows the metric can judge (the count `min_labelled` guards)."""
    if isinstance(agg, (q.BinaryCounts, q.MulticlassCounts)):
        return agg.n_judged
    if isinstance(agg, (q.ScoreSums, q.RegressionSums)):
        return agg.n
    if isinstance(agg, q.CalibrationBins):
        return int(sum(agg.count))
    return int(sum(agg.pos) + sum(agg.neg))
