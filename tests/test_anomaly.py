"""Anomaly tests on history: the noise-aware robust z (Qn against statsmodels, the sampling-noise
scales against exact binomial/Poisson moments), the synthetic calm-weeks and incident targets, the
baseline rules, `of:` errors, and thirty backfilled days with an injected incident failing on the
incident day only."""
from __future__ import annotations

import math
import os
from datetime import datetime, timedelta, timezone

import duckdb
import numpy as np
import pytest
from scipy import stats
from statsmodels.robust.scale import qn_scale

from sqlmon.config.specs import TestSpec as Spec
from sqlmon.judge import noise
from sqlmon.judge.evaluate import judge
from sqlmon.judge.robust import Point, baseline, qn, qn_factor, robust_z
from sqlmon.testtypes.anomaly import AnomalyParams, assess

# --- the formula first (test-first: statsmodels' Qn, numpy's median on the raw series) -----------


@pytest.mark.parametrize("seed", range(25))
def test_qn_matches_statsmodels_with_the_small_sample_factor(seed):
    rng = np.random.default_rng(seed)
    h = rng.lognormal(3, 1, size=int(rng.integers(2, 120)))
    assert qn(list(h)) == pytest.approx(qn_scale(h) * qn_factor(len(h)), rel=1e-12)


@pytest.mark.parametrize("k", [4, 7, 10, 15, 30])
def test_qn_small_sample_factor_makes_it_unbiased_at_normal_data(k):
    rng = np.random.default_rng(k)
    estimates = [qn(list(rng.normal(0, 2.0, size=k))) for _ in range(4000)]
    assert np.mean(estimates) == pytest.approx(2.0, rel=0.03)


@pytest.mark.parametrize("seed", range(25))
def test_robust_z_is_the_documented_combination(seed):
    rng = np.random.default_rng(seed)
    h = rng.normal(10, 2, size=int(rng.integers(5, 80)))
    x = float(rng.normal(10, 6))
    v_x, v_h = (0.0, 0.0) if seed % 2 else (float(rng.uniform(0, 3)), float(rng.uniform(0, 6)))
    med, s, k = np.median(h), qn_scale(h) * qn_factor(len(h)), len(h)
    nu = 0.82 * (k - 1)
    tau2 = max(0.0, s * s - v_h) * min(3.0, nu / (nu - 2))
    r = robust_z(x, list(h), v_x, v_h)
    assert r.median == pytest.approx(med) and r.spread == pytest.approx(s, rel=1e-12)
    assert r.z == pytest.approx((x - med) / math.sqrt(tau2 + v_x + math.pi / 2 * (tau2 + v_h) / k), rel=1e-12)


def test_robust_z_zero_spread_falls_back_to_mean_deviation_then_noise_then_none():
    h = [5.0] * 6 + [9.0]           # Qn 0 (most values equal), mean |dev| = 4/7
    r = robust_z(7.0, h)
    assert r.spread == pytest.approx(1.253314 * 4 / 7)
    f = 0.82 * 6 / (0.82 * 6 - 2)
    assert r.z == pytest.approx(2.0 / (r.spread * math.sqrt(f * (1 + math.pi / 14))))
    assert robust_z(5.0, [5.0] * 4).z == 0.0
    assert robust_z(5.5, [5.0] * 4).z is None
    # a constant history of a metric with known sampling noise still has a scale: its noise
    assert robust_z(5.5, [5.0] * 4, 0.25, 0.25).z == pytest.approx(0.5 / math.sqrt(0.25 + math.pi / 32))


@pytest.mark.parametrize("n, p", [(200, 0.01), (1000, 0.02), (1000, 0.2), (10000, 0.5), (500, 0.97)])
def test_binomial_scale_has_the_stated_variance(n, p):
    """Exact moments over the binomial pmf: Var(asin sqrt((K + 3/8) / (n + 3/4))) = 1 / (4n + 2)."""
    k = np.arange(n + 1)
    w = stats.binom.pmf(k, n, p)
    y = np.array([noise.judged(kk / n, noise.Sampling("binomial", n=n)) for kk in k])
    var = float(np.sum(w * y**2) - np.sum(w * y) ** 2)
    assert var == pytest.approx(noise.variance(noise.Sampling("binomial", n=n)), rel=0.15 if n * p < 5 else 0.05)


