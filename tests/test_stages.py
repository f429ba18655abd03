"""Stages (README "Stages"): `--stage NAME` chooses which tests run, with which thresholds,
relations and windows; the stage is recorded with every result and is a key of the history of
its own, so anomaly baselines and the report never mix stages. Without a stage nothing changes."""
from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from importlib import resources

import duckdb
import jsonschema
import pytest

STAGES = """\
name: testproj
profile: testproj
stages:
  validation: {description: "the holdout, before the model ships"}
  shadow: {}
  production: {defaults: {freshness: {severity: warn}}}
"""

MONITOR = """
version: 1
monitors:
  - name: churn
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 1 day}
    stages:
      validation: {relation: main.holdout, timestamp: null, current: null, reference: null}
    tests:
      - row_count: {error_if: "< 1", stages: {validation: {error_if: "< 100"}}}
      - freshness: {stages: [production, shadow]}
    columns:
      - name: x
        tests:
          - mean: {compare: reference, stages: [production]}
"""


@pytest.fixture
def staged(proj):
    proj.sql("CREATE TABLE holdout AS SELECT i AS id, i / 20.0 AS p, i % 2 AS churned FROM range(20) t(i)")
    (proj.root / "sqlmon_project.yml").write_text(STAGES)
    proj.monitors(MONITOR)
    return proj


def _ids(rr):
    return sorted(r.unique_id for r in rr.results)


