"""Selection, the defaults cascade, gating, exit codes and fusion, through the public API and CLI."""
from __future__ import annotations

import re

import pytest

TWO_MONITORS = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    tags: [tier1]
    tests:
      - row_count
    columns:
      - name: cat
        tests: [not_null, {accepted_values: {values: [a, b], tags: [vals]}}]
      - name: x
        tests: [{mean: {error_if: '> 100'}}]
  - name: other
    relation: main.events
    tests:
      - row_count
      - schema: {columns: [id]}
    columns:
      - name: id
        tests: [unique]
"""


def ids(proj, *args):
    res = proj.cli("ls", *args)
    assert res.exit_code == 0, res.output
    return res.output.split()


@pytest.mark.parametrize("args, expected", [
    ((), None),
    (("-s", "ev"), ["ev._.row_count", "ev.cat.not_null", "ev.cat.accepted_values", "ev.x.mean"]),
    (("-s", "tag:tier1", "--exclude", "column:cat"), ["ev._.row_count", "ev.x.mean"]),
    (("-s", "tag:vals"), ["ev._.row_count", "ev.cat.accepted_values"]),          # gate comes along
    (("-s", "type:unique"), ["other._.row_count", "other._.schema", "other.id.unique"]),
    (("-s", "column:c*"), ["ev._.row_count", "ev.cat.not_null", "ev.cat.accepted_values"]),
    (("-s", "id:*.x.*"), ["ev._.row_count", "ev.x.mean"]),
    (("-s", "oth*", "-s", "type:mean"), ["ev._.row_count", "ev.x.mean", "other._.row_count", "other._.schema", "other.id.unique"]),
])
def test_selection(proj, args, expected):
    proj.monitors(TWO_MONITORS)
    got = ids(proj, *args)
    if expected is None:
        assert len(got) == 7
    else:
        assert got == expected


def test_empty_selection_is_exit_2(proj):
    proj.monitors(TWO_MONITORS)
    res = proj.run("-s", "tag:nope")
    assert res.exit_code == 2 and "--select 'tag:nope' matches no test" in res.output and "tier1" in res.output


@pytest.mark.parametrize("args, message, hint", [
    (("-s", "ev", "-s", "evv"), "--select 'evv' matches no test", "did you mean 'ev'"),      # a typo beside a good one
    (("-s", "ev evv",), "--select 'evv' matches no test", "did you mean 'ev'"),
    (("--exclude", "column:catt"), "--exclude 'column:catt' matches no test", "column:'cat'"),
    (("-s", "tag:tier1,type:unique"), "--select 'tag:tier1,type:unique' matches no test", "intersection"),
    (("-s", "type:not_nul"), "--select 'type:not_nul' matches no test", "type:'not_null'"),
    (("-s", "path:monitors/nope.yml"), "--select 'path:monitors/nope.yml' matches no test", "monitors/monitors.yml"),
    (("-s", "+ev"), "graph operators apply to dbt nodes", "node:NAME+"),
    (("-s", "ev+"), "graph operators apply to dbt nodes", "+node:NAME"),
    (("-s", "node:ev"), "not in a dbt project", "With dbt"),
    (("-s", "tag:tier1,"), "empty selector", "a comma joins"),
])
def test_selection_never_drops_a_word(proj, args, message, hint):
    proj.monitors(TWO_MONITORS)
    for command in ("ls", "run"):
        res = proj.cli(command, *args)
        assert res.exit_code == 2 and message in res.output and hint in res.output, (command, res.output)


def test_comma_is_an_intersection_and_path_selects_files(proj):
    proj.monitors(TWO_MONITORS)
    assert ids(proj, "-s", "tag:tier1,type:mean") == ["ev._.row_count", "ev.x.mean"]
    assert ids(proj, "-s", "tag:tier1,column:cat", "-s", "type:unique") == [
        "ev._.row_count", "ev.cat.not_null", "ev.cat.accepted_values", "other._.row_count", "other._.schema",
        "other.id.unique"]
    proj.monitors(TWO_MONITORS.replace("name: ev", "name: ev2").replace("name: other", "name: other2"), name="b.yml")
    assert set(ids(proj, "-s", "path:monitors/b.yml")) == set(ids(proj, "-s", "ev2 other2"))
    assert len(ids(proj, "-s", "path:monitors")) == 14 and len(ids(proj, "-s", "path:monitors/*.yml")) == 14
    assert ids(proj, "-s", "path:monitors/b.yml,type:mean") == ["ev2._.row_count", "ev2.x.mean"]


def test_unknown_selector_method(proj):
    proj.monitors(TWO_MONITORS)
    res = proj.run("-s", "tags:tier1")
    assert res.exit_code == 2 and "unknown selector method 'tags:'" in res.output


def test_defaults_cascade(proj):
    (proj.root / "sqlmon_project.yml").write_text("""
