"""Drift through SQL: histograms equal the numpy reference semantics of `binning`, binned KS is
within 0.002 of scipy's raw-data KS at 100k rows, and the edge cases give clear outcomes."""
from __future__ import annotations

import numpy as np
import pytest
from reference.binning_numpy import histogram_categorical_numpy, histogram_numpy
from scipy import stats as sps

from sqlmon.judge.binning import Profile
from sqlmon.testtypes import drift_passes

N = 100_000


def load(proj, name: str, ref: dict, cur: dict) -> None:
    """Two tables (ref_<name>, cur_<name>) from numpy columns, written through DuckDB."""
    import duckdb
    con = duckdb.connect(str(proj.db))
    try:
        for prefix, cols in (("ref", ref), ("cur", cur)):
            arrays = {k: v for k, v in cols.items()}
            con.register("tmp_df", _arrow(arrays))
            con.execute(f"CREATE OR REPLACE TABLE {prefix}_{name} AS SELECT * FROM tmp_df")
            con.unregister("tmp_df")
    finally:
        con.close()


def _arrow(cols: dict):
    import pyarrow as pa
    # object arrays carry None for NULL; float arrays keep NaN as NaN (not NULL)
    return pa.table({k: pa.array(v.tolist()) if v.dtype == object else pa.array(v) for k, v in cols.items()})


def monitor(proj, name: str, columns_yaml: str, tests: str = "") -> None:
    proj.monitors(f"""
        version: 1
        monitors:
          - name: m
            relation: main.cur_{name}
            reference: {{relation: main.ref_{name}}}
            tests: [{tests}]
            columns:
{columns_yaml}
    """)


def drift_results(proj, name: str, columns: dict[str, str], tests: str = "") -> dict:
    yaml = "\n".join(f"              - name: {c}\n                tests: [{t}]" for c, t in columns.items())
    monitor(proj, name, yaml, tests)
    proj.run()
    return proj.results()


SHAPES = {
    "normal": lambda r, n: r.normal(10, 2, n),
    "lognormal": lambda r, n: r.lognormal(0, 1, n),
    "bimodal": lambda r, n: np.where(r.random(n) < 0.3, r.normal(-3, 1, n), r.normal(4, 2, n)),
    "student_t3": lambda r, n: r.standard_t(3, n),
}


def test_numeric_histograms_match_numpy_and_ks_matches_scipy(proj):
    rng = np.random.default_rng(7)
    ref = {k: f(rng, N) for k, f in SHAPES.items()}
    cur = {k: f(rng, N) + (0.05 if k == "normal" else 0) for k, f in SHAPES.items()}
    load(proj, "shapes", ref, cur)
    res = drift_results(proj, "shapes", {k: "drift" for k in SHAPES})
    for k in SHAPES:
        d = res[f"m.{k}.drift"]["details"]
        profile = Profile.from_dict(d["profile"]["profile"])
        assert profile.kind == "numeric" and profile.n_bins == 20
        assert d["histogram"]["reference"] == list(histogram_numpy(ref[k], profile).counts)
        assert d["histogram"]["current"] == list(histogram_numpy(cur[k], profile).counts)
        raw_ks = sps.ks_2samp(ref[k], cur[k]).statistic
        assert abs(d["stats"]["ks_stat"] - raw_ks) <= 0.002, (k, d["stats"]["ks_stat"], raw_ks)


def test_discrete_path_is_exact(proj):
    rng = np.random.default_rng(3)
    ref = {"pois": rng.poisson(3, N).astype(float), "zi": np.where(rng.random(N) < 0.4, 0, rng.integers(1, 30, N)),
           "const": np.full(N, 5.0)}
    cur = {"pois": rng.poisson(3.2, N).astype(float), "zi": np.where(rng.random(N) < 0.45, 0, rng.integers(1, 30, N)),
           "const": np.where(rng.random(N) < 0.5, 5.0, rng.normal(5, 1, N))}
    load(proj, "disc", ref, cur)
    res = drift_results(proj, "disc", {k: "drift" for k in ref})
    for k in ref:
        d = res[f"m.{k}.drift"]["details"]
        assert d["kind"] == "discrete"
        raw = sps.ks_2samp(ref[k], cur[k]).statistic
        if k != "const":        # current has values between the reference's: binned D is a lower bound there
            assert d["stats"]["ks_stat"] == pytest.approx(raw, abs=1e-12), k
    assert res["m.const.drift"]["status"] == "fail"          # one value -> many: drift, not a crash
    assert res["m.pois.drift"]["status"] == "pass"


