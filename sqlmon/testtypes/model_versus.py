"""`versus:` on a model test: the test's model (B, e.g. the challenger) against another model of the
monitor (A, e.g. the champion) on the same rows, with a paired test (sqlmon.judge.paired).

    models: {champion: {score: score_v1}, challenger: {score: score_v2}}
    tests:
      - accuracy: {model: challenger, versus: champion}            # B - A, McNemar
      - log_loss: {model: challenger, versus: champion, error_if: "> 0.01"}

The judged metric is B - A in the metric's units. Without thresholds the verdict is the paired
test's: `fail` when B is significantly worse (p < 0.01) AND worse by at least `min_difference`
(default 0.01) -- at warehouse sizes a p-value alone is ~0 for any difference. The rows compared
are those with a label and both models' outputs (score or prediction) present.
"""
from __future__ import annotations

from typing import Any

import sqlmon.judge.model_metrics as q
import sqlmon.testtypes.model_sql as qs
import sqlmon.testtypes.paired_sql as ps
from sqlmon.config.specs import ModelSpec
from sqlmon.judge.paired import CELLS, Paired, delta, mcnemar, paired_z
from sqlmon.requests import Aggregates
from sqlmon.results import Outcome
from sqlmon.testtypes.base import Run, TestContext
from sqlmon.testtypes.model_sources import read_sparse_histogram

ALPHA = 0.01
AUC_BINS = 10_000                        # score bins per model for the AUC difference
MCNEMAR = {"accuracy": None, "recall": True, "fpr": False, "fnr": True}   # rows counted: all / label positive / negative
DELTA = ("precision", "f1")
LOSSES = ("log_loss", "brier", "mae", "rmse")
LOWER_IS_BETTER = {"fpr", "fnr", *LOSSES}
METRICS = (*MCNEMAR, *DELTA, *LOSSES, "roc_auc")


def versus_run(ctx: TestContext, metric: str, a: ModelSpec, b: ModelSpec, names: tuple[str, str]) -> Run:
    """The comparison of model `b` against model `a` on `metric` (one round of aggregates)."""
    if metric in LOSSES:
        measures = ps.paired_loss_measures(metric, a, b)
        agg, = yield [Aggregates(ctx.current, measures)]
        if (agg.get("invalid") or 0) > 0:
            return _invalid(agg["invalid"], a, b)
        n = int(agg["n"] or 0)
        mean = (lambda s: None if s is None or not n else float(s) / n)     # noqa: E731
        res = paired_z(n, mean(agg["sum_a"]), mean(agg["sum_b"]), _f(agg["var_d"]))
        if metric == "rmse" and res.a is not None and res.b is not None:     # the test is on squared errors
            res = Paired(res.a ** 0.5, res.b ** 0.5, res.b ** 0.5 - res.a ** 0.5, res.statistic, res.p_value,
                         res.test, res.n)
    elif metric == "roc_auc":
        hists = yield [Aggregates(ctx.current.grouped(qs.score_bin_expr(m.score, AUC_BINS)),
                                  ps.paired_histogram_measures(m, a, b)) for m in (a, b)]
        read = [read_sparse_histogram(_tuples(h), AUC_BINS, m.score) for h, m in zip(hists, (a, b))]
        if any(h.invalid for h in read):
            return _invalid(sum(h.invalid for h in read), a, b)
        aucs = [q.roc_auc(h).value for h in read]
        n = int(sum(r.get("labelled") or 0 for r in hists[0] or []))
        diff = None if None in aucs else aucs[1] - aucs[0]
        res = Paired(aucs[0], aucs[1], diff, None, None, "difference only (no DeLong test from aggregates)", n)
    else:
        agg, = yield [Aggregates(ctx.current, ps.paired_cell_measures(a, b))]
        if (agg.get("invalid") or 0) > 0:
            return _invalid(agg["invalid"], a, b)
        counts = [float(agg[f"n_{pa}{pb}{y}"] or 0) for pa, pb, y in CELLS]
        res = delta(metric, counts) if metric in DELTA else _mcnemar(metric, counts)
    return _outcome(ctx, metric, res, names)


def _invalid(count: Any, a: Any, b: Any) -> Outcome:
    columns = " or ".join(f"'{m.score}'" for m in (a, b) if m.score)
    return Outcome(None, {}, f"{int(count)} compared rows have a score outside [0, 1] (or NaN) in column {columns}",
                   status="error")


def _mcnemar(metric: str, counts: list[float]) -> Paired:
    """McNemar on the rows the metric counts; for fpr/fnr the 'right' rows are the errors' complement."""
    cells = dict(zip(CELLS, counts))
    keep = MCNEMAR[metric]
    rows = {c: v for c, v in cells.items() if keep is None or bool(c[2]) == keep}
    right = [{c: v for c, v in rows.items() if c[m] == c[2]} for m in (0, 1)]
    a_only = sum(v for c, v in rows.items() if c[0] == c[2] and c[1] != c[2])
    b_only = sum(v for c, v in rows.items() if c[1] == c[2] and c[0] != c[2])
    n = int(sum(rows.values()))
    res = mcnemar(int(a_only), int(b_only), n, int(sum(right[0].values())), int(sum(right[1].values())))
    if metric in ("fpr", "fnr") and res.a is not None:        # error rates: 1 - the share right
        res = Paired(1 - res.a, 1 - res.b, -(res.difference or 0.0), res.statistic, res.p_value, res.test, res.n)
    return res


def _outcome(ctx: TestContext, metric: str, res: Paired, names: tuple[str, str]) -> Outcome:
    a_name, b_name = names
    details: dict[str, Any] = {"model": b_name, "versus": a_name, b_name: res.b, a_name: res.a,
                               "difference": res.difference, "test": res.test, "statistic": res.statistic,
                               "p_value": res.p_value, "rows": res.n, "min_difference": ctx.params.min_difference,
                               "alpha": ALPHA}
    if res.difference is None:
        return Outcome(None, details, f"{metric} of {b_name} versus {a_name} is undefined on these rows "
                                      f"({res.n} compared)", status="skipped")
    p = "no p-value" if res.p_value is None else f"p = {res.p_value:.3g}"
    message = (f"{metric}: {b_name} {res.b:.4g} vs {a_name} {res.a:.4g} on {res.n} paired rows, "
               f"difference {res.difference:+.4g} ({res.test}, {p})")
    if ctx.test.warn_if is not None or ctx.test.error_if is not None:
        return Outcome(res.difference, details, message)
    worse = -res.difference if metric not in LOWER_IS_BETTER else res.difference
    significant = res.p_value is None or res.p_value < ALPHA       # without a p-value: the effect alone
    breached = significant and worse >= ctx.params.min_difference
    details["worse_by"] = worse
    return Outcome(res.difference, details, message, verdict=breached)


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def _tuples(rows: Any) -> list[tuple]:
    return [(r["g0"], r["pos"], r["labelled"], r["min_score"], r["max_score"]) for r in rows or []]


def versus_name(test_type: str, model: str | None, versus: str | None) -> str:
    """The default name (and unique id part) of a model test for a named model: `accuracy_challenger`,
    `accuracy_challenger_vs_champion`."""
    return "_".join(p for p in (test_type, model, versus and f"vs_{versus}") if p)


__all__ = ["METRICS", "versus_name", "versus_run"]
