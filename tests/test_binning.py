"""Reference profiles and the bin rule the SQL CASE must reproduce."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from goldens import golden_cases
from reference.binning_numpy import histogram_categorical_numpy, histogram_numpy, profile_numpy, quantile_edges

from sqlmon.judge.binning import (
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
    numeric_histogram,
    numeric_profile,
    sql_literal,
)


def ladder(x: float, edges) -> int:
    """The SQL CASE, literally: the first `x <= edge` that holds, else the last bin."""
    for i, e in enumerate(edges):
        if x <= float(sql_literal(e)):
            return i
    return len(edges)


# ----------------------------------------------------------------------------- golden vectors


@pytest.mark.parametrize("case", golden_cases("quantile_bins"))
def test_golden_quantile_bins(case):
    x = case["inputs"]
    edges = quantile_edges(x["ref_raw"], x["n_bins"])
    assert edges == pytest.approx(case["expected"]["edges"], rel=case["rel_tol"])
    codes = assign_numeric(x["probe"], Profile(kind="numeric", edges=edges))
    assert codes.tolist() == case["expected"]["bin_ids"]
    assert [ladder(v, edges) for v in x["probe"]] == case["expected"]["bin_ids"]


@pytest.mark.parametrize("case", golden_cases("bucket_special"))
def test_golden_special_buckets(case):
    x = case["inputs"]
    codes = assign_numeric(x["values"], Profile(kind="numeric", edges=x["edges"]))
    assert codes.tolist() == case["expected"]["bin_ids"]
    assert (NULL, NAN, POSINF, NEGINF) == (-1, -2, -3, -4)


@pytest.mark.parametrize("case", golden_cases("bucket_categorical"))
def test_golden_categorical_buckets(case):
    x, want = case["inputs"], case["expected"]
    ref_present = [v for v in x["ref"] if v is not None]
    counts: dict = {}
    for v in ref_present:
        counts[v] = counts.get(v, 0) + 1
    singletons = sum(c == 1 for c in counts.values())
    profile = categorical_profile(list(counts.items()), n=len(ref_present), singletons=singletons, k=x["k"])
    assert list(profile.labels) + ["__null__"] == want["buckets"]
    for window, ref_values in (("ref", x["ref"]), ("cur", x["ref"])):
        codes = assign_categorical(x[window], profile, reference_values=ref_values)
        raw = np.bincount(codes[codes >= 0], minlength=profile.n_bins).tolist() + [int(np.sum(codes == NULL))]
        assert raw == want[window]
    # Good–Turing: the reference's `new` bucket holds its singleton rows (c, d), moved out of `other`
    h_ref = histogram_categorical_numpy(x["ref"], profile)
    assert h_ref.counts == (3, 2, 0, 2) and h_ref.null == 1 and profile.singletons == 2
    h_cur = histogram_categorical_numpy(x["cur"], profile, reference_values=x["ref"])
    assert h_cur.counts == (1, 2, 1, 2) and h_cur.null == 2 and h_cur.new_values == ("e",)


# ----------------------------------------------------------------------------- numeric profiles


def test_profile_round_trips_through_json():
    g = np.random.default_rng(0)
    x = np.concatenate([np.zeros(4000), g.lognormal(size=6000), [np.nan, np.inf, -np.inf]])
    profiles = [
        profile_numpy(x),
        profile_numpy(g.poisson(2.0, 1000)),
        profile_numpy(np.full(50, 3.0)),
        profile_numpy(["b", "a", None, "b", "c", 7]),
        profile_numpy([True, False, None, True]),
        profile_numpy(np.array([], float)),
    ]
    for p in profiles:
        d = p.to_dict()
        back = Profile.from_dict(json.loads(json.dumps(d)))
        assert back == p and back.to_dict() == d
        assert all(isinstance(e, float) for e in back.edges)
        assert all(float(sql_literal(e)) == e for e in p.edges)
    with pytest.raises(ValueError, match="newer"):
        Profile.from_dict({**profiles[0].to_dict(), "version": 99})


def test_point_mass_gets_its_own_bin():
    g = np.random.default_rng(1)
    x = np.concatenate([np.zeros(40_000), g.lognormal(size=60_000)])
    p = profile_numpy(x)
    assert p.kind == "numeric" and 0.0 in p.edges
    i = p.edges.index(0.0)
    assert p.edges[i - 1] == np.nextafter(0.0, -1.0)
    assert list(p.edges) == sorted(set(p.edges))  # strictly increasing
    h = histogram_numpy(x, p)
    assert h.counts[i] == 40_000 and h.counts[0] == 0 and h.tails == (0.0, pytest.approx(x[x > p.edges[-1]].sum()))
    probes = [-1e-300, 0.0, 5e-324, 1e-300]
    assert assign_numeric(probes, p).tolist() == [i - 1, i, i + 1, i + 1]
    assert [ladder(v, p.edges) for v in probes] == [i - 1, i, i + 1, i + 1]
    # a mass in the middle of a continuous column: 10% at 2.5
    y = np.concatenate([g.normal(size=9_000), np.full(1_000, 2.5)])
    q = profile_numpy(y)
    j = q.edges.index(2.5)
    assert histogram_numpy(y, q).counts[j] == 1_000 and q.labels[j] == "2.5"


def test_discrete_and_constant_columns():
    g = np.random.default_rng(2)
    p = profile_numpy(g.poisson(3.0, 10_000))
    values = np.unique(g.poisson(3.0, 10_000))
    assert p.kind == "discrete" and set(values) <= set(p.edges)
    const = profile_numpy(np.full(100, 3.0))
    assert const.kind == "discrete" and const.edges == (np.nextafter(3.0, -np.inf), 3.0) and const.std == 0.0
    assert assign_numeric([2.0, 3.0, 4.0], const).tolist() == [0, 1, 2]
    # 41 distinct values with 20 bins: more than 2×bins -> quantile bins
    assert profile_numpy(np.arange(41.0).repeat(3)).kind == "numeric"
    assert profile_numpy(np.arange(40.0).repeat(3)).kind == "discrete"


def test_discrete_rule_trusts_exact_coverage_not_approximate_distinct_count():
    top = [(float(v), 10) for v in range(30)]
    args = dict(n=300, std=1.0, vmin=0.0, vmax=29.0, top_values=top)
    assert numeric_profile([5.0, 10.0], distinct_count=45, **args).kind == "discrete"  # HLL overshoot
    partial = dict(args, n=400)  # top values cover 300 of 400 rows: more values exist
    assert numeric_profile([5.0, 10.0], distinct_count=35, **partial).kind == "numeric"


def test_approximate_quantiles_are_cleaned():
    p = numeric_profile([3.0, 1.0, 1.0, float("nan"), None, 2.0], n=10_000, std=1.0, vmin=0.0, vmax=4.0,
                        distinct_count=10_000, top_values=[(0.5, 3), (1.5, 2)], bins=4)
    assert p.edges == (1.0, 2.0, 3.0)
    with pytest.raises(ValueError, match="strictly increasing"):
        Profile(kind="numeric", edges=(1.0, 1.0))
    with pytest.raises(ValueError, match="kind"):
        Profile(kind="float")


def test_special_values_never_reach_ordinary_bins():
    g = np.random.default_rng(3)
    x = g.normal(size=1000).astype(object)
    x[::7], x[1::11], x[2::13], x[3::17] = None, np.nan, np.inf, -np.inf
    p = profile_numpy(x)
    h = histogram_numpy(x, p)
    finite = [v for v in x if v is not None and math.isfinite(v)]
    assert sum(h.counts) == len(finite) and h.null == sum(v is None for v in x) > 0
    assert (h.nan, h.posinf, h.neginf) == (np.sum([v is not None and np.isnan(v) for v in x]),
                                           sum(v == np.inf for v in x if v is not None),
                                           sum(v == -np.inf for v in x if v is not None))
    low, high = [v for v in finite if v <= p.edges[0]], [v for v in finite if v > p.edges[-1]]
    assert h.tails == (pytest.approx(sum(low)), pytest.approx(sum(high))) and p.n == len(finite)
    assert h.counts[0] == len(low) and h.counts[-1] == len(high) and h.std == pytest.approx(np.std(finite))
    masked = np.ma.MaskedArray([1.0, 2.0, np.nan], mask=[False, True, False])
    assert assign_numeric(masked, p).tolist()[1:] == [NULL, NAN]


def test_numpy_assignment_equals_sql_ladder():
    g = np.random.default_rng(4)
    x = np.concatenate([g.standard_t(3, 2_000), np.zeros(300), [1e308, -1e308, 5e-324]])
    p = profile_numpy(x)
    probes = np.concatenate([x[:500], np.asarray(p.edges), np.nextafter(p.edges, np.inf),
                             np.nextafter(p.edges, -np.inf)])
    assert assign_numeric(probes, p).tolist() == [ladder(v, p.edges) for v in probes]


# ----------------------------------------------------------------------------- categorical


def test_categorical_top_k_is_deterministic():
    top = [("b", 5), ("a", 5), ("c", 5), ("z", 9), ("rare", 1), (None, 100)]
    p = categorical_profile(top, n=1_025, singletons=1, k=3)
    assert p.values == ("z", "a", "b")  # ties by str(value), NULL never a category
    assert categorical_profile(list(reversed(top)), n=1_025, singletons=1, k=3) == p
    q = categorical_profile(top, n=1_025, singletons=1, k=50, min_share=0.002)
    assert "rare" not in q.values and q.values == ("z", "a", "b", "c")
    assert categorical_profile([(1, 5), ("1", 3)], n=8, singletons=0).values == (1, "1")
    assert p.cutoff == 5 and q.cutoff == 1  # the best value left out: the selection threshold


def test_other_and_new_need_the_reference_value_set():
    p = categorical_profile([("a", 10), ("b", 5), ("c", 1)], n=16, singletons=1, k=2)
    values = ["a", "c", "x", None, "b"]
    assert assign_categorical(values, p).tolist() == [0, 2, 2, NULL, 1]
    assert assign_categorical(values, p, reference_values=["a", "b", "c"]).tolist() == [0, 2, 3, NULL, 1]
    # integer categories and mixed types
    ip = categorical_profile([(1, 10), (2, 3)], n=13, singletons=0, k=1)
    assert assign_categorical(np.array([1, 2, 3]), ip, reference_values=np.array([1, 2])).tolist() == [0, 1, 2]
    assert assign_categorical([1, "1", None], ip).tolist() == [0, 1, NULL]


def test_boolean_profile():
    p = boolean_profile(n=4)
    assert p.n_bins == 2 and p.values == (False, True)
    h = histogram_categorical_numpy(np.array([True, False, True, True]), p)
    assert h.counts == (1, 3) and h.labels == ("False", "True")
    assert histogram_categorical_numpy([True, None, 0, 1], p).counts == (1, 2)
    with pytest.raises(ValueError, match="non-boolean"):
        assign_categorical(["yes"], p)


def test_good_turing_keeps_long_tails_quiet():
    """A long tail renews itself between windows: the reference's new bucket expects it."""
    g = np.random.default_rng(5)
    weights = 1 / np.arange(1, 2001) ** 1.1
    ref, cur = (g.choice(2000, 2_000, p=weights / weights.sum()) for _ in range(2))
    p = profile_numpy(ref, kind="categorical")
    h_ref = histogram_categorical_numpy(ref, p)
    h_cur = histogram_categorical_numpy(cur, p, reference_values=ref)
    assert sum(h_ref.counts) == len(ref)  # singletons moved from other to new, total kept
    share_ref, share_cur = h_ref.counts[-1] / len(ref), h_cur.counts[-1] / len(cur)
    assert share_cur == pytest.approx(share_ref, abs=0.03) and share_ref > 0.05
    hist = categorical_histogram([5, 1], other=10, new=0, null=2, profile=Profile(
        kind="categorical", values=("a", "b"), singletons=4), is_reference=True)
    assert hist.counts == (5.0, 1.0, 7.0, 3.0)  # 3 of the 4 singletons were in `other`; total kept
    assert hist.cutoff == 0 and p.cutoff > 0 and h_ref.cutoff == p.cutoff and h_cur.cutoff == 0