name: testproj
profile: testproj
defaults:
  not_null: {warn_if: "> 10%", error_if: "> 50%", severity: warn}
  accepted_values: {values: [a, b, c]}
""")
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            defaults:
              not_null: {error_if: "> 20%"}
            columns:
              - name: cat
                tests:
                  - not_null                                  # monitor pair wins: error > 20%, no warn_if
                  - not_null: {name: nn_test, warn_if: "> 90%"}  # test pair wins; severity from project
                  - accepted_values                           # values from project defaults
                  - accepted_values: {name: av2, values: [a]}
    """)
    proj.run()
    r = proj.results()
    nn = r["ev.cat.not_null"]
    assert (nn["error_if"], nn["warn_if"], nn["severity"]) == ("> 20%", None, "warn")
    assert nn["status"] == "pass"          # 1/6 NULL < 20%
    t = r["ev.cat.nn_test"]
    assert (t["error_if"], t["warn_if"], t["severity"]) == (None, "> 90%", "warn")
    assert r["ev.cat.accepted_values"]["metric"] == 0
    assert r["ev.cat.av2"]["metric"] == pytest.approx(2 / 6)


def test_builtin_default_thresholds_apply(proj):
    proj.monitors(TWO_MONITORS)
    proj.run()
    r = proj.results()
    assert r["ev.cat.not_null"]["error_if"] == "> 0"
    assert r["ev._.row_count"]["error_if"] == "< 1"


@pytest.mark.parametrize("gate", ["row_count: {error_if: '< 100'}", "schema: {columns: [nope]}",
                                  "freshness: {error_if: '> 1 hour'}"])
def test_gates_skip_the_rest(proj, gate):
    proj.monitors(f"""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            timestamp: ts
            tests: [{{{gate}}}]
            columns:
              - name: cat
                tests: [{{not_null: {{error_if: '> 99%'}}}}, {{accepted_values: {{values: [a]}}}}]
    """)
    res = proj.run()
    r = proj.results()
    assert res.exit_code == 1
    assert r["ev.cat.not_null"]["status"] == "skipped" and "gate" in r["ev.cat.not_null"]["message"]
    assert r["ev.cat.accepted_values"]["status"] == "skipped"


def test_gate_runs_even_when_not_selected(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            tests: [{row_count: {error_if: '< 100'}}]
            columns:
              - name: cat
                tests: [{not_null: {error_if: '> 99%'}}]
    """)
    res = proj.run("-s", "type:not_null")
    r = proj.results()
    assert set(r) == {"ev._.row_count", "ev.cat.not_null"}
    assert r["ev.cat.not_null"]["status"] == "skipped" and res.exit_code == 1


def test_warn_does_not_gate_and_fail_on_warn(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            tests: [{row_count: {warn_if: '< 100'}}]
            columns:
              - name: id
                tests: [not_null]
    """)
    assert proj.run().exit_code == 0
    assert proj.results()["ev.id.not_null"]["status"] == "pass"
    assert proj.run("--fail-on", "warn").exit_code == 1


