"""The history store: what a run records, where, the read API, reference profiles, config errors,
forward migrations, and crash consistency (a `sqlmon run` killed inside its write)."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

import duckdb
import pytest

import sqlmon
from sqlmon.errors import ConfigError
from sqlmon.history import open_history
from sqlmon.history.tables import SCHEMA_VERSION
from sqlmon.results import clean
from sqlmon.runner import load

MON = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    reference: {between: ['2024-01-08', '2024-01-09']}
    tests: [row_count]
    columns:
      - name: cat
        tests: [not_null, {drift: {name: cat_drift}}]
      - name: id
        tests: [{mean: {error_if: '> 100'}}]
"""


def hist_path(proj, rel=".sqlmon/history.duckdb"):
    return proj.root / rel


def query(path, sql, params=()):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def store(proj, write=False):
    project, _ = load(proj.root)
    return open_history(project, write=write)


def test_a_run_is_recorded_in_all_tables(proj):
    proj.monitors(MON)
    rr = proj.api()
    path = hist_path(proj)
    assert query(path, "SELECT version FROM sqlmon_schema_version ORDER BY 1") == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    (run,) = query(path, "SELECT invocation_id, as_of, n_pass + n_warn + n_fail + n_error + n_skipped, exit_code, "
                         "target, adapter, sqlmon_version FROM runs")
    assert run[0] == rr.invocation_id and run[1] == datetime(2024, 1, 10) and run[2] == len(rr.results)
    assert run[3] == rr.exit_code and run[4:6] == ("dev", "duckdb") and run[6]
    rows = {r[0]: r for r in query(path, "SELECT unique_id, status, metric, error_if, window_start, window_end, "
                                         "details FROM results")}
    assert set(rows) == {r.unique_id for r in rr.results}
    nn = rows["ev.cat.not_null"]
    assert nn[1] == "fail" and nn[2] == pytest.approx(0.25) and nn[3] == "> 0"
    assert (nn[4], nn[5]) == (datetime(2024, 1, 9), datetime(2024, 1, 10))
    drift = json.loads(rows["ev.cat.cat_drift"][6])
    assert "profile" not in drift and drift["profile_key"]          # the profile lives in baselines
    # every number in details, flattened; histogram bins one row per window
    m = query(path, "SELECT name, window_name, bin, value FROM measurements WHERE unique_id = ?", ["ev.cat.not_null"])
    assert ("failing_rows", "current", None, 1.0) in m and ("rows", "current", None, 4.0) in m
    bins = query(path, "SELECT window_name, bin, value FROM measurements WHERE unique_id = 'ev.cat.cat_drift' "
                       "AND name = 'histogram' ORDER BY window_name, bin")
    assert {w for w, _, _ in bins} == {"current", "reference"} and sum(v for w, _, v in bins if w == "current") == 3   # NULLs are data quality, not bins
    (base,) = query(path, "SELECT monitor, unique_id, profile_key, pinned, invocation_id FROM baselines")
    assert base == ("ev", "ev.cat.cat_drift", drift["profile_key"], False, rr.invocation_id)
    # the analysis views
    latest = dict(query(path, "SELECT unique_id, status FROM sqlmon_latest_status"))
    assert latest["ev.cat.not_null"] == "fail"
    assert query(path, "SELECT monitor, runs, results, fail FROM sqlmon_failures_by_monitor_day") == \
        [("ev", 1, len(rr.results), rr.by_status()["fail"])]
    # the warehouse stays untouched: no sqlmon table in it
    assert query(proj.db, "SELECT table_name FROM information_schema.tables ORDER BY 1") == [("events",)]


def test_read_api_dedupes_reruns_and_filters_by_time(proj):
    proj.monitors(MON)
    for day in ("2024-01-08", "2024-01-09", "2024-01-10", "2024-01-10"):    # a re-run of the 10th
        last = proj.api(as_of=day, write_artifacts=False)
    h = store(proj)
    try:
        s = h.series("ev._.row_count")
        assert [p.as_of.day for p in s] == [8, 9, 10] and s[-1].invocation_id == last.invocation_id
        assert [p.as_of.day for p in h.series("ev._.row_count", before=datetime(2024, 1, 10, tzinfo=timezone.utc))] == [8, 9]
        assert [p.as_of.day for p in h.series("ev._.row_count", limit=1)] == [10]
        assert [p.as_of.day for p in h.series("ev._.row_count", since=datetime(2024, 1, 9))] == [9, 10]
        assert h.latest_status()["ev.cat.not_null"] == "fail"
        assert len(h.runs()) == 4 and h.runs()[0].invocation_id == last.invocation_id
        prev = h.previous_status(["ev.cat.not_null"], before=last.started_at, exclude_invocation=last.invocation_id)
        assert prev == {"ev.cat.not_null": "fail"}
        assert set(h.recent(runs=2)) >= {"ev._.row_count"} and len(h.recent(runs=2)["ev._.row_count"]) == 2
    finally:
        h.close()


