"""Anomaly tests on history: the robust z formula, the baseline rules, `of:` errors, and the
done-when: thirty backfilled days with an injected incident fail on the incident day only."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
import numpy as np
import pytest

from sqlmon.judge.robust import Point, baseline, robust_z

# --- the formula first (test-first: numpy's median/MAD on the raw series) -------------------


@pytest.mark.parametrize("seed", range(25))
def test_robust_z_matches_numpy_median_mad(seed):
    rng = np.random.default_rng(seed)
    h = rng.lognormal(3, 1, size=int(rng.integers(5, 80)))
    x = float(rng.normal(h.mean(), 3 * h.std()))
    med = np.median(h)
    mad = np.median(np.abs(h - med))
    r = robust_z(x, list(h))
    assert r.median == pytest.approx(med) and r.mad == pytest.approx(mad)
    assert r.z == pytest.approx((x - med) / (1.4826 * mad), rel=1e-12)


def test_robust_z_zero_mad_falls_back_to_mean_deviation_then_none():
    h = [5.0] * 6 + [9.0]           # MAD 0 (most values equal), mean |dev| = 4/7
    r = robust_z(7.0, h)
    assert r.mad == 0 and r.z == pytest.approx(2.0 / (1.253314 * 4 / 7))
    assert robust_z(5.0, [5.0] * 4).z == 0.0
    assert robust_z(5.5, [5.0] * 4).z is None


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
