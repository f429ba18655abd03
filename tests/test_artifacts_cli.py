"""Artifacts (JSON validated against the shipped schema, JUnit parses, Markdown) and CLI commands."""
from __future__ import annotations

import json
from importlib import resources
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner

from sqlmon.cli import main

MON = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    tests: [row_count, {custom_sql: {sql: "select * from {{ relation }} where no_such_fn(id)"}}]
    columns:
      - name: cat
        tests: [not_null, {not_null: {name: nn_warn, severity: warn}}]
  - name: ok
    relation: main.events
    where: "id > 100"
    tests: [{row_count: {error_if: '< 0'}}]
    columns:
      - name: x
        tests: [{mean: {error_if: '> 1'}}]
"""


def schema():
    return json.loads((resources.files("sqlmon") / "schemas" / "run_results.schema.json").read_text())


def test_run_results_json_validates(proj):
    proj.monitors(MON)
    res = proj.run()
    assert res.exit_code == 2          # an error beats a fail
    data = json.loads((proj.root / "target" / "run_results.json").read_text())
    jsonschema.validate(data, schema())
    assert data["metadata"]["schema_version"] == "1.3"
    assert data["metadata"]["as_of"] == "2024-01-10T00:00:00+00:00"
    assert data["summary"] == {"pass": 2, "warn": 1, "fail": 1, "error": 1, "skipped": 1, "total": 6, "exit_code": 2,
                               "not_judged": 2}
    by = {r["unique_id"]: r for r in data["results"]}
    assert by["ok.x.mean"]["metric"] is None and by["ok.x.mean"]["status"] == "skipped"
    assert by["ev.cat.not_null"]["details"] == {"failing_rows": 1, "rows": 4, "sampling": {"model": "binomial", "n": 4}}
    assert by["ev.cat.not_null"]["location"].endswith("monitors.yml:10")


def test_schema_rejects_bad_documents():
    bad = {"metadata": {}, "summary": {}, "results": [{"status": "maybe"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema())


def test_junit_and_summary(proj):
    proj.monitors(MON)
    proj.run()
    root = ET.parse(proj.root / "target" / "junit.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"ev", "ok"}
    ev = suites["ev"]
    assert (ev.get("tests"), ev.get("failures"), ev.get("errors")) == ("4", "1", "1")
    cases = {c.get("name"): c for c in ev.iter("testcase")}
    assert cases["ev.cat.not_null"].find("failure") is not None
    assert cases["ev._.custom_sql"].find("error") is not None
    assert suites["ok"].find("testcase/skipped") is not None
    md = (proj.root / "target" / "summary.md").read_text()
    assert "FAILED" in md and "`ev.cat.not_null`" in md and "| ❌ fail |" in md
    sql = (proj.root / "target" / "run" / "queries.sql").read_text()
    assert "main.events" in sql


def test_cli_ls_compile_debug(proj):
    proj.monitors(MON)
    out = proj.cli("debug").output
    assert "connection: OK" in out and "duckdb" in out
    out = proj.cli("compile", "-s", "ev").output
    assert "-- ev.cat.not_null" in out and 'COUNT_IF("cat" IS NULL' in out
    assert (proj.root / "target" / "compiled" / "ev" / "cat" / "not_null.sql").exists()
    res = proj.cli("compile", "-s", "ev", "--dialect", "postgres")
    assert "no_such_fn" in res.output.lower()
    types = proj.cli("ls", "--test-types").output
    assert "not_null" in types and "custom_sql" in types


def test_compile_reports_errors_with_exit_2(proj):
    proj.monitors("version: 1\nmonitors: [{name: ev, relation: main.events, columns: [{name: nope, tests: [not_null]}]}]\n")
    res = proj.cli("compile")
    assert res.exit_code == 2 and "unknown column 'nope'" in res.output


def test_schema_command_lists_test_types(tmp_path):
    res = CliRunner().invoke(main, ["schema"])
    assert res.exit_code == 0
    s = json.loads(res.output)
    entry = s["$defs"]["MonitorSpec"]["properties"]["tests"]["items"]
    names = entry["anyOf"][0]["enum"]
    assert "row_count" in names and "not_null" in names
    jsonschema.Draft202012Validator.check_schema(s)


def test_monitor_schema_accepts_template(tmp_path):
    import yaml

    from sqlmon.config.json_schema import monitor_file_schema
    from sqlmon.resources import template_dir
    doc = yaml.safe_load((template_dir() / "monitors" / "churn.yml").read_text())
    from sqlmon.testtypes import TEST_TYPES
    jsonschema.validate(doc, monitor_file_schema(TEST_TYPES))


def test_init_and_run_sample(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    res = runner.invoke(main, ["init", "demo"])
    assert res.exit_code == 0, res.output
    monkeypatch.chdir(tmp_path / "demo")
    res = runner.invoke(main, ["run"])
    assert res.exit_code == 0, res.output
    assert "Done. PASS=" in res.output and "Artifacts:" in res.output
    res = runner.invoke(main, ["init", "demo"], catch_exceptions=False)
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(main, ["init", "demo"])
    assert res.exit_code == 2 and "not empty" in res.output


def test_the_demo_stays_green_a_week_after_init(tmp_path, monkeypatch):
    """`sqlmon init` a week ago, `sqlmon run` today: the demo is pinned to the instant its data
    was stamped (`as_of:`), so it passes on any day; without the pin the same run fails its gates."""
    from datetime import datetime, timedelta, timezone

    import sqlmon.scaffold

    week_ago = datetime.now(timezone.utc) - timedelta(days=7)

    class LastWeek(datetime):
        @classmethod
        def now(cls, tz=None):
            return week_ago if tz is not None else week_ago.replace(tzinfo=None)

    monkeypatch.setattr(sqlmon.scaffold, "datetime", LastWeek)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["init", "demo"]).exit_code == 0
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path / "demo")
    project_file = tmp_path / "demo" / "sqlmon_project.yml"
    assert f'as_of: "{week_ago.replace(microsecond=0).isoformat()}"' in project_file.read_text()
    res = runner.invoke(main, ["run"])
    assert res.exit_code == 0 and "FAIL=0 ERROR=0 SKIP=0" in res.output, res.output
    project_file.write_text("\n".join(l for l in project_file.read_text().splitlines() if not l.startswith("as_of:")))
    res = runner.invoke(main, ["run"])
    assert res.exit_code == 1, res.output                     # live clock: a week-old warehouse fails its gates


def test_a_pinned_as_of_is_checked_when_the_project_loads(proj):
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nas_of: yesterday-ish\n")
    proj.monitors("version: 1\nmonitors: [{name: ev, relation: main.events, timestamp: ts, current: {last: 1 day},"
                  " tests: [row_count]}]\n")
    res = proj.cli("run")
    assert res.exit_code == 2 and "sqlmon_project.yml:3 (as_of)" in res.output, res.output
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nas_of: 2024-01-10\n")
    assert proj.cli("run").exit_code == 0
    assert json.loads((proj.root / "target" / "run_results.json").read_text())["metadata"]["as_of"].startswith("2024-01-10")
    assert proj.cli("run", "--as-of", "2030-01-01").exit_code == 1           # --as-of wins: nothing that late


def test_init_no_sample_is_a_blank_project_whose_debug_says_what_to_fill_in(tmp_path, monkeypatch):
    import duckdb
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    res = runner.invoke(main, ["init", "blank", "--no-sample"])
    assert res.exit_code == 0 and "fill in the warehouse in blank/profiles.yml" in res.output, res.output
    assert not (tmp_path / "blank" / "warehouse.duckdb").exists()
    assert "churn" not in "".join(p.read_text() for p in (tmp_path / "blank").rglob("*") if p.is_file())
    monkeypatch.chdir(tmp_path / "blank")
    for command in ("debug", "ls", "run"):
        res = runner.invoke(main, [command])
        assert res.exit_code == 2 and "profiles.yml:9 (blank.outputs.dev.path)" in res.output, res.output
        assert "still the placeholder 'FILL_IN.duckdb'" in res.output and "Traceback" not in res.output
    duckdb.connect(str(tmp_path / "blank" / "shop.duckdb")).execute("CREATE TABLE orders AS SELECT 1 AS id").close()
    profiles = tmp_path / "blank" / "profiles.yml"
    profiles.write_text(profiles.read_text().replace("FILL_IN.duckdb", "shop.duckdb"))
    res = runner.invoke(main, ["debug"])
    assert res.exit_code == 0 and "connection: OK" in res.output and "monitors: 0" in res.output, res.output


def test_vars_override(proj):
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nvars: {min_rows: 1}\n")
    proj.monitors("version: 1\nmonitors: [{name: ev, relation: main.events, tests: [{row_count: {error_if: \"< {{ var('min_rows') }}\"}}]}]\n")
    assert proj.run().exit_code == 0
    assert proj.run("--vars", "{min_rows: 100}").exit_code == 1
    res = proj.run("--vars", "[1, 2]")
    assert res.exit_code == 2 and "--vars must be a YAML mapping" in res.output


def test_env_var_in_profile(proj, monkeypatch):
    (proj.root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('SQLMON_TEST_DB', 'warehouse.duckdb') }}\"\n"
        "    other:\n      type: duckdb\n      path: \"{{ env_var('SQLMON_TEST_DB2') }}\"\n")
    proj.monitors("version: 1\nmonitors: [{name: ev, relation: main.events, tests: [row_count]}]\n")
    assert proj.run().exit_code == 0
    monkeypatch.setenv("SQLMON_TEST_DB2", str(proj.db))
    assert proj.cli("run", "--target", "other").exit_code == 0


def test_profiles_dir_env(proj, tmp_path, monkeypatch):
    elsewhere = tmp_path / "profiles_here"
    elsewhere.mkdir()
    (elsewhere / "profiles.yml").write_text(
        f"testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: {proj.db}\n")
    (proj.root / "profiles.yml").unlink()
    proj.monitors("version: 1\nmonitors: [{name: ev, relation: main.events, tests: [row_count]}]\n")
    assert proj.run().exit_code == 2
    monkeypatch.setenv("SQLMON_PROFILES_DIR", str(elsewhere))
    assert proj.run().exit_code == 0
