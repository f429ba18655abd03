"""SQL of the paired comparison of two models on the same rows (sqlmon.testtypes.model_versus):
the 8-cell table of two binary classifiers, per-row loss differences, and each model's score
histogram over the rows both are compared on. Expressions built with sqlglot, like model_sql's,
whose small expression helpers it shares."""
from __future__ import annotations

from typing import Any

from sqlglot import exp

from sqlmon.judge.model_metrics import EPS
from sqlmon.testtypes.model_sql import (
    _and,
    _case,
    _count_if,
    _double,
    _greatest,
    _is_positive,
    _least,
    _not_null,
    _num,
    predicted_positive,
)


def _output(m: Any) -> str:
    return m.score or m.prediction


def paired_rows(a: Any, b: Any) -> exp.Expression:
    """The rows a comparison counts: a label and both models' outputs (score or prediction)."""
    return _and(_not_null(a.label), _not_null(_output(a)), _not_null(_output(b)))


def paired_cell_measures(a: Any, b: Any) -> dict[str, exp.Expression]:
    """`n_<A><B><label>`: the 8 cells of (prediction A, prediction B, label), 1 = positive, over
    `paired_rows` (sqlmon.judge.paired.CELLS)."""
    preds = [predicted_positive(prediction=m.prediction, score=m.score, positive=m.positive,
                                decision_threshold=m.decision_threshold) for m in (a, b)]
    y = exp.paren(_is_positive(a.label, a.positive))
    out = {}
    for pa in (1, 0):
        for pb in (1, 0):
            for t in (1, 0):
                parts = [c.copy() if on else exp.not_(c.copy()) for c, on in ((preds[0], pa), (preds[1], pb), (y, t))]
                out[f"n_{pa}{pb}{t}"] = _count_if(_and(paired_rows(a, b), *parts))
    return {**out, **invalid_scores(a, b)}


def invalid_scores(a: Any, b: Any) -> dict[str, exp.Expression]:
    """`invalid`: compared rows whose score (of either model that has one) is outside [0, 1] or
    NaN (NaN compares greater than every number on all three engines)."""
    bad = [exp.paren(exp.Or(this=exp.LT(this=_double(m.score), expression=exp.Literal.number(0)),
                            expression=exp.GT(this=_double(m.score), expression=exp.Literal.number(1))))
           for m in (a, b) if m.score]
    if not bad:
        return {}
    cond = bad[0] if len(bad) == 1 else exp.paren(exp.Or(this=bad[0], expression=bad[1]))
    return {"invalid": _count_if(_and(paired_rows(a, b), cond))}


def _row_loss(metric: str, m: Any) -> exp.Expression:
    """One row's loss for `metric`: log loss or Brier of the score, absolute or squared error of
    the prediction (for rmse the squared error: the test compares mean squared errors)."""
    if metric in ("log_loss", "brier"):
        p = _double(m.score)
        if metric == "brier":
            y = _case(_is_positive(m.label, m.positive), exp.Literal.number(1), exp.Literal.number(0))
            diff = exp.paren(exp.Sub(this=p, expression=y))
            return exp.Mul(this=diff, expression=diff.copy())
        clip = lambda x: _greatest(_least(x, _num(1.0 - EPS)), _num(EPS))  # noqa: E731
        return exp.Case(ifs=[exp.If(this=_is_positive(m.label, m.positive), true=exp.Neg(this=exp.Ln(this=clip(p))))],
                        default=exp.Neg(this=exp.Ln(this=clip(exp.Sub(this=exp.Literal.number(1), expression=p.copy())))))
    err = exp.paren(exp.Sub(this=_double(m.prediction), expression=_double(m.label)))
    return exp.Abs(this=err) if metric == "mae" else exp.Mul(this=err, expression=err.copy())


def paired_loss_measures(metric: str, a: Any, b: Any) -> dict[str, exp.Expression]:
    """n, the sum of each model's per-row loss, VAR_SAMP of their difference (B - A) over
    `paired_rows`, and (scores) how many of those rows have a score outside [0, 1] or NaN."""
    rows = paired_rows(a, b)
    la, lb = _row_loss(metric, a), _row_loss(metric, b)
    out = {"n": _count_if(rows.copy()), "sum_a": exp.Sum(this=_case(rows.copy(), la.copy())),
           "sum_b": exp.Sum(this=_case(rows.copy(), lb.copy())),
           "var_d": exp.Variance(this=_case(rows.copy(), exp.Sub(this=exp.paren(lb), expression=exp.paren(la))))}
    return {**out, **(invalid_scores(a, b) if metric in ("log_loss", "brier") else {})}


def paired_histogram_measures(m: Any, a: Any, b: Any) -> dict[str, exp.Expression]:
    """Per score bin of model `m` over the rows both `a` and `b` are compared on: positives,
    labelled rows, smallest and largest score (what `model_sources.read_sparse_histogram` reads)."""
    rows = paired_rows(a, b)
    score = _double(m.score)
    return {"pos": _count_if(_and(rows.copy(), _is_positive(m.label, m.positive))), "labelled": _count_if(rows.copy()),
            "min_score": exp.Min(this=_case(rows.copy(), score.copy())),
            "max_score": exp.Max(this=_case(rows.copy(), score.copy()))}


__all__ = ["invalid_scores", "paired_cell_measures", "paired_histogram_measures", "paired_loss_measures", "paired_rows"]
