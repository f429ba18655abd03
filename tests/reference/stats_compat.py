"""Peer-tool conventions and extra tests, kept apart from sqlmon's own statistics.

The golden vectors (tests/golden) and the study compare sqlmon with how Evidently and popmon
compute PSI, Evidently's goodness-of-fit chi-square, raw-data Wasserstein and Anderson–Darling
on counts. None of these is a default; they document why sqlmon's choices differ.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats as _st
from scipy.special import digamma

from sqlmon.judge.stats import W1_STD_FLOOR, _pair, _shares


def psi_evidently(ref, cur) -> float:
    """PSI as Evidently (legacy) computes it: a zero share becomes 1e-4, or min_nonzero/1e6
    when the smallest non-zero share is ≤ 1e-4. For comparison only; not a default."""
    def fill(s):
        low = s[s > 0].min()
        return np.where(s == 0, low / 1e6 if low <= 1e-4 else 1e-4, s)
    p, q = (fill(s) for s in _shares(ref, cur))
    return float(np.sum((q - p) * np.log(q / p)))


def psi_popmon(ref, cur) -> float:
    """PSI as popmon computes it: 1e-5 added to every share, no renormalisation."""
    p, q = (s + 1e-5 for s in _shares(ref, cur))
    return float(np.sum((q - p) * np.log(q / p)))


def chi2_gof_evidently(ref, cur) -> tuple[float, float]:
    """Evidently's goodness-of-fit chi-square (current vs reference shares × current size).

    Anti-conservative when both windows have similar sizes (it ignores the reference's own
    noise): 30–33% false alarms on no-drift data. For comparison only.
    """
    r, c = _pair(ref, cur)
    keep = (r + c) > 0
    if np.any(r[keep] == 0):
        raise ValueError("goodness of fit is undefined: a bin is empty in the reference only")
    res = _st.chisquare(c[keep], r[keep] / r.sum() * c.sum())
    return float(res.statistic), float(res.pvalue)


def wasserstein_norm_raw(ref_raw, cur_raw) -> float:
    """W1 on raw values / max(np.std(ref), 0.001) — the unbinned quantity that
    :func:`wasserstein` approximates (tests and studies only)."""
    r = np.asarray(ref_raw, float)
    w1 = _st.wasserstein_distance(r, np.asarray(cur_raw, float))
    return float(w1 / max(float(np.std(r)), W1_STD_FLOOR))


_AD_CRITICAL = np.array([0.325, 1.226, 1.961, 2.718, 3.752, 4.592, 6.546])
_AD_SIG = np.array([0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001])


def anderson_ksamp(ref, cur) -> tuple[float, float]:
    """Anderson–Darling two-sample test (midrank variant, Scholz & Stephens 1987) on binned counts.

    Equals ``scipy.stats.anderson_ksamp(variant='midrank')`` on the bin ids; the p-value is
    interpolated from the table and clipped to [0.001, 0.25] like scipy's. Above 10⁵ rows the
    constant g uses π²/6 − (2·ln N + 2γ + 1)/N (error ~0.5/N², measured) instead of an O(N) sum.
    """
    r, c = _pair(ref, cur)
    keep = (r + c) > 0
    r, c = r[keep], c[keep]
    if r.size < 2:
        return 0.0, 0.25
    n, t = r.sum() + c.sum(), r + c
    b = np.cumsum(t) - t / 2
    a2 = sum(np.sum(t / n * (n * (np.cumsum(s) - s / 2) - b * s.sum()) ** 2 / (b * (n - b) - n * t / 4))
             / s.sum() for s in (r, c)) * (n - 1) / n
    hh, big = 1 / r.sum() + 1 / c.sum(), int(round(n))
    if big <= 100_000:
        hs = (1.0 / np.arange(big - 1, 1, -1)).cumsum()
        h, g = hs[-1] + 1, float((hs / np.arange(2, big)).sum())
    else:
        h = float(digamma(big) + np.euler_gamma)
        g = math.pi ** 2 / 6 - (2 * math.log(big) + 2 * np.euler_gamma + 1) / big
    a = (4 * g - 6) + (10 - 6 * g) * hh  # the k = 2 case of Scholz & Stephens' variance terms
    bb = (2 * g - 4) * 4 + 16 * h + (2 * g - 14 * h - 4) * hh - 8 * h + 4 * g - 6
    cc = (6 * h + 2 * g - 2) * 4 + (4 * h - 4 * g + 6) * 2 + (2 * h - 6) * hh + 4 * h
    dd = (2 * h + 6) * 4 - 8 * h
    sigmasq = (a * n ** 3 + bb * n ** 2 + cc * n + dd) / ((n - 1) * (n - 2) * (n - 3))
    stat = float((a2 - 1) / math.sqrt(sigmasq))
    if not _AD_CRITICAL[0] <= stat <= _AD_CRITICAL[-1]:
        return stat, 0.25 if stat < _AD_CRITICAL[0] else 0.001
    return stat, float(math.exp(np.polyval(np.polyfit(_AD_CRITICAL, np.log(_AD_SIG), 2), stat)))


# ----------------------------------------------------------------------------- registry and verdict
