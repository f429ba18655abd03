"""Every configuration mistake that needs no warehouse is refused when the project loads: by `ls`,
`compile` and `run` alike, exit 2, pointing at the key's own line (`file:line (key.path)`) with a
`Fix:`, before any connection or query; a refused run replaces the previous run's artifacts."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources

import jsonschema
import pytest

from sqlmon.adapters.duckdb import DuckDBAdapter

GOOD = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 7 days}
    tests:
      - row_count
    columns:
      - name: x
        tests: [not_null]
"""


@pytest.fixture
def no_warehouse(monkeypatch):
    """Records every connection: a mistake refused at load opens none."""
    opened: list[str] = []
    real = DuckDBAdapter.connect

    def connect(self):
        opened.append("connect")
        return real(self)

    monkeypatch.setattr(DuckDBAdapter, "connect", connect)
    return opened


def refused_everywhere(proj, opened, line: str, *fragments: str) -> None:
    """`ls`, `compile` and `run` each exit 2 with the key's line, the fragments and a Fix:, and
    connect to nothing."""
    for command in (["ls"], ["compile", "--as-of", "2024-01-10"], ["run", "--as-of", "2024-01-10"]):
        res = proj.cli(*command)
        out = res.output
        assert res.exit_code == 2, (command, out)
        assert "Traceback" not in out and "Internal error" not in out, out
        assert line in out, (command, line, out)
        assert "Fix:" in out, out
        for f in fragments:
            assert f in out, (command, f, out)
    assert opened == [], "a refused project must not reach the warehouse"