def test_exit_codes(proj):
    proj.monitors(TWO_MONITORS)
    assert proj.run("-s", "type:mean").exit_code == 0
    assert proj.run("-s", "type:not_null").exit_code == 1


def test_python_api_returns_results(proj):
    import sqlmon
    proj.monitors(TWO_MONITORS)
    rr = sqlmon.run(proj.root, as_of="2024-01-10", select=["ev"], write_artifacts=False)
    assert rr.exit_code == 1
    assert {r.unique_id: r.status for r in rr.results}["ev.cat.not_null"] == "fail"
    assert not (proj.root / "target" / "run_results.json").exists()


MIXED = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 1 day}
    where: "country <> 'zz'"
    tests: [row_count, {unique: {columns: [id, ts]}}, {expression: {expression: 'id < 5'}},
            {row_count: {name: rc_ratio, compare: {reference: ratio}}}]
    columns:
      - name: cat
        tests: [not_null, {accepted_values: {values: [a]}}, distinct_count, distinct_share, {length: {max: 1}}]
      - name: x
        tests: [{mean: {compare: reference}}, stddev, min, max, {quantile: {q: 0.9}}, nonfinite_share,
                {range: {min: 0, max: 3}}, {not_null: {where: "cat = 'a'"}}]
      - name: country
        tests: [{regex: {pattern: '^[A-Z]+$'}}]
"""


def test_fused_equals_unfused(proj):
    proj.monitors(MIXED)
    fused = proj.api(fuse=True, write_artifacts=False)
    unfused = proj.api(fuse=False, write_artifacts=False)
    assert len(fused.queries) < len(unfused.queries)
    a = {r.unique_id: (r.status, r.metric, r.details) for r in fused.results}
    b = {r.unique_id: (r.status, r.metric, r.details) for r in unfused.results}
    assert a == b
    # everything over the current window of `ev` (same filter) went into one query
    current_scans = [q for q in fused.queries if "2024-01-09" in q.sql and "2024-01-08 " not in q.sql]
    assert len([q for q in current_scans if "GROUP BY" not in q.sql.upper() and "JOIN" not in q.sql.upper()]) <= 2


def test_window_fusion_and_threads_do_not_change_answers(proj):
    """Both windows in one scan (CASE-wrapped aggregates) and concurrent queries: same results."""
    proj.monitors(MIXED)
    base = proj.api(fuse=False, write_artifacts=False, history=False)
    windows = proj.api(fuse_windows=True, write_artifacts=False, history=False)
    threaded = proj.api(threads=4, write_artifacts=False, history=False)
    expect = {r.unique_id: (r.status, r.metric, r.details) for r in base.results}
    for rr in (windows, threaded):
        assert {r.unique_id: (r.status, r.metric, r.details) for r in rr.results} == expect
    assert len(windows.queries) < len(proj.api(write_artifacts=False, history=False).queries)


def test_isolating_object_aggregates_does_not_change_answers(proj, monkeypatch):
    """The Spark policy, tried on DuckDB: DISTINCT and percentile aggregates fuse only among
    themselves."""
    from sqlmon.adapters.duckdb import DuckDBAdapter
    proj.monitors(MIXED)
    base = proj.api(write_artifacts=False, history=False)
    monkeypatch.setattr(DuckDBAdapter, "isolate_object_aggregates", True)
    isolated = proj.api(write_artifacts=False, history=False)
    assert {r.unique_id: (r.status, r.metric, r.details) for r in isolated.results} == \
        {r.unique_id: (r.status, r.metric, r.details) for r in base.results}
    assert len(isolated.queries) == len(base.queries) + 1
    distinct = [q.sql.upper() for q in isolated.queries if "DISTINCT" in q.sql.upper()]
    assert len(distinct) == 1 and "AVG(" not in distinct[0] and "COUNT(DISTINCT" in distinct[0]
    assert "QUANTILE" in distinct[0]
    assert all("QUANTILE" not in q.sql.upper() for q in isolated.queries if "AVG(" in q.sql.upper())
    assert any("AVG(" in q.sql.upper() and "DISTINCT" not in q.sql.upper() for q in isolated.queries)


def test_final_requests_wait_for_drift_profiles(proj):
    """A cold drift run: the other tests' aggregates wait while drift profiles run (a
    `Prerequisite` round), then fuse with the drift histograms into one scan of the current
    window. The gate still runs first, and the answers are those of an unfused run."""
    proj.monitors("""
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 1 day}
    tests: [row_count, {dataset_drift: {columns: [x, cat]}}]
    columns:
      - name: x
        tests: [drift, not_null, {mean: {compare: reference}}]
      - name: cat
        tests: [drift, not_null]