def test_histogram_round_trips():
    h = Histogram(counts=(1, 2), edges=(0.5,), tails=(0.5, 3.0), null=1, std=1.5, labels=("a", "b"),
                  new_values=("x",))
    assert Histogram.from_dict(json.loads(json.dumps(h.to_dict()))) == h
    legacy = dict(h.to_dict(), sums=[0.5, 3.0])       # what sqlmon 0.1 stored
    assert Histogram.from_dict(legacy) == h
    with pytest.raises(ValueError, match="len\\(edges\\) \\+ 1"):
        Histogram(counts=(1, 2), edges=(1.0, 2.0))
    with pytest.raises(ValueError, match="tails"):
        Histogram(counts=(1, 2), tails=(1.0,))


def test_numeric_histogram_from_cumulative_counts_equals_assign_numeric():
    """What the SQL returns (counts of x <= edge, NULL/NaN/±inf counts, tail sums) gives the same
    histogram as binning each value."""
    g = np.random.default_rng(8)
    x = np.concatenate([g.normal(size=3000), np.zeros(400), [np.nan] * 7, [np.inf] * 3, [-np.inf] * 5])
    p = profile_numpy(x)
    expected = histogram_numpy(x, p)
    nonnull = x.size
    le = [int(np.sum(x <= e)) for e in p.edges]          # numpy: NaN <= e is False, -inf <= e True
    f = x[np.isfinite(x)]
    got = numeric_histogram(p, rows=nonnull + 11, nonnull=nonnull, le=le, nan=7, posinf=3, neginf=5,
                            tails=(f[f <= p.edges[0]].sum(), f[f > p.edges[-1]].sum()))
    assert got.counts == expected.counts and got.null == 11
    assert (got.nan, got.posinf, got.neginf) == (7, 3, 5) and got.tails == pytest.approx(expected.tails)
    with pytest.raises(ValueError, match="cumulative counts"):
        numeric_histogram(p, rows=1, nonnull=1, le=le[:-1], tails=(0, 0))
