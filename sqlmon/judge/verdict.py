"""The drift verdict: the selectable methods, the default two-gate rule, and
:func:`compare_histograms`, which judges a reference and a current
:class:`~sqlmon.judge.binning.Histogram` with the statistics of :mod:`.stats`. Nothing here returns NaN or inf: undefined
numbers become ``None`` with the reason in the message. No I/O.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sqlmon.errors import did_you_mean
from sqlmon.judge.binning import KINDS, Histogram
from sqlmon.judge.stats import (
    ALPHA,
    MIN_COUNT,
    MIN_EXPECTED,
    P_THRESHOLD,
    SELECTION_Z,
    W1_STD_FLOOR,
    _counts,
    chisquare,
    hellinger,
    jensenshannon,
    ks,
    linf,
    psi,
    tvd,
    w1_cdf,
    ztest,
)


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
           "counts at the edges + the two tail sums; within ~3% of raw W1 at 20 bins", "wasserstein", "wasserstein"),
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


def compare_histograms(ref: Histogram, cur: Histogram, kind: str, method: str | None = None,
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
