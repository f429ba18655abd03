"""Drift statistics on binned counts: what Python computes from the warehouse's histograms.

Every function takes two aligned count vectors — reference then current, same bins, bins in
sorted order where order matters (KS) — because counts per bin are all the warehouse returns.
Formulas follow the golden vectors (``/work/shared/golden``), computed with scipy:

* shares p = ref / sum(ref), q = cur / sum(cur); PSI smooths counts: (count + α) / (N + α·K)
* KS: D = max |cumsum(ref)/n − cumsum(cur)/m| over the bin edges;
  p = kstwo.sf(D, round(n·m/(n+m))) — conservative on binned data, never anti-conservative (above
  10,000 the Kolmogorov limit with Stephens' correction: ``ks_pvalue``)
* chi-square: *homogeneity* test on the 2×k table (not Evidently's goodness of fit, which
  false-alarms 30% of the time when both windows have similar sizes)
* Wasserstein-1 = ∫|F_ref − F_cur| on the CDFs known at the bin edges (linear between them) and
  exact tail integrals from the two open-ended bins' sums, divided by the reference std

:func:`compare` applies them to two :class:`~sqlmon.binning.Histogram` objects and returns a
:class:`DriftResult` with the verdict, the metric and *every* applicable statistic. Nothing here
returns NaN or inf: undefined numbers become ``None`` with the reason in the message. No I/O.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special as _special
from scipy import stats as _st
from scipy.spatial.distance import jensenshannon as _scipy_js

from .binning import KINDS, Histogram
from .errors import did_you_mean

# Significance level of the p-value gate. Not 0.05: at small n the effect-size gate does not bind
# (noise alone exceeds it), so the false-alarm rate per column is alpha itself, and 5% per column
# and day is too loose for many columns judged daily (docs/drift.md, measured).
ALPHA = 0.01
P_THRESHOLD = 0.05  # default of an explicitly chosen p-value method (ks, chisquare, z): the convention
W1_STD_FLOOR = 0.001  # Wasserstein is divided by max(reference std, this)
# Below MIN_COUNT rows in either window the verdict is skipped: asymptotic p-values (kstwo,
# chi-square) are unreliable and the effect sizes are sampling noise (two samples of 30 from the
# same distribution already differ by a Jensen–Shannon distance of ~0.3 on 20 bins).
MIN_COUNT = 30
MIN_EXPECTED = 5  # Cochran's rule: chi-square wants ≥ 5 expected rows per cell; sparser bins are pooled
SELECTION_Z = 3  # a kept category is tested only if it would have been kept 3 sd below its count


def _counts(x) -> np.ndarray:
    a = np.asarray(x, float).ravel()
    if a.size == 0 or not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError("counts must be a non-empty vector of finite, non-negative numbers")
    return a


def _pair(ref, cur) -> tuple[np.ndarray, np.ndarray]:
    r, c = _counts(ref), _counts(cur)
    if r.size != c.size:
        raise ValueError(f"reference and current have different bin counts ({r.size} vs {c.size})")
    if r.sum() <= 0 or c.sum() <= 0:
        raise ValueError("both windows need at least one counted row")
    return r, c


def _shares(ref, cur) -> tuple[np.ndarray, np.ndarray]:
    r, c = _pair(ref, cur)
    return r / r.sum(), c / c.sum()


# ----------------------------------------------------------------------------- tests with p-values


def ks(ref, cur) -> tuple[float, float]:
    """Two-sample Kolmogorov–Smirnov on binned counts: (D, p).

    >>> ks([5, 10, 20, 10, 5], [2, 6, 14, 16, 12])[0]
    0.26
    """
    r, c = _pair(ref, cur)
    n, m = r.sum(), c.sum()
    d = float(min(np.max(np.abs(np.cumsum(r) / n - np.cumsum(c) / m)), 1.0))
    return round(d, 15), ks_pvalue(d, max(1, round(n * m / (n + m))))


KS_EXACT_MAX_N = 10_000


def ks_pvalue(d: float, n: int) -> float:
    """P(D_n ≥ d): ``kstwo.sf(d, n)`` up to n = 10,000 (the golden vectors' convention), above it
    the Kolmogorov limit with Stephens' finite-n correction, ``kolmogorov((√n + 0.12 + 0.11/√n)·d)``.
    scipy's exact ``kstwo.sf`` takes up to ~0.5 s per call at n ≈ 10^5 in the tail (a drifted column
    of a 5M-row window); the limit is a microsecond and within 1.5% of it wherever p > 1e-5, 3%
    down to 1e-12 (measured n = 10^4 … 2·10^5, ``tests/test_stats.py``); below 1e-12 both are
    "zero" for any decision (the relative gap grows in the far tail)."""
    if n <= KS_EXACT_MAX_N:
        return float(_st.kstwo.sf(d, n))
    root = math.sqrt(n)
    return float(_special.kolmogorov((root + 0.12 + 0.11 / root) * d))


def chisquare(ref, cur) -> tuple[float, float, int]:
    """Chi-square homogeneity test on the 2×k table [ref, cur]: (stat, p, dof).

    All-zero columns are dropped first; with fewer than 2 columns left the windows cannot
    differ: (0, 1, 0).
    """
    r, c = _pair(ref, cur)
    keep = (r + c) > 0
    if keep.sum() < 2:
        return 0.0, 1.0, 0
    res = _st.chi2_contingency(np.vstack([r[keep], c[keep]]), correction=False)
    return float(res.statistic), float(res.pvalue), int(res.dof)


def z_test(x_ref: float, n_ref: float, x_cur: float, n_cur: float) -> tuple[float, float]:
    """Two-proportion z test with pooled variance: z = (x_ref/n_ref − x_cur/n_cur) / se.

    z² equals the 2×2 chi-square statistic. A pooled proportion of 0 or 1 means no variance:
    defined as (0, 1).
    """
    pooled = (x_ref + x_cur) / (n_ref + n_cur)
    var = pooled * (1 - pooled) * (1 / n_ref + 1 / n_cur)
    if var <= 0:
        return 0.0, 1.0
    z = (x_ref / n_ref - x_cur / n_cur) / math.sqrt(var)
    return float(z), float(2 * _st.norm.sf(abs(z)))


def ztest(ref, cur) -> tuple[float, float]:
    """z test on 2-bin counts; the second bin (True) is the proportion tested."""
    r, c = _pair(ref, cur)
    if r.size != 2:
        raise ValueError(f"the z test needs exactly 2 bins, got {r.size}")
    return z_test(r[1], r.sum(), c[1], c.sum())


# ----------------------------------------------------------------------------- distances


def psi(ref, cur, alpha: float = 0.5) -> float:
    """Population Stability Index Σ (q−p)·ln(q/p) on counts smoothed by (count+α)/(N+α·K).

    The smoothing keeps PSI finite when a bin is empty in one window; with α=0 an empty bin on
    one side only is an error. Its value grows with the number of bins: thresholds assume 20.

    >>> round(psi([100, 200, 300, 400], [150, 250, 250, 350]), 6)
    0.046996
    """
    r, c = _pair(ref, cur)
    p = (r + alpha) / (r.sum() + alpha * r.size)
    q = (c + alpha) / (c.sum() + alpha * c.size)
    both = (p > 0) & (q > 0)
    if np.any((p > 0) != (q > 0)):
        raise ValueError("PSI is infinite when a bin is empty in one window only: use alpha > 0")
    return float(max(np.sum((q[both] - p[both]) * np.log(q[both] / p[both])), 0.0))


def kl_divergence(ref, cur, alpha: float = 0.0) -> float:
    """KL(ref ‖ cur) = Σ p·ln(p/q) in nats, on optionally smoothed counts."""
    r, c = _pair(ref, cur)
    p = (r + alpha) / (r.sum() + alpha * r.size)
    q = (c + alpha) / (c.sum() + alpha * c.size)
    if np.any((p > 0) & (q == 0)):
        raise ValueError("KL divergence is infinite: a reference bin is empty in the current window")
    nz = p > 0
    return float(np.sum(p[nz] * np.log(p[nz] / q[nz])))


def jensenshannon(ref, cur, base: float | None = 2) -> float:
    """Jensen–Shannon *distance* (square root of the divergence), 0..1 in base 2; no smoothing needed."""
    p, q = _shares(ref, cur)
    d = float(_scipy_js(p, q, base=base))
    top = 1.0 if base == 2 else math.sqrt(math.log(2) / math.log(base or math.e))
    return min(max(d, 0.0), top) if math.isfinite(d) else 0.0


js_distance = jensenshannon  # the golden vectors' name


def hellinger(ref, cur) -> float:
    """Hellinger distance sqrt(½ Σ (√p − √q)²), 0..1."""
    p, q = _shares(ref, cur)
    return float(min(math.sqrt(0.5 * np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)), 1.0))


def tvd(ref, cur) -> float:
    """Total variation distance ½ Σ |p − q|, 0..1: the share of rows that would have to move."""
    p, q = _shares(ref, cur)
    return float(min(0.5 * np.sum(np.abs(p - q)), 1.0))


def linf(ref, cur) -> float:
    """L∞ distance max |p − q|: the largest change of one bin's share."""
    p, q = _shares(ref, cur)
    return float(np.max(np.abs(p - q)))


