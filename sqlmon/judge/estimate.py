"""Performance before the labels arrive: confidence-based performance estimation (CBPE) from
aggregates. Pure.

The warehouse returns, per score *cell* -- a fine score bin split at the decision threshold, so
every cell lies wholly on one side of it -- the labelled rows and positives of the reference
window and the rows of the current window (labelled or not). Python then:

1. **Calibrates on the reference** by histogram binning: consecutive cells are merged, never
   across the threshold, until each calibration bin holds at least m = max(30, ceil(sqrt(n)))
   labelled reference rows (n = all labelled reference rows, so about sqrt(n) bins); a short last
   bin joins its neighbour. A bin's calibrated probability is its share of positives. A side of
   the threshold with fewer than m labelled rows cannot be calibrated: when the current window has
   rows there, the estimate is not made (the caller skips with this reason).
2. **Expects on the current window**: each current row is a positive with its calibrated
   probability r -- the bins' rates joined linearly between the bins' mean reference scores, read at
   the mean score of the row's cell (a cell's rows and score sum come from the warehouse). Expected confusion counts at the threshold are exact expectations under
   that assumption: E[TP] = sum over predicted-positive cells of rows * r, E[FP] = rows * (1 - r),
   and likewise E[FN], E[TN] below the threshold; so is expected accuracy (E[TP] + E[TN]) / n.
   Precision, recall and F1 are ratios of expectations (E[TP] / (E[TP] + E[FP]), ...), and the ROC
   AUC is the trapezoid AUC of the expected positives and negatives per cell (ties in a cell count
   1/2): approximations of the expected ratio, close when the window is large.

The assumption is NannyML's: the score -> label relation (the calibration) holds in the current
window. Covariate shift (the scores move, the relation holds) is what it estimates well; under
concept shift (the relation itself changes) nothing computed from scores alone can see it.

`standard_errors` give each estimate's noise against the realised metric as a function of n: the
current window's own realisation noise (each row a Bernoulli(r): sum r(1 - r) / n^2 for accuracy)
plus the calibration's (each bin's rate estimated from its reference rows), by the delta method
for the ratios; for the ROC AUC, Hanley & McNeil's realisation noise only.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_BIN_ROWS = 30
METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc")
EXACT = ("accuracy",)             # exact expectations; the others are ratios of expectations


@dataclass(frozen=True)
class Cell:
    """One score cell: a fine score bin on one side of the decision threshold, in score order."""

    predicted: bool               # the cell's rows are predicted positive (score >= threshold)
    ref_pos: float = 0.0          # reference: labelled rows with a positive label
    ref_labelled: float = 0.0     # reference: labelled rows
    cur_rows: float = 0.0         # current: rows with a valid score, labelled or not
    ref_score: float = 0.0        # reference: sum of the labelled rows' scores
    cur_score: float = 0.0        # current: sum of the rows' scores


@dataclass(frozen=True)
class Calibration:
    groups: tuple[tuple[int, ...], ...]     # cell indices of each calibration bin, in score order
    rates: tuple[float, ...]                # positive share of each bin's labelled reference rows
    labelled: tuple[float, ...]             # labelled reference rows per bin
    min_rows: int
    centres: tuple[float, ...] = ()         # mean reference score of each bin

    def probability(self, score: float) -> float:
        """The calibrated probability at `score`: the bins' rates joined linearly between their mean
        scores (flat beyond the first and last), so rows keep their order inside a bin -- a
        constant per bin would flatten it and pull the expected ROC AUC towards 1/2."""
        xs, ys = self.centres, self.rates
        if score <= xs[0]:
            return ys[0]
        if score >= xs[-1]:
            return ys[-1]
        hi = next(i for i, x in enumerate(xs) if x >= score)
        lo = hi - 1
        span = xs[hi] - xs[lo]
        t = (score - xs[lo]) / span if span > 0 else 0.0
        return min(1.0, max(0.0, ys[lo] + t * (ys[hi] - ys[lo])))


def min_rows(n_labelled: float) -> int:
    """Labelled reference rows a calibration bin needs: max(30, ceil(sqrt(n))).

    >>> min_rows(400), min_rows(10_000), min_rows(1_000_000)
    (30, 100, 1000)
    """
    return max(MIN_BIN_ROWS, math.ceil(math.sqrt(max(n_labelled, 0.0))))


def calibrate(cells: Sequence[Cell]) -> Calibration | str:
    """Histogram-binning calibration of the reference, or why it cannot be made."""
    n = sum(c.ref_labelled for c in cells)
    m = min_rows(n)
    groups: list[list[int]] = []
    for side in (False, True):
        idx = [i for i, c in enumerate(cells) if c.predicted == side]
        have = sum(cells[i].ref_labelled for i in idx)
        if have < m:
            if any(cells[i].cur_rows for i in idx):
                where = "at or above" if side else "below"
                return (f"the reference has {have:,.0f} labelled rows scored {where} the decision threshold; "
                        f"calibrating needs at least {m:,} (max(30, sqrt(n)) with n = {n:,.0f} labelled rows)")
            continue
        current: list[int] = []
        side_groups: list[list[int]] = []
        filled = 0.0
        for i in idx:
            current.append(i)
            filled += cells[i].ref_labelled
            if filled >= m:
                side_groups.append(current)
                current, filled = [], 0.0
        if current:                       # a short last bin joins its neighbour
            side_groups[-1].extend(current)
        groups.extend(side_groups)
    groups.sort(key=lambda g: g[0])
    labelled = tuple(sum(cells[i].ref_labelled for i in g) for g in groups)
    rates = tuple(sum(cells[i].ref_pos for i in g) / lab for g, lab in zip(groups, labelled))
    centres = tuple(sum(cells[i].ref_score for i in g) / lab for g, lab in zip(groups, labelled))
    return Calibration(tuple(tuple(g) for g in groups), rates, labelled, m, centres)


@dataclass(frozen=True)
class Expected:
    tp: float
    fp: float
    tn: float
    fn: float
    roc_auc: float | None
    n: float
    standard_errors: dict[str, float | None]

    def metric(self, name: str) -> float | None:
        """The estimate of `name` (None when undefined, e.g. no expected positive prediction)."""
        tp, fp, tn, fn = self.tp, self.fp, self.tn, self.fn
        value = {"accuracy": _ratio(tp + tn, self.n), "precision": _ratio(tp, tp + fp),
                 "recall": _ratio(tp, tp + fn), "f1": _ratio(2 * tp, 2 * tp + fp + fn),
                 "roc_auc": self.roc_auc}[name]
        return value


def expect(cells: Sequence[Cell], cal: Calibration) -> Expected:
    """Expected confusion counts and ROC AUC of the current window under `cal`."""
    pos = [c.cur_rows * cal.probability(c.cur_score / c.cur_rows) if c.cur_rows else 0.0 for c in cells]
    neg = [c.cur_rows - p for c, p in zip(cells, pos)]
    tp = sum(p for c, p in zip(cells, pos) if c.predicted)
    fp = sum(q for c, q in zip(cells, neg) if c.predicted)
    fn = sum(p for c, p in zip(cells, pos) if not c.predicted)
    tn = sum(q for c, q in zip(cells, neg) if not c.predicted)
    n = tp + fp + fn + tn
    auc = trapezoid_auc(pos, neg)
    return Expected(tp, fp, tn, fn, auc, n, _standard_errors(cells, cal, tp, fp, fn, tn, n))


def trapezoid_auc(pos: list[float], neg: list[float]) -> float | None:
    """Trapezoid AUC of expected positives and negatives per cell in score order (ties: 1/2)."""
    total_pos, total_neg = sum(pos), sum(neg)
    if total_pos <= 0 or total_neg <= 0:
        return None
    below, area = 0.0, 0.0
    for p, q in zip(pos, neg):
        area += p * (below + q / 2)
        below += q
    return area / (total_pos * total_neg)


def _standard_errors(cells: Sequence[Cell], cal: Calibration, tp: float, fp: float, fn: float, tn: float,
                     n: float) -> dict[str, float | None]:
    """Delta-method standard errors of each estimate against the realised metric: realisation
    noise of the current rows plus the calibration rates' estimation noise."""
    # d(metric) / d(a row being positive), for a row predicted positive and one predicted negative
    # (the rows on each side are known; which of them are positive is what is estimated)
    grads: dict[str, tuple[float, float] | None] = {
        "accuracy": (1 / n, -1 / n) if n else None,                          # (predicted +, predicted -)
        "precision": (1 / (tp + fp), 0.0) if tp + fp else None,     # the predicted positives are known
        "recall": ((fn / (tp + fn) ** 2), (-tp / (tp + fn) ** 2)) if tp + fn else None,
        "f1": ((2 * (tp + fp + fn) / (2 * tp + fp + fn) ** 2), (-2 * tp / (2 * tp + fp + fn) ** 2))
        if 2 * tp + fp + fn else None,
    }
    out: dict[str, float | None] = {"roc_auc": _auc_standard_error(cells, cal, tp + fn, fp + tn)}
    for name, g in grads.items():
        if g is None:
            out[name] = None
            continue
        var = 0.0
        for group, r, lab in zip(cal.groups, cal.rates, cal.labelled):
            for side in (True, False):
                rows = sum(cells[i].cur_rows for i in group if cells[i].predicted == side)
                if not rows:
                    continue
                d = g[0] if side else g[1]
                var += d * d * (rows * r * (1 - r) + rows * rows * r * (1 - r) / lab)
        out[name] = math.sqrt(var)
    return out


def _auc_standard_error(cells: Sequence[Cell], cal: Calibration, positives: float, negatives: float) -> float | None:
    """Hanley & McNeil's (1982) standard error of a realised AUC with this many positives and
    negatives, at the expected AUC: the realisation noise (the calibration's is not in it)."""
    pos = [c.cur_rows * cal.probability(c.cur_score / c.cur_rows) if c.cur_rows else 0.0 for c in cells]
    a = trapezoid_auc(pos, [c.cur_rows - p for c, p in zip(cells, pos)])
    if a is None or positives < 1 or negatives < 1:
        return None
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (positives * negatives)
    return math.sqrt(max(var, 0.0))


def _ratio(a: float, b: float) -> float | None:
    return a / b if b > 0 else None


__all__ = ["Calibration", "Cell", "EXACT", "Expected", "METRICS", "calibrate", "expect", "min_rows", "trapezoid_auc"]