def test_a_pinned_baseline_reports_its_own_reference_window(proj):
    """A rolling reference pinned on the 10th and judged on the 12th: the counts are the pin's, and
    so is the reference window the result, run_results.json and the history show."""
    proj.monitors(MON.replace("reference: {between: ['2024-01-08', '2024-01-09']}", "reference: {previous: 2 days}"))
    first = proj.api(as_of="2024-01-10", write_artifacts=False)
    drift = next(r for r in first.results if r.name == "cat_drift")
    window = drift.details["reference_window"]
    assert window["source"] == "monitor" and (window["start"], window["end"]) == (
        "2024-01-07T00:00:00+00:00", "2024-01-09T00:00:00+00:00")
    assert proj.cli("baseline", "--monitor", "ev").exit_code == 0
    later = next(r for r in proj.api(as_of="2024-01-12").results if r.name == "cat_drift")
    assert later.details["pinned"] is True
    assert later.details["reference_window"] == {**window, "source": "pinned"}
    assert (later.windows["reference"]["start"], later.windows["reference"]["end"]) == (window["start"], window["end"])
    stored = query(hist_path(proj), "SELECT reference_start, reference_end FROM results "
                                    "WHERE unique_id = 'ev.cat.cat_drift' AND as_of = '2024-01-12'")
    assert [(a.isoformat(), b.isoformat()) for a, b in stored] == [("2024-01-07T00:00:00", "2024-01-09T00:00:00")]


def test_reference_profile_pin_and_invalidation(proj):
    proj.monitors(MON)
    first = proj.api(write_artifacts=False)
    details = next(r for r in first.results if r.name == "cat_drift").details
    key, profile = details["profile_key"], json.loads(json.dumps(clean(details["profile"])))
    h = store(proj)
    try:
        assert h.load_baseline("ev.cat.cat_drift", key) == profile      # the latest saved profile (a cache)
        assert h.load_baseline("ev.cat.cat_drift", key, pinned_only=True) is None
        assert h.load_baseline("ev.cat.cat_drift", "another-definition") is None
    finally:
        h.close()
    res = proj.cli("baseline", "--monitor", "ev")
    assert res.exit_code == 0, res.output
    assert f"from run {first.invocation_id}" in res.output and "ev.cat.cat_drift" in res.output
    proj.api(write_artifacts=False)                                # a later run saves another copy
    h = store(proj)
    try:
        pinned = h.load_baseline("ev.cat.cat_drift", key, pinned_only=True)
        assert pinned == h.load_baseline("ev.cat.cat_drift", key) and pinned is not None
        assert h.load_baseline("ev.cat.cat_drift", "changed-reference", pinned_only=True) is None   # key changed
    finally:
        h.close()
    assert query(hist_path(proj), "SELECT COUNT(*) FROM baselines WHERE pinned") == [(1,)]
    bad = proj.cli("baseline", "--monitor", "ev", "--run", "nope")
    assert bad.exit_code == 2 and "saved no reference profiles" in bad.output
    assert "did you mean 'ev'" in proj.cli("baseline", "--monitor", "evv").output