def test_special_buckets_and_quality_shares(proj):
    rng = np.random.default_rng(1)
    ref = rng.normal(0, 1, 5000)
    cur = rng.normal(0, 1, 5000)
    cur[:100] = np.nan
    cur[100:110] = np.inf
    cur[110:115] = -np.inf
    ref_o = ref.astype(object)
    ref_o[:50] = None
    load(proj, "spec", {"x": ref_o}, {"x": cur})
    r = drift_results(proj, "spec", {"x": "drift"})["m.x.drift"]
    st = r["details"]["stats"]
    assert st["nan_share_cur"] == pytest.approx(100 / 5000) and st["posinf_share_cur"] == pytest.approx(10 / 5000)
    assert st["neginf_share_cur"] == pytest.approx(5 / 5000) and st["null_share_ref"] == pytest.approx(50 / 5000)
    assert sum(r["details"]["histogram"]["current"]) == 5000 - 115
    assert r["status"] == "pass"


def test_integer_and_nonfinite_columns_count_like_numpy(proj):
    """The histogram SQL's special forms give numpy's counts: integer columns compare with
    floored integer edges (exact even beyond 2**53, where a DOUBLE cast rounds), and a float
    column with NULL, NaN and +-inf in both windows keeps them out of the bins and the tail sums
    (DuckDB reads a NULL float as NaN there)."""
    from sqlmon.judge.stats import w1_cdf
    rng = np.random.default_rng(5)
    big = 2**60

    def floats(n):
        x = rng.normal(0, 1, n).astype(object)
        x[:300], x[300:400], x[400:450], x[450:470] = None, np.nan, np.inf, -np.inf
        return x

    ref = {"i": rng.integers(0, 5000, N).astype(np.int32), "b": big + rng.integers(0, 10**6, N), "f": floats(N)}
    cur = {"i": rng.integers(300, 5300, N).astype(np.int32), "b": big + rng.integers(0, 10**6, N), "f": floats(N)}
    load(proj, "ints", ref, cur)
    res = drift_results(proj, "ints", {k: "drift" for k in ref})
    for k in ref:
        d = res[f"m.{k}.drift"]["details"]
        profile = Profile.from_dict(d["profile"]["profile"])
        assert profile.kind == "numeric", k
        if k == "b":      # exact integer comparisons with floor(edge): numpy's float64 would round
            for side, x in (("reference", ref[k]), ("current", cur[k])):
                le = [int(np.sum(x <= int(np.floor(e)))) for e in profile.edges]
                expected = np.diff([0, *le, len(x)]).tolist()
                assert d["histogram"][side] == expected, side
            continue
        want = {side: histogram_numpy(np.array(x, dtype=float) if k == "f" else x, profile)
                for side, x in (("reference", ref[k]), ("current", cur[k]))}
        for side, h in want.items():
            assert d["histogram"][side] == list(h.counts), (k, side)
        w1 = w1_cdf(profile.edges, np.array(want["reference"].counts), want["reference"].tails,
                    np.array(want["current"].counts), want["current"].tails, False)
        assert d["stats"]["wasserstein_w1"] == pytest.approx(w1, rel=1e-9), k
    assert res["m.f.drift"]["details"]["stats"]["null_share_cur"] == pytest.approx(300 / N)
    assert res["m.i.drift"]["status"] == "fail" and res["m.f.drift"]["status"] == "pass"


def test_categorical_new_other_and_good_turing(proj):
    rng = np.random.default_rng(5)
    cats = np.array([f"c{i}" for i in range(30)], dtype=object)
    p = 1 / np.arange(1, 31)
    p /= p.sum()
    ref = rng.choice(cats, 20000, p=p)
    cur = rng.choice(cats, 20000, p=p).astype(object)
    cur[:300] = "brand_new"
    cur[300:310] = None
    load(proj, "cat", {"c": ref}, {"c": cur})
    r = drift_results(proj, "cat", {"c": "drift"})["m.c.drift"]
    d = r["details"]
    assert d["kind"] == "categorical" and d["new_values"] == ["brand_new"]
    profile = Profile.from_dict(d["profile"]["profile"])
    expected = histogram_categorical_numpy(list(cur), profile, reference_values=list(ref))
    assert d["histogram"]["current"] == list(expected.counts)
    assert d["stats"]["null_share_cur"] == pytest.approx(10 / 20000)


