"""Reference profiles and the bin rule: which bin each value of a window falls in.

Why this module exists: drift is judged on histograms, and both windows must be binned the same
way. The warehouse runs two passes (DESIGN §6). The *profile pass* over the reference window
returns a few aggregates (quantiles, most frequent values, n, std, min, max, singletons); the
``*_profile`` functions here turn them into a :class:`Profile` — the bin edges or the kept
categories — which is stored with the baseline and reused for every later run. The numeric rule
is an ordered list of ``<=`` tests::

    x IS NULL -> -1;  isnan(x) -> -2;  x = +inf -> -3;  x = -inf -> -4;   (special buckets first)
    x <= edges[0] -> 0;  x <= edges[1] -> 1;  ...;  else len(edges)

that is, bin = number of edges strictly below x: right-closed bins, the first and last open-ended
so values outside the reference range are still counted. The numeric *histogram pass* does not
compute that bin per row: it counts ``x <= edge`` for every edge (a cumulative count, plain
scalar aggregates the planner fuses with every other test of the window, 3x cheaper in DuckDB
than a GROUP BY on a CASE) plus the special buckets and the sums of the two open-ended tails;
:func:`numeric_histogram` turns those into the same per-bin counts :func:`assign_numeric` gives.
Edges are finite floats and ``sql_literal(edge)`` (``repr``) round-trips exactly, so the SQL
compares with the same numbers.

:mod:`tests/reference/binning_numpy.py` (``profile_numpy``, ``histogram_numpy``, ...) computes the
same things from raw arrays; tests and ``benchmarks/drift_study.py`` use it as the reference
semantics (it is not shipped). No I/O here.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from sqlmon.requests import float_values

PROFILE_VERSION = 1
DEFAULT_BINS = 20
GRID = 5    # profile quantiles per bin: a grid of GRID x bins - 1 points; every GRID-th is an edge
KINDS = ("numeric", "discrete", "categorical", "boolean")

# Special bucket codes returned by the assign_* functions (never ordinary bin indices).
NULL, NAN, POSINF, NEGINF = -1, -2, -3, -4
OTHER_LABEL, NEW_LABEL = "__other__", "__new__"


def sql_literal(edge: float) -> str:
    """The exact SQL literal of an edge: ``repr`` of a Python float round-trips bit for bit.

    >>> sql_literal(0.1), sql_literal(float(np.nextafter(0.0, -1.0)))
    ('0.1', '-5e-324')
    """
    text = repr(float(edge))
    assert float(text) == float(edge) and math.isfinite(float(edge)), edge
    return text


@dataclass(frozen=True)
class Histogram:
    """Counts of one window on a profile's bins, as the histogram pass returns them.

    ``counts``: rows per ordinary bin (numeric: ``len(edges) + 1`` bins; categorical: the kept
    values then ``other`` then ``new``; boolean: False, True). Numeric only: ``edges`` (the
    profile's), ``tails`` = (sum of the finite values in the first bin, sum of those in the last)
    — with the counts they give Wasserstein, see ``stats.w1_cdf`` — and ``std``, the population
    std of the window's finite values (Wasserstein normalisation; set on the reference).
    ``null``/``nan``/``posinf``/``neginf`` are data-quality counts, kept OUT of the drift
    statistics. ``new_values`` names categories never seen in the reference (for messages).
    ``cutoff`` (categorical reference only): reference count of the most frequent value NOT kept,
    the selection threshold ``stats.compare`` needs to avoid testing categories kept for luck.
    """

    counts: tuple[float, ...]
    edges: tuple[float, ...] | None = None
    tails: tuple[float, float] | None = None
    null: float = 0
    nan: float = 0
    posinf: float = 0
    neginf: float = 0
    std: float | None = None
    labels: tuple[str, ...] | None = None
    new_values: tuple = ()
    cutoff: float = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", tuple(self.counts))
        if self.edges is not None:
            object.__setattr__(self, "edges", tuple(float(e) for e in self.edges))
            if len(self.edges) + 1 != len(self.counts):
                raise ValueError("Histogram: a numeric histogram has len(edges) + 1 counts")
        if self.tails is not None:
            object.__setattr__(self, "tails", tuple(float(t) for t in self.tails))
            if len(self.tails) != 2:
                raise ValueError("Histogram: tails is (first bin's sum, last bin's sum)")
        if self.labels is not None:
            object.__setattr__(self, "labels", tuple(self.labels))
        object.__setattr__(self, "new_values", tuple(self.new_values))

    @property
    def n(self) -> float:
        """Rows in the ordinary bins (what the drift statistics see)."""
        return sum(self.counts)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("counts", "edges", "tails", "labels", "new_values"):
            d[key] = None if d[key] is None else list(d[key])
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Histogram:
        # `sums` (per-bin sums) is what sqlmon <= 0.1 stored; such baselines are never reused
        # (their profile key has an older version) but may still be read for reports.
        return cls(**{k: v for k, v in d.items() if k != "sums"})


@dataclass(frozen=True)
class Profile:
    """The baseline of one column: its kind and bins, computed once per reference window.

    numeric/discrete: ``edges`` (strictly increasing finite floats); bin i is
    ``(edges[i-1], edges[i]]``, the first ``(-inf, edges[0]]``, the last ``(edges[-1], +inf)``.
    categorical/boolean: ``values`` are the kept categories in a deterministic order.
    ``n``, ``std``, ``min``, ``max`` describe the reference's finite (numeric) or non-NULL values
    (from SQL, ``std`` is that of the profile sample: every row up to its size);
    ``singletons`` = reference rows whose value occurs exactly once (Good–Turing estimate of the
    share of never-seen categories); ``cutoff`` = reference count of the most frequent value
    that was not kept (0 when all were kept). ``bins`` is the requested bin count.
    """

    kind: str
    edges: tuple[float, ...] = ()
    values: tuple = ()
    bins: int = DEFAULT_BINS
    n: int = 0
    std: float | None = None
    min: float | None = None
    max: float | None = None
    singletons: int = 0
    cutoff: int = 0
    version: int = PROFILE_VERSION
    _index: dict = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Profile.kind must be one of {KINDS}, got {self.kind!r}")
        edges = tuple(float(e) for e in self.edges)
        if any(not math.isfinite(e) for e in edges) or any(a >= b for a, b in zip(edges, edges[1:])):
            raise ValueError("Profile.edges must be finite and strictly increasing")
        object.__setattr__(self, "edges", edges)
        object.__setattr__(self, "values", tuple(self.values))
        object.__setattr__(self, "_index", {v: i for i, v in enumerate(self.values)})

    @property
    def n_bins(self) -> int:
        """Number of ordinary bins in a histogram on this profile."""
        if self.kind in ("numeric", "discrete"):
            return len(self.edges) + 1
        return len(self.values) + (2 if self.kind == "categorical" else 0)

    @property
    def labels(self) -> tuple[str, ...]:
        """Human-readable bin labels for reports (a bin holding one value is named by it)."""
        if self.kind == "boolean":
            return tuple(str(v) for v in self.values)
        if self.kind == "categorical":
            return tuple(str(v) for v in self.values) + (OTHER_LABEL, NEW_LABEL)
        e = self.edges
        out = []
        for i in range(len(e) + 1):
            lo = e[i - 1] if i > 0 else -math.inf
            hi = e[i] if i < len(e) else math.inf
            out.append(repr(hi) if i < len(e) and lo == np.nextafter(hi, -math.inf)
                       else f"({lo!r}, {hi!r}" + ("]" if i < len(e) else ")"))
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``Profile.from_dict(p.to_dict()) == p`` (floats stay floats)."""
        return {"version": self.version, "kind": self.kind, "bins": self.bins, "n": self.n,
                "std": self.std, "min": self.min, "max": self.max, "singletons": self.singletons,
                "cutoff": self.cutoff, "edges": list(self.edges), "values": list(self.values)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Profile:
        if d.get("version", PROFILE_VERSION) > PROFILE_VERSION:
            raise ValueError(f"profile version {d['version']} is newer than this sqlmon ({PROFILE_VERSION})")
        return cls(**d)


# ----------------------------------------------------------------------------- profiles


def numeric_profile(quantiles, *, n: int, std: float | None, vmin: float | None, vmax: float | None,
                    distinct_count: int, top_values, bins: int = DEFAULT_BINS,
                    point_masses=()) -> Profile:
    """Bin edges for a numeric column from the reference's profile-pass aggregates.

    ``quantiles``: reference quantiles at 1/bins … (bins-1)/bins (approximate is fine: both
    windows use the same edges). ``top_values``: (value, count) of the most frequent finite
    values (the SQL returns at most 2×bins+1). ``n``: finite reference rows.

    Rules (DESIGN §6): if the top values cover all n rows with ≤ 2×bins distinct values, the
    column is *discrete*: one bin per value, exact statistics (constant columns land here too).
    ``distinct_count`` may be approximate, so the exact coverage test decides. Otherwise edges are
    the deduplicated quantiles, plus, for each of ``point_masses`` (values holding about 1/bins
    of the reference or more, see :func:`point_masses`), the pair ``nextafter(v, -inf), v`` so
    the bin ``(nextafter(v), v]`` holds exactly v (a point mass such as 40% zeros does not smear
    into its neighbours, with `<=` tests only).

    >>> numeric_profile([], n=8, std=0.0, vmin=3.0, vmax=3.0, distinct_count=1,
    ...                 top_values=[(3.0, 8)]).edges
    (2.9999999999999996, 3.0)
    """
    top = [(float(v), int(c)) for v, c in top_values if v is not None and math.isfinite(float(v))]
    std = None if std is None or not math.isfinite(float(std)) else float(std)  # overflowed STDDEV
    common = dict(bins=bins, n=int(n), std=std,
                  min=None if vmin is None else float(vmin), max=None if vmax is None else float(vmax))
    if sum(c for _, c in top) == n and len(top) <= 2 * bins:
        values = sorted(v for v, _ in top)
        edges = [float(np.nextafter(values[0], -np.inf))] + values if values else []
        return Profile(kind="discrete", edges=tuple(edges), **common)
    edges = {float(q) for q in quantiles if q is not None and math.isfinite(float(q))}
    for v in point_masses:
        edges.update((float(v), float(np.nextafter(float(v), -np.inf))))
    return Profile(kind="numeric", edges=tuple(sorted(edges)), **common)


def point_masses(grid, min_run: int) -> list[float]:
    """Values that are the quantile at ``min_run`` or more consecutive points of an evenly spaced
    quantile grid: a value holding a share s of the rows spans a CDF step of height s, so it is
    the quantile at about s x (len(grid) + 1) grid points (4 of 99 points: about 4-5% or more).

    >>> point_masses([0.0, 0.0, 0.0, 0.0, 1.5, 2.0, 2.0, 3.0], 4)
    [0.0]
    """
    out, run = [], 0
    for i, v in enumerate(grid):
        run = run + 1 if i and v == grid[i - 1] else 1
        if run == min_run:
            out.append(float(v))
    return out


def categorical_profile(top_values, *, n: int, singletons: int, k: int = 50,
                        min_share: float = 0.001) -> Profile:
    """Keep the reference's top-k categories, each with ≥ ``min_share`` of the non-NULL rows.

    Ties are broken in Python by (-count, str(value)), never by the engine's collation, so every
    engine keeps the same categories. Pass at least k+1 top values: the best value NOT kept sets
    ``cutoff``, the selection threshold that ``stats.compare`` corrects for.

    >>> categorical_profile([("b", 2), ("a", 3), ("c", 1), ("d", 1)], n=7, singletons=2, k=2).values
    ('a', 'b')
    """
    ranked = sorted(((v, int(c)) for v, c in top_values if v is not None),
                    key=lambda vc: (-vc[1], str(vc[0])))
    kept = [v for v, c in ranked if c > 0 and c >= min_share * n][:k]
    kept_set = set(kept)
    cutoff = max((c for v, c in ranked if v not in kept_set), default=0)
    return Profile(kind="categorical", values=tuple(kept), bins=k, n=int(n), singletons=int(singletons),
                   cutoff=int(cutoff))


def boolean_profile(*, n: int) -> Profile:
    """Two bins, False then True (exact statistics; the z-test applies)."""
    return Profile(kind="boolean", values=(False, True), bins=2, n=int(n))


# ----------------------------------------------------------------------------- the bin rule


def assign_numeric(x, profile: Profile) -> np.ndarray:
    """Bin index per value: ``#edges < x``, or NULL=-1, NaN=-2, +inf=-3, -inf=-4.

    >>> p = Profile(kind="numeric", edges=(1.0, 2.0))
    >>> assign_numeric([None, "nan", "inf", "-inf", 0.5, 1.0, 1.5, 2.0, 9.0], p).tolist()
    [-1, -2, -3, -4, 0, 0, 1, 1, 2]
    """
    f, null = float_values(x)
    codes = np.searchsorted(np.asarray(profile.edges, float), f, side="left").astype(np.int64)
    codes[np.isneginf(f)] = NEGINF
    codes[np.isposinf(f)] = POSINF
    codes[np.isnan(f)] = NAN
    codes[null] = NULL
    return codes


def assign_categorical(values, profile: Profile, reference_values=None) -> np.ndarray:
    """Bucket index per value: kept value -> its index; NULL -> -1; otherwise
    ``other`` (= len(profile.values)) if the value occurs in the reference, ``new``
    (= len(profile.values) + 1) if it never does.

    Telling ``other`` from ``new`` needs the reference's full value set: pass it as
    ``reference_values`` (the SQL side gets the same answer from a join). Without it, every
    non-kept value counts as ``other``. Boolean profiles accept only True/False/NULL.
    """
    arr = np.asarray(values, dtype=object if isinstance(values, list) else None).ravel()
    null = (np.fromiter((v is None for v in arr), bool, arr.size) if arr.dtype == object
            else np.zeros(arr.size, bool))
    codes = np.full(arr.size, NULL, np.int64)
    present = arr[~null]
    try:
        uniq, inv = np.unique(present, return_inverse=True)
    except TypeError:  # mixed types cannot be sorted: index them by hand
        index: dict = {}
        inv = np.fromiter((index.setdefault(v, len(index)) for v in present), np.int64, present.size)
        uniq = list(index)
    ref = (None if reference_values is None
           else set(np.asarray(reference_values, dtype=object).ravel().tolist()))
    other, new = len(profile.values), len(profile.values) + 1
    lookup = np.empty(len(uniq), np.int64)
    for j, u in enumerate(uniq):
        u = u.item() if isinstance(u, np.generic) else u
        code = profile._index.get(u)
        if code is None and profile.kind == "boolean":
            raise ValueError(f"boolean column holds a non-boolean value {u!r}")
        lookup[j] = code if code is not None else (new if ref is not None and u not in ref else other)
    codes[~null] = lookup[np.asarray(inv, np.int64).ravel()] if len(uniq) else []
    return codes


def numeric_histogram(profile: Profile, *, rows: float, nonnull: float, le, tails, nan: float = 0,
                      posinf: float = 0, neginf: float = 0, std: float | None = None) -> Histogram:
    """The histogram of a window from the histogram pass's cumulative counts.

    ``le[i]`` = rows with ``x <= edges[i]`` (SQL comparison: NULL and NaN never, -inf always
    counts), ``nonnull`` = rows with x not NULL (NaN and ±inf included), ``tails`` = sums of the
    finite values ``<= edges[0]`` and ``> edges[-1]``. Bin i gets ``le[i] - le[i-1]``: the same
    counts as :func:`assign_numeric`.

    >>> p = Profile(kind="numeric", edges=(1.0, 2.0))
    >>> numeric_histogram(p, rows=7, nonnull=6, le=[3, 4], tails=(1.5, 9.0), neginf=1, nan=1).counts
    (2, 1, 1)
    """
    le = [int(c or 0) for c in (le or [])]
    if len(le) != len(profile.edges):
        raise ValueError(f"numeric_histogram: {len(le)} cumulative counts for {len(profile.edges)} edges")
    finite = int(nonnull) - int(nan) - int(posinf) - int(neginf)
    cum = [c - int(neginf) for c in le] + [finite]
    counts = tuple(b - a for a, b in zip([0] + cum[:-1], cum))
    return Histogram(counts=counts, edges=profile.edges, tails=tuple(float(t or 0.0) for t in tails),
                     null=int(rows) - int(nonnull), nan=int(nan), posinf=int(posinf), neginf=int(neginf),
                     std=std, labels=profile.labels)


def categorical_histogram(kept_counts, *, other: float, new: float, null: float, profile: Profile,
                          is_reference: bool, new_values=()) -> Histogram:
    """Assemble a categorical/boolean Histogram from bucket counts (numpy and SQL paths alike).

    Good–Turing for the reference window: its ``new`` bucket holds the reference's singleton rows
    (values seen exactly once, ``profile.singletons`` minus kept singletons) — the expected count
    of never-seen values in a same-size sample — moved out of ``other`` so the total stays n.
    The split is for reporting: ``stats.compare`` tests other + new as one bucket, because the
    split is biased on sparse tails (a value seen once in the reference is expected less than
    once in the next window) while the sum is not.
    """
    kept = [float(c) for c in kept_counts]
    if profile.kind == "boolean":
        return Histogram(counts=tuple(kept), null=null, labels=profile.labels)
    if is_reference:
        new = float(min(max(profile.singletons - sum(1 for c in kept if c == 1), 0), other))
        other = other - new
    return Histogram(counts=tuple(kept) + (float(other), float(new)), null=null, labels=profile.labels,
                     new_values=tuple(new_values), cutoff=profile.cutoff if is_reference else 0)
