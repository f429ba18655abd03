"""`segments:` on data-quality, statistic and drift tests: each segment's metric against a direct
GROUP BY of the raw rows, fused against unfused, `compare: reference` per segment, drift per
segment on the overall bins, the guards, and the history keeping overall and segment values apart.
(Every engine against DuckDB: the segmented tests of tests/test_cross_engine.py.)"""
from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest

FLIGHTS = """
CREATE OR REPLACE TABLE flights AS
SELECT TIMESTAMP '2024-01-01' + INTERVAL (i) MINUTE AS ts,
       ['UA', 'AA', 'DL', 'B6'][1 + i % 4] AS carrier,
       ['EWR', 'JFK', 'LGA'][1 + (i // 4) % 3] AS origin,
       -- the planted defects, on the current day (2024-01-09) for UA only: NULLs, a shift, bad codes
       CASE WHEN i % 4 = 0 AND i >= 11520 AND i % 5 = 0 THEN NULL
            WHEN i % 4 = 0 AND i >= 11520 THEN (hash(i) % 1000) / 10.0 + 40
            ELSE (hash(i) % 1000) / 10.0 END AS x,
       CASE WHEN i % 4 = 0 AND i >= 11520 AND i % 7 = 0 THEN 'XXX'
            ELSE ['EWR', 'JFK', 'LGA'][1 + (i // 4) % 3] END AS dest,
       i % 50 AS k
FROM range(0, 12960) t(i);
CREATE OR REPLACE TABLE airports AS SELECT * FROM (VALUES ('EWR'), ('JFK'), ('LGA')) t(code);
"""
MONITOR = """
version: 1
monitors:
  - name: fl
    relation: main.flights
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 7 days}
    tests:
      - {row_count: {segments: [carrier]}}
      - {unique: {name: uniq_combo, columns: [carrier, k], segments: [origin], error_if: "> 0.99"}}
    columns:
      - name: x
        tests:
          - {not_null: {segments: [carrier]}}
          - {range: {min: 0, max: 100, segments: [carrier, origin], min_segment_rows: 50}}
          - {mean: {segments: [carrier], warn_if: "> 70"}}
          - {mean: {name: mean_shift, segments: [carrier], compare: reference, error_if: "> 10"}}
          - {quantile: {q: 0.9, segments: [carrier]}}
          - {stddev: {segments: [origin]}}
          - {distinct_count: {segments: [carrier]}}
          - {drift: {segments: [carrier]}}
      - name: dest
        tests:
          - {accepted_values: {values: [EWR, JFK, LGA], segments: [carrier]}}
          - {relationships: {to: main.airports, field: code, segments: [carrier]}}
          - {drift: {name: dest_drift, segments: [carrier]}}
      - name: k
        tests:
          - {unique: {segments: [origin], error_if: "> 0.99"}}
"""
CURRENT = "ts >= TIMESTAMP '2024-01-09' AND ts < TIMESTAMP '2024-01-10'"
REFERENCE = "ts >= TIMESTAMP '2024-01-02' AND ts < TIMESTAMP '2024-01-09'"


@pytest.fixture
def flights(proj):
    proj.sql(FLIGHTS)
    proj.monitors(MONITOR)
    return proj