@pytest.mark.parametrize("lam", [3.0, 20.0, 1000.0])
def test_poisson_scale_has_the_stated_variance(lam):
    k = np.arange(int(lam + 12 * math.sqrt(lam) + 30))
    w = stats.poisson.pmf(k, lam)
    y = np.array([noise.judged(float(kk), noise.Sampling("poisson")) for kk in k])
    var = float(np.sum(w * y**2) - np.sum(w * y) ** 2)
    assert var == pytest.approx(1.0, rel=0.12 if lam < 5 else 0.03)


def test_sampling_from_details_refuses_what_it_cannot_use():
    assert noise.Sampling.of({"sampling": {"model": "binomial", "n": 10}}) == noise.Sampling("binomial", 10.0)
    for bad in ({}, {"sampling": "x"}, {"sampling": {"model": "gauss"}}, {"sampling": {"model": "binomial"}},
                {"sampling": {"model": "binomial", "n": True}}, {"sampling": {"model": "mean", "n": 5}}):
        assert noise.Sampling.of(bad) is None
    assert noise.mean(1, 2.0) is None and noise.mean(5, float("nan")) is None


# --- the targets: synthetic daily series, calm weeks and incidents -------------------------------
#
# Daily series with the sampling noise sqlmon knows (binomial shares of ~1,000 rows, Poisson counts,
# means of 500 values) plus day-to-day overdispersion it does not (beta-binomial shares,
# gamma-Poisson counts, normal shifts of the mean) of 0.5x, 1x and 2x the sampling noise. Each
# series runs the anomaly test at its defaults day by day, as daily runs would (`exclude_anomalies`
# leaves flagged days out): 7 days to reach min_history, then ten calm weeks. An incident moves the
# metric by k times the day's total noise (sampling + overdispersion, on the judging scale).

FULL = os.environ.get("SQLMON_TEST_SCALE") == "full"      # .ci/run: 300 calm series, 240 incidents
SCENARIOS = [("binomial", 0.02), ("binomial", 0.2), ("poisson", 1000.0), ("mean", 50.0)]
OVERDISPERSION = [0.5, 1.0, 2.0]
SPEC = Spec(test_type="anomaly", monitor="m", unique_id="m._.anomaly", warn_if="> 3", error_if="> 5")


def synthetic(model, level, tau, rng, days):
    """Daily (value, Sampling) pairs and a function giving an incident of `k` noise sds on day t."""
    n = rng.poisson(1000, days) + 1
    if model == "binomial":
        sd = math.sqrt(level * (1 - level) / 1000) * tau
        c = level * (1 - level) / sd**2 - 1
        p = rng.beta(level * c, (1 - level) * c, days)
        values = [rng.binomial(n[t], p[t]) / n[t] for t in range(days)]
        samplings = [noise.Sampling("binomial", n=float(n[t])) for t in range(days)]
        y_sd = lambda t: math.sqrt(1 / (4 * n[t] + 2) + (sd / (2 * math.sqrt(level * (1 - level)))) ** 2)  # noqa: E731

        def incident(t, k):
            y = math.asin(math.sqrt(p[t])) + k * y_sd(t)
            return rng.binomial(n[t], min(1.0, math.sin(min(y, math.pi / 2)) ** 2)) / n[t]
    elif model == "poisson":
        sd = math.sqrt(level) * tau
        lam = rng.gamma((level / sd) ** 2, sd**2 / level, days)
        values = [float(rng.poisson(v)) for v in lam]
        samplings = [noise.Sampling("poisson")] * days

        def incident(t, k):
            y = 2 * math.sqrt(lam[t]) + k * math.sqrt(1 + sd**2 / level)
            return float(rng.poisson(max(y, 0.0) ** 2 / 4))
    else:
        se = 10 / math.sqrt(500)
        mu = level + rng.normal(0, tau * se, days)
        draws = [rng.normal(m, 10, 500) for m in mu]
        values = [float(d.mean()) for d in draws]
        samplings = [noise.Sampling("mean", n=500.0, sd=float(d.std(ddof=1))) for d in draws]

        def incident(t, k):
            return float(rng.normal(mu[t], 10, 500).mean() + k * se * math.sqrt(1 + tau**2))
    return values, samplings, incident