""")
    fused = proj.api(write_artifacts=False, history=False)
    unfused = proj.api(fuse=False, write_artifacts=False, history=False)
    assert {r.unique_id: (r.status, r.metric, r.details) for r in fused.results} == \
        {r.unique_id: (r.status, r.metric, r.details) for r in unfused.results}
    sqls = [q.sql for q in fused.queries]
    # round 1: the reference sample drawn once (DuckDB keeps it) beside the gate and the standalone
    # category counts (they fuse with nothing, so they need not wait), then the profile
    draws = [s for s in sqls if "using sample" in s.lower()]
    counts = [s for s in sqls if 'GROUP BY "cat"' in s]
    profile = [s for s in sqls if "quantile" in s.lower()]
    assert len(draws) == 1 and draws[0].startswith('SELECT "x" FROM')
    assert len(profile) == 1 and sqls.index(profile[0]) == 4 and {sqls.index(s) for s in draws + counts} < {0, 1, 2, 3}
    # the drift test and dataset_drift's sub-run (a later round) ask the same counts: one query per window
    assert len(counts) == 2
    current = [s for s in sqls if "2024-01-09" in s and "2024-01-08 " not in s and "GROUP BY" not in s.upper()]
    assert len(current) == 2 and current[0].startswith('SELECT COUNT(*) AS "row_count" FROM')     # the gate
    assert '"le_0"' in current[1].lower() and "failing_count" in current[1].lower()           # all the rest
    # the profile's rows and the reference histogram's: one query each, shared by all three drift
    # tests, both reading the kept sample
    assert re.search(r"from sqlmon_scratch_[0-9a-f]+\.main\.sqlmon_sample_", profile[0].lower())


def test_a_drift_run_needs_no_pyarrow(proj):
    """The core install has no pyarrow: the kept reference sample must not need it. A drift run
    in a process where pyarrow cannot be imported gives the same results as in this one."""
    import json
    import shutil
    import subprocess
    import sys
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            timestamp: ts
            current: {last: 1 day}
            reference: {previous: 1 day}
            columns:
              - name: x
                tests: [drift]
    """)
    proj.sql("INSERT INTO events SELECT 100 + i, TIMESTAMP '2024-01-08 00:00:00' + (i % 2) * INTERVAL 1 DAY "
             "+ i * INTERVAL 1 MINUTE, 'a', i % 17, 'DE' FROM range(600) t(i)")
    rr = proj.api()
    here = {r.unique_id: (r.status, r.metric) for r in rr.results}
    assert here["ev.x.drift"][0] in ("pass", "fail"), rr.results[0].message
    assert any("sqlmon_sample_" in q.sql for q in rr.queries)      # the kept sample was drawn and read
    shutil.rmtree(proj.root / ".sqlmon")               # no stored baseline: the new process draws the sample
    code = ("import sys, json; sys.modules['pyarrow'] = None\n"
            "from sqlmon.runner import run\n"
            f"rr = run({str(proj.root)!r}, as_of='2024-01-10', write_artifacts=False, history=False)\n"
            "assert any('sqlmon_sample_' in q.sql for q in rr.queries)\n"
            "print(json.dumps({r.unique_id: [r.status, r.metric, r.message] for r in rr.results}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    there = json.loads(out.stdout.strip().splitlines()[-1])
    assert {k: tuple(v[:2]) for k, v in there.items()} == here, there


def test_no_silent_green(proj):
    """A monitor that judged nothing (every test skipped) fails the run; --fail-on skipped fails on
    any skip; anomaly tests without history say so, with where the store is."""
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            timestamp: ts
            current: {last: 1 day}
            tests: [row_count]
          - name: quiet
            relation: main.events
            tests: [{anomaly: {of: ev._.row_count}}]
    """)
    res = proj.run()
    assert res.exit_code == 1, res.output
    assert "Judged nothing (every test skipped or errored): quiet" in res.output
    assert "anomaly test(s) have too little history" in res.output and ".sqlmon/history.duckdb" in res.output
    data = proj.results()
    import json
    full = json.loads((proj.root / "target" / "run_results.json").read_text())
    assert full["unjudged_monitors"] == ["quiet"] and full["summary"]["not_judged"] == 1
    assert any("too little history" in w for w in full["warnings"])
    summary = (proj.root / "target" / "summary.md").read_text()
    assert "judged nothing" in summary and "too little history" in summary
    assert data["ev._.row_count"]["status"] == "pass"
    # --fail-on: statuses that fail the run besides fail
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            timestamp: ts
            current: {last: 1 day}
            tests: [row_count, {anomaly: {of: row_count}}]
    """)
    assert proj.run().exit_code == 0                                   # something judged, nothing failed
    assert proj.run("--fail-on", "skipped").exit_code == 1
    assert proj.run("--fail-on", "warn,skipped").exit_code == 1
    res = proj.run("--fail-on", "skiped")
    assert res.exit_code == 2 and "did you mean 'skipped'" in res.output