def _history(proj, sql):
    con = duckdb.connect(str(proj.root / ".sqlmon" / "history.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# --- which tests, with which thresholds, relations and windows ----------------------------------

def test_validation_stage_takes_the_holdout_without_windows_and_its_own_threshold(staged):
    rr = staged.api(stage="validation")
    assert _ids(rr) == ["churn._.row_count"]                   # freshness and the mean: other stages only
    row_count = rr.results[0]
    assert row_count.metric == 20 and row_count.status == "fail"     # the whole holdout, "< 100"
    assert row_count.error_if == "< 100"
    assert row_count.windows["current"]["relation"] == "main.holdout"
    assert row_count.windows["current"]["start"] is None
    assert row_count.stage == "validation" and rr.stage == "validation"


def test_production_stage_runs_the_monitor_as_written_with_its_own_tests_and_defaults(staged):
    rr = staged.api(stage="production")
    assert _ids(rr) == ["churn._.freshness", "churn._.row_count", "churn.x.mean"]
    by = {r.unique_id: r for r in rr.results}
    assert by["churn._.row_count"].metric == 4 and by["churn._.row_count"].error_if == "< 1"
    assert by["churn._.row_count"].windows["current"]["relation"] == "main.events"
    assert by["churn._.freshness"].severity == "warn"          # the stage's `defaults:`
    assert {r.stage for r in rr.results} == {"production"}


def test_a_run_without_a_stage_takes_the_monitors_as_written_and_skips_listed_tests(staged):
    rr = staged.api()
    assert _ids(rr) == ["churn._.row_count"]                   # freshness and mean are listed for stages
    assert rr.results[0].metric == 4 and rr.results[0].stage is None and rr.stage is None


def test_default_stage_is_the_stage_of_a_run_without_stage(staged):
    (staged.root / "sqlmon_project.yml").write_text(STAGES + "default_stage: production\n")
    assert staged.api().stage == "production"
    assert staged.api(stage="validation").stage == "validation"      # --stage wins


def test_a_monitor_listed_for_some_stages_runs_only_there(staged):
    staged.monitors("""
        version: 1
        monitors:
          - name: holdout_only
            relation: main.holdout
            stages: [validation]
            tests: [row_count]
        """, name="holdout.yml")
    assert "holdout_only._.row_count" in _ids(staged.api(stage="validation"))
    assert "holdout_only._.row_count" not in _ids(staged.api(stage="production"))


def test_ls_and_compile_take_the_stage(staged):
    out = staged.cli("ls", "--stage", "validation")
    assert out.exit_code == 0, out.output
    assert out.output.split() == ["churn._.row_count"]
    out = staged.cli("compile", "--as-of", "2024-01-10", "--stage", "validation")
    assert out.exit_code == 0, out.output
    assert "holdout" in out.output and "events" not in out.output


def test_cli_run_records_the_stage_in_every_artifact(staged):
    out = staged.run("--stage", "production")
    assert out.exit_code == 0, out.output
    data = json.loads((staged.root / "target" / "run_results.json").read_text())
    schema = json.loads(resources.files("sqlmon").joinpath("schemas/run_results.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["metadata"]["schema_version"] == "1.3" and data["metadata"]["stage"] == "production"
    assert {r["stage"] for r in data["results"]} == {"production"}
    junit = ET.parse(staged.root / "target" / "junit.xml").getroot()
    props = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert props["stage"] == "production"
    assert "stage `production`" in (staged.root / "target" / "summary.md").read_text()


def test_without_stages_nothing_changes(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            timestamp: ts
            current: {last: 1 day}
            tests: [row_count]
        """)
    out = proj.run()
    assert out.exit_code == 0, out.output
    data = json.loads((proj.root / "target" / "run_results.json").read_text())
    assert data["metadata"]["stage"] is None and data["results"][0]["stage"] is None
    assert _history(proj, "SELECT stage FROM results") == [(None,)]
    assert _history(proj, "SELECT stage FROM runs") == [(None,)]


# --- the history key -------------------------------------------------------------------------

ANOMALY = """
version: 1
monitors:
  - name: churn
    relation: main.events
    tests:
      - row_count
      - anomaly: {of: row_count, min_history: 1}
"""


def test_anomaly_tests_in_two_stages_never_see_each_others_values(staged):
    staged.monitors(ANOMALY)
    for day in ("2024-01-10", "2024-01-11"):
        staged.api(stage="production", as_of=day)
    shadow = staged.api(stage="shadow", as_of="2024-01-12")
    anomaly = next(r for r in shadow.results if r.test_type == "anomaly")
    assert anomaly.status == "skipped" and anomaly.details["history"] == 0      # production's are not its own
    unstaged = staged.api(as_of="2024-01-12")
    assert next(r for r in unstaged.results if r.test_type == "anomaly").details["history"] == 0
    production = staged.api(stage="production", as_of="2024-01-13")
    assert next(r for r in production.results if r.test_type == "anomaly").details["history"] == 2
    assert _history(staged, "SELECT stage, COUNT(*) FROM runs GROUP BY stage ORDER BY stage NULLS FIRST") == [
        (None, 1), ("production", 3), ("shadow", 1)]
    latest = _history(staged, "SELECT stage, as_of FROM sqlmon_latest_status WHERE unique_id = 'churn._.row_count' "
                              "ORDER BY stage NULLS FIRST")
    assert [s for s, _ in latest] == [None, "production", "shadow"]       # one line per stage


def test_the_report_reads_the_runs_stage_only(staged):
    from sqlmon.history import open_history
    from sqlmon.report.artifacts import run_results
    from sqlmon.report.gather import read_history
    from sqlmon.runner import load

    staged.monitors(ANOMALY)
    staged.api(stage="production", as_of="2024-01-10")
    shadow = staged.api(stage="shadow", as_of="2024-01-11")
    project, _ = load(staged.root)
    store = open_history(project, write=False)
    try:
        hist = read_history(run_results(shadow), store)
    finally:
        store.close()
    assert [p.as_of.day for p in hist.series["churn._.row_count"]] == [11]


def test_a_version_3_store_is_migrated_to_stages(staged, monkeypatch):
    """A store of the previous schema (3) keeps its runs (stage NULL: the runs without a stage);
    version 4 adds the stage to runs, results and notifications, and the views per stage."""
    from conftest import older_sqlmon

    from sqlmon.history.tables import SCHEMA_VERSION
    assert SCHEMA_VERSION == 4
    staged.monitors(ANOMALY)
    with monkeypatch.context() as m:
        older_sqlmon(m, 3)
        staged.api(as_of="2024-01-10")
    assert _history(staged, "SELECT MAX(version) FROM sqlmon_schema_version") == [(3,)]
    assert "stage" not in [c for c, *_ in _history(staged, "DESCRIBE results")]
    unmigrated = staged.api(as_of="2024-01-11", history=False)      # read as it is: its rows have no stage
    assert next(r for r in unmigrated.results if r.test_type == "anomaly").details["history"] == 1
    assert _history(staged, "SELECT MAX(version) FROM sqlmon_schema_version") == [(3,)]
    staged.api(stage="production", as_of="2024-01-11")
    unstaged = staged.api(as_of="2024-01-12")
    assert _history(staged, "SELECT MAX(version) FROM sqlmon_schema_version") == [(4,)]
    assert _history(staged, "SELECT as_of::DATE::VARCHAR, stage FROM runs ORDER BY as_of") == [
        ("2024-01-10", None), ("2024-01-11", "production"), ("2024-01-12", None)]
    assert next(r for r in unstaged.results if r.test_type == "anomaly").details["history"] == 1   # the old run
    assert _history(staged, "SELECT COUNT(*) FROM sqlmon_latest_status WHERE unique_id = 'churn._.row_count'") == [(2,)]


# --- bad input, at its line ------------------------------------------------------------------

def _refused(proj, *args):
    out = proj.cli("ls", *args)
    assert out.exit_code == 2, out.output
    return out.output


def test_an_undeclared_stage_on_the_command_line_is_refused_with_did_you_mean(staged):
    text = _refused(staged, "--stage", "prodution")
    assert "stage 'prodution' is not declared" in text and "--stage" in text and "production" in text
    out = staged.cli("run", "--as-of", "2024-01-10", "--stage", "prodution")
    assert out.exit_code == 2


def test_a_project_without_stages_says_so(proj):
    proj.monitors(GOOD)
    text = _refused(proj, "--stage", "production")
    assert "declare it under `stages:`" in text


GOOD = """
version: 1
monitors:
  - name: ev
    relation: main.events
    tests: [row_count]
"""


@pytest.mark.parametrize("monitor, message, line", [
    ("""
     version: 1
     monitors:
       - name: ev
         relation: main.events
         stages: [prod]
         tests: [row_count]
     """, "stage 'prod' is not declared", 5),
    ("""
     version: 1
     monitors:
       - name: ev
         relation: main.events
         stages:
           validation: {relaton: main.holdout}
         tests: [row_count]
     """, "unknown key 'relaton'", 6),
    ("""
     version: 1
     monitors:
       - name: ev
         relation: main.events
         tests:
           - row_count:
               stages:
                 shadow:
                   eror_if: "< 5"
     """, "unknown key 'eror_if' in stage 'shadow'", 9),
    ("""
     version: 1
     monitors:
       - name: ev
         relation: main.events
         tests:
           - row_count:
               stages:
                 shadow:
                   error_if: "< five"
     """, "five", 9),
    ("""
     version: 1
     monitors:
       - name: ev
         relation: main.events
         tests:
           - row_count:
               stages: {shadow: {name: other}}
     """, "'name' cannot change in stage 'shadow'", 7),
    ("""
     version: 1
     monitors:
       - name: ev
         relation: main.events
         defaults: {row_count: {stages: [shadow]}}
         tests: [row_count]
     """, "`stages:` goes on a monitor or a test", 5),
    ("""
     version: 1
     monitors:
       - name: ev
         relation: main.events
         tests:
           - row_count: {stages: production}
     """, "`stages:` is a list of stages", 6),
])
def test_stage_mistakes_are_refused_at_their_line_whatever_the_runs_stage(staged, monitor, message, line):
    staged.monitors(monitor)
    for args in ((), ("--stage", "production")):          # shadow's mistakes too, in a production run
        text = _refused(staged, *args)
        assert message in text, text
        assert f"monitors.yml:{line}" in text, text


def test_project_stage_declarations_are_checked(staged):
    (staged.root / "sqlmon_project.yml").write_text(STAGES + "default_stage: prod\n")
    text = _refused(staged)
    assert "stage 'prod' is not declared" in text and "sqlmon_project.yml:7" in text
    (staged.root / "sqlmon_project.yml").write_text(STAGES.replace("{defaults: {freshness: {severity: warn}}}",
                                                                   "{defaults: {freshnes: {severity: warn}}}"))
    text = _refused(staged)
    assert "unknown test type 'freshnes'" in text and "sqlmon_project.yml:6" in text
    (staged.root / "sqlmon_project.yml").write_text(STAGES.replace("shadow: {}", "shadow: {descripton: x}"))
    text = _refused(staged)
    assert "unknown key 'descripton'" in text and "sqlmon_project.yml:5" in text


# --- composing with fan-out and presets ------------------------------------------------------

def test_stages_compose_with_fan_out_and_presets(staged):
    staged.monitors("""
        version: 1
        monitors:
          - name: "t_{{ item.name }}"
            relation: {in: [main.events, main.holdout]}
            stages: {validation: {where: "id < 3"}}
            tests:
              - row_count: {stages: {validation: {error_if: "< 1000"}}}
        """, name="fan.yml")
    rr = staged.api(stage="validation")
    by = {r.unique_id: r for r in rr.results}
    assert by["t_holdout._.row_count"].metric == 3 and by["t_holdout._.row_count"].status == "fail"
    assert by["t_events._.row_count"].error_if == "< 1000"
    rr = staged.api(stage="production")
    assert {r.unique_id: r.metric for r in rr.results}["t_holdout._.row_count"] == 20


# --- PostgreSQL: the stage column of the history --------------------------------------------

@pytest.mark.engine
def test_postgres_history_keeps_stages_apart(tmp_path):
    import psycopg
    from engines import postgres_params, postgres_project, postgres_target

    target = postgres_target()
    params = postgres_params(target)
    schema = f"s{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**params, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}_data")
        con.execute(f"CREATE TABLE {schema}_data.events AS SELECT i AS id FROM generate_series(0, 9) i")
    p = postgres_project(tmp_path / "pg", target, history_schema=schema)
    with open(p.root / "sqlmon_project.yml", "a") as f:
        f.write("stages: {shadow: {}, production: {}}\n")
    p.monitors(f"""
        version: 1
        monitors:
          - name: pg
            relation: {schema}_data.events
            tests: [row_count, {{anomaly: {{of: row_count, min_history: 1}}}}]
        """)
    try:
        p.api(stage="production", as_of="2024-01-10", write_artifacts=False)
        shadow = p.api(stage="shadow", as_of="2024-01-11", write_artifacts=False)
        assert next(r for r in shadow.results if r.test_type == "anomaly").details["history"] == 0
        prod = p.api(stage="production", as_of="2024-01-12", write_artifacts=False)
        assert next(r for r in prod.results if r.test_type == "anomaly").details["history"] == 1
        with psycopg.connect(**params) as con:
            stages = con.execute(f"SELECT stage FROM {schema}.runs ORDER BY as_of").fetchall()
            assert [s for s, in stages] == ["production", "shadow", "production"]
            latest = con.execute(f"SELECT stage FROM {schema}.sqlmon_latest_status WHERE unique_id = 'pg._.row_count' "
                                 "ORDER BY stage").fetchall()
            assert [s for s, in latest] == ["production", "shadow"]
    finally:
        with psycopg.connect(**params, autocommit=True) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            con.execute(f"DROP SCHEMA IF EXISTS {schema}_data CASCADE")


def test_the_readme_example_judges_the_holdout_in_validation_and_the_week_in_production(staged):
    staged.sql("""
        CREATE TABLE churn_holdout AS SELECT i / 200.0 AS p, CASE WHEN i >= 100 THEN 1 ELSE 0 END AS churned
            FROM range(200) t(i);
        CREATE TABLE churn_scores AS
            SELECT TIMESTAMP '2024-01-10' - INTERVAL (i) HOUR AS scored_at, (i % 100) / 100.0 AS p,
                   CASE WHEN (i % 100) >= 50 + (i % 7) * 5 THEN 1 ELSE 0 END AS churned
            FROM range(1, 24 * 35) t(i);
    """)
    staged.monitors("""
        version: 1
        monitors:
          - name: churn
            relation: main.churn_scores
            timestamp: scored_at
            current: {last: 7 days}
            reference: {previous: 28 days}
            model: {task: binary_classification, score: p, label: churned}
            stages:
              validation: {relation: main.churn_holdout, timestamp: null, current: null, reference: null}
            tests:
              - roc_auc: {min_labelled: 10, error_if: "< 0.75", stages: {validation: {error_if: "< 0.99"}}}
            columns:
              - name: p
                tests:
                  - drift: {stages: [production, shadow]}
        """)
    validation = staged.api(stage="validation")
    assert [(r.unique_id, r.status, r.error_if) for r in validation.results] == [
        ("churn._.roc_auc", "pass", "< 0.99")]
    assert validation.results[0].metric == pytest.approx(1.0)
    production = staged.api(stage="production")
    by = {r.unique_id: r for r in production.results}
    assert set(by) == {"churn._.roc_auc", "churn.p.drift"}
    assert by["churn._.roc_auc"].error_if == "< 0.75" and by["churn._.roc_auc"].metric < 0.99
    assert by["churn._.roc_auc"].windows["current"]["relation"] == "main.churn_scores"