def test_a_steady_run_reads_pins_once_and_opens_the_store_twice(proj, monkeypatch):
    """Every drift test asks for its pinned profile on every run: one query per run answers them
    all; and a store at the current schema version is checked on the read-only connection the
    reads use, so a steady run connects twice (read, then write), not three times."""
    from sqlmon.history.duckdb import DuckDBStore
    proj.monitors(MON.replace("tests: [not_null, {drift: {name: cat_drift}}]",
                              "tests: [not_null, {drift: {name: cat_drift}}, {drift: {name: cat_drift2}}]")
                     .replace("tests: [{mean: {error_if: '> 100'}}]", "tests: [{mean: {error_if: '> 100'}}, drift]"))
    session = sqlmon.Session()             # a steady process: its baselines are cached in memory
    first = proj.api(write_artifacts=False, session=session)
    reads, connects = [], []
    monkeypatch.setattr(DuckDBStore, "read", lambda self, sql, params=(), f=DuckDBStore.read:
                        reads.append(sql) or f(self, sql, params))
    monkeypatch.setattr(DuckDBStore, "_connect", lambda self, read_only, f=DuckDBStore._connect:
                        connects.append(read_only) or f(self, read_only))
    second = proj.api(write_artifacts=False, session=session)
    assert sum("baselines" in sql for sql in reads) == 1, reads
    assert connects == [True, False]
    assert [(r.status, r.metric) for r in second.results] == [(r.status, r.metric) for r in first.results]
    # a pin made through the same reader is seen by it (the pins it read are dropped on write)
    h = store(proj, write=True)
    try:
        key = next(r for r in first.results if r.name == "cat_drift").details["profile_key"]
        assert h.load_baseline("ev.cat.cat_drift", key, pinned_only=True) is None
        h.pin_baseline("ev")
        assert h.load_baseline("ev.cat.cat_drift", key, pinned_only=True) is not None
    finally:
        h.close()


def test_history_location_options(proj):
    proj.monitors(MON)
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nhistory: {path: hist/h.duckdb}\n")
    assert proj.run().exit_code == 1
    assert query(proj.root / "hist" / "h.duckdb", "SELECT COUNT(*) FROM runs") == [(1,)]
    assert proj.run("--no-history").exit_code == 1
    assert query(proj.root / "hist" / "h.duckdb", "SELECT COUNT(*) FROM runs") == [(1,)]
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nhistory: {enabled: false}\n")
    proj.run()
    assert not hist_path(proj).exists()


def test_default_location_is_outside_target(proj, tmp_path):
    """`.sqlmon/history.duckdb` beside sqlmon_project.yml: `rm -rf target` (dbt clean, a fresh CI
    checkout of artifacts) keeps the history; git is told to leave `.sqlmon/` alone."""
    proj.monitors(MON)
    proj.run()
    shutil.rmtree(proj.root / "target")
    proj.run("--as-of", "2024-01-11")
    assert query(hist_path(proj), "SELECT COUNT(*) FROM runs") == [(2,)]
    assert (proj.root / ".sqlmon" / ".gitignore").read_text().splitlines()[-1] == "*"
    out = proj.cli("debug").output
    assert f"history: {hist_path(proj)} (2 runs)" in out, out
    other = tmp_path / "elsewhere" / "h.duckdb"                  # the environment wins over the file
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nhistory: {path: hist/h.duckdb}\n")
    proj.cli("run", "--as-of", "2024-01-12", env={"SQLMON_HISTORY_PATH": str(other)})
    assert query(other, "SELECT COUNT(*) FROM runs") == [(1,)] and not (proj.root / "hist").exists()


def test_an_old_store_in_target_is_moved_once(proj):
    proj.monitors(MON)
    proj.run()
    old = proj.root / "target" / "sqlmon_history.duckdb"
    hist_path(proj).rename(old)                                    # as sqlmon 0.1 left it
    res = proj.run("--as-of", "2024-01-11")
    assert "the history store moved from" in res.output and str(hist_path(proj)) in res.output, res.output
    assert not old.exists() and query(hist_path(proj), "SELECT COUNT(*) FROM runs") == [(2,)]
    assert "moved" not in proj.run("--as-of", "2024-01-12").output


@pytest.mark.parametrize("history, message, hint", [
    ("{pth: x.duckdb}", "unknown key 'pth'", "did you mean 'path'"),
    ("{backend: sqlite}", "history.backend", None),
    ("{path: warehouse.duckdb}", "is the warehouse file itself", "its own file"),
    ("{path: garbage.duckdb}", "not a valid DuckDB database file", "not a sqlmon history DuckDB file"),
    ("{backend: postgres}", "needs a postgres target", None),
])
def test_bad_history_config_is_a_clear_error(proj, history, message, hint):
    proj.monitors(MON)
    (proj.root / "garbage.duckdb").write_text("this is not a database\n" * 100)
    (proj.root / "sqlmon_project.yml").write_text(f"name: testproj\nprofile: testproj\nhistory: {history}\n")
    res = proj.run()
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output, res.output
    assert "sqlmon_project.yml:3" in res.output
    if hint:
        assert hint in res.output