def w1_cdf(edges, ref_counts, ref_tails, cur_counts, cur_tails, discrete: bool = False) -> float:
    """Wasserstein-1 (data units) between two windows counted on the same edges: ∫ |F_ref − F_cur|.

    The CDFs are known at every edge (cumulative counts). Between two edges each is interpolated
    linearly (the bin's rows spread evenly), or, for a *discrete* column whose edges are its
    values, held constant (the bin's rows sit on its right edge: exact). The integral of |linear|
    is exact, including a sign change inside a bin. Beyond the outer edges the integral of each
    CDF is exact from the tail's count c and sum s — ∫_{-inf}^{e_0} F = (e_0·c − s)/n, and
    likewise for 1 − F above the last edge — and the distance there is the difference of the two
    integrals (exact unless the CDFs cross inside the tail). Needs only counts per bin and two
    sums per window, which the warehouse computes without a GROUP BY.
    """
    r, c = _pair(ref_counts, cur_counts)
    e = np.asarray(edges, float).ravel()
    if e.size + 1 != r.size:
        raise ValueError(f"{e.size} edges for {r.size} bins")
    (r_low, r_high), (c_low, c_high) = (np.asarray(t, float).ravel() for t in (ref_tails, cur_tails))
    n, m = r.sum(), c.sum()
    if e.size == 0:     # one bin holding everything: its tail sums are the window sums
        return float(abs(r_low / n - c_low / m))
    d = np.cumsum(r)[:-1] / n - np.cumsum(c)[:-1] / m       # F_ref − F_cur at each edge
    width = np.diff(e)
    if discrete:
        inner = np.sum(np.abs(d[:-1]) * width)
    else:
        a, b = d[:-1], d[1:]
        total = np.abs(a) + np.abs(b)
        crossing = (a * b < 0) & (total > 0)
        inner = np.sum(np.where(crossing, width * (a * a + b * b) / (2 * np.where(crossing, total, 1.0)),
                                width * total / 2))
    low = (e[0] * r[0] - r_low) / n - (e[0] * c[0] - c_low) / m
    high = (r_high - e[-1] * r[-1]) / n - (c_high - e[-1] * c[-1]) / m
    return float(abs(low) + inner + abs(high))


