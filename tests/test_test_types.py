"""Every built-in data-quality and statistics test type: a pass case and a fail case, exact metrics.

Table `events` (conftest): current window = 2024-01-09 (ids 1,2,3,4), reference = 2024-01-08.
"""
from __future__ import annotations

import math

import pytest

MONITOR = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {{last: 1 day}}
    reference: {{previous: 1 day}}
    {extra}
"""


def run_one(proj, tests_yaml: str, extra: str = "") -> dict:
    proj.monitors(MONITOR.format(extra=extra) + tests_yaml)
    proj.run()
    return proj.results()


@pytest.mark.parametrize("yaml_tests, uid, status, metric", [
    ("    tests: [row_count]", "ev._.row_count", "pass", 4),
    ("    tests: [{row_count: {error_if: '< 5'}}]", "ev._.row_count", "fail", 4),
    ("    tests: [{freshness: {error_if: '> 21 hours'}}]", "ev._.freshness", "pass", 20 * 3600),
    ("    tests: [{freshness: {error_if: '> 19 hours'}}]", "ev._.freshness", "fail", 20 * 3600),
    ("    tests: [{schema: {columns: {id: INTEGER, ts: TIMESTAMP}}}]", "ev._.schema", "pass", 0),
    ("    tests: [{schema: {columns: {id: VARCHAR, nope: null}}}]", "ev._.schema", "fail", 2),
    ("    tests: [{schema: {columns: [id, ts, cat, x, country], exact: true}}]", "ev._.schema", "pass", 0),
    ("    tests: [{schema: {columns: [id], exact: true}}]", "ev._.schema", "fail", 4),
    ("    tests: [{unique: {columns: [id, ts]}}]", "ev._.unique", "pass", 0),
    ("    tests: [{unique: {columns: [cat]}}]", "ev._.unique", "fail", 1 / 4),   # 'a' twice
    ("    tests: [{expression: {expression: 'id > 0'}}]", "ev._.expression", "pass", 0),
    ("    tests: [{expression: {expression: 'x < 3'}}]", "ev._.expression", "fail", 2 / 4),  # 3.5 and NULL fail
    ("    tests: [{custom_sql: {sql: \"select * from {{ relation }} where id > 3\"}}]", "ev._.custom_sql", "fail", 1),
    ("    tests: [{custom_sql: {sql: \"select * from {{ relation }} where id > 9\"}}]", "ev._.custom_sql", "pass", 0),
])
def test_table_level_types(proj, yaml_tests, uid, status, metric):
    r = run_one(proj, yaml_tests)[uid]
    assert r["status"] == status, r["message"]
    assert r["metric"] == pytest.approx(metric, rel=1e-9, abs=1e-9)


def col(name: str, test: str) -> str:
    return f"    columns:\n      - name: {name}\n        tests: [{test}]"


@pytest.mark.parametrize("column, test, status, metric", [
    ("cat", "not_null", "fail", 1 / 4),
    ("id", "not_null", "pass", 0),
    ("cat", "{not_null: {missing_values: ['b'], error_if: '> 50%'}}", "pass", 2 / 4),
    ("cat", "{not_null: {missing_values: ['b']}}", "fail", 2 / 4),
    ("id", "unique", "pass", 0),
    ("cat", "unique", "fail", 1 / 4),
    ("cat", "{accepted_values: {values: [a, b]}}", "pass", 0),
    ("cat", "{accepted_values: {values: [a]}}", "fail", 1 / 4),
    ("x", "{range: {min: 1, max: 3.5}}", "pass", 0),
    ("x", "{range: {min: 1, max: 3.5, inclusive: false}}", "fail", 1 / 4),
    ("x", "{range: {max: 3}}", "fail", 1 / 4),
    ("country", "{regex: {pattern: '^[A-Z]{2}$'}}", "fail", 1 / 4),
    ("country", "{regex: {pattern: '^[A-Za-z]{2}$'}}", "pass", 0),
    ("country", "{length: {min: 2, max: 2}}", "pass", 0),
    ("cat", "{length: {min: 2}}", "fail", 3 / 4),
    ("x", "{mean: {error_if: '> 3'}}", "pass", 2.5),
    ("x", "{mean: {error_if: '> 2'}}", "fail", 2.5),
    ("x", "{stddev: {error_if: '< 0.5'}}", "pass", 1.0),
    ("x", "{min: {error_if: '< 2'}}", "fail", 1.5),
    ("x", "{max: {warn_if: '> 3'}}", "warn", 3.5),
    ("x", "{quantile: {q: 0.5, error_if: '!= 2.5'}}", "pass", 2.5),
    ("x", "{quantile: {q: 0.25, error_if: '> 1'}}", "fail", 2.0),
    ("cat", "{distinct_count: {error_if: '> 1'}}", "fail", 2),
    ("cat", "{distinct_share: {error_if: '< 0.5'}}", "pass", 2 / 3),
    ("x", "nonfinite_share", "pass", 0),
    ("id", "{relationships: {to: main.events, field: id}}", "pass", 0),
])
def test_column_types(proj, column, test, status, metric):
    r = run_one(proj, col(column, test))
    (result,) = r.values()
    assert result["status"] == status, result["message"]
    assert result["metric"] == pytest.approx(metric, rel=1e-9, abs=1e-12)


def test_nonfinite_share_counts_nan_and_inf(proj):
    proj.sql("INSERT INTO events VALUES (9, TIMESTAMP '2024-01-09 05:00:00', 'z', 'inf'::DOUBLE, 'DE'),"
             "(10, TIMESTAMP '2024-01-09 06:00:00', 'z', 'nan'::DOUBLE, 'DE')")
    r = run_one(proj, col("x", "nonfinite_share"))["ev.x.nonfinite_share"]
    assert r["status"] == "fail" and r["metric"] == pytest.approx(2 / 6)
    # NaN and inf are kept out of the statistics
    r = run_one(proj, col("x", "{mean: {error_if: '> 100'}}"))["ev.x.mean"]
    assert r["metric"] == pytest.approx(2.5)


def test_relationships_finds_orphans(proj):
    proj.sql("CREATE TABLE parents AS SELECT * FROM (VALUES (1), (2)) t(pid)")
    r = run_one(proj, col("id", "{relationships: {to: main.parents, field: pid}}"))["ev.id.relationships"]
    assert r["status"] == "fail" and r["metric"] == pytest.approx(2 / 4)


def test_compare_reference_difference_and_ratio(proj):
    r = run_one(proj, col("x", "{mean: {compare: reference, error_if: '< -5'}}"))["ev.x.mean"]
    # current mean 2.5 (NaN excluded), reference mean 10 (NaN excluded) -> -7.5
    assert r["status"] == "fail" and r["metric"] == pytest.approx(-7.5)
    assert r["details"]["current"] == pytest.approx(2.5) and r["details"]["reference"] == pytest.approx(10)
    r = run_one(proj, "    tests: [{row_count: {compare: {reference: ratio}, error_if: '< 2.5'}}]")["ev._.row_count"]
    assert r["status"] == "fail" and r["metric"] == pytest.approx(2.0)


def test_empty_window_is_skipped_not_zero(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            where: "id > 100"
            columns:
              - name: cat
                tests: [not_null]
    """)
    proj.run()
    r = proj.results()["ev.cat.not_null"]
    assert r["status"] == "skipped" and r["metric"] is None and "no rows" in r["message"]