def test_forward_migration_and_newer_store(proj, monkeypatch):
    from sqlmon.history.store import Store
    proj.monitors(MON)
    proj.api(write_artifacts=False)                                          # version 1
    migrations = [*Store.migrations, ["ALTER TABLE {s}results ADD COLUMN owner VARCHAR"]]
    monkeypatch.setattr(Store, "migrations", migrations)
    monkeypatch.setattr(Store, "schema_version", len(migrations))
    store(proj, write=True).close()
    assert query(hist_path(proj), "SELECT version FROM sqlmon_schema_version ORDER BY 1") == [
        (v,) for v in range(1, len(migrations) + 1)]
    assert "owner" in [r[0] for r in query(hist_path(proj), "DESCRIBE results")]
    monkeypatch.setattr(Store, "schema_version", len(migrations) - 1)           # an older sqlmon meets it
    with pytest.raises(ConfigError, match=f"schema version {len(migrations)}; this sqlmon .* knows up to "
                                          f"{len(migrations) - 1}"):
        store(proj, write=True)


def test_writer_waits_for_another_process_then_gives_up(proj):
    proj.monitors(MON)
    proj.api(write_artifacts=False)
    path = hist_path(proj)
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(path)!r}); "
                               "print('held', flush=True); time.sleep(1.5)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        proj.api(write_artifacts=False)                       # waits for the lock, then records
        assert time.monotonic() - started >= 0.5
    finally:
        holder.wait(timeout=30)
    assert query(path, "SELECT COUNT(*) FROM runs") == [(2,)]
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nhistory: {lock_timeout: 0}\n")
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(path)!r}); "
                               "print('held', flush=True); time.sleep(3)"], stdout=subprocess.PIPE, text=True)
    try:
        holder.stdout.readline()
        res = proj.run()
        assert res.exit_code == 2 and "lock_timeout" in res.output, res.output
    finally:
        holder.kill()
        holder.wait(timeout=30)


# --- crash consistency ------------------------------------------------------------------------