def test_raise_for_status_and_junit_places(proj):
    import xml.etree.ElementTree as ET

    import sqlmon
    proj.monitors(TWO_MONITORS)
    rr = proj.api()
    assert rr.exit_code == 1
    with pytest.raises(sqlmon.RunFailed, match="exit code 1") as err:
        rr.raise_for_status()
    assert err.value.result is rr
    cases = ET.parse(proj.root / "target" / "junit.xml").getroot().findall(".//testcase")
    assert all(c.get("file", "").endswith("monitors.yml") and c.get("line", "").isdigit() for c in cases)
    assert "None" not in (proj.root / "target" / "junit.xml").read_text()


def test_a_scoring_job_checks_its_batch_through_its_own_connection(proj):
    """The job holds a DuckDB connection with the day's scores registered as a DataFrame; it runs
    the project's checks on that connection and gates on them before publishing."""
    import duckdb
    import numpy as np
    import pandas as pd

    import sqlmon
    proj.monitors("""
        version: 1
        monitors:
          - name: batch
            relation: scores
            tests: [row_count]
            columns:
              - name: score
                tests: [not_null, {range: {min: 0, max: 1}}]
    """)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Paris'")
    good = pd.DataFrame({"score": np.linspace(0, 1, 50)})
    con.register("scores", good)
    rr = sqlmon.run(proj.root, connection=con, as_of="2024-01-10", write_artifacts=False, history=False)
    assert rr.raise_for_status() is rr and {r.status for r in rr.results} == {"pass"}
    con.register("scores", pd.DataFrame({"score": [0.2, 1.7, None]}))            # a broken batch
    bad = sqlmon.run(proj.root, connection=con, as_of="2024-01-10", write_artifacts=False, history=False)
    with pytest.raises(sqlmon.RunFailed):
        bad.raise_for_status()
    assert {r.unique_id: r.status for r in bad.results}["batch.score.range"] == "fail"
    # the caller's connection: still open, its settings as they were, never locked
    assert con.execute("SELECT current_setting('TimeZone'), current_setting('lock_configuration'), "
                       "current_setting('enable_external_access')").fetchone() == ("Europe/Paris", False, True)
    from sqlmon.errors import ConfigError
    with pytest.raises(ConfigError, match="open duckdb connection"):
        sqlmon.run(proj.root, connection="not a connection", write_artifacts=False, history=False)