def daily_statuses(values, samplings, extra=None, judgement=assess, lookback=30):
    """Judge each day as its daily run would; `extra` = (value, sampling) judged after the last day.
    (benchmarks/anomaly_noise.py runs it with the 0.x judgement too.)"""
    p, start = AnomalyParams(of="x", lookback=lookback), datetime(2024, 1, 1, tzinfo=timezone.utc)
    points, statuses = [], []
    days = [*zip(values, samplings), *([extra] if extra else [])]
    for t, (x, s) in enumerate(days):
        base = [q for q in points if not q.anomaly][-p.lookback:]
        status = "skipped"
        if len(base) >= p.min_history:
            status = judge(SPEC, judgement("x", x, s, base, p, {})).status
        if t < len(values):
            points.append(Point(start + timedelta(days=t), x, status in ("warn", "fail"), s))
        statuses.append(status)
    return statuses


@pytest.mark.parametrize("model, level", SCENARIOS)
@pytest.mark.parametrize("tau", OVERDISPERSION)
def test_at_most_one_alarm_per_ten_calm_weeks(model, level, tau):
    rng = np.random.default_rng(hash((model, level, tau)) % 2**32)
    alarms = []
    for _ in range(300 if FULL else 100):
        values, samplings, _ = synthetic(model, level, tau, rng, 77)
        statuses = daily_statuses(values, samplings)
        assert statuses[:7] == ["skipped"] * 7
        alarms.append(sum(s in ("warn", "fail") for s in statuses))
    print(f"calm {model} {level} tau {tau}: {np.mean(alarms):.2f} alarms per ten weeks")
    assert np.mean(alarms) <= 1.0, (np.mean(alarms), alarms)


@pytest.mark.parametrize("model, level", SCENARIOS)
@pytest.mark.parametrize("tau", OVERDISPERSION)
def test_incidents_are_caught(model, level, tau):
    """A jump of 5 noise sds sits on the error line (z ~ 5 give or take 1): nearly all are flagged
    and a large share fail; at 8 noise sds (3 sds past the line) nearly all fail."""
    rng = np.random.default_rng(hash((model, level, tau, "incident")) % 2**32)
    outcomes = {5: [], 8: []}
    for i in range(240 if FULL else 80):
        days = int(rng.integers(10, 50))            # incidents early (short history) and late
        values, samplings, incident = synthetic(model, level, tau, rng, days + 1)
        for k in outcomes:
            # up and down alike, except a 2% share: 5 sds below it is below 0
            sign = 1 if i % 2 or (model == "binomial" and level < 0.05) else -1
            outcomes[k].append(daily_statuses(values[:days], samplings[:days],
                                              (incident(days, sign * k), samplings[days]))[-1])
    flagged5 = np.mean([s in ("warn", "fail") for s in outcomes[5]])
    fail5, fail8 = np.mean([s == "fail" for s in outcomes[5]]), np.mean([s == "fail" for s in outcomes[8]])
    print(f"incidents {model} {level} tau {tau}: 5 sds flagged {flagged5:.2f} fail {fail5:.2f}; 8 sds fail {fail8:.2f}")
    assert flagged5 >= 0.8 and fail5 >= 0.25 and fail8 >= 0.85, (flagged5, fail5, fail8)


def test_baseline_season_and_exclusion():
    monday = datetime(2024, 1, 1, tzinfo=timezone.utc)
    pts = [Point(monday + timedelta(days=i), float(i), anomaly=(i == 7)) for i in range(21)]
    kept, excluded = baseline(pts, monday + timedelta(days=21), "day_of_week")
    assert [p.value for p in kept] == [0.0, 14.0] and excluded == 1
    kept, excluded = baseline(pts, monday, "none", exclude_anomalies=False)
    assert len(kept) == 21 and excluded == 0


