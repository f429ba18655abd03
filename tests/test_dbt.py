"""sqlmon inside a real dbt project (README "With dbt"): ref()/source() resolved from the manifest
dbt wrote, checked against the warehouse's catalog; dbt's artifacts untouched; dbt's profiles as
they are. dbt runs for real (`dbt build` on DuckDB here, on PostgreSQL in the engine test)."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import uuid
from pathlib import Path

import duckdb
import pytest
from conftest import Proj
from dbt_project import EXPECTED, dbt, write_project

MONITORS = "version: 1\nmonitors:\n" + "".join(
    f"  - name: m{i}\n    relation: \"{{{{ {call} }}}}\"\n    tests: [row_count]\n" for i, call in enumerate(EXPECTED))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dbt project, built once on a DuckDB file; tests copy it."""
    root = tmp_path_factory.mktemp("dbt") / "shop"
    root.mkdir()
    write_project(root, {"type": "duckdb", "path": "warehouse.duckdb", "threads": 1})
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA landing; CREATE TABLE landing.flights_2024 AS SELECT 1 AS id, 2.5 AS delay")
    con.close()
    dbt(root, "build")
    return root


@pytest.fixture
def shop(built: Path, tmp_path: Path) -> Proj:
    """A copy of the built dbt project with a sqlmon project beside it (same folder)."""
    root = tmp_path / "shop"
    shutil.copytree(built, root)
    (root / "sqlmon_project.yml").write_text("name: shop_monitoring\n")       # the profile comes from dbt
    p = Proj(root)
    p.monitors(MONITORS)
    return p