def test_summary_puts_failures_first_with_their_owner(proj):
    proj.monitors(TWO_MONITORS.replace("tests: [not_null, {accepted_values", "tests: [{not_null: {meta: {owner: data-team}}}, {accepted_values"))
    proj.run()
    lines = (proj.root / "target" / "summary.md").read_text().splitlines()
    table = [l for l in lines if l.startswith("| ")]
    assert table[0] == "| status | test | owner | metric | threshold | message |"
    rows = table[1:]
    assert [r.split("|")[1].split()[-1] for r in rows] == sorted((r.split("|")[1].split()[-1] for r in rows),
                                                                 key=["error", "fail", "warn", "skipped"].index)
    assert any("`ev.cat.not_null` | data-team |" in r for r in rows)


@pytest.mark.engine
def test_a_scoring_job_checks_its_uncommitted_batch_on_its_psycopg_connection(tmp_path):
    """The job inserts the day's scores in an open transaction, runs the checks on that connection
    (they see the uncommitted rows), and commits only when they pass; sqlmon never commits, rolls
    back the job's work, writes through it, or changes its session."""
    import uuid

    import psycopg
    from engines import postgres_params, postgres_project, postgres_target

    import sqlmon
    from sqlmon.errors import ConfigError, WarehouseError
    target = postgres_target()
    schema = f"job{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**postgres_params(target), autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        admin.execute(f"CREATE TABLE {schema}.scores (score double precision)")
    proj = postgres_project(tmp_path / "pg", target)
    proj.monitors(f"""
        version: 1
        monitors:
          - name: batch
            relation: {schema}.scores
            tests: [row_count]
            columns:
              - name: score
                tests: [not_null, {{range: {{min: 0, max: 1}}}}]
    """)
    con = psycopg.connect(**postgres_params(target))            # autocommit off: the job's transaction
    try:
        con.execute("SET TIME ZONE 'Europe/Paris'")
        con.commit()
        con.execute(f"INSERT INTO {schema}.scores SELECT g / 50.0 FROM generate_series(0, 50) g")
        rr = sqlmon.run(proj.root, connection=con, as_of="2024-01-10", write_artifacts=False, history=False)
        assert rr.raise_for_status() is rr and {r.status for r in rr.results} == {"pass"}
        assert con.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS     # still the job's
        assert con.execute(f"SELECT count(*) FROM {schema}.scores").fetchone() == (51,)
        con.execute(f"INSERT INTO {schema}.scores VALUES (1.7), (NULL)")                # a broken batch
        bad = sqlmon.run(proj.root, connection=con, as_of="2024-01-10", write_artifacts=False, history=False)
        assert {r.unique_id: r.status for r in bad.results}["batch.score.range"] == "fail"
        con.rollback()                                                                  # not published
        assert con.execute("SELECT current_setting('TimeZone'), current_setting('transaction_read_only')"
                           ).fetchone() == ("Europe/Paris", "off")
        con.rollback()
        empty = sqlmon.run(proj.root, connection=con, as_of="2024-01-10", write_artifacts=False, history=False)
        assert {r.unique_id: r.status for r in empty.results}["batch._.row_count"] == "fail"
        assert con.info.transaction_status == psycopg.pq.TransactionStatus.IDLE and not con.closed
        try:
            con.execute("SELECT 1/0")
        except psycopg.Error:
            pass
        with pytest.raises(WarehouseError, match="in a failed transaction"):
            sqlmon.run(proj.root, connection=con, write_artifacts=False, history=False)
        con.rollback()
    finally:
        con.close()
        with psycopg.connect(**postgres_params(target), autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
    with pytest.raises(ConfigError, match="open psycopg connection"):
        sqlmon.run(proj.root, connection=object(), write_artifacts=False, history=False)