def wasserstein(ref: Histogram, cur: Histogram, ref_std: float, discrete: bool = False) -> float:
    """Normalised Wasserstein-1: :func:`w1_cdf` / max(ref_std, 0.001).

    Dividing by the reference std (population, = SQL STDDEV_POP) makes it unit-free: 0.1 means
    the distribution moved by a tenth of a standard deviation on average (a 0.25-std mean shift
    gives 0.25). The 0.001 floor is Evidently's; constant columns never get here (they are
    binned as discrete and judged by chi-square).
    """
    w1 = w1_cdf(ref.edges, ref.counts, ref.tails, cur.counts, cur.tails, discrete)
    return w1 / max(float(ref_std), W1_STD_FLOOR)


# ----------------------------------------------------------------------------- compat helpers


def two_gate(pvalue: float, effect: float, alpha: float = ALPHA, threshold: float = 0.1) -> bool:
    """The default verdict: drift iff significant (p < alpha) AND large (effect ≥ threshold).

    At warehouse sizes every p-value is ~0, so significance alone flags ordinary wobble.
    """
    return bool(pvalue < alpha and effect >= threshold)


def dataset_drift(column_drift, drift_share: float = 0.5) -> tuple[float, bool]:
    """(share of drifted columns, dataset drift iff share ≥ drift_share)."""
    flags = [bool(f) for f in column_drift]
    share = sum(flags) / len(flags) if flags else 0.0
    return share, bool(flags) and share >= drift_share