def test_boolean_and_timestamp_columns(proj):
    rng = np.random.default_rng(2)
    base = np.datetime64("2024-01-01T00:00:00")
    ref = {"b": rng.random(5000) < 0.3, "t": base + rng.integers(0, 86400 * 30, 5000).astype("timedelta64[s]")}
    cur = {"b": rng.random(5000) < 0.5, "t": base + rng.integers(86400 * 20, 86400 * 50, 5000).astype("timedelta64[s]")}
    load(proj, "bt", ref, cur)
    res = drift_results(proj, "bt", {"b": "drift", "t": "drift"})
    b = res["m.b.drift"]
    assert b["details"]["kind"] == "boolean" and b["status"] == "fail"
    assert b["details"]["stats"]["z_pvalue"] < 1e-6
    assert res["m.t.drift"]["details"]["kind"] == "numeric" and res["m.t.drift"]["status"] == "fail"


def test_id_like_strings_are_refused_unless_forced(proj):
    ids = np.array([f"user_{i}" for i in range(3000)], dtype=object)
    load(proj, "ids", {"u": ids}, {"u": ids[::-1].copy()})
    res = drift_results(proj, "ids", {"u": "drift, {drift: {name: forced, kind: categorical}}"})
    assert res["m.u.drift"]["status"] == "error" and "identifier" in res["m.u.drift"]["message"]
    assert res["m.u.forced"]["status"] in ("pass", "fail")


def test_methods_selectable_with_thresholds(proj):
    rng = np.random.default_rng(9)
    load(proj, "meth", {"x": rng.normal(0, 1, 20000)}, {"x": rng.normal(0.3, 1, 20000)})
    res = drift_results(proj, "meth", {"x": ", ".join([
        "{drift: {name: psi, method: psi, warn_if: '> 0.05', error_if: '> 0.5'}}",
        "{drift: {name: ks, method: ks}}", "{drift: {name: js, method: jensenshannon, threshold: 0.5}}",
        "{drift: {name: w, method: wasserstein}}", "{drift: {name: hel, method: hellinger}}",
        "{drift: {name: tvd, method: tvd}}", "{drift: {name: linf, method: linf}}"])})
    assert res["m.x.psi"]["status"] == "warn" and res["m.x.psi"]["metric"] == pytest.approx(
        res["m.x.psi"]["details"]["stats"]["psi"])
    assert res["m.x.ks"]["status"] == "fail" and res["m.x.ks"]["details"]["stats"]["ks_pvalue"] < 0.05
    assert res["m.x.js"]["status"] == "pass"
    assert res["m.x.w"]["status"] == "fail"


def test_small_and_empty_windows_are_skipped(proj):
    rng = np.random.default_rng(4)
    load(proj, "small", {"x": rng.normal(0, 1, 1000), "n": np.full(1000, None, dtype=object)},
         {"x": rng.normal(0, 1, 10), "n": np.full(10, None, dtype=object)})
    res = drift_results(proj, "small", {"x": "drift"})
    assert res["m.x.drift"]["status"] == "skipped" and "at least" in res["m.x.drift"]["message"]


def test_dataset_and_prediction_drift(proj):
    rng = np.random.default_rng(11)
    n = 20000
    ref = {"a": rng.normal(0, 1, n), "b": rng.normal(0, 1, n), "c": rng.normal(0, 1, n),
           "customer_id": np.arange(n), "score": rng.random(n)}
    cur = {"a": rng.normal(1, 1, n), "b": rng.normal(1, 1, n), "c": rng.normal(0, 1, n),
           "customer_id": np.arange(n), "score": rng.random(n) ** 2}
    load(proj, "ds", ref, cur)
    proj.monitors("""
        version: 1
        monitors:
          - name: m
            relation: main.cur_ds
            reference: {relation: main.ref_ds}
            model: {task: binary_classification, score: score}
            tests: [dataset_drift, {dataset_drift: {name: ab, columns: [a, c], weights: {a: 3}}}, prediction_drift]
    """)
    proj.run()
    res = proj.results()
    ds = res["m._.dataset_drift"]
    assert set(ds["details"]["columns"]) == {"a", "b", "c"}          # not the id, not the score
    assert ds["metric"] == pytest.approx(2 / 3) and ds["status"] == "fail"
    assert res["m._.ab"]["metric"] == pytest.approx(3 / 4)
    assert res["m._.prediction_drift"]["status"] == "fail"


