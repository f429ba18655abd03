"""Every bad input: one clear message naming file:line / key, a fix, exit code 2, no traceback."""
from __future__ import annotations

import pytest


def expect_error(result, *fragments: str) -> str:
    out = result.output
    assert result.exit_code == 2, out
    assert "Traceback" not in out, out
    for f in fragments:
        assert f in out, f"{f!r} not in:\n{out}"
    return out


def test_malformed_yaml(proj):
    proj.monitors("version: 1\nmonitors:\n  - name: ev\n    relation: [unclosed\n")
    expect_error(proj.run(), "monitors.yml:", "malformed YAML")


def test_unknown_key_with_suggestion(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relaton: main.events
    """)
    expect_error(proj.run(), "monitors.yml:4", "unknown key 'relaton'", "did you mean 'relation'")


def test_unknown_key_in_window(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            timestamp: ts
            current: {lst: 1 day}
    """)
    expect_error(proj.run(), "monitors.yml:6", "monitors[0].current.lst", "did you mean 'last'")


def test_unknown_test_type(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            columns:
              - name: cat
                tests: [not_nul]
    """)
    expect_error(proj.run(), "monitors.yml:7", "unknown test type 'not_nul'", "did you mean 'not_null'")


def test_unknown_test_parameter(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            columns:
              - name: cat
                tests:
                  - accepted_values: {valuez: [a]}
    """)
    expect_error(proj.run(), "monitors.yml:8", "valuez")


def test_unknown_column_with_suggestion(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            columns:
              - name: catt
                tests: [not_null]
    """)
    out = expect_error(proj.run(), "monitors.yml:7", "unknown column 'catt'", "did you mean 'cat'")
    assert "error" in out.lower()


def test_unknown_column_in_where(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            where: "contry = 'DE'"
            tests: [row_count]
    """)
    expect_error(proj.run(), "unknown column 'contry'", "did you mean 'country'")


@pytest.mark.parametrize("bad", ["'>> 1'", "'1%'", "0.5", "'> 5 parsecs'"])
def test_bad_threshold(proj, bad):
    proj.monitors(f"""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            tests:
              - row_count: {{error_if: {bad}}}
    """)
    expect_error(proj.run(), "monitors.yml:6", "bad threshold", "Fix:")


def test_missing_profile(proj):
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: nope\n")
    expect_error(proj.run(), "profile 'nope' not found", "profiles.yml")


def test_missing_target(proj):
    proj.monitors("version: 1\nmonitors: []\n")
    expect_error(proj.cli("run", "--target", "prod"), "target 'prod' not found", "targets here: dev")


def test_missing_env_var(proj):
    (proj.root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('SQLMON_TEST_NO_SUCH_VAR') }}\"\n")
    expect_error(proj.run(), "SQLMON_TEST_NO_SUCH_VAR", "is not set", "Fix:")


def test_unreachable_warehouse(proj):
    (proj.root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: /nonexistent/dir/x.duckdb\n")
    proj.monitors("version: 1\nmonitors: [{name: ev, relation: main.events, tests: [row_count]}]\n")
    expect_error(proj.run(), "cannot open DuckDB database", "Fix:")


def test_unknown_adapter_type(proj):
    (proj.root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdbb\n")
    proj.monitors("version: 1\nmonitors: []\n")
    expect_error(proj.run(), "unknown target type 'duckdbb'", "did you mean 'duckdb'")


def test_unknown_relation_errors_its_tests_only(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: missing
            relation: main.nope
            tests: [row_count]
          - name: ev
            relation: main.events
            tests: [row_count]
    """)
    out = expect_error(proj.run(), "relation 'main.nope' not found")
    res = proj.results()
    assert res["missing._.row_count"]["status"] == "error"
    assert res["ev._.row_count"]["status"] == "pass"
    assert "ERROR=1" in out


def test_sql_error_in_custom_test_is_a_test_error(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            tests:
              - custom_sql: {sql: "select * from {{ relation }} where no_such_fn(id) > 1"}
              - row_count
    """)
    expect_error(proj.run(), "no_such_fn")
    res = proj.results()
    assert res["ev._.custom_sql"]["status"] == "error"
    assert res["ev._.row_count"]["status"] == "pass"     # the fused query was split to isolate the error


def test_unparseable_custom_sql(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            tests:
              - custom_sql: {sql: "select * from {{ relation }} where (("}
    """)
    expect_error(proj.run(), "does not parse", "monitors.yml:6")


@pytest.mark.parametrize("where", ["id > 1; drop table events", "id > 1 limit 1", "select 1"])
def test_where_must_be_one_expression(proj, where):
    proj.monitors(f"""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            where: "{where}"
            tests: [row_count]
    """)
    expect_error(proj.run(), "monitors.yml:5 (monitors[0].where)")      # refused at load, at its own line
    assert proj.results() == {}


def test_duplicate_unique_id_needs_a_name(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            tests: [row_count, {row_count: {error_if: '< 3'}}]
    """)
    expect_error(proj.run(), "share the id 'ev._.row_count'", "distinct `name:`")


def test_values_reach_sql_as_literals(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            columns:
              - name: cat
                tests:
                  - accepted_values: {values: ["a') OR 1=1 --", "b"]}
    """)
    proj.run()
    r = proj.results()["ev.cat.accepted_values"]
    assert r["status"] == "fail" and r["metric"] == pytest.approx(4 / 6)   # 'a' x3 and 'c' are not accepted


def test_column_test_at_table_level_is_refused(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            tests: [not_null]
    """)
    expect_error(proj.run(), "checks a column")


def test_wrong_column_kind(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            columns:
              - name: cat
                tests: [{mean: {error_if: '> 1'}}]
    """)
    expect_error(proj.run(), "needs a numeric column")


def test_no_project(tmp_path):
    from click.testing import CliRunner

    from sqlmon.cli import main
    res = CliRunner().invoke(main, ["run", "--project-dir", str(tmp_path)])
    assert res.exit_code == 2 and "no sqlmon_project.yml" in res.output


def test_debug_flag_shows_traceback(proj):
    from click.testing import CliRunner

    from sqlmon.cli import main
    proj.monitors("version: 1\nmonitors:\n  - name: ev\n    relaton: x\n")
    res = CliRunner().invoke(main, ["--debug", "run", "--project-dir", str(proj.root)])
    assert res.exit_code == 2 and "Traceback" in res.output


def test_duplicate_monitor_names(proj):
    proj.monitors("version: 1\nmonitors: [{name: ev, relation: main.events, tests: [row_count]}]\n", "a.yml")
    proj.monitors("version: 1\nmonitors: [{name: ev, relation: main.events, tests: [row_count]}]\n", "b.yml")
    expect_error(proj.run(), "two monitors are named 'ev'", "a.yml", "b.yml", "unique across the project")