# (monitor YAML or None, the line the error must name, fragments)
CASES = {
    "threshold unit": (GOOD.replace("tests: [not_null]", "tests: [{not_null: {warn_if: '> 6 parsecs'}}]"),
                       "monitors.yml:12 (monitors[0].columns[0].tests[0].not_null.warn_if)", "unknown unit 'parsecs'"),
    "infinite threshold": (GOOD.replace("      - row_count", "      - row_count: {error_if: '> 1e999'}"),
                           "monitors.yml:9 (monitors[0].tests[0].row_count.error_if)", "not a finite number"),
    "zero window": (GOOD.replace("{last: 1 day}", "{last: 0 days}"),
                    "monitors.yml:6 (monitors[0].current.last)", "not positive"),
    "bad unit in a window": (GOOD.replace("{previous: 7 days}", "{previous: 7 fortnights}"),
                             "monitors.yml:7 (monitors[0].reference.previous)", "bad duration"),
    "range min above max": (GOOD.replace("tests: [not_null]", "tests: [{range: {min: 5, max: 1}}]"),
                            "monitors.yml:12 (monitors[0].columns[0].tests[0].range)", "min 5 > max 1"),
    "nan parameter": (GOOD.replace("tests: [not_null]", "tests: [{range: {min: .nan}}]"),
                      "monitors.yml:12 (monitors[0].columns[0].tests[0].range.min)", "finite number"),
    "segments on freshness": (
        GOOD.replace("      - row_count\n", "      - {freshness: {segments: [country]}}\n"),
        "monitors.yml:9 (monitors[0].tests[0].freshness.segments)", "has no segments"),
    "segments on dataset_drift": (GOOD.replace("      - row_count\n", "      - {dataset_drift: {segments: [x]}}\n"),
                                  "(monitors[0].tests[0].dataset_drift.segments)", "has no segments"),
    "segment guard on a test without segments": (
        GOOD.replace("      - row_count\n", "      - {freshness: {min_segment_rows: 5}}\n"),
        "(monitors[0].tests[0].freshness", "min_segment_rows"),
    "segment guard on dataset_drift": (
        GOOD.replace("      - row_count\n", "      - {dataset_drift: {max_segments: 5}}\n"),
        "(monitors[0].tests[0].dataset_drift", "max_segments"),
    "preset": (GOOD.replace("    timestamp: ts\n", "    timestamp: ts\n    preset: binary_clasifier\n"),
               "monitors.yml:6 (monitors[0].preset)", "unknown preset 'binary_clasifier'"),
    "monitor defaults for an unknown test type": (
        GOOD.replace("    timestamp: ts\n", "    timestamp: ts\n    defaults: {not_nul: {error_if: '> 1%'}}\n"),
        "monitors.yml:6 (monitors[0].defaults.not_nul)", "did you mean 'not_null'"),
    "where with a second statement": (
        GOOD.replace("    timestamp: ts\n", "    timestamp: ts\n    where: \"id > 1; drop table events\"\n"),
        "monitors.yml:6 (monitors[0].where)", "one expression"),
    "test where that does not parse": (
        GOOD.replace("tests: [not_null]", "tests: [{not_null: {where: \"x >\"}}]"),
        "monitors.yml:12 (monitors[0].columns[0].tests[0].not_null.where)", "does not parse"),
    "expression that does not parse": (
        GOOD.replace("      - row_count", "      - row_count\n      - expression: {expression: \"x >>> 1\"}"),
        "monitors.yml:10 (monitors[0].tests[1].expression.expression)", "does not parse"),
    "reference relation that is not a table name": (
        GOOD.replace("{previous: 7 days}", "{relation: \"(select 1)\"}"),
        "monitors.yml:7 (monitors[0].reference.relation)", "not a table name"),
    "previous without a bounded current window": (
        GOOD.replace("    current: {last: 1 day}\n", ""),
        "monitors.yml:6 (monitors[0].reference.previous)", "time-bounded current window"),
    "jinja error in a value": (GOOD.replace("relation: main.events", "relation: \"{{ main.events\""),
                               "monitors.yml:4 (monitors[0].relation)", "cannot render"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_mistake_is_refused_at_load(proj, no_warehouse, case):
    text, line, fragment = CASES[case]
    proj.monitors(text)
    refused_everywhere(proj, no_warehouse, line, fragment)


def test_the_good_project_loads(proj):
    proj.monitors(GOOD)
    assert proj.cli("ls").exit_code == 0
    assert proj.run().exit_code in (0, 1)


@pytest.mark.parametrize("project_yml, line, fragment", [
    ("sql_dialect: nosuchdialect\n", "sqlmon_project.yml:3", "unknown SQL dialect 'nosuchdialect'"),
    ("sql_dialect: postgress\n", "sqlmon_project.yml:3", "did you mean 'postgres'"),
    ("defaults: {not_nul: {error_if: '> 1%'}}\n", "sqlmon_project.yml:3 (defaults.not_nul)", "unknown test type"),
    ("defaults: {not_null: {error_iff: '> 1%'}}\n", "sqlmon_project.yml:3 (defaults.not_null.error_iff)",
     "did you mean 'error_if'"),
    ("defaults: {not_null: {error_if: '> 1 month'}}\n", "sqlmon_project.yml:3 (defaults.not_null.error_if)",
     "no fixed length"),
    ("history: {lock_timeout: -1}\n", "sqlmon_project.yml:3 (history.lock_timeout)", "greater than or equal to 0"),
])
def test_project_file_mistakes(proj, no_warehouse, project_yml, line, fragment):
    proj.monitors(GOOD)
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\n" + project_yml)
    refused_everywhere(proj, no_warehouse, line, fragment)


@pytest.mark.parametrize("output, line, fragment", [
    ("type: duckdb\n      pathh: warehouse.duckdb", "profiles.yml:6 (testproj.outputs.dev.pathh)", "did you mean 'path'"),
    ("type: duckdbb\n      path: warehouse.duckdb", "profiles.yml:5 (testproj.outputs.dev.type)", "did you mean 'duckdb'"),
    ("type: duckdb\n      path: \"{{ env_var('SQLMON_NO_SUCH_VAR') }}\"", "profiles.yml:6 (testproj.outputs.dev.path)",
     "SQLMON_NO_SUCH_VAR"),
])
def test_profile_mistakes(proj, no_warehouse, output, line, fragment):
    proj.monitors(GOOD)
    (proj.root / "profiles.yml").write_text(f"testproj:\n  target: dev\n  outputs:\n    dev:\n      {output}\n")
    refused_everywhere(proj, no_warehouse, line, fragment)


def test_dbt_keys_of_a_shared_profile_are_honoured_or_named(proj):
    """A dbt profile loads as it is: the keys sqlmon honours are used, the others are warnings
    naming them (not errors, not silence); a typo is still an error."""
    proj.monitors(GOOD)
    (proj.root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n"
        "      schema: main\n      extensions: [json]\n      threads: 2\n      keep_open: true\n")
    assert proj.cli("ls").exit_code == 0
    res = proj.run()
    assert res.exit_code in (0, 1), res.output
    assert "profiles.yml:10 (testproj.outputs.dev.keep_open)" in res.output and "`keep_open:` is a dbt-duckdb key sqlmon does not use" in res.output
    assert "threads" not in res.output and "extensions" not in res.output and "schema:" not in res.output
    assert any("keep_open" in w for w in json.loads((proj.root / "target" / "run_results.json").read_text())["warnings"])
    assert "`keep_open:` is a dbt-duckdb key" in proj.cli("debug").output


def test_calendar_months_are_windows(proj):
    """`last: 1 month` is the calendar month before as_of: from 2024-03-31 back to 2024-02-29."""
    proj.monitors(GOOD.replace("{last: 1 day}", "{last: 1 month}").replace("{previous: 7 days}", "{previous: 1 month}"))
    res = proj.cli("run", "--as-of", "2024-03-31")
    assert res.exit_code in (0, 1), res.output
    windows = proj.results()["ev._.row_count"]["windows"]
    assert windows["current"]["start"].startswith("2024-02-29") and windows["current"]["end"].startswith("2024-03-31")
    assert windows["reference"]["start"].startswith("2024-01-29")


def test_a_refused_run_replaces_the_previous_artifacts(proj):
    proj.monitors(GOOD)
    assert proj.run().exit_code in (0, 1)
    target = proj.root / "target"
    assert json.loads((target / "run_results.json").read_text())["results"]
    proj.monitors(GOOD.replace("tests: [not_null]", "tests: [{not_null: {warn_if: '> 6 parsecs'}}]"))
    res = proj.run()
    assert res.exit_code == 2
    data = json.loads((target / "run_results.json").read_text())
    schema = json.loads((resources.files("sqlmon") / "schemas" / "run_results.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["results"] == [] and data["summary"]["exit_code"] == 2
    assert "parsecs" in data["errors"][0]["message"] and "monitors.yml:12" in data["errors"][0]["location"]
    errors = ET.parse(target / "junit.xml").getroot().findall(".//error")
    assert len(errors) == 1 and "parsecs" in errors[0].get("message")
    assert "REFUSED" in (target / "summary.md").read_text() and "parsecs" in (target / "summary.md").read_text()
    assert "no query" in (target / "run" / "queries.sql").read_text()


def test_an_unknown_column_stays_that_tests_error(proj):
    """What needs the warehouse is not refused at load: that test errors, the others run."""
    proj.monitors(GOOD.replace("- name: x", "- name: xx"))
    res = proj.run()
    assert res.exit_code == 2
    results = proj.results()
    assert results["ev.xx.not_null"]["status"] == "error" and "did you mean 'x'" in results["ev.xx.not_null"]["message"]
    assert results["ev._.row_count"]["status"] == "pass"