# Scholz & Stephens (1987) Table 2 critical values for two samples (b0 + b1 + b2, as in scipy).
@dataclass(frozen=True)
class Method:
    """One selectable drift method. ``metric_key`` is the number reported as the test's metric,
    ``judged_key`` the one compared with the threshold (the p-value for ks, chisquare and z:
    drift iff p < threshold; for distances drift iff distance ≥ threshold)."""

    name: str
    statistic: str
    higher_is_drift: bool
    default_threshold: float
    kinds: tuple[str, ...]
    assumes_bins: str
    metric_key: str
    judged_key: str


_NUM = ("numeric", "discrete")
_Q20 = "20 reference-quantile bins (one bin per value when discrete)"
METHODS: dict[str, Method] = {m.name: m for m in (
    Method("ks", "KS statistic D = max CDF gap (0..1); drift iff its p-value < threshold", False, P_THRESHOLD,
           _NUM, "ordered bins: " + _Q20 + "; ~0.0006 below raw KS at 20 bins", "ks_stat", "ks_pvalue"),
    Method("chisquare", "chi-square homogeneity statistic (2×k table); drift iff its p-value < threshold",
           False, P_THRESHOLD, KINDS, "any; p approximate when expected counts < 5", "chisquare_stat",
           "chisquare_pvalue"),
    Method("z", "two-proportion z statistic; drift iff its p-value < threshold", False, P_THRESHOLD,
           ("boolean",), "exactly 2 bins", "z", "z_pvalue"),
    Method("psi", "Population Stability Index, add-½ smoothing", True, 0.1, KINDS,
           _Q20 + "; PSI grows with the bin count (0.1/0.25: 10–20-bin rules of thumb)", "psi", "psi"),
    Method("jensenshannon", "Jensen–Shannon distance, base 2 (0..1)", True, 0.1, KINDS, _Q20,
           "jensenshannon", "jensenshannon"),
    Method("wasserstein", "Wasserstein-1 of the binned CDFs / reference std", True, 0.1, _NUM,
           "per-bin COUNT and SUM; nearly exact at 20 bins", "wasserstein", "wasserstein"),
    Method("hellinger", "Hellinger distance (0..1)", True, 0.1, KINDS, _Q20, "hellinger", "hellinger"),
    Method("tvd", "total variation distance ½Σ|p−q| (0..1)", True, 0.1, KINDS, _Q20, "tvd", "tvd"),
    Method("linf", "L∞ distance max|p−q| (largest change of one bin's share)", True, 0.1, KINDS, _Q20,
           "linf", "linf"),
)}

# kind -> (significance gate, effect-size gate, default effect threshold): drift iff both hold.
DEFAULT_VERDICT: dict[str, tuple[str, str, float]] = {
    # 0.075, not 0.1: a 1.2x spread on skewed columns moves W1/std by only 0.11-0.12 (docs/drift.md).
    "numeric": ("ks", "wasserstein", 0.075),
    "discrete": ("chisquare", "jensenshannon", 0.05),
    "categorical": ("chisquare", "jensenshannon", 0.05),
    "boolean": ("chisquare", "jensenshannon", 0.05),
}


@dataclass
class DriftResult:
    """Outcome of one column comparison. ``metric`` is None (never NaN) when it cannot be
    computed, and ``message`` says why; ``skipped`` marks too-small windows."""

    metric: float | None
    drifted: bool
    method: str
    stats: dict[str, float | None]
    message: str
    skipped: bool = False
    threshold: float | None = None


def _quality(ref: Histogram, cur: Histogram, kind: str) -> dict[str, float | None]:
    """Row counts and special-bucket shares: reported for data quality, not part of drift."""
    out: dict[str, float | None] = {}
    names = ("null", "nan", "posinf", "neginf") if kind in _NUM else ("null",)
    for tag, h in (("ref", ref), ("cur", cur)):
        n = float(sum(h.counts))
        total = n + h.null + h.nan + h.posinf + h.neginf
        out[f"n_{tag}"] = n
        for name in names:
            out[f"{name}_share_{tag}"] = float(getattr(h, name)) / total if total else None
    return out