def test_reference_baseline_is_cached(proj):
    rng = np.random.default_rng(12)
    load(proj, "cache", {"x": rng.normal(0, 1, 5000), "c": rng.choice(["a", "b"], 5000)},
         {"x": rng.normal(0, 1, 5000), "c": rng.choice(["a", "b"], 5000)})
    yaml = "              - name: x\n                tests: [drift]\n              - name: c\n                tests: [drift]"
    monitor(proj, "cache", yaml)
    cold = proj.api(write_artifacts=False)
    warm = proj.api(write_artifacts=False)
    assert [r.metric for r in cold.results] == [r.metric for r in warm.results]
    assert all("ref_cache" not in q.sql for q in warm.queries)      # steady state: current window only
    assert any("ref_cache" in q.sql for q in cold.queries)
    monitor(proj, "cache", yaml.replace("tests: [drift]", "tests: [{drift: {refresh: true}}]"))
    refreshed = proj.api(write_artifacts=False)
    assert any("ref_cache" in q.sql for q in refreshed.queries)


def test_a_session_shares_baselines_between_runs_of_one_process(proj):
    """The in-process cache belongs to a `Session`, not to the process: runs that share one reuse
    the baseline without any history; a run with a session of its own profiles again."""
    import sqlmon

    rng = np.random.default_rng(13)
    load(proj, "sess", {"x": rng.normal(0, 1, 5000)}, {"x": rng.normal(0, 1, 5000)})
    monitor(proj, "sess", "              - name: x\n                tests: [drift]")
    session = sqlmon.Session()
    first = proj.api(write_artifacts=False, history=False, session=session)
    again = proj.api(write_artifacts=False, history=False, session=session)
    alone = proj.api(write_artifacts=False, history=False)
    assert any("ref_sess" in q.sql for q in first.queries) and session.baselines
    assert not any("ref_sess" in q.sql for q in again.queries)
    assert any("ref_sess" in q.sql for q in alone.queries)
    assert first.results[0].metric == again.results[0].metric == alone.results[0].metric
    session.clear()
    assert any("ref_sess" in q.sql for q in proj.api(write_artifacts=False, history=False, session=session).queries)


def test_drift_config_errors(proj):
    rng = np.random.default_rng(0)
    load(proj, "err", {"x": rng.normal(0, 1, 100)}, {"x": rng.normal(0, 1, 100)})
    proj.monitors("""
        version: 1
        monitors:
          - name: m
            relation: main.cur_err
            columns:
              - name: x
                tests: [drift]
    """)
    res = proj.run()
    assert res.exit_code == 2 and "needs a `reference:` window" in res.output
    proj.monitors("""
        version: 1
        monitors:
          - name: m
            relation: main.cur_err
            reference: {relation: main.ref_err}
            columns:
              - name: x
                tests: [{drift: {method: kss}}]
    """)
    res = proj.run()
    assert res.exit_code == 2 and "did you mean 'ks'" in res.output and "monitors.yml:8" in res.output


def test_baselines_persist_across_processes_and_pins(proj):
    rng = np.random.default_rng(21)
    load(proj, "pin", {"x": rng.normal(0, 1, 5000)}, {"x": rng.normal(0, 1, 5000)})
    yaml = "              - name: x\n                tests: [drift]"
    monitor(proj, "pin", yaml)
    first = proj.api()
    assert any("ref_pin" in q.sql for q in first.queries)
    second = proj.api()
    assert not any("ref_pin" in q.sql for q in second.queries)
    assert second.results[0].metric == first.results[0].metric
    assert proj.cli("baseline", "--monitor", "m").exit_code == 0
    proj.sql("INSERT INTO ref_pin SELECT x + 5 FROM ref_pin")   # the reference data changes
    pinned = proj.api()
    assert not any("ref_pin" in q.sql for q in pinned.queries)
    assert pinned.results[0].details["pinned"] is True
    monitor(proj, "pin", yaml.replace("[drift]", "[{drift: {bins: 10}}]"))   # a new definition
    redefined = proj.api()
    assert any("ref_pin" in q.sql for q in redefined.queries)


