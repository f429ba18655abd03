"""The numpy reference of the profile and histogram passes: what the SQL computes, from raw arrays.

Tests compare the warehouse's answers with these, and ``benchmarks/drift_study.py`` runs the
statistics on them (no SQL). Same rules as :mod:`sqlmon.judge.binning`; not shipped in the wheel.
"""
from __future__ import annotations

import math

import numpy as np

from sqlmon.judge.binning import (
    DEFAULT_BINS,
    GRID,
    NAN,
    NEGINF,
    NULL,
    POSINF,
    Histogram,
    Profile,
    assign_categorical,
    assign_numeric,
    boolean_profile,
    categorical_histogram,
    categorical_profile,
    numeric_profile,
    point_masses,
)
from sqlmon.requests import float_values


def quantile_edges(x, bins: int = DEFAULT_BINS) -> list[float]:
    """Deduplicated linear-interpolation quantiles at 1/bins … (bins-1)/bins (= SQL quantile_cont)."""
    f = np.asarray(x, float)
    f = f[np.isfinite(f)]
    if f.size == 0:
        return []
    return sorted({float(q) for q in np.quantile(f, [i / bins for i in range(1, bins)])})


def profile_numpy(x, bins: int = DEFAULT_BINS, kind: str | None = None, *, k: int = 50,
                  min_share: float = 0.001) -> Profile:
    """The Profile the SQL profile pass would produce, computed exactly from raw data.

    ``kind`` defaults from the dtype: bool -> boolean, numbers -> numeric (which may become
    discrete), anything else -> categorical.
    """
    arr = np.asarray(x, dtype=object if isinstance(x, list) else None).ravel()
    if kind is None:
        sample = [v for v in arr[:1000].tolist() if v is not None]
        if arr.dtype == bool or (sample and all(isinstance(v, bool) for v in sample)):
            kind = "boolean"
        elif arr.dtype.kind in "iuf" or (sample and all(isinstance(v, (int, float)) for v in sample)):
            kind = "numeric"
        else:
            kind = "categorical"
    if kind == "boolean":
        return boolean_profile(n=int(sum(v is not None for v in arr.tolist())))
    if kind == "categorical":
        if arr.dtype == object:
            present = arr[np.fromiter((v is not None for v in arr), bool, arr.size)]
            index: dict = {}
            for v in present.tolist():
                index[v] = index.get(v, 0) + 1
            top = list(index.items())
        else:  # typed arrays (ints, strings): count with numpy, much faster
            present = arr
            uniq, cnt = np.unique(arr, return_counts=True)
            top = list(zip(uniq.tolist(), cnt.tolist()))
        singletons = sum(1 for _, c in top if c == 1)
        return categorical_profile(top, n=len(present), singletons=singletons, k=k, min_share=min_share)
    f, null = float_values(arr)
    f = f[~null & np.isfinite(f)]
    if f.size == 0:
        return numeric_profile([], n=0, std=None, vmin=None, vmax=None, distinct_count=0, top_values=[],
                               bins=bins)
    uniq, cnt = np.unique(f, return_counts=True)
    order = np.lexsort((uniq, -cnt))[: 2 * bins + 1]
    grid = np.quantile(f, [j / (GRID * bins) for j in range(1, GRID * bins)]).tolist()
    return numeric_profile(quantile_edges(f, bins), n=f.size, std=_std(f), vmin=float(f.min()),
                           vmax=float(f.max()), distinct_count=uniq.size,
                           top_values=[(float(uniq[i]), int(cnt[i])) for i in order], bins=bins,
                           point_masses=point_masses(grid, GRID - 1))


def _std(f: np.ndarray) -> float | None:
    """Population std (= SQL STDDEV_POP), scaled first so values near 1e308 do not overflow."""
    if f.size == 0:
        return None
    scale = float(np.max(np.abs(f)))
    sd = float(np.std(f / scale)) * scale if scale > 0 else 0.0
    return sd if math.isfinite(sd) else None


def histogram_numpy(x, profile: Profile) -> Histogram:
    """Counts, tail sums and special buckets of a numeric window (what the SQL returns)."""
    if profile.kind not in ("numeric", "discrete"):
        raise ValueError(f"histogram_numpy needs a numeric profile, got {profile.kind!r}")
    f, null = float_values(x)
    codes = assign_numeric(np.ma.MaskedArray(f, null), profile)
    ok = codes >= 0
    counts = np.bincount(codes[ok], minlength=profile.n_bins)
    special = {name: int(np.sum(codes == code)) for name, code in
               (("null", NULL), ("nan", NAN), ("posinf", POSINF), ("neginf", NEGINF))}
    tails = (float(f[ok & (codes == 0)].sum()), float(f[ok & (codes == profile.n_bins - 1)].sum()))
    return Histogram(counts=tuple(int(c) for c in counts), edges=profile.edges, tails=tails,
                     std=_std(f[ok]), labels=profile.labels, **special)


def histogram_categorical_numpy(values, profile: Profile, reference_values=None) -> Histogram:
    """Bucket counts of a categorical/boolean window.

    ``reference_values=None`` means *values is the reference window itself* (so nothing in it
    is new, and Good–Turing fills the ``new`` bucket); for a current window pass the reference's
    values so that ``other`` and ``new`` can be told apart.
    """
    codes = assign_categorical(values, profile, reference_values)
    width = len(profile.values) + 2
    raw = np.bincount(codes[codes >= 0], minlength=width)
    new_values: tuple = ()
    if reference_values is not None and raw[-1]:
        arr = np.asarray(values, dtype=object if isinstance(values, list) else None).ravel()
        new_values = tuple(sorted({v.item() if isinstance(v, np.generic) else v
                                   for v in arr[codes == width - 1].tolist()}, key=str))
    return categorical_histogram(raw[: len(profile.values)].tolist(), other=int(raw[-2]), new=int(raw[-1]),
                                 null=int(np.sum(codes == NULL)), profile=profile,
                                 is_reference=reference_values is None, new_values=new_values)
