"""Safe on anyone's YAML (README "Security"): templates render in a sandbox, queries read only the
warehouse, the history never lands in the user's data, secrets are never printed."""
from __future__ import annotations

import json
import os
import stat
import uuid

import duckdb
import pytest

GOOD = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    tests: [row_count]
"""

# Attribute walks and format tricks that reach Python from a template in plain Jinja.
ESCAPES = [
    "{{ cycler.__init__.__globals__.os.system('touch MARK') }}",
    "{{ joiner.__init__.__globals__.os.system('touch MARK') }}",
    "{{ namespace.__init__.__globals__.os.system('touch MARK') }}",
    "{{ lipsum.__globals__['os'].system('touch MARK') }}",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch MARK') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ dict.__subclasses__() }}",
    "{{ range.__self__.__import__('os').system('touch MARK') }}",
    "{{ env_var.__globals__['os'].system('touch MARK') }}",
    "{{ var.__closure__ }}",
    "{{ '{0.__class__.__mro__}'.format(1) }}",
    "{{ '%s'.__mod__.__self__.__class__ }}",
]


def _no_escape(proj, res) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and "Internal error" not in res.output, res.output
    assert not (proj.root / "MARK").exists() and not any(p.name == "MARK" for p in proj.root.parent.rglob("MARK"))


@pytest.mark.parametrize("payload", ESCAPES)
def test_a_template_cannot_reach_python_from_a_monitor(proj, payload, monkeypatch):
    monkeypatch.chdir(proj.root)
    proj.monitors(GOOD.replace("relation: main.events", f"relation: \"{payload}\""))
    res = proj.run()
    _no_escape(proj, res)
    assert "monitors.yml:4 (monitors[0].relation)" in res.output, res.output


@pytest.mark.parametrize("payload", ESCAPES[:5] + ESCAPES[-2:])
def test_a_template_cannot_reach_python_from_a_profile(proj, payload, monkeypatch):
    monkeypatch.chdir(proj.root)
    proj.monitors(GOOD)
    (proj.root / "profiles.yml").write_text(
        f"testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: \"{payload}\"\n")
    res = proj.run()
    _no_escape(proj, res)
    assert "profiles.yml:6 (testproj.outputs.dev.path)" in res.output, res.output


@pytest.mark.parametrize("payload", ESCAPES[:5] + ESCAPES[-2:])
def test_a_template_cannot_reach_python_from_a_macro(proj, payload, monkeypatch):
    """In a macro that overrides a built-in (the test errors, the others run) and at the top level
    of a macro file (the file is skipped, said as a warning naming it)."""
    monkeypatch.chdir(proj.root)
    proj.monitors(GOOD.replace("tests: [row_count]", "tests: [row_count, not_null_id]").replace(
        "    tests:", "    columns: [{name: id, tests: [not_null]}]\n    tests:").replace(", not_null_id", ""))
    proj.write("macros/evil.sql", "{% macro default__not_null(column) %}select " + payload +
               " as failing_count, 1 as row_count{% endmacro %}\n")
    res = proj.run()
    assert res.exit_code == 2 and "Traceback" not in res.output and "Internal error" not in res.output, res.output
    results = proj.results()
    assert results["ev.id.not_null"]["status"] == "error" and results["ev._.row_count"]["status"] == "pass"
    assert not (proj.root / "MARK").exists()
    proj.write("macros/evil.sql", payload + "\n")
    res = proj.run()
    assert res.exit_code == 0 and "evil.sql" in res.output and "sqlmon skips it" in res.output, res.output
    assert not (proj.root / "MARK").exists() and "Traceback" not in res.output


def test_the_code_cache_is_keyed_by_environment_and_never_loaded_from_a_shared_file(tmp_path, monkeypatch):
    import marshal

    import jinja2

    from sqlmon import render
    from sqlmon.resources import macros_dir
    from sqlmon.templating import environment
    monkeypatch.setenv("SQLMON_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(render, "_CODE", {})
    sandboxed, plain = environment(macros=True), jinja2.Environment()
    assert render._code_path(sandboxed, "x") != render._code_path(plain, "x")
    render.Macros([macros_dir()], "duckdb", "duckdb", "duckdb")
    folder = tmp_path / "cache" / "jinja"
    assert stat.S_IMODE(folder.stat().st_mode) & 0o022 == 0
    files = list(folder.glob("*.code"))
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    # a file others may write is never loaded: plant code there and make it group-writable
    planted = compile("import os; os.system('touch ' + repr(str(__import__('pathlib').Path.cwd() / 'MARK')))",
                      "x", "exec")
    for f in files:
        f.write_bytes(marshal.dumps(planted))
        f.chmod(0o666)
    monkeypatch.setattr(render, "_CODE", {})
    monkeypatch.chdir(tmp_path)
    macros = render.Macros([macros_dir()], "duckdb", "duckdb", "duckdb")
    assert macros.render("row_count", "t.yml:1", relation="t").text and not (tmp_path / "MARK").exists()
    # a group-writable folder: no cache at all
    for f in files:
        f.chmod(0o600)
    folder.chmod(0o777)
    monkeypatch.setattr(render, "_CODE", {})
    assert render._cached_code(sandboxed, "{% macro a() %}1{% endmacro %}") is None


# --- DuckDB: a query reads the warehouse and nothing else ----------------------------------------

FILE_READS = [
    ("custom_sql", "tests: [row_count, {custom_sql: {sql: \"select * from read_csv('{file}')\"}}]"),
    ("where subquery", "where: \"id in (select 1 from read_csv('{file}'))\"\n    tests: [row_count]"),
    ("expression", "tests: [row_count, {expression: {expression: \"(select count(*) from read_text('{file}')) > 0\"}}]"),
    ("glob", "tests: [row_count, {custom_sql: {sql: \"select * from glob('{dir}/*')\"}}]"),
    ("parquet", "tests: [row_count, {custom_sql: {sql: \"select * from read_parquet('{dir}/x.parquet')\"}}]"),
    ("http", "tests: [row_count, {custom_sql: {sql: \"select * from read_csv('http://127.0.0.1:9/x.csv')\"}}]"),
    ("replacement scan", "tests: [row_count, {custom_sql: {sql: \"select * from '{file}'\"}}]"),
]


@pytest.fixture
def secret_file(tmp_path):
    d = tmp_path / "outside"
    d.mkdir()
    f = d / "secret.csv"
    f.write_text("value\nTOPSECRET_CONTENT\n")
    duckdb.sql(f"COPY (SELECT 'TOPSECRET_CONTENT' AS v) TO '{d}/x.parquet' (FORMAT parquet)")
    return f


@pytest.mark.parametrize("case", [c[0] for c in FILE_READS])
def test_duckdb_reads_no_file_outside_the_warehouse(proj, secret_file, case):
    text = dict(FILE_READS)[case].replace("{file}", str(secret_file)).replace("{dir}", str(secret_file.parent))
    proj.monitors(GOOD.replace("    tests: [row_count]", "    " + text))
    res = proj.run()
    where_case = case == "where subquery"
    assert res.exit_code == 2, res.output
    everything = res.output + (proj.root / "target" / "run_results.json").read_text()
    assert "TOPSECRET_CONTENT" not in everything
    results = proj.results()
    bad = [r for r in results.values() if r["status"] == "error"]
    assert bad and all("disabled" in r["message"] or "Permission" in r["message"] for r in bad), bad
    if not where_case:
        assert results["ev._.row_count"]["status"] == "pass"


def test_a_file_path_is_not_a_relation(proj, secret_file):
    proj.monitors(GOOD.replace("relation: main.events", f"relation: \"'{secret_file}'\""))
    res = proj.run()
    assert res.exit_code == 2 and "is not a table name" in res.output and "monitors.yml:4" in res.output
    assert "TOPSECRET_CONTENT" not in res.output


def test_extensions_are_neither_installed_nor_loaded(proj):
    proj.monitors(GOOD.replace("tests: [row_count]",
                               "tests: [row_count, {custom_sql: {sql: \"select * from st_read('x.shp')\"}}]"))
    res = proj.run()
    assert res.exit_code == 2
    msg = proj.results()["ev._.custom_sql"]["message"]
    assert "st_read" in msg.lower() and not (os.path.expanduser("~/.duckdb/extensions") in msg and "installed" in msg)


def test_allowed_paths_opt_in(proj, secret_file):
    """Users who monitor files on purpose list them: those (and only those) may be read."""
    proj.monitors(GOOD.replace("tests: [row_count]",
                               f"tests: [row_count, {{custom_sql: {{sql: \"select * from read_csv('{secret_file}') "
                               f"where value <> 'TOPSECRET_CONTENT'\"}}}}]"))
    (proj.root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n"
        f"      allowed_paths: [{secret_file.parent}]\n")
    res = proj.run()
    assert res.exit_code == 0, res.output
    assert proj.results()["ev._.custom_sql"]["metric"] == 0


def test_the_history_is_not_the_warehouse_under_another_name(proj):
    proj.monitors(GOOD)
    os.link(proj.db, proj.root / "hist.duckdb")                      # a hard link: same inode
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nhistory: {path: hist.duckdb}\n")
    res = proj.run()
    assert res.exit_code == 2 and "is the warehouse file itself" in res.output, res.output
    con = duckdb.connect(str(proj.db), read_only=True)
    try:
        assert "runs" not in {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    finally:
        con.close()


# --- secrets --------------------------------------------------------------------------------------

def test_secret_variables_only_in_profiles_and_scrubbed_everywhere(proj, monkeypatch):
    secret = f"pw-{uuid.uuid4().hex}"
    monkeypatch.setenv("SQLMON_SECRET_PG_PASSWORD", secret)
    monkeypatch.setenv("DBT_ENV_SECRET_TOKEN", secret + "2")
    # in a monitor: refused at load, the value never printed
    proj.monitors(GOOD.replace("relation: main.events", "relation: \"{{ env_var('SQLMON_SECRET_PG_PASSWORD') }}\""))
    res = proj.run()
    assert res.exit_code == 2 and "may be used only in profiles.yml" in res.output and secret not in res.output
    # in a macro: that test errors, the value never reaches the SQL
    proj.monitors(GOOD.replace("    tests:", "    columns: [{name: id, tests: [not_null]}]\n    tests:"))
    proj.write("macros/leak.sql", "{% macro default__not_null(column) %}select count(*) as failing_count, "
               "'{{ env_var(\"DBT_ENV_SECRET_TOKEN\") }}' as row_count{% endmacro %}\n")
    res = proj.run()
    assert proj.results()["ev.id.not_null"]["status"] == "error"
    assert "may be used only in profiles.yml" in proj.results()["ev.id.not_null"]["message"]
    (proj.root / "macros" / "leak.sql").unlink()
    # in a profile: allowed; anything that echoes the value is scrubbed (a custom SQL that
    # happens to contain it, here)
    (proj.root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('SQLMON_SECRET_PG_PASSWORD', 'x') and 'warehouse.duckdb' }}\"\n")
    proj.monitors(GOOD.replace("tests: [row_count]", f"tests: [row_count, {{custom_sql: {{sql: \"select '{secret}' "
                                                     f"as leaked from main.events where id < 0\"}}}}]"))
    res = proj.run()
    assert res.exit_code == 0, res.output
    written = [res.output, *(p.read_text() for p in (proj.root / "target").rglob("*") if p.is_file())]
    assert all(secret not in text for text in written)
    assert any("*****" in text for text in written)
    hist = duckdb.connect(str(proj.root / ".sqlmon" / "history.duckdb"), read_only=True)
    try:
        assert secret not in json.dumps(hist.execute("SELECT message, details FROM results").fetchall())
    finally:
        hist.close()


def test_a_render_error_never_echoes_the_value(proj):
    (proj.root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n"
        "      memory_limit: \"s3cr{%et-value\"\n")
    proj.monitors(GOOD)
    res = proj.run()
    assert res.exit_code == 2 and "cannot render" in res.output and "profiles.yml:7" in res.output
    assert "s3cr" not in res.output and "et-value" not in res.output


# --- PostgreSQL: the monitoring role's powers, and a history schema of its own ---------------------

@pytest.mark.engine
def test_postgres_debug_warns_about_a_powerful_role(tmp_path):
    import psycopg
    from engines import postgres_params, postgres_project, postgres_target

    target = postgres_target()
    params = postgres_params(target)
    tag = uuid.uuid4().hex[:8]
    schema, role = f"sec{tag}", f"reader{tag}"
    with psycopg.connect(**params, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
        con.execute(f"CREATE TABLE {schema}.events AS SELECT 1 AS id, TIMESTAMP '2024-01-09' AS ts")
        con.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw'")
        con.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        con.execute(f"GRANT SELECT ON {schema}.events TO {role}")
    try:
        monitors = GOOD.replace("main.events", f"{schema}.events")
        superuser = postgres_project(tmp_path / "su", target)                       # CI's server runs as a superuser
        superuser.monitors(monitors)
        out = superuser.cli("debug").output
        assert "connection: OK" in out and "is a superuser" in out, out
        reader = postgres_project(tmp_path / "reader", {**target, "user": role, "password": "pw"})
        reader.monitors(monitors)
        out = reader.cli("debug").output
        assert "connection: OK" in out and "warning:" not in out, out
        with psycopg.connect(**params, autocommit=True) as con:
            con.execute(f"GRANT INSERT ON {schema}.events TO {role}")
            con.execute(f"GRANT pg_read_server_files TO {role}")
        out = reader.cli("debug").output
        assert f"can write {schema}.events" in out and "member of pg_read_server_files" in out, out
    finally:
        with psycopg.connect(**params, autocommit=True) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            con.execute(f"REVOKE pg_read_server_files FROM {role}")
            con.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.mark.engine
def test_postgres_history_refuses_a_schema_it_does_not_own(tmp_path):
    import psycopg
    from engines import postgres_params, postgres_project, postgres_target

    target = postgres_target()
    params = postgres_params(target)
    schema = f"user{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**params, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
        con.execute(f"CREATE TABLE {schema}.events AS SELECT 1 AS id, TIMESTAMP '2024-01-09' AS ts")
        con.execute(f"CREATE TABLE {schema}.baselines (keep_me int)")     # the user's own table
    try:
        p = postgres_project(tmp_path / "pg", target, history_schema=schema)
        p.monitors(GOOD.replace("main.events", f"{schema}.events"))
        res = p.run()
        assert res.exit_code == 2 and "holds relations sqlmon did not create" in res.output, res.output
        assert "history: {schema: sqlmon}" in res.output
        with psycopg.connect(**params) as con:
            names = {r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)).fetchall()}
        assert names == {"events", "baselines"}                           # nothing created next to them
    finally:
        with psycopg.connect(**params, autocommit=True) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