def test_dataset_drift_baselines_persist_across_processes(proj):
    """dataset_drift keeps one baseline per column in the history, so a new process scans only
    the current window (as `drift` does) and judges the same."""
    rng = np.random.default_rng(5)
    load(proj, "ds", {"a": rng.normal(0, 1, 5000), "b": rng.poisson(3, 5000).astype(float)},
         {"a": rng.normal(0.3, 1, 5000), "b": rng.poisson(3, 5000).astype(float)})
    monitor(proj, "ds", "              - name: a\n                tests: []", tests="dataset_drift")
    first = proj.api()
    assert any("ref_ds" in q.sql for q in first.queries)
    second = proj.api()
    assert not any("ref_ds" in q.sql for q in second.queries)
    assert [(r.status, r.metric) for r in second.results] == [(r.status, r.metric) for r in first.results]
    assert {p["column"] for p in first.results[0].details["profiles"]} == {"a", "b"}


def test_sampled_profile_is_deterministic_and_isolates_point_masses(proj, monkeypatch):
    """A reference larger than the profile sample: the numeric baseline (edges and reference
    histogram) comes from a seeded sample, so two independent runs bin identically, the edges sit
    near the exact quantiles, a 40% point mass still gets its own bin, and the current window is
    still counted exactly on those edges."""
    monkeypatch.setattr(drift_passes, "PROFILE_SAMPLE_ROWS", 20_000)
    rng = np.random.default_rng(11)
    zi = lambda n: np.where(rng.random(n) < 0.4, 0.0, rng.exponential(20, n))  # noqa: E731
    ref = {"x": rng.normal(50, 10, N), "zi": zi(N)}
    cur = {"x": rng.normal(50.5, 10, N), "zi": zi(N)}
    load(proj, "sampled", ref, cur)
    runs = []
    for _ in range(2):
        runs.append(drift_results(proj, "sampled", {"x": "drift", "zi": "drift"}))
    for k in ref:
        first, second = (r[f"m.{k}.drift"]["details"] for r in runs)
        assert first["profile"] == second["profile"] and first["stats"] == second["stats"]
        profile = Profile.from_dict(first["profile"]["profile"])
        # the reference side is the sample (the same rows for the profile and the histogram:
        # each of x's 20 bins holds exactly 1/20 of it); the current window is counted in full
        assert sum(first["histogram"]["reference"]) == first["reference_count"] == 20_000
        assert first["histogram"]["current"] == list(histogram_numpy(cur[k], profile).counts)
        assert abs(first["stats"]["ks_stat"] - sps.ks_2samp(ref[k], cur[k]).statistic) <= 0.015
    assert runs[0]["m.x.drift"]["details"]["histogram"]["reference"] == [1000] * 20
    x_edges = Profile.from_dict(runs[0]["m.x.drift"]["details"]["profile"]["profile"]).edges
    exact = np.quantile(ref["x"], [i / 20 for i in range(1, 20)])
    assert len(x_edges) == 19 and np.max(np.abs(np.array(x_edges) - exact)) < 0.05 * 10   # < 0.05 std
    assert np.any(np.array(x_edges) != exact)          # ... and they did come from the sample
    zi_edges = Profile.from_dict(runs[0]["m.zi.drift"]["details"]["profile"]["profile"]).edges
    assert 0.0 in zi_edges and float(np.nextafter(0.0, -np.inf)) in zi_edges


def test_kept_sample_equals_the_inline_sample(proj, monkeypatch):
    """DuckDB keeps the reference sample (drawn once per run, sqlmon.samples): the results are
    those of drawing it inline in every query, and the run draws it once for all columns."""
    from sqlmon.adapters.duckdb import DuckDBAdapter
    monkeypatch.setattr(drift_passes, "PROFILE_SAMPLE_ROWS", 20_000)
    rng = np.random.default_rng(12)
    ref = {"x": rng.normal(50, 10, N), "k": rng.poisson(3, N).astype(float)}
    cur = {"x": rng.normal(51, 10, N), "k": rng.poisson(3.1, N).astype(float)}
    load(proj, "kept", ref, cur)
    monitor(proj, "kept", "              - name: x\n                tests: [drift]\n"
                          "              - name: k\n                tests: [drift]")
    kept = proj.api(write_artifacts=False, history=False)
    draws = [q for q in kept.queries if "using sample" in q.sql.lower()]
    assert len(draws) == 1 and draws[0].rows == 20_000 and draws[0].sql.startswith('SELECT "x", "k" FROM')
    monkeypatch.setattr(DuckDBAdapter, "keeps_samples", False)
    inline = proj.api(write_artifacts=False, history=False)
    assert not any("sqlmon_sample_" in q.sql for q in inline.queries)
    assert {r.unique_id: (r.status, r.metric, r.details) for r in kept.results} == \
        {r.unique_id: (r.status, r.metric, r.details) for r in inline.results}