def _kill_mid_write(proj, tmp_path) -> None:
    """Start `sqlmon run` in a subprocess that pauses inside its history write, and SIGKILL it."""
    marker = tmp_path / f"paused-{uuid.uuid4().hex}"
    # The store's fault-injection seam, replaced in the child: after the `results` rows, inside
    # the open transaction, mark the moment and wait to be killed.
    child = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from sqlmon.history.store import Store\n"
        "def pause(self, table):\n"
        "    if table == 'results':\n"
        f"        Path({str(marker)!r}).write_text(str(os.getpid())); time.sleep(60)\n"
        "Store.table_written = pause\n"
        "from sqlmon.cli import main\n"
        "main(sys.argv[1:])\n")
    proc = subprocess.Popen([sys.executable, "-c", child, "run", "--project-dir", str(proj.root),
                             "--as-of", "2024-01-11"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run never reached its history write"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("backend", ["duckdb", "parquet"])
def test_killing_a_run_mid_write_leaves_only_complete_runs(proj, tmp_path, backend):
    proj.monitors(MON)
    (proj.root / "sqlmon_project.yml").write_text(f"name: testproj\nprofile: testproj\nhistory: {{backend: {backend}}}\n")
    complete = proj.api(write_artifacts=False)
    _kill_mid_write(proj, tmp_path)
    after = proj.api(as_of="2024-01-12", write_artifacts=False)           # the store still works
    h = store(proj)
    try:
        runs = {r.invocation_id: r for r in h.runs()}
        assert set(runs) == {complete.invocation_id, after.invocation_id}
        per_run = dict(h.store.read("SELECT invocation_id, COUNT(*) FROM {s}results GROUP BY invocation_id"))
        assert per_run == {i: sum(r.counts.values()) for i, r in runs.items()}
        orphans = h.store.read("SELECT COUNT(*) FROM {s}measurements WHERE invocation_id NOT IN "
                               "(SELECT invocation_id FROM {s}runs)")
        assert orphans == [(0,)]
    finally:
        h.close()
    if backend == "parquet":
        folders = list((proj.root / ".sqlmon" / "history").iterdir())
        assert len(folders) == 3 and sum((f / "_COMMITTED").exists() for f in folders) == 2


def test_parquet_history_feeds_anomaly_tests(proj):
    proj.monitors(MON.replace("tests: [row_count]", "tests: [row_count, {anomaly: {of: row_count, min_history: 2}}]"))
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nhistory: {backend: parquet}\n")
    for day in ("2024-01-08", "2024-01-09", "2024-01-10"):
        rr = proj.api(as_of=day, write_artifacts=False)
    anomaly = next(r for r in rr.results if r.test_type == "anomaly")
    assert anomaly.status != "skipped" and anomaly.details["history"] == 2, anomaly.message
    h = store(proj)
    try:
        assert [p.as_of.day for p in h.series("ev._.row_count")] == [8, 9, 10]
        assert h.store.read("SELECT COUNT(*) FROM {s}sqlmon_failures_by_monitor_day") == [(3,)]
    finally:
        h.close()


# --- PostgreSQL: schema `sqlmon` through the adapter's separate write connection --------------

@pytest.mark.engine
def test_postgres_history_in_its_own_schema(tmp_path):
    import psycopg
    from engines import postgres_params, postgres_project, postgres_target

    target = postgres_target()
    params = postgres_params(target)
    schema = f"h{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**params, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}_data")
        con.execute(f"CREATE TABLE {schema}_data.events AS SELECT i AS id, TIMESTAMP '2024-01-09' + i * INTERVAL '1 hour' "
                    "AS ts FROM generate_series(0, 9) i")
    p = postgres_project(tmp_path / "pg", target, history_schema=schema)
    p.monitors(f"""
        version: 1
        monitors:
          - name: pg
            relation: {schema}_data.events
            timestamp: ts
            current: {{last: 1 day}}
            tests: [row_count, {{anomaly: {{of: row_count, min_history: 1}}}}]
        """)
    try:
        first = p.api(write_artifacts=False)
        second = p.api(as_of="2024-01-11", write_artifacts=False)
        assert next(r for r in second.results if r.test_type == "anomaly").details["history"] == 1
        with psycopg.connect(**params) as con:
            runs = con.execute(f"SELECT invocation_id FROM {schema}.runs ORDER BY as_of").fetchall()
            assert [r[0] for r in runs] == [first.invocation_id, second.invocation_id]
            latest = dict(con.execute(f"SELECT unique_id, status FROM {schema}.sqlmon_latest_status").fetchall())
            assert latest["pg._.row_count"] == second.results[0].status
            assert con.execute(f"SELECT MAX(version) FROM {schema}.sqlmon_schema_version").fetchone() == (SCHEMA_VERSION,)
    finally:
        with psycopg.connect(**params, autocommit=True) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            con.execute(f"DROP SCHEMA IF EXISTS {schema}_data CASCADE")


def test_default_store_per_target_type(tmp_path):
    """duckdb -> a DuckDB file, spark -> Parquet folder, postgres -> schema `sqlmon` (no connection needed)."""
    from sqlmon.adapters import make_adapter
    from sqlmon.history.duckdb import DuckDBStore
    from sqlmon.history.parquet import ParquetStore
    from sqlmon.history.postgres import PostgresStore

    root = tmp_path / "p"
    root.mkdir()
    (root / "sqlmon_project.yml").write_text("name: p\nprofile: p\n")
    outputs = {"duck": "type: duckdb\n      path: w.duckdb", "spark": "type: spark\n      method: session",
               "pg": "type: postgres\n      host: 127.0.0.1"}
    (root / "profiles.yml").write_text("p:\n  target: duck\n  outputs:\n" +
                                       "".join(f"    {k}:\n      {v}\n" for k, v in outputs.items()))
    expected = {"duck": (DuckDBStore, ".sqlmon/history.duckdb"), "spark": (ParquetStore, ".sqlmon/history"),
                "pg": (PostgresStore, None)}
    for name, (cls, rel) in expected.items():
        project, _ = load(root, target=name)
        h = open_history(project, make_adapter(project.target), write=False)
        assert type(h.store) is cls
        if rel:
            assert h.store.path == root / rel
        else:
            assert h.store.describe() == "postgres schema sqlmon"