def _digest(folder: Path) -> dict[str, str]:
    return {str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*")) if f.is_file() and "sqlmon" not in f.relative_to(folder).parts}


def test_ref_and_source_resolve_to_what_dbt_built(shop):
    compiled = shop.cli("compile", "--as-of", "2024-01-10")
    assert compiled.exit_code == 0, compiled.output
    con = duckdb.connect(str(shop.db), read_only=True)
    catalog = set(con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall())
    con.close()
    for i, call in enumerate(EXPECTED):
        schema, name = (x.format(schema="main", landing="landing") for x in EXPECTED[call])
        sql = compiled.output.split(f"-- m{i}._.row_count")[1].split(";")[0]
        assert f'FROM "warehouse"."{schema}"."{name}"' in sql, (call, sql)
        assert (schema, name) in catalog, (call, sorted(catalog))
    before = _digest(shop.root / "target")
    res = shop.run()
    assert res.exit_code == 0, res.output
    assert _digest(shop.root / "target") == before                  # dbt's run_results.json, manifest, compiled/
    ours = json.loads((shop.root / "target" / "sqlmon" / "run_results.json").read_text())
    assert {r["unique_id"] for r in ours["results"]} == {f"m{i}._.row_count" for i in range(len(EXPECTED))}
    assert (shop.root / "target" / "sqlmon" / "compiled").is_dir()


def test_target_is_in_the_jinja_of_values_and_macros(shop):
    shop.monitors("""
        version: 1
        monitors:
          - name: t
            relation: "{{ target.schema }}.lookup"
            where: "'{{ target.name }}/{{ target.type }}/{{ target.database }}/{{ target.profile_name }}' = '{{ var('want') }}'"
            tests: [row_count, outside_target]
    """)
    shop.write("macros/in_target.sql", """
        {% macro test_outside_target(relation) %}
        select * from {{ ref('lookup') }} where '{{ target.schema }}' <> 'main'
        {% endmacro %}
    """)
    res = shop.run("--vars", "{want: dev/duckdb/warehouse/shop}")
    assert res.exit_code == 0, res.output
    assert "password" not in json.dumps(json.loads((shop.root / "target" / "sqlmon" / "run_results.json").read_text()))


@pytest.mark.parametrize("call, message, fix", [
    ("ref('eph')", "ref('eph') is ephemeral", "materialize it as a view or table"),
    ("ref('off')", "that model is disabled in the dbt project (models/marts/off.sql", "enable it in dbt"),
    ("ref('stg_flight')", "no model, seed or snapshot 'stg_flight'", "did you mean 'stg_flights'"),
    ("ref('other_pkg', 'stg_flights')", "'stg_flights' in package 'other_pkg'", "dbt parse"),
    ("ref('scores', v=7)", "no version 7 in the dbt manifest (versions: 1, 2, 3)", "use one of the versions"),
    ("ref('lookup', v=1)", "the model has no versions", "drop the `v=` argument"),
    ("source('raw', 'flight')", "source('raw', 'flight') is not in the dbt manifest", "did you mean the source 'raw.flights'"),
    ("ref()", "ref() takes a model name", "ref('package', 'model')"),
])
def test_every_unresolvable_reference_is_a_clear_error_at_its_line(shop, call, message, fix):
    shop.monitors(MONITORS + f"  - name: bad\n    relation: \"{{{{ {call} }}}}\"\n    tests: [row_count]\n")
    res = shop.run()
    assert res.exit_code == 2, res.output
    line = len(MONITORS.splitlines()) + 2
    assert f"monitors.yml:{line} (monitors[{len(EXPECTED)}].relation)" in res.output, res.output
    assert message in res.output and fix in res.output and "Traceback" not in res.output, res.output


def test_manifest_missing_damaged_or_of_an_unknown_schema(shop):
    manifest = shop.root / "target" / "manifest.json"
    good = manifest.read_text()
    manifest.unlink()
    res = shop.run()
    assert res.exit_code == 2 and "no dbt manifest at" in res.output and "run `dbt parse`" in res.output, res.output
    assert "monitors.yml:4" in res.output
    manifest.write_text(good[: len(good) // 2])
    res = shop.run()
    assert res.exit_code == 2 and "is not valid JSON" in res.output, res.output
    manifest.write_text(good.replace("/manifest/v12.json", "/manifest/v99.json"))
    res = shop.run()
    assert res.exit_code == 2 and "has schema v99, which sqlmon does not know" in res.output, res.output
    manifest.write_text("[1, 2]")
    res = shop.run()
    assert res.exit_code == 2 and "is not a dbt manifest" in res.output, res.output
    # the refused run's own run_results.json went to target/sqlmon/, beside dbt's
    refused = json.loads((shop.root / "target" / "sqlmon" / "run_results.json").read_text())
    assert refused["errors"] and "not a dbt manifest" in json.dumps(refused["errors"])


def test_dbt_run_results_are_never_overwritten(shop):
    dbt_results = (shop.root / "target" / "run_results.json").read_bytes()
    (shop.root / "sqlmon_project.yml").write_text("name: shop_monitoring\ntarget_path: target\n")
    res = shop.run()
    assert res.exit_code == 2 and "would overwrite dbt's" in res.output and "sqlmon_project.yml:2" in res.output, res.output
    (shop.root / "sqlmon_project.yml").write_text("name: shop_monitoring\n")
    res = shop.run("--target-path", "target")
    assert res.exit_code == 2 and "would overwrite dbt's" in res.output and "--target-path" in res.output, res.output
    assert (shop.root / "target" / "run_results.json").read_bytes() == dbt_results
    res = shop.run("--target-path", "elsewhere")
    assert res.exit_code == 0 and (shop.root / "elsewhere" / "run_results.json").exists(), res.output


def test_a_sqlmon_project_in_a_subfolder_and_one_beside_the_dbt_project(shop, tmp_path):
    mon = shop.root / "monitoring"
    mon.mkdir()
    (mon / "sqlmon_project.yml").write_text("name: shop_monitoring\n")
    shutil.move(str(shop.root / "monitors"), str(mon / "monitors"))
    sub = Proj(mon)
    res = sub.run()                     # dbt project found above; its profile; `path:` from the dbt folder
    assert res.exit_code == 0, res.output
    assert (mon / "target" / "run_results.json").exists()
    side = tmp_path / "side"
    side.mkdir()
    shutil.move(str(mon / "monitors"), str(side / "monitors"))
    (side / "sqlmon_project.yml").write_text("name: shop_monitoring\ndbt: {project_dir: ../shop}\n")
    res = Proj(side).run()
    assert res.exit_code == 0, res.output
    (side / "sqlmon_project.yml").write_text("name: shop_monitoring\ndbt: {project_dir: ../nowhere}\n")
    res = Proj(side).run()
    assert res.exit_code == 2 and "sqlmon_project.yml:2 (dbt.project_dir)" in res.output and "no dbt_project.yml" in res.output


def test_outside_a_dbt_project_ref_says_what_it_needs(proj):
    proj.monitors("""
        version: 1
        monitors:
          - name: e
            relation: "{{ ref('events') }}"
            tests: [row_count]
    """)
    res = proj.run()
    assert res.exit_code == 2 and "monitors.yml:4" in res.output and "need a dbt project" in res.output, res.output
    assert "dbt: {project_dir: ...}" in res.output


def test_dbt_false_ignores_a_dbt_project_around(shop):
    (shop.root / "sqlmon_project.yml").write_text("name: shop_monitoring\nprofile: shop\ndbt: false\n")
    res = shop.run()
    assert res.exit_code == 2 and "need a dbt project" in res.output, res.output


def test_dbt_profiles_dir_and_target_are_honoured(shop, tmp_path):
    elsewhere = tmp_path / "dot-dbt"
    elsewhere.mkdir()
    shutil.move(str(shop.root / "profiles.yml"), str(elsewhere / "profiles.yml"))
    text = (elsewhere / "profiles.yml").read_text()
    (elsewhere / "profiles.yml").write_text(text.replace("path: warehouse.duckdb", f"path: {shop.db}")
                                            + "    prod:\n      type: duckdb\n      path: nowhere.duckdb\n")
    res = shop.cli("run", "--as-of", "2024-01-10", env={"DBT_PROFILES_DIR": str(elsewhere), "HOME": str(tmp_path)})
    assert res.exit_code == 0, res.output
    res = shop.cli("run", "--as-of", "2024-01-10",
                   env={"DBT_PROFILES_DIR": str(elsewhere), "DBT_TARGET": "prod", "HOME": str(tmp_path)})
    assert res.exit_code == 2 and "nowhere.duckdb" in res.output, res.output


def test_a_manifest_with_two_packages(shop):
    """dbt's rule: the root project's node first; a name only packages have must name its package
    when two have it."""
    path = shop.root / "target" / "manifest.json"
    doc = json.loads(path.read_text())
    lookup = doc["nodes"]["seed.shop.lookup"]
    for pkg in ("pkg_a", "pkg_b"):
        doc["nodes"][f"model.{pkg}.shared"] = {**lookup, "resource_type": "model", "name": "shared", "package_name": pkg,
                                               "unique_id": f"model.{pkg}.shared",
                                               "relation_name": f'"warehouse"."main"."{"lookup" if pkg == "pkg_b" else pkg}"'}
    path.write_text(json.dumps(doc))
    shop.monitors(MONITORS + "  - name: s\n    relation: \"{{ ref('shared') }}\"\n    tests: [row_count]\n")
    res = shop.cli("compile")
    assert res.exit_code == 2 and "ref('shared') is ambiguous: packages pkg_a, pkg_b" in res.output, res.output
    shop.monitors(MONITORS + "  - name: s\n    relation: \"{{ ref('pkg_b', 'shared') }}\"\n    tests: [row_count]\n")
    res = shop.cli("compile")
    assert res.exit_code == 0 and 'FROM "warehouse"."main"."lookup"' in res.output.split("-- s._.row_count")[1], res.output


@pytest.mark.engine
def test_resolution_on_postgres(tmp_path):
    import psycopg
    from engines import postgres_params, postgres_target

    target = postgres_target()
    tag = uuid.uuid4().hex[:8]
    schema, landing = f"dbt_{tag}", f"landing_{tag}"
    with psycopg.connect(**postgres_params(target), autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {landing}")
        con.execute(f"CREATE TABLE {landing}.flights_2024 AS SELECT 1 AS id, 2.5 AS delay")
    root = tmp_path / "shop"
    root.mkdir()
    profile = {"password": "''", **{k: v for k, v in target.items() if k != "schema"}, "schema": schema, "threads": 1}
    profile.setdefault("dbname", profile.pop("database", "postgres"))
    write_project(root, profile)
    try:
        dbt(root, "build", vars=f"{{landing: {landing}}}")
        (root / "sqlmon_project.yml").write_text("name: shop_monitoring\nsql_dialect: postgres\n")
        p = Proj(root)
        p.monitors(MONITORS)
        compiled = p.cli("compile")
        assert compiled.exit_code == 0, compiled.output
        with psycopg.connect(**postgres_params(target)) as con:
            catalog = set(con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall())
        for i, call in enumerate(EXPECTED):
            want = tuple(x.format(schema=schema, landing=landing) for x in EXPECTED[call])
            sql = compiled.output.split(f"-- m{i}._.row_count")[1].split(";")[0]
            assert re.search(rf'FROM "[^"]+"\."{want[0]}"\."{want[1]}"', sql), (call, sql)
            assert want in catalog, (call, want)
        before = _digest(root / "target")
        res = p.run()
        assert res.exit_code == 0, res.output
        assert _digest(root / "target") == before
    finally:
        with psycopg.connect(**postgres_params(target), autocommit=True) as con:
            for s in (schema, f"{schema}_staging", landing):
                con.execute(f"DROP SCHEMA IF EXISTS {s} CASCADE")


def test_debug_says_which_dbt_project_and_manifest(shop):
    out = shop.cli("debug").output
    assert "dbt project: shop at" in out and "found beside sqlmon_project.yml" in out, out
    assert "dbt manifest:" in out and "schema v12" in out and "8 models/seeds/snapshots, 1 sources" in out, out
    assert f"artifacts: {shop.root.resolve() / 'target' / 'sqlmon'}" in out, out
    shop.monitors("version: 1\nmonitors: []\n")             # nothing calls ref(): the project loads
    (shop.root / "target" / "manifest.json").unlink()
    out = shop.cli("debug").output
    assert "dbt manifest: no dbt manifest at" in out and "dbt parse" in out, out


GUARDS = {"src": "source('raw', 'flights')", "stg": "ref('stg_flights')", "ds": "ref('delay_scores')",
          "dr": "ref('delay_report')", "lk": "ref('lookup')", "sc": "ref('scores')"}


@pytest.mark.parametrize("selector", ["node:stg_flights+", "+node:delay_report", "1+node:delay_scores",
                                      "node:raw.flights+1", "+node:lookup+", "node:scores"])
def test_lineage_selection_matches_dbt_ls(shop, selector):
    shop.monitors("version: 1\nmonitors:\n" + "".join(
        f"  - name: {name}\n    relation: \"{{{{ {call} }}}}\"\n    tests: [row_count]\n" for name, call in GUARDS.items()))
    res = shop.cli("ls", "--select", selector)
    assert res.exit_code == 0, res.output
    ours = {line.split(".")[0] for line in res.output.split()}
    dbt_selector = selector.replace("node:raw.flights", "source:raw.flights").replace("node:", "")
    listed = dbt(shop.root, "ls", "--select", dbt_selector, "--output", "json", "--output-keys", "unique_id").stdout
    theirs = {json.loads(line)["unique_id"] for line in listed.splitlines() if line.startswith("{")}
    guarded = _guarded(shop)
    assert ours == {name for name, uid in guarded.items() if uid in theirs}, (selector, ours, theirs)


def _guarded(shop: Proj) -> dict[str, str]:
    """monitor -> the dbt node `sqlmon ls` says it guards."""
    out = shop.cli("ls", "--nodes").output
    return dict(line.split()[:2] for line in out.splitlines() if line.strip())


def test_tag_matches_the_dbt_tags_of_the_guarded_node_and_ls_shows_the_nodes(shop):
    shop.monitors("version: 1\nmonitors:\n" + "".join(
        f"  - name: {name}\n    relation: \"{{{{ {call} }}}}\"\n    tests: [row_count]\n" for name, call in GUARDS.items()))
    res = shop.cli("ls", "--select", "tag:ml")
    assert res.exit_code == 0 and res.output.split() == ["ds._.row_count"], res.output
    assert _guarded(shop) == {"src": "source.shop.raw.flights", "stg": "model.shop.stg_flights",
                              "ds": "model.shop.delay_scores", "dr": "model.shop.delay_report",
                              "lk": "seed.shop.lookup", "sc": "model.shop.scores.v2"}


SCHEMA_MONITORS = """\
version: 2
groups:
  - name: risk
    owner: {name: Risk Team, email: risk@example.com}
models:
  - name: delay_scores
    description: scores
    config:
      meta:
        owner: ml-team
        sqlmon:
          tests: [row_count]
    columns:
      - name: id
      - name: score
        config:
          meta:
            sqlmon: [not_null, {range: {min: 0, max: 1}}]
  - name: delay_report
    config: {group: risk}
    meta:
      sqlmon:
        name: report_checks
        tests: [{row_count: {error_if: "< 100"}}]
        columns:
          - name: label
            tests: [not_null]
"""


def test_monitors_in_the_models_yaml(shop):
    shop.monitors("version: 1\nmonitors: []\n")
    shop.write("models/marts/monitoring.yml", SCHEMA_MONITORS)
    dbt(shop.root, "parse")
    res = shop.cli("ls", "--nodes")
    assert res.exit_code == 0, res.output
    rows = {line.split()[0]: line.split()[1:] for line in res.output.splitlines()}
    assert rows["delay_scores"][0] == "model.shop.delay_scores" and rows["report_checks"][0] == "model.shop.delay_report"
    assert rows["delay_scores"][1] == '"warehouse"."main"."delay_scores"'
    res = shop.run()
    assert res.exit_code == 1, res.output
    results = json.loads((shop.root / "target" / "sqlmon" / "run_results.json").read_text())["results"]
    got = {r["unique_id"]: r for r in results}
    assert got["delay_scores.score.range"]["status"] == "fail"             # 5.0 = 2.5 * 2 is above 1
    assert got["delay_scores.score.not_null"]["status"] == "pass"
    assert got["report_checks._.row_count"]["status"] == "fail"             # 2 rows < 100
    assert got["report_checks.label.not_null"]["status"] == "skipped"         # its gate failed
    assert got["report_checks.label.not_null"]["location"].endswith("models/marts/monitoring.yml:27")
    # file:line of the schema.yml, for the test and for every result
    assert got["delay_scores.score.range"]["location"].endswith("models/marts/monitoring.yml:18")
    assert got["report_checks._.row_count"]["location"].endswith("models/marts/monitoring.yml:24")
    assert got["delay_scores._.row_count"]["location"].endswith("models/marts/monitoring.yml:12")
    assert sorted(shop.cli("ls", "--select", "path:models/marts/monitoring.yml").output.split()) == sorted(got)
    # owners: the node's meta.owner, the dbt group's owner; summary.md names them
    assert got["delay_scores.score.range"]["meta"]["owner"] == got["delay_scores.score.range"]["owner"] == "ml-team"
    assert got["report_checks._.row_count"]["meta"]["owner"] == got["report_checks._.row_count"]["owner"] == "Risk Team"
    summary = (shop.root / "target" / "sqlmon" / "summary.md").read_text()
    assert "ml-team" in summary and "Risk Team" in summary


@pytest.mark.parametrize("bad, where, message", [
    ("sqlmon: [not_null, {range: {min: 0, max: 1}}]", 18, None),
    ("sqlmon: [not_nul]", 18, "unknown test type 'not_nul'"),
    ("sqlmon: [{range: {minn: 0}}]", 18, "minn"),
    ("sqlmon: 3", 18, "must be its list of tests or a mapping"),
])
def test_a_mistake_in_a_models_monitor_points_at_its_schema_yml_line(shop, bad, where, message):
    shop.monitors("version: 1\nmonitors: []\n")
    shop.write("models/marts/monitoring.yml", SCHEMA_MONITORS.replace(
        "sqlmon: [not_null, {range: {min: 0, max: 1}}]", bad))
    dbt(shop.root, "parse")
    res = shop.cli("ls")
    if message is None:
        assert res.exit_code == 0, res.output
        return
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output, res.output
    assert f"models/marts/monitoring.yml:{where}" in res.output, res.output


GENERIC_TESTS = """\
{% test is_positive(model, column_name) %}
select * from {{ model }} where {{ column_name }} <= 0
{% endtest %}

{% test within(model, column_name, low=0, high=1) %}
select * from {{ model }} where {{ column_name }} not between {{ low }} and {{ high }}
{% endtest %}

{%- test utils_style(model, column_name) -%}
{{ config(severity='warn') }}
select * from {{ model }} where {{ adapter.quote(column_name) }} is null and {{ dbt_utils.pretty_time() }} is not null
{%- endtest %}

{% test not_null(model, column_name) %}
select * from {{ model }} where {{ adapter.quote(column_name) }} is null
{% endtest %}
"""

MATERIALIZATION = """\
{% materialization noop, default %}
  {{ return({'relations': []}) }}
{% endmaterialization %}
"""


def test_dbt_generic_tests_are_sqlmon_test_types(shop):
    """The same generic test dbt runs (`dbt build` counts its failing rows) is a sqlmon test type
    with thresholds and history; one that needs dbt's runtime is refused where it is used, and a
    dbt-only macro file (a materialization) stops nothing."""
    shop.write("macros/generic_tests.sql", GENERIC_TESTS)
    shop.write("macros/materialization.sql", MATERIALIZATION)
    shop.write("models/marts/tests.yml", """
        version: 2
        models:
          - name: delay_scores
            columns:
              - name: score
                data_tests: [is_positive, {within: {arguments: {low: 0, high: 1}, config: {severity: warn}}}]
    """)
    built = dbt(shop.root, "build", "--select", "delay_scores+1").stdout       # dbt runs them: 1 warning
    assert "WARN=1" in built and "ERROR=0" in built, built
    shop.monitors("""
        version: 1
        monitors:
          - name: scores
            relation: "{{ ref('delay_scores') }}"
            tests: [row_count]
            columns:
              - name: score
                tests: [is_positive, {within: {low: 0, high: 1, warn_if: "> 0", error_if: "> 5"}}, not_null]
    """)
    for day in ("2024-01-10", "2024-01-11"):
        res = shop.cli("run", "--as-of", day)
        assert res.exit_code == 0, res.output           # within: 1 row out -> warn (exit 0 under --fail-on error)
        assert "materialization.sql" in res.output and "sqlmon skips it" in res.output, res.output
    got = {r["unique_id"]: r for r in json.loads((shop.root / "target" / "sqlmon" / "run_results.json").read_text())["results"]}
    assert got["scores.score.is_positive"]["status"] == "pass" and got["scores.score.is_positive"]["metric"] == 0
    assert got["scores.score.within"]["status"] == "warn" and got["scores.score.within"]["metric"] == 1
    assert got["scores.score.not_null"]["test_type"] == "not_null"        # the built-in, not dbt's override
    con = duckdb.connect(str(shop.root / ".sqlmon" / "history.duckdb"), read_only=True)
    assert con.execute("SELECT COUNT(*) FROM results WHERE unique_id = 'scores.score.within'").fetchone() == (2,)
    con.close()
    shop.monitors("""
        version: 1
        monitors:
          - name: scores
            relation: "{{ ref('delay_scores') }}"
            columns:
              - name: score
                tests: [utils_style]
    """)
    res = shop.cli("ls")
    assert res.exit_code == 2 and "monitors.yml:7" in res.output, res.output
    assert "uses what sqlmon's macros do not have: adapter, config, dbt_utils" in res.output, res.output
    assert "generic_tests.sql" in res.output and "Traceback" not in res.output


DATA_TESTS = """\
version: 2
models:
  - name: stg_flights
    columns:
      - name: id
        data_tests:
          - not_null
          - unique
          - accepted_values:
              arguments: {values: [1, 2], quote: false}
          - relationships:
              arguments: {to: "ref('lookup')", field: code}
              config: {severity: warn}
          - is_positive:
              config: {where: "id > 0"}
          - dbt_utils.not_empty_string
      - name: delay
        data_tests:
          - not_null:
              config: {warn_if: "> 10"}
"""


def test_dbt_data_tests_imported_on_request(shop):
    """`dbt: {import_tests: true}`: the models' data_tests run as sqlmon tests with history, each
    at its schema.yml line; what sqlmon cannot honour is named, not dropped in silence."""
    shop.write("macros/generic_tests.sql", GENERIC_TESTS)
    shop.write("models/staging/tests.yml", DATA_TESTS)
    dbt(shop.root, "parse")
    shop.monitors("version: 1\nmonitors: []\n")
    assert "stg_flights" not in shop.cli("ls").output                      # opt-in
    (shop.root / "sqlmon_project.yml").write_text("name: shop_monitoring\ndbt: {import_tests: true}\n")
    res = shop.run()
    got = {r["unique_id"]: r for r in json.loads((shop.root / "target" / "sqlmon" / "run_results.json").read_text())["results"]}
    assert set(got) == {"stg_flights.id.not_null", "stg_flights.id.unique", "stg_flights.id.accepted_values",
                        "stg_flights.id.relationships", "stg_flights.id.is_positive"}, res.output
    assert got["stg_flights.id.relationships"]["severity"] == "warn"
    assert got["stg_flights.id.relationships"]["status"] == "pass"            # id 1 is a lookup code
    assert got["stg_flights.id.accepted_values"]["status"] == "pass"
    assert got["stg_flights.id.not_null"]["location"].endswith("models/staging/tests.yml:7")
    assert got["stg_flights.id.is_positive"]["location"].endswith("models/staging/tests.yml:14")
    assert "dbt test dbt_utils.not_empty_string on stg_flights is not imported" in res.output
    assert "dbt test not_null on stg_flights is not imported: its config warn_if" in res.output
    assert res.exit_code == 0, res.output