def test_a_failing_sample_draw_errors_only_its_readers(proj):
    """A sample the engine refuses to draw (here a project macro asks for 200% of the rows):
    the drift tests that read it error with the engine's message, the other tests still run."""
    rng = np.random.default_rng(2)
    load(proj, "bad", {"x": rng.normal(0, 1, 1000)}, {"x": rng.normal(0, 1, 1000)})
    proj.write("macros/sample.sql", """
        {% macro duckdb__profile_sample(rows) %}using sample 200% (bernoulli){% endmacro %}
    """)
    res = drift_results(proj, "bad", {"x": "drift, not_null"})
    assert res["m.x.drift"]["status"] == "error" and "DuckDB refused a query" in res["m.x.drift"]["message"]
    assert res["m.x.not_null"]["status"] == "pass"


@pytest.mark.parametrize("data", ["normal", "ties", "one", "empty", "specials"])
def test_duckdb_profile_quantiles_equal_numpy(data):
    """DuckDB's numeric_quantiles (99 interpolated quantiles from one sorted list) give numpy's
    linear quantiles of the finite values, NULL for a column with none."""
    import duckdb

    from sqlmon.render import Macros
    from sqlmon.resources import macros_dir
    rng = np.random.default_rng(9)
    x = {"normal": rng.normal(0, 1, 5000), "ties": rng.integers(0, 4, 5000).astype(float),
         "one": np.array([2.5]), "empty": np.array([np.nan, np.inf]),
         "specials": np.concatenate([rng.lognormal(0, 2, 3000), [np.nan, np.inf, -np.inf] * 10])}[data]
    values = x.astype(object)
    values[::97] = None
    qs = [i / 100 for i in range(1, 100)]
    macros = Macros([macros_dir()], "duckdb", "duckdb", "duckdb")
    text = macros.render("numeric_quantiles", "t", value='"x"', is_float=True, qs=qs).text
    con = duckdb.connect()
    con.execute("CREATE TABLE t (x DOUBLE)")
    con.executemany("INSERT INTO t VALUES (?)", [[v] for v in values.tolist()])
    got = con.execute(f"SELECT {text} FROM t").fetchall()[0][2]
    finite = np.array([v for v in values.tolist() if v is not None and np.isfinite(v)], dtype=float)
    if finite.size == 0:
        assert got is None
    else:
        assert np.allclose(got, np.quantile(finite, qs), rtol=1e-12, atol=1e-12)



def test_tail_sums_stay_exact_when_nonfinite_values_appear(proj):
    """A float column whose reference has no NaN/+-inf gets its tail sums arithmetically
    (x * (x <= e), no CASE per row); NaN or inf in the current window would make them NaN, so
    the test asks again with the exact form. Cold and steady runs both give numpy's Wasserstein,
    and only the column that needed it is asked twice."""
    from sqlmon.judge.stats import w1_cdf
    rng = np.random.default_rng(11)
    f_ref = rng.normal(0, 1, N).astype(object)
    f_ref[:200] = None                                       # NULLs only: no NaN/inf in the reference
    f_cur = rng.normal(0.1, 1, N).astype(object)
    f_cur[:200], f_cur[200:260], f_cur[260:280], f_cur[280:290] = None, np.nan, np.inf, -np.inf
    ref = {"f": f_ref, "g": rng.normal(5, 2, N)}
    cur = {"f": f_cur, "g": rng.normal(5, 2, N)}
    load(proj, "tails", ref, cur)
    yaml = "\n".join(f"              - name: {c}\n                tests: [drift]" for c in ref)
    monitor(proj, "tails", yaml)
    for run in ("cold", "steady"):
        rr = proj.api()
        res = {r.unique_id: r for r in rr.results}
        for k in ref:
            d = res[f"m.{k}.drift"].details
            profile = Profile.from_dict(d["profile"]["profile"])
            want = [histogram_numpy(np.array(x[k], dtype=float), profile) for x in (ref, cur)]
            w1 = w1_cdf(profile.edges, np.array(want[0].counts), want[0].tails, np.array(want[1].counts),
                        want[1].tails, False)
            assert d["stats"]["wasserstein_w1"] == pytest.approx(w1, rel=1e-9), (run, k)
        arithmetic = [q.sql for q in rr.queries if '"f" * CAST(' in q.sql]
        exact = [q.sql for q in rr.queries if 'ISINF("f")' in q.sql and "main.cur_tails" in q.sql]
        assert arithmetic and len(exact) == 1, run           # asked arithmetically, then once exactly
        assert not any('ISINF("g")' in q.sql for q in rr.queries), run