# --- through the runner ---------------------------------------------------------------------

DAILY = """
version: 1
monitors:
  - name: daily
    relation: main.daily
    timestamp: ts
    current: {last: 1 day}
    tests:
      - row_count
      - anomaly: {name: volume_anomaly, of: row_count}
    columns:
      - name: x
        tests:
          - not_null: {warn_if: "> 80%", error_if: "> 90%"}
          - anomaly: {name: null_anomaly, of: not_null, min_abs_change: 0.02}
"""

INCIDENT_DAY = 19     # 2024-01-20: a volume drop (80 rows instead of ~200) and 40% NULLs in x


def daily_table(proj, days: int = 40, incident: int | None = INCIDENT_DAY) -> None:
    inc = -1 if incident is None else incident
    proj.sql(f"""
        CREATE OR REPLACE TABLE daily AS
        WITH days AS (SELECT d, 200 + (hash(d * 7919) % 31)::INT - 15 AS n FROM range(0, {days}) t(d)),
        r AS (SELECT d, i FROM days, range(0, 400) q(i) WHERE i < CASE WHEN d = {inc} THEN 80 ELSE n END)
        SELECT TIMESTAMP '2024-01-01' + INTERVAL (d) DAY + INTERVAL (i * 200) SECOND AS ts,
               CASE WHEN (hash(d * 100003 + i) % 100) < CASE WHEN d = {inc} THEN 40 ELSE 2 END
                    THEN NULL ELSE i * 1.0 END AS x
        FROM r""")


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory):
    """Thirty daily runs (as of 2024-01-02 .. 2024-01-31) through `sqlmon backfill`."""
    from conftest import Proj
    root = tmp_path_factory.mktemp("anomaly") / "proj"
    root.mkdir()
    (root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\n")
    (root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n")
    proj = Proj(root)
    daily_table(proj)
    proj.monitors(DAILY)
    res = proj.cli("backfill", "--start", "2024-01-02", "--end", "2024-01-31", "--report")
    assert res.exit_code == 1, res.output          # the incident day fails
    assert res.output.count("[") >= 30 and "Report:" in res.output
    # the closing table: 29 green days, 1 failing, the first failing day named
    assert "Backfill: 30 runs, as of 2024-01-02" in res.output and "| 1 | 1 | 2024-01-21" in res.output, res.output
    assert "| 0 | 29 |" in res.output and "Worst: exit 1, first as of 2024-01-21" in res.output
    return proj


def history_rows(proj, sql):
    con = duckdb.connect(str(proj.root / ".sqlmon" / "history.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_incident_fails_on_its_day_and_nowhere_else(backfilled):
    rows = history_rows(backfilled, """
        SELECT CAST(as_of AS DATE), unique_id, status FROM results
        WHERE test_type = 'anomaly' AND status IN ('warn', 'fail', 'error') ORDER BY 1, 2""")
    day = datetime(2024, 1, 21).date()       # the run as of 01-21 sees 01-20's data
    assert rows == [(day, "daily._.volume_anomaly", "fail"), (day, "daily.x.null_anomaly", "fail")]
    # the fixed thresholds alone never noticed the NULL spike (40% < warn 80%)
    assert history_rows(backfilled, "SELECT status FROM results WHERE unique_id = 'daily.x.not_null' "
                                    "AND as_of = '2024-01-21'") == [("pass",)]
    # min_history 7: the first seven runs are skipped with the reason
    skipped = history_rows(backfilled, "SELECT COUNT(*), MIN(message) FROM results WHERE unique_id = "
                                       "'daily._.volume_anomaly' AND status = 'skipped'")
    assert skipped[0][0] == 7 and "min_history is 7" in skipped[0][1]
    # the view people chart: failures per monitor and day
    assert history_rows(backfilled, "SELECT day, fail FROM sqlmon_failures_by_monitor_day WHERE fail > 0") == [(day, 2)]


def test_past_anomaly_is_left_out_of_the_baseline(backfilled):
    import json
    (details,) = history_rows(backfilled, "SELECT details FROM results WHERE unique_id = 'daily._.volume_anomaly' "
                                          "AND as_of = '2024-01-22'")[0]
    d = json.loads(details)
    assert d["excluded_anomalies"] == 1 and d["history"] == 19 and d["of"] == "daily._.row_count"


def test_incident_is_marked_in_the_report(backfilled):
    html = (backfilled.root / "target" / "report.html").read_text()
    assert html.count('class="anomaly"') >= 2          # ringed on the row_count and not_null charts
    assert 'data-id="daily._.volume_anomaly"' in html and "svg" in html


def test_floors_and_sensitivities(proj):
    daily_table(proj, incident=None)
    proj.monitors("""
        version: 1
        monitors:
          - name: daily
            relation: main.daily
            timestamp: ts
            current: {last: 1 day}
            tests:
              - row_count
              - anomaly: {name: floored, of: row_count, min_history: 3, min_rel_change: 50%}
              - anomaly: {name: touchy, of: row_count, min_history: 3, warn_sensitivity: 0.01, error_sensitivity: 1000,
                          lookback: 10 days, exclude_anomalies: false}
              - anomaly: {name: up_only, of: row_count, min_history: 3, direction: up, warn_sensitivity: 0.01,
                          exclude_anomalies: false}
        """)
    for day in range(2, 8):
        proj.api(as_of=f"2024-01-{day:02d}", write_artifacts=False)
    rr = proj.api(as_of="2024-01-08")
    got = {r.name: r for r in rr.results}
    assert got["floored"].status == "pass" and "below min_rel_change" in got["floored"].message
    assert got["touchy"].status == "warn" and got["touchy"].warn_if == "> 0.01" and got["touchy"].error_if == "> 1000"
    z = got["touchy"].details["z"]
    assert got["up_only"].metric == pytest.approx(z) and got["up_only"].status == ("warn" if z > 0.01 else "pass")


def test_tests_record_the_sampling_noise_of_their_metric(proj):
    daily_table(proj, incident=None)
    proj.monitors("""
        version: 1
        monitors:
          - name: daily
            relation: main.daily
            timestamp: ts
            current: {last: 1 day}
            tests: [row_count]
            columns:
              - name: x
                tests: [not_null, mean, {range: {min: 0, max: 1000}}, {mean: {name: mean_vs_ref, compare: reference}}]
        """.replace("current: {last: 1 day}", "current: {last: 1 day}\n            reference: {previous: 7 days}"))
    rr = proj.api(as_of="2024-01-20")
    got = {r.name: r for r in rr.results}
    con = duckdb.connect(str(proj.root / "warehouse.duckdb"), read_only=True)
    n, nulls, sd = con.execute("SELECT COUNT(*), COUNT(*) - COUNT(x), STDDEV_SAMP(x) FROM daily "
                               "WHERE ts >= '2024-01-19' AND ts < '2024-01-20'").fetchone()
    con.close()
    assert got["row_count"].details["sampling"] == {"model": "poisson"} and got["row_count"].metric == n
    assert got["not_null"].details["sampling"] == {"model": "binomial", "n": n} and nulls > 0
    assert got["range"].details["sampling"] == {"model": "binomial", "n": n}
    assert got["mean"].details["sampling"]["n"] == n - nulls
    assert got["mean"].details["sampling"]["sd"] == pytest.approx(sd, rel=1e-9)
    assert "sampling" not in got["mean_vs_ref"].details      # a difference of windows: not known


def test_binary_metrics_are_shares_of_their_denominator():
    from sqlmon.judge.model_metrics import BinaryCounts, MulticlassCounts
    from sqlmon.testtypes.model_quality import share_of
    c = BinaryCounts(tp=30, fp=10, tn=50, fn=5)
    assert [share_of(m, c) for m in ("accuracy", "precision", "recall", "fpr", "fnr", "positive_rate", "f1")] \
        == [95, 40, 35, 60, 35, 95, 0]
    mc = MulticlassCounts(matrix={("a", "a"): 3, ("a", "b"): 1})
    assert share_of("accuracy", mc) == 4 and share_of("precision", mc) == 0


def test_a_share_that_was_always_zero_does_not_alarm_on_one_row(proj):
    """The noise floor through the runner: 0 NULLs for ten days, then 1 NULL in ~200 rows is within
    the binomial noise of 200 rows (z < 3); 40 NULLs are not."""
    proj.sql("""CREATE OR REPLACE TABLE daily AS
        SELECT TIMESTAMP '2024-01-01' + INTERVAL (d) DAY + INTERVAL (i * 300) SECOND AS ts,
               CASE WHEN d = 10 AND i < 1 THEN NULL WHEN d = 11 AND i < 40 THEN NULL ELSE i END AS x
        FROM range(0, 12) t(d), range(0, 200) q(i)""")
    proj.monitors("""
        version: 1
        monitors:
          - name: daily
            relation: main.daily
            timestamp: ts
            current: {last: 1 day}
            columns:
              - name: x
                tests: [{not_null: {error_if: "> 50%"}}, {anomaly: {of: not_null}}]
        """)
    for day in range(2, 12):
        proj.api(as_of=f"2024-01-{day:02d}", write_artifacts=False)
    one = {r.name: r for r in proj.api(as_of="2024-01-12", write_artifacts=False).results}["anomaly"]
    assert one.status == "pass" and one.details["z"] < 3 and one.details["judged_on"] == "arcsine square root"
    low, high = one.details["expected"]["warn"]          # the band the report draws, in the metric's units
    assert low == 0.0 and one.details["value"] < high < 0.05
    assert "sampling noise of a share of 200 rows" in one.message
    forty = {r.name: r for r in proj.api(as_of="2024-01-13", write_artifacts=False).results}["anomaly"]
    assert forty.status == "fail" and forty.details["z"] > 5 and forty.details["value"] > forty.details["expected"]["error"][1]


def test_select_anomaly_brings_the_test_it_reads(proj):
    daily_table(proj)
    proj.monitors(DAILY)
    res = proj.run("-s", "type:anomaly")
    assert res.exit_code == 0, res.output
    assert {"daily._.row_count", "daily.x.not_null", "daily._.volume_anomaly"} <= set(proj.results())
    assert proj.results()["daily._.volume_anomaly"]["status"] == "skipped"


def test_no_history_store_means_skipped_with_reason(proj):
    daily_table(proj)
    proj.monitors(DAILY)
    res = proj.run("--no-history")
    assert res.exit_code == 0
    r = proj.results()["daily._.volume_anomaly"]
    assert r["status"] == "skipped" and "only 0 past values" in r["message"]
    assert not (proj.root / ".sqlmon" / "history.duckdb").exists()


@pytest.mark.parametrize("entry, message, hint", [
    ("{of: row_cont}", "`of: row_cont` names no test", "did you mean 'row_count'"),
    ("{of: nope.x.y}", "`of: nope.x.y` names no test", None),
    ("{of: not_null}", "`of: not_null` matches several tests", "unique_id"),
    ("{of: volume_anomaly, name: a2}", "runs in the same phase", None),
    ("{of: row_count, lookback: 3 fortnights}", "bad lookback '3 fortnights'", None),
    ("{of: row_count, lookback: 0}", "lookback is a number of runs", None),
    ("{of: row_count, seasonality: weekly}", "seasonality", None),
    ("{of: row_count, min_rel_change: lots}", "bad min_rel_change", None),
    ("{lookback: 3}", "missing required key 'of'", None),
])
def test_bad_anomaly_config_is_a_clear_error_with_file_line(proj, entry, message, hint):
    daily_table(proj)
    proj.monitors(f"""
        version: 1
        monitors:
          - name: daily
            relation: main.daily
            timestamp: ts
            tests:
              - row_count
              - anomaly: {{name: volume_anomaly, of: row_count}}
              - anomaly: {entry}
            columns:
              - name: x
                tests: [not_null]
              - name: ts
                tests: [not_null]
        """)
    res = proj.run()
    assert res.exit_code == 2, res.output
    assert message in res.output and "monitors.yml:" in res.output and "Traceback" not in res.output
    if hint:
        assert hint in res.output
