"""Paired comparison of two models on the same rows, from aggregates. Pure.

Model B (the challenger) against model A (the champion), row for row, so the test has the power
of pairing: what differs between the two is the models, not the rows.

* **McNemar** for accuracy, recall and specificity: among the rows the metric counts (all judged
  rows; the labelled positives; the labelled negatives), b = rows A gets right and B wrong, c = the
  reverse. The difference B - A is (c - b) / n. p-value: the exact binomial test when b + c < 25,
  else the chi-square with continuity correction (statsmodels' `mcnemar`, the same rule).
* **Precision and F1** have a different denominator per model, so no 2x2 table fits: the 8-cell
  table (prediction A x prediction B x label) is a multinomial, each metric a ratio of linear
  forms of its cell shares, and the difference is judged by a delta-method z-test (its exact
  gradient; Var = (g' diag(pi) g - (g' pi)^2) / n).
* **Losses** (log loss, Brier, squared and absolute error): a paired z-test on the per-row loss
  difference d = loss_B - loss_A from COUNT, SUM and VAR_SAMP of d: z = mean / sqrt(var / n).
* **ROC AUC**: the difference of the two AUCs on the same rows, without a p-value (DeLong's test
  is not computed from aggregates here; said in the result).

Every p-value is two-sided. At warehouse sizes a p-value is ~0 for any difference, so the default
verdict also asks for an effect: B worse than A by at least `min_difference`.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

EXACT_BELOW = 25          # b + c below this: McNemar's exact binomial test


@dataclass(frozen=True)
class Paired:
    a: float | None                 # model A's metric on the paired rows
    b: float | None                 # model B's
    difference: float | None        # b - a
    statistic: float | None         # chi-square (McNemar) or z
    p_value: float | None
    test: str                       # which test: "mcnemar exact", "mcnemar chi2", "delta z", "paired z", "none"
    n: int                          # rows the comparison counts


def mcnemar(b_wrong: int, c_wrong: int, n: int, a_right: int, b_right: int) -> Paired:
    """`b_wrong`: rows A gets right and B wrong; `c_wrong`: A wrong and B right; `n` rows counted;
    `a_right` / `b_right`: rows each model gets right (for the two metric values)."""
    if n <= 0:
        return Paired(None, None, None, None, None, "none", 0)
    disc = b_wrong + c_wrong
    a, b = a_right / n, b_right / n
    if disc == 0:
        return Paired(a, b, b - a, 0.0, 1.0, "mcnemar exact", n)
    if disc < EXACT_BELOW:
        p = min(1.0, 2 * stats.binom.cdf(min(b_wrong, c_wrong), disc, 0.5))
        return Paired(a, b, b - a, float(min(b_wrong, c_wrong)), float(p), "mcnemar exact", n)
    chi2 = (abs(b_wrong - c_wrong) - 1) ** 2 / disc
    return Paired(a, b, b - a, chi2, float(stats.chi2.sf(chi2, 1)), "mcnemar chi2", n)


# The 8 cells, in this order: (prediction A, prediction B, label) with 1 = positive.
CELLS = tuple((pa, pb, y) for pa in (1, 0) for pb in (1, 0) for y in (1, 0))


def _forms(metric: str, model: int) -> tuple[list[float], list[float]]:
    """(numerator, denominator) weights over CELLS of `metric` for model 0 (A) or 1 (B)."""
    num, den = [], []
    for cell in CELLS:
        pred, y = cell[model], cell[2]
        tp, fp, fn = pred and y, pred and not y, (not pred) and y
        if metric == "precision":
            num.append(float(tp))
            den.append(float(tp or fp))
        elif metric == "f1":
            num.append(2.0 * tp)
            den.append(2.0 * tp + fp + fn)
        else:
            raise ValueError(metric)
    return num, den


def delta(metric: str, counts: Sequence[float]) -> Paired:
    """Delta-method z-test of B - A for `precision` or `f1` from the 8 cell counts (CELLS order)."""
    n = float(sum(counts))
    if n <= 0:
        return Paired(None, None, None, None, None, "none", 0)
    pi = [c / n for c in counts]
    values, grads = [], []
    for model in (0, 1):
        num, den = _forms(metric, model)
        top, bottom = sum(w * p for w, p in zip(num, pi)), sum(w * p for w, p in zip(den, pi))
        if bottom <= 0:
            return Paired(None, None, None, None, None, "none", int(n))
        values.append(top / bottom)
        grads.append([(w * bottom - top * v) / bottom**2 for w, v in zip(num, den)])
    g = [gb - ga for ga, gb in zip(*grads)]
    mean_g = sum(gi * p for gi, p in zip(g, pi))
    var = (sum(gi * gi * p for gi, p in zip(g, pi)) - mean_g * mean_g) / n
    diff = values[1] - values[0]
    if var <= 0:
        return Paired(values[0], values[1], diff, None, 1.0 if diff == 0 else 0.0, "delta z", int(n))
    z = diff / math.sqrt(var)
    return Paired(values[0], values[1], diff, z, float(2 * stats.norm.sf(abs(z))), "delta z", int(n))


def paired_z(n: int, mean_a: float | None, mean_b: float | None, var_d: float | None) -> Paired:
    """Paired z-test of the mean per-row loss difference (B - A)."""
    if n < 2 or mean_a is None or mean_b is None or var_d is None:
        return Paired(mean_a, mean_b, None if mean_a is None or mean_b is None else mean_b - mean_a,
                      None, None, "none", n)
    diff = mean_b - mean_a
    if var_d <= 0:
        return Paired(mean_a, mean_b, diff, None, 1.0 if diff == 0 else 0.0, "paired z", n)
    z = diff / math.sqrt(var_d / n)
    return Paired(mean_a, mean_b, diff, z, float(2 * stats.norm.sf(abs(z))), "paired z", n)


__all__ = ["CELLS", "EXACT_BELOW", "Paired", "delta", "mcnemar", "paired_z"]