def test_drift_and_dataset_drift_build_shared_requests_once(proj, monkeypatch):
    """`drift` per column and `dataset_drift` over the same columns ask the same profile and
    histogram requests: each is rendered into SQL text and parsed once per monitor, and the two
    tests still agree."""
    from collections import Counter

    from sqlmon.testtypes import base
    parsed: Counter = Counter()
    real = base.parse_select_list

    def counting(text, dialect, where):
        parsed[text] += 1
        return real(text, dialect, where)

    monkeypatch.setattr(base, "parse_select_list", counting)
    rng = np.random.default_rng(4)
    load(proj, "shared", {"x": rng.normal(0, 1, 5000), "y": rng.normal(0, 1, 5000)},
         {"x": rng.normal(1, 1, 5000), "y": rng.normal(0, 1, 5000)})
    res = drift_results(proj, "shared", {"x": "drift", "y": "drift"}, tests="dataset_drift")
    # the value is a placeholder in the text: one profile text for both columns, one histogram
    # text per column (its own edges); without sharing, each would be parsed twice as often
    histograms = [t for t in parsed if "le_0" in t]
    profiles = [t for t in parsed if "AS quantiles" in t]
    assert len(histograms) == 2 and all(parsed[t] == 1 for t in histograms), parsed.most_common(3)
    assert len(profiles) == 1 and parsed[profiles[0]] == 2, parsed.most_common(3)
    per_column = res["m._.dataset_drift"]["details"]["columns"]
    assert [per_column[c]["drifted"] for c in ("x", "y")] == [True, False]
    assert res["m.x.drift"]["status"] == "fail" and res["m.y.drift"]["status"] == "pass"


def test_a_new_process_reads_the_stored_baselines_in_one_query(proj, monkeypatch):
    """A new process finds every drift test's baseline among the latest run's (one read of the
    history for all of them, not one per test) and falls back to the test's own lookup for a
    baseline an older run saved."""
    from sqlmon.history.duckdb import DuckDBStore
    rng = np.random.default_rng(8)
    cols = {c: rng.normal(0, 1, 3000) for c in ("a", "b", "c")}
    load(proj, "many", cols, {c: v + 0.05 for c, v in cols.items()})
    yaml = "\n".join(f"              - name: {c}\n                tests: [drift]" for c in cols)
    monitor(proj, "many", yaml)
    first = proj.api()
    reads: list[str] = []
    real = DuckDBStore.read

    def counting(self, sql, params=()):
        if "baselines" in sql:
            reads.append(sql)
        return real(self, sql, params)

    monkeypatch.setattr(DuckDBStore, "read", counting)
    second = proj.api()
    assert not any("ref_many" in q.sql for q in second.queries)
    assert [(r.status, r.metric) for r in second.results] == [(r.status, r.metric) for r in first.results]
    assert len(reads) == 2, reads                     # the pins, then the latest run's baselines

    # the latest run judged only column a: b and c find their baselines in the run before
    only_a = proj.api(select=["column:a"])
    assert [r.unique_id for r in only_a.results] == ["m.a.drift"]
    reads.clear()
    fourth = proj.api()
    assert not any("ref_many" in q.sql for q in fourth.queries)
    assert [(r.status, r.metric) for r in fourth.results] == [(r.status, r.metric) for r in first.results]
    assert len(reads) == 4, reads                     # pins, latest run, then b and c one by one