def test_severity_warn_downgrades_fail(proj):
    r = run_one(proj, col("cat", "{not_null: {severity: warn}}"))["ev.cat.not_null"]
    assert r["status"] == "warn"


def test_test_where_filters_rows(proj):
    r = run_one(proj, col("cat", "{not_null: {where: 'id <> 3'}}"))["ev.cat.not_null"]
    assert r["status"] == "pass" and r["metric"] == 0


def test_monitor_without_timestamp_tests_whole_relation(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            tests: [{row_count: {error_if: '< 6'}}]
    """)
    proj.run()
    r = proj.results()["ev._.row_count"]
    assert r["metric"] == 6 and r["status"] == "pass"
    assert r["windows"]["current"] == {"relation": "main.events", "start": None, "end": None}


def test_custom_macro_test_types(proj):
    proj.write("macros/my_tests.sql", """
        {% macro test_too_big(relation, column, limit=3) %}
        select * from {{ relation }} where {{ column }} > {{ literal(limit) }}
        {% endmacro %}
        {% macro test_null_ratio(column) %}
        sum(case when {{ column }} is null then 1 else 0 end) * 1.0 / count(*) AS metric, count(*) AS n
        {% endmacro %}
    """)
    res = run_one(proj, "    columns:\n      - name: x\n        tests: [too_big, {too_big: {name: tb10, limit: 10}}]\n"
                        "      - name: cat\n        tests: [{null_ratio: {error_if: '> 0.3'}}]")
    assert res["ev.x.too_big"]["status"] == "fail" and res["ev.x.too_big"]["metric"] == 1   # 3.5 > 3 (NaN not in window)
    assert res["ev.x.tb10"]["status"] == "pass" and res["ev.x.tb10"]["metric"] == 0
    assert res["ev.cat.null_ratio"]["metric"] == pytest.approx(0.25)
    assert res["ev.cat.null_ratio"]["details"]["n"] == 4


def test_user_macro_overrides_builtin(proj):
    proj.write("macros/override.sql", """
        {% macro default__row_count() %}count(*) + 100 AS row_count{% endmacro %}
    """)
    r = run_one(proj, "    tests: [row_count]")["ev._.row_count"]
    assert r["metric"] == 104


def test_results_carry_window_bounds(proj):
    r = run_one(proj, "    tests: [row_count]")["ev._.row_count"]
    assert r["windows"]["current"]["start"] == "2024-01-09T00:00:00+00:00"
    assert r["windows"]["current"]["end"] == "2024-01-10T00:00:00+00:00"
    assert r["windows"]["reference"]["start"] == "2024-01-08T00:00:00+00:00"
    assert not any(isinstance(v, float) and math.isnan(v) for v in r.values() if isinstance(v, float))


def test_the_helpers_macro_source_knows_are_the_ones_macros_get():
    """sqlmon.macro_source.needs() judges a macro by MACRO_HELPERS: it must list exactly what
    sqlmon.render.Macros gives a macro besides the macros themselves."""
    from sqlmon.config.vars import RELATION_PLACEHOLDER, make_context
    from sqlmon.macro_source import MACRO_HELPERS
    from sqlmon.render import Macros
    from sqlmon.resources import macros_dir
    extra = {**make_context({}, target={"name": "dev"}), "relation": RELATION_PLACEHOLDER}
    m = Macros([macros_dir()], "duckdb", "duckdb", "duckdb", extra)
    given = {name for name in m.env.globals if name not in m.sources and not any(
        s.endswith("__" + name) for s in m.sources)}
    from sqlmon.templating import ALLOWED_GLOBALS
    assert given | set(ALLOWED_GLOBALS) == set(MACRO_HELPERS)


def test_dbt_test_blocks_keep_their_lines():
    from sqlmon.macro_source import dbt_tests_as_macros
    text = "{% test a(model) %}\nselect 1\n{%- endtest -%}\n{%test b (model, column_name)%}x{% endtest %}"
    out = dbt_tests_as_macros(text)
    assert out == ("{% macro test_a(model) %}\nselect 1\n{%- endmacro -%}\n"
                   "{%macro test_b (model, column_name)%}x{% endmacro %}")