def raw(proj, sql):
    con = duckdb.connect(str(proj.db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def per_segment(result) -> dict[tuple, dict]:
    return {tuple(s["segment"].values()): s for s in result.details["segments"]}


def test_segment_metrics_equal_a_group_by_of_the_raw_rows(flights):
    rr = flights.api(as_of="2024-01-10")
    got = {r.unique_id: r for r in rr.results}
    expected = {
        "fl._.row_count": f"SELECT carrier, COUNT(*) FROM flights WHERE {CURRENT} GROUP BY 1",
        "fl.x.not_null": f"SELECT carrier, AVG(CASE WHEN x IS NULL THEN 1.0 ELSE 0 END) FROM flights WHERE {CURRENT} GROUP BY 1",
        "fl.x.range": f"SELECT carrier, origin, AVG(CASE WHEN x IS NULL OR x BETWEEN 0 AND 100 THEN 0.0 ELSE 1 END) "
                      "FROM flights "
                      f"WHERE {CURRENT} GROUP BY 1, 2",
        "fl.x.mean": f"SELECT carrier, AVG(x) FROM flights WHERE {CURRENT} GROUP BY 1",
        "fl.x.quantile": f"SELECT carrier, QUANTILE_CONT(x, 0.9) FROM flights WHERE {CURRENT} GROUP BY 1",
        "fl.x.stddev": f"SELECT origin, STDDEV_SAMP(x) FROM flights WHERE {CURRENT} GROUP BY 1",
        "fl.x.distinct_count": f"SELECT carrier, COUNT(DISTINCT x) FROM flights WHERE {CURRENT} GROUP BY 1",
        "fl.dest.accepted_values": f"SELECT carrier, AVG(CASE WHEN dest IN ('EWR', 'JFK', 'LGA') THEN 0.0 ELSE 1 END) "
                                   f"FROM flights WHERE {CURRENT} GROUP BY 1",
        "fl.dest.relationships": f"SELECT carrier, AVG(CASE WHEN a.code IS NULL THEN 1.0 ELSE 0 END) FROM flights f "
                                 f"LEFT JOIN airports a ON f.dest = a.code WHERE {CURRENT} GROUP BY 1",
        "fl.k.unique": f"SELECT origin, 1 - COUNT(DISTINCT k) / COUNT(*) FROM flights WHERE {CURRENT} GROUP BY 1",
        "fl._.uniq_combo": f"SELECT origin, 1 - COUNT(DISTINCT (carrier, k)) / COUNT(*) FROM flights WHERE {CURRENT} "
                           "GROUP BY 1",
        "fl.x.mean_shift": f"SELECT carrier, AVG(x) FILTER (WHERE {CURRENT}) - AVG(x) FILTER (WHERE {REFERENCE}) "
                           f"FROM flights GROUP BY 1",
    }
    for uid, sql in expected.items():
        want = {tuple(row[:-1]): row[-1] for row in raw(flights, sql)}
        have = per_segment(got[uid])
        assert set(have) <= set(want) and len(have) == min(len(want), 10), uid     # 10 are listed
        for key, seg in have.items():
            assert seg["metric"] == pytest.approx(want[key], rel=1e-9, abs=1e-12), (uid, key)
        assert got[uid].details["overall"] is not None and got[uid].details["segments_judged"] == len(want)


def test_the_worst_segment_decides_and_is_named(flights):
    got = {r.unique_id: r for r in flights.api(as_of="2024-01-10").results}
    for uid in ("fl.x.not_null", "fl.x.mean", "fl.x.mean_shift", "fl.dest.accepted_values", "fl.dest.relationships",
                "fl.x.drift", "fl.dest.dest_drift"):
        r = got[uid]
        assert r.details["worst_segment"] == {"carrier": "UA"}, uid
        assert r.status in ("warn", "fail") and "worst segment carrier=UA" in r.message, (uid, r.status, r.message)
        assert per_segment(r)[("UA",)]["status"] == r.status
        assert all(s["status"] == "pass" for k, s in per_segment(r).items() if k != ("UA",)), uid
    # the overall value stays in the details, beside the judged (worst) one
    assert got["fl.x.mean"].metric > got["fl.x.mean"].details["overall"]
    assert got["fl._.row_count"].status == "pass"


def test_fused_and_unfused_runs_agree(flights):
    fused = {r.unique_id: r for r in flights.api(as_of="2024-01-10", write_artifacts=False).results}
    plain = {r.unique_id: r for r in flights.api(as_of="2024-01-10", write_artifacts=False, fuse=False).results}
    assert set(fused) == set(plain)
    for uid, r in fused.items():
        assert (r.status, r.metric) == (plain[uid].status, plain[uid].metric), uid
        assert json.dumps(r.details.get("segments"), default=str) == json.dumps(plain[uid].details.get("segments"),
                                                                                default=str), uid


def test_drift_segments_are_judged_on_the_overall_bins(flights):
    r = {r.unique_id: r for r in flights.api(as_of="2024-01-10").results}["fl.x.drift"]
    ua = per_segment(r)[("UA",)]
    # each segment's counts are its own rows (the current side: non-NULL x of the segment's day)
    n_cur = dict(raw(flights, f"SELECT carrier, COUNT(x) FROM flights WHERE {CURRENT} GROUP BY 1"))
    assert {k[0]: s["rows"] for k, s in per_segment(r).items()} == n_cur
    assert ua["status"] == "fail" and ua["metric"] > 0.075
    # the segment statistic, recomputed from raw rows binned on the test's own overall edges
    edges = r.details["profile"]["profile"]["edges"]
    ref = np.array([v for (v,) in raw(flights, f"SELECT x FROM flights WHERE {REFERENCE} AND carrier = 'UA' "
                                                  "AND x IS NOT NULL")])
    cur = np.array([v for (v,) in raw(flights, f"SELECT x FROM flights WHERE {CURRENT} AND carrier = 'UA' "
                                                  "AND x IS NOT NULL")])
    # KS on the bins: the largest gap between the two cumulative shares at the edges (x <= edge, as SQL)
    ks = max(abs(float(np.mean(ref <= e)) - float(np.mean(cur <= e))) for e in edges)
    ua_stats = [s for s in r.details["segments"] if s["segment"] == {"carrier": "UA"}][0]
    assert ua_stats["stats"]["ks_stat"] == pytest.approx(ks, abs=1e-12)
    assert (ua_stats["reference_count"], ua_stats["current_count"]) == (len(ref), len(cur))


def test_history_keeps_the_overall_and_each_segment_apart(flights):
    rr = flights.api(as_of="2024-01-10")
    mean = {r.unique_id: r for r in rr.results}["fl.x.mean"]
    con = duckdb.connect(str(flights.root / ".sqlmon" / "history.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT segment, metric, status FROM results WHERE unique_id = 'fl.x.mean' "
                           "ORDER BY segment NULLS FIRST").fetchall()
        latest = con.execute("SELECT COUNT(*) FROM sqlmon_latest_status WHERE unique_id = 'fl.x.mean'").fetchone()
        per_day = con.execute("SELECT results FROM sqlmon_failures_by_monitor_day").fetchall()
    finally:
        con.close()
    assert rows[0] == (None, pytest.approx(mean.details["overall"]), mean.status)
    segs = {json.loads(s)["carrier"]: (m, st) for s, m, st in rows[1:]}
    assert set(segs) == {"UA", "AA", "DL", "B6"}
    assert segs["UA"] == (pytest.approx(mean.metric), "warn")
    # the views count and show the tests' own rows only
    assert latest == (1,) and per_day == [(len(rr.results),)]


def test_monitor_segments_still_feed_only_model_tests(flights):
    flights.monitors(MONITOR.replace("    timestamp: ts\n", "    timestamp: ts\n    segments: [carrier]\n", 1)
                     .replace("{not_null: {segments: [carrier]}}", "not_null"))
    r = {r.unique_id: r for r in flights.api(as_of="2024-01-10").results}["fl.x.not_null"]
    assert "segments" not in r.details


def test_too_small_segments_are_counted_not_judged(flights):
    flights.monitors(MONITOR.replace("{not_null: {segments: [carrier]}}",
                                     "{not_null: {segments: [carrier], min_segment_rows: 400, max_segments: 2}}"))
    r = {r.unique_id: r for r in flights.api(as_of="2024-01-10").results}["fl.x.not_null"]
    assert r.details["segments_judged"] == 0 and r.details["segments_below_min_rows"] == 4   # 360 rows each
    flights.monitors(MONITOR.replace("{not_null: {segments: [carrier]}}",
                                     "{not_null: {segments: [carrier], max_segments: 2}}"))
    r = {r.unique_id: r for r in flights.api(as_of="2024-01-10").results}["fl.x.not_null"]
    # equal sizes: the first two keys in order are judged, on every engine alike
    assert r.details["segments_judged"] == 2 and r.details["segments_beyond_max"] == 2
    assert sorted(s["segment"]["carrier"] for s in r.details["segments"]) == ["AA", "B6"]


def test_a_version_2_store_is_migrated_to_segment_aware_views(flights, monkeypatch):
    """A store written by the previous schema (2) keeps its runs; version 3 replaces the views so
    that segment rows are not counted as tests."""
    from conftest import older_sqlmon

    from sqlmon.history.tables import SCHEMA_VERSION
    assert SCHEMA_VERSION >= 3            # later versions migrate on from 3 (tests/test_stages.py)
    with monkeypatch.context() as m:
        older_sqlmon(m, 2)
        flights.api(as_of="2024-01-10")
    path = flights.root / ".sqlmon" / "history.duckdb"

    def views():
        con = duckdb.connect(str(path), read_only=True)
        try:
            return (con.execute("SELECT MAX(version) FROM sqlmon_schema_version").fetchone()[0],
                    con.execute("SELECT COUNT(*) FROM sqlmon_latest_status WHERE unique_id = 'fl.x.mean'").fetchone()[0],
                    con.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
        finally:
            con.close()
    assert views() == (2, 5, 1)          # the old views show the four segment rows too
    flights.api(as_of="2024-01-11")
    assert views() == (SCHEMA_VERSION, 1, 2)