def pooled_bins(ref: Histogram, cur: Histogram, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """The table the chi-square test and the distances see: sparse bins pooled, empty ones dropped.

    Pooling is decided on the column totals (ref + cur) only, which keeps the test exact under no
    drift. Ordered bins (numeric, discrete): neighbours merge until each bin expects ≥
    MIN_EXPECTED rows in both windows. Categorical: ``other`` and ``new`` form one bucket (their
    split is biased on sparse tails, their sum is not), joined by every kept category that is
    sparse or not *safely* above the reference's selection ``cutoff`` — top-K categories chosen
    on the reference sample are, near the cut, the ones that were lucky there, and would read as
    drift when they regress in the current window (winner's curse: 7% false alarms at 10k rows on
    a 2000-category tail without this).
    """
    r, c = _counts(ref.counts), _counts(cur.counts)
    n, m = r.sum(), c.sum()
    share = min(n, m) / (n + m)
    if kind == "categorical" and r.size >= 2:
        t = r[:-2] + c[:-2]
        low_draw = t * n / (n + m) - SELECTION_Z * np.sqrt(t * n * m) / (n + m)  # reference count, -3 sd
        safe = (t * share >= MIN_EXPECTED) & (low_draw > ref.cutoff)
        r = np.append(r[:-2][safe], r[:-2][~safe].sum() + r[-2:].sum())
        c = np.append(c[:-2][safe], c[:-2][~safe].sum() + c[-2:].sum())
    elif kind in _NUM:
        groups, start, acc = [], 0, 0.0
        for i, t in enumerate(r + c):
            acc += t
            if acc * share >= MIN_EXPECTED:
                groups.append((start, i + 1))
                start, acc = i + 1, 0.0
        if start < r.size:
            groups = groups[:-1] + [(groups[-1][0] if groups else 0, r.size)]
        r = np.array([r[a:b].sum() for a, b in groups])
        c = np.array([c[a:b].sum() for a, b in groups])
    keep = (r + c) > 0  # bins empty in both windows carry no information
    return r[keep], c[keep]


def _all_stats(ref: Histogram, cur: Histogram, kind: str, notes: list[str]) -> dict[str, float | None]:
    r, c = _counts(ref.counts), _counts(cur.counts)
    rk, ck = pooled_bins(ref, cur, kind)
    out: dict[str, float | None] = {"bins": float(rk.size)}
    chi = chisquare(rk, ck)
    out["chisquare_stat"], out["chisquare_pvalue"], out["chisquare_dof"] = chi[0], chi[1], float(chi[2])
    for name, fn in (("psi", psi), ("jensenshannon", jensenshannon), ("hellinger", hellinger),
                     ("tvd", tvd), ("linf", linf)):
        out[name] = fn(rk, ck)
    if kind == "categorical" and r.size >= 2:  # Good–Turing expectation vs observed new values
        out["new_share_ref"], out["new_share_cur"] = r[-1] / r.sum(), c[-1] / c.sum()
    if kind in _NUM:
        out["ks_stat"], out["ks_pvalue"] = ks(r, c)
        if ref.tails is None or cur.tails is None or ref.edges is None:
            notes.append("Wasserstein needs the bin edges and the tail sums")
        else:
            out["wasserstein_w1"] = w1_cdf(ref.edges, r, ref.tails, c, cur.tails, kind == "discrete")
            if ref.std is None or not ref.std > 0:
                notes.append("normalised Wasserstein undefined: the reference std is 0 or unknown")
                out["wasserstein"] = None
            else:
                out["wasserstein"] = out["wasserstein_w1"] / max(ref.std, W1_STD_FLOOR)
    if kind == "boolean" or rk.size == 2:
        out["z"], out["z_pvalue"] = ztest(r, c) if kind == "boolean" else ztest(rk, ck)
    for key, value in out.items():
        if value is not None and not math.isfinite(value):
            notes.append(f"{key} was not finite")
            out[key] = None
    return out


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def compare(ref: Histogram, cur: Histogram, kind: str, method: str | None = None,
            threshold: float | None = None) -> DriftResult:
    """Judge drift between a reference and a current histogram on the same bins.

    ``method=None`` applies the default two-gate verdict (significant AND large): numeric =
    KS p < 0.01 AND normalised Wasserstein ≥ 0.075 (metric: the Wasserstein); discrete,
    categorical, boolean = chi-square p < 0.01 AND Jensen–Shannon distance ≥ 0.05 (metric: the
    JS distance). ``threshold`` then replaces the effect-size threshold. With a ``method`` from
    :data:`METHODS`, ``threshold`` (default: the method's) applies to its judged number.
    ``stats`` always holds every applicable statistic.
    """
    if kind not in KINDS:
        hint = did_you_mean(kind, KINDS) or f"use one of {', '.join(KINDS)}"
        raise ValueError(f"unknown column kind {kind!r}; {hint}")
    if method is not None and method not in METHODS:
        hint = did_you_mean(method, METHODS) or f"use one of {', '.join(METHODS)}"
        raise ValueError(f"unknown drift method {method!r}; {hint}")
    if method is not None and kind not in METHODS[method].kinds:
        raise ValueError(f"drift method {method!r} does not apply to {kind} columns "
                         f"(it applies to: {', '.join(METHODS[method].kinds)})")
    if len(ref.counts) != len(cur.counts):
        raise ValueError(f"histograms have different bins ({len(ref.counts)} vs {len(cur.counts)})")
    stats = _quality(ref, cur, kind)
    test, effect, effect_t = DEFAULT_VERDICT[kind]
    name = method or f"{test}+{effect}"
    if min(stats["n_ref"], stats["n_cur"]) < MIN_COUNT:
        return DriftResult(None, False, name, stats, skipped=True, message=(
            f"skipped: {stats['n_ref']:g} reference and {stats['n_cur']:g} current rows; "
            f"drift needs at least {MIN_COUNT} in each window"))
    notes: list[str] = []
    stats.update(_all_stats(ref, cur, kind, notes))
    if method is None:  # two gates: significance (p < ALPHA) and effect size (≥ threshold)
        t = effect_t if threshold is None else float(threshold)
        metric, p = stats.get(effect), stats.get(f"{test}_pvalue")
        drifted = None if p is None or metric is None else two_gate(p, metric, ALPHA, t)
        text = (f"{test} p={_fmt(p)} {'<' if p is not None and p < ALPHA else '≥'} {ALPHA} and "
                f"{effect} {_fmt(metric)} {'≥' if metric is not None and metric >= t else '<'} {t}")
    else:
        m = METHODS[method]
        t = m.default_threshold if threshold is None else float(threshold)
        metric, judged = stats.get(m.metric_key), stats.get(m.judged_key)
        drifted = None if judged is None else (judged >= t if m.higher_is_drift else judged < t)
        shown = f"{m.metric_key}={_fmt(metric)}"
        shown += f", p={_fmt(judged)}" if m.metric_key != m.judged_key else ""
        text = f"{shown} {'≥' if m.higher_is_drift == bool(drifted) else '<'} {t}"
    if drifted is None:
        return DriftResult(None, False, name, stats, "cannot judge drift: " + "; ".join(notes), threshold=t)
    message = f"{'drift' if drifted else 'no drift'}: {text}"
    if cur.new_values:
        more = len(cur.new_values) - 5
        message += f"; new values: {', '.join(map(str, cur.new_values[:5]))}"
        message += f" (+{more} more)" if more > 0 else ""
    if notes:
        message += "; " + "; ".join(notes)
    return DriftResult(metric, bool(drifted), name, stats, message, threshold=t)


# Peer-tool conventions live in stats_compat; re-exported so `stats.psi_evidently` keeps working.
from .stats_compat import (anderson_ksamp, chi2_gof_evidently, psi_evidently, psi_popmon,  # noqa: E402
                           wasserstein_norm_raw)

__all__ = ["ALPHA", "DEFAULT_VERDICT", "METHODS", "MIN_COUNT", "DriftResult", "Method", "anderson_ksamp",
           "chi2_gof_evidently", "chisquare", "compare", "dataset_drift", "hellinger", "jensenshannon", "kl_divergence",
           "ks", "ks_pvalue", "linf", "pooled_bins", "psi", "psi_evidently", "psi_popmon", "tvd", "two_gate", "wasserstein",
           "wasserstein_norm_raw", "w1_cdf", "z_test", "ztest"]
