"""A dbt profiles.yml used as it is (issue "dbt profiles as they are"): dbt-duckdb's `schema`,
`database`, `attach`, `extensions` and `settings`, and dbt-postgres' `pass`, `role`, `search_path`,
`ssl*`, `application_name`, `keepalives_idle` and `retries`, are honoured inside sqlmon's sandbox; the
dbt keys sqlmon does not use are named in a warning; typos are still refused."""
from __future__ import annotations

import uuid

import duckdb
import pytest

from sqlmon.adapters import make_adapter
from sqlmon.adapters.duckdb import DuckDBAdapter
from sqlmon.adapters.postgres import PostgresAdapter
from sqlmon.adapters.spark import SparkAdapter
from sqlmon.errors import ConfigError, WarehouseError

MONITOR = """
version: 1
monitors:
  - name: sc
    relation: {relation}
    timestamp: ts
    current: {{last: 1 day}}
    tests: [row_count{extra}]
"""


def _monitor(proj, relation: str, extra: str = "") -> None:
    proj.monitors(MONITOR.format(relation=relation, extra=extra))


def _profile(proj, lines: str) -> None:
    """The test project's DuckDB target with `lines` (YAML at the target's indentation) added."""
    body = "".join(f"      {line}\n" for line in lines.strip("\n").splitlines())
    (proj.root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n" + body)


def _target(proj, **keys) -> dict:
    return {"type": "duckdb", "path": "warehouse.duckdb", "project_dir": str(proj.root), **keys}


def _clean_error(res, *fragments: str) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and "Internal error" not in res.output, res.output
    for fragment in fragments:
        assert fragment in res.output, (fragment, res.output)


@pytest.fixture
def prod(proj):
    """prod.duckdb beside the project: ml.scores, three rows on 2024-01-09."""
    path = proj.root / "prod.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA ml")
        con.execute("CREATE TABLE ml.scores AS SELECT range AS id, TIMESTAMP '2024-01-09 01:00:00' AS ts "
                    "FROM range(3)")
    finally:
        con.close()
    return path


@pytest.fixture
def analytics(proj):
    """analytics.scores (2 rows) and main.scores (5 rows) in the warehouse: which one is read shows."""
    proj.sql("""
        CREATE SCHEMA analytics;
        CREATE TABLE analytics.scores AS SELECT range AS id, TIMESTAMP '2024-01-09 01:00:00' AS ts FROM range(2);
        CREATE TABLE main.scores AS SELECT range AS id, TIMESTAMP '2024-01-09 01:00:00' AS ts FROM range(5);
    """)


# --- DuckDB: schema and database ------------------------------------------------------------------

def test_schema_is_the_default_schema_of_unqualified_relations(proj, analytics):
    _monitor(proj, "scores", ", {custom_sql: {sql: \"select * from scores where id > 0\"}}")
    _profile(proj, "schema: analytics")
    res = proj.run("--threads", "4")      # queries on several cursors: each one a new DuckDB session
    assert res.exit_code == 1, res.output
    results = proj.results()
    assert results["sc._.row_count"]["metric"] == 2
    assert results["sc._.custom_sql"]["metric"] == 1          # the custom SQL's own `scores` too
    _monitor(proj, "main.scores")                              # a qualified name is read as written
    assert proj.run().exit_code == 0 and proj.results()["sc._.row_count"]["metric"] == 5


def test_a_missing_schema_is_a_clean_error(proj, analytics):
    _monitor(proj, "scores")
    _profile(proj, "schema: analytic")
    _clean_error(proj.run(), "`schema: analytic`", "no schema 'analytic'", "did you mean 'analytics'")


def test_database_names_the_default_catalog(proj, prod):
    _monitor(proj, "scores")
    _profile(proj, "database: prod\nschema: ml\nattach: [{path: prod.duckdb, alias: prod}]")
    assert proj.run().exit_code == 0
    assert proj.results()["sc._.row_count"]["metric"] == 3
    _profile(proj, "database: warehouse")                      # the file's own name: fine
    _monitor(proj, "events")
    assert proj.run().exit_code == 0


def test_a_database_that_is_neither_the_file_nor_an_alias_is_refused(proj, prod):
    _monitor(proj, "scores")
    _profile(proj, "database: prd\nattach: [{path: prod.duckdb, alias: prod}]")
    _clean_error(proj.run(), "`database: prd`", "neither the warehouse's own database ('warehouse')",
                 "did you mean 'prod'")


# --- DuckDB: attach -------------------------------------------------------------------------------

def test_an_attached_file_is_part_of_the_warehouse(proj, prod):
    _monitor(proj, "prod.ml.scores")
    _profile(proj, "attach:\n  - path: prod.duckdb\n    alias: prod")
    res = proj.run()
    assert res.exit_code == 0, res.output
    assert proj.results()["sc._.row_count"]["metric"] == 3


def test_an_attached_file_cannot_be_written_through(proj, prod):
    """Always READ_ONLY, even when the profile (dbt's) says read_only: false."""
    adapter = make_adapter(_target(proj, attach=[{"path": str(prod), "alias": "prod", "read_only": False}]))
    adapter.connect()
    try:
        for sql in ("INSERT INTO prod.ml.scores VALUES (9, TIMESTAMP '2024-01-09')", "CREATE TABLE prod.ml.x (a INT)",
                    "DROP TABLE prod.ml.scores", "ATTACH 'other.duckdb' AS other"):
            with pytest.raises(WarehouseError):
                adapter.execute(sql)
    finally:
        adapter.close()
    con = duckdb.connect(str(prod), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM ml.scores").fetchone()[0] == 3
    finally:
        con.close()


def test_a_change_to_an_attached_file_changes_the_relation_signal(proj, prod):
    """Cached reference profiles are reused only while the data is unchanged: the attached files'
    data too, and only for the same default schema."""
    from sqlglot import exp
    adapter = make_adapter(_target(proj, attach=[{"path": "prod.duckdb", "alias": "prod"}]))
    table = exp.to_table("prod.ml.scores")
    before = adapter.relation_signal(table)
    con = duckdb.connect(str(prod))
    try:
        con.execute("INSERT INTO ml.scores SELECT range, TIMESTAMP '2024-01-09' FROM range(10000)")
    finally:
        con.close()
    assert adapter.relation_signal(table) != before
    adapter.connect()
    plain = make_adapter(_target(proj))
    plain.connect()          # the same DuckDB instance, already locked (see the next test)
    try:
        assert "prod.duckdb as prod" in adapter.describe() and adapter.describe() != plain.describe()
    finally:
        adapter.close()
        plain.close()


def test_a_second_connection_to_a_locked_warehouse_in_this_process(proj, prod):
    """Connections of one process to one file share DuckDB's instance, locked by the first: the same
    attach and extensions work again; a file the first did not attach is a clean error."""
    first = make_adapter(_target(proj, attach=[{"path": "prod.duckdb", "alias": "prod"}], extensions=["json"]))
    first.connect()
    try:
        again = make_adapter(_target(proj, attach=[{"path": "prod.duckdb", "alias": "prod"}], extensions=["json"],
                                     database="prod", schema="ml"))
        again.connect()
        assert again.execute("SELECT count(*) FROM scores") == [(3,)]
        again.close()
        other = proj.root / "other.duckdb"
        duckdb.connect(str(other)).close()
        late = make_adapter(_target(proj, attach=[{"path": "other.duckdb"}]))
        with pytest.raises(WarehouseError, match="another connection of this process opened the warehouse first"):
            late.connect()
    finally:
        first.close()


@pytest.mark.parametrize("entry, fragment", [
    ("{path: other.db, type: sqlite}", "`type: sqlite` is not a DuckDB file"),
    ("{path: pg, type: postgres}", "`type: postgres` is not a DuckDB file"),
    ("{path: x.db, options: {type: sqlite}}", "`type: sqlite` is not a DuckDB file"),
    ("{path: 's3://bucket/prod.duckdb'}", "'s3://bucket/prod.duckdb' is not a local file"),
    ("{path: 'md:my_db'}", "'md:my_db' is not a local file"),
    ("{path: 'https://example.com/x.duckdb'}", "is not a local file"),
    ("{path: prod.duckdb, secret: s}", "are for remote databases"),
    ("{path: prod.duckdb, aliass: p}", "unknown key 'aliass'"),
    ("{alias: p}", "must be a mapping with a `path:`"),
    ("prod.duckdb", "must be a mapping with a `path:`"),
])
def test_an_attach_sqlmon_cannot_honour_is_refused_when_the_project_loads(proj, entry, fragment):
    _monitor(proj, "events")
    _profile(proj, f"attach: [{entry}]")
    for res in (proj.cli("ls"), proj.run()):
        _clean_error(res, "profiles.yml:7 (testproj.outputs.dev.attach)", "`attach[0]`", fragment, "Fix:")


def test_attach_must_be_a_list(proj):
    _monitor(proj, "events")
    _profile(proj, "attach: {path: prod.duckdb}")
    _clean_error(proj.cli("ls"), "profiles.yml:7", "`attach` must be a list", "[{path: prod.duckdb, alias: prod}]")


def test_a_missing_attach_file_is_a_clean_error(proj):
    _monitor(proj, "events")
    _profile(proj, "attach: [{path: nowhere/prod.duckdb, alias: prod}]")
    _clean_error(proj.run(), "`attach: nowhere/prod.duckdb` (alias prod)", "there is no DuckDB file at '/")
    assert not (proj.root / "nowhere").exists()


def test_a_file_that_is_not_a_duckdb_database_is_a_clean_error(proj):
    _monitor(proj, "events")
    (proj.root / "notes.duckdb").write_text("not a database\n" * 100)
    _profile(proj, "attach: [{path: notes.duckdb}]")
    _clean_error(proj.run(), "`attach: notes.duckdb`", "DuckDB cannot attach", "not a valid DuckDB database file")


# --- DuckDB: extensions ---------------------------------------------------------------------------

def test_extensions_are_loaded(proj):
    """Built-in ones load offline; `{name:, repo:}` (dbt-duckdb's form) is read too, `repo` unused."""
    _monitor(proj, "events", ", {custom_sql: {sql: \"select * from events where json_valid('{}') is not true\"}}")
    _profile(proj, "extensions: [json, {name: parquet, repo: core}, icu]")
    assert proj.run().exit_code == 0


def test_an_extension_that_is_not_installed_is_a_clean_error(proj, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))        # no ~/.duckdb/extensions
    _monitor(proj, "events")
    _profile(proj, "extensions: [spatial]")
    _clean_error(proj.run(), "`extensions: spatial`", "never installs them", "INSTALL spatial")
    assert not (tmp_path / "home" / ".duckdb").exists()        # nothing downloaded


@pytest.mark.parametrize("value", ["['json; INSTALL x']", "[{name: json, version: 1}]", "[[json]]"])
def test_an_extension_entry_that_is_not_a_name_is_refused(proj, value):
    _monitor(proj, "events")
    _profile(proj, f"extensions: {value}")
    _clean_error(proj.cli("ls"), "profiles.yml:7 (testproj.outputs.dev.extensions)", "`extensions[0]`")


# --- DuckDB: settings -----------------------------------------------------------------------------

def test_a_harmless_setting_applies(proj):
    _monitor(proj, "events")
    _profile(proj, "settings:\n  threads: 2\n  preserve_insertion_order: false\n  max_execution_time: 600000")
    assert proj.run().exit_code == 0
    adapter = make_adapter(_target(proj, settings={"threads": 2, "preserve_insertion_order": False}))
    adapter.connect()
    try:
        assert adapter.execute("SELECT current_setting('threads'), current_setting('preserve_insertion_order'), "
                               "current_setting('lock_configuration')") == [(2, False, True)]
    finally:
        adapter.close()


@pytest.mark.parametrize("setting", [
    "enable_external_access: true", "lock_configuration: false", "allowed_paths: '/etc/passwd'",
    "allowed_directories: '/'", "autoinstall_known_extensions: true", "autoload_known_extensions: true",
    "allow_community_extensions: true", "allow_unsigned_extensions: true", "custom_extension_repository: 'http://x'",
    "extension_directory: /tmp/ext", "TimeZone: Europe/Berlin", "timezone: UTC", "Calendar: japanese",
    "parquet_can_have_nan: false", "allowed_configs: x", "home_directory: /tmp", "python_scan_all_frames: true",
    "log_query_path: /tmp/q.log", "profiling_output: /tmp/p.json", "allow_unredacted_secrets: true",
    "integer_division: true", "null_order: nulls_first", "search_path: analytics", "access_mode: read_write",
])
def test_a_setting_that_would_undo_the_sandbox_is_refused(proj, setting):
    _monitor(proj, "events")
    _profile(proj, f"settings: {{{setting}}}")
    name = setting.split(":")[0]
    for res in (proj.cli("ls"), proj.run()):
        _clean_error(res, "profiles.yml:7 (testproj.outputs.dev.settings)", f"`settings: {name}` is refused")


@pytest.mark.parametrize("setting, fragment", [
    ("memory_limt: 1GB", "DuckDB has no setting 'memory_limt'"),
    ("threads: lots", "DuckDB refused 'lots'"),
    ("enable_progress_bar: true", "is a per-session DuckDB setting"),
])
def test_an_unknown_or_wrong_setting_is_a_clean_error(proj, setting, fragment):
    _monitor(proj, "events")
    _profile(proj, f"settings: {{{setting}}}")
    _clean_error(proj.run(), f"`settings: {setting.split(':')[0]}`", fragment)


@pytest.mark.parametrize("setting, fragment", [
    ("\"threads = 1; SET enable_external_access = true; --\": 1", "is not a setting's name"),
    ("memory_limit: [1GB]", "must be a single value"),
])
def test_a_setting_name_or_value_of_the_wrong_shape_is_refused(proj, setting, fragment):
    _monitor(proj, "events")
    _profile(proj, f"settings: {{{setting}}}")
    _clean_error(proj.cli("ls"), "profiles.yml:7", fragment)


def test_the_sandbox_holds_with_every_dbt_duckdb_key(proj, prod, analytics):
    """read_text('/etc/passwd'), a write, an ATTACH, a SET: still refused with the profile's keys."""
    adapter = make_adapter(_target(proj, schema="analytics", attach=[{"path": "prod.duckdb", "alias": "prod"}],
                                   extensions=["json"], settings={"threads": 2}))
    adapter.connect()
    try:
        assert adapter.execute("SELECT count(*) FROM scores") == [(2,)]
        for sql in ("SELECT * FROM read_text('/etc/passwd')", "SELECT * FROM '/etc/passwd'",
                    "SET enable_external_access = true", "SET GLOBAL lock_configuration = false",
                    "ATTACH '/etc/passwd' AS p", "INSTALL httpfs", "COPY (SELECT 1) TO 'x.csv'"):
            with pytest.raises(WarehouseError):
                adapter.execute(sql)
    finally:
        adapter.close()


def test_a_callers_connection_takes_none_of_the_keys(proj, analytics):
    """`connection=`: the caller's session is theirs; schema/settings are not applied to it."""
    con = duckdb.connect(str(proj.db))
    try:
        adapter = make_adapter(_target(proj, schema="analytics", settings={"threads": 1}))
        adapter.use(con)
        adapter.connect()
        assert adapter.execute("SELECT count(*) FROM scores") == [(5,)]        # main.scores
        adapter.close()
        assert con.execute("SELECT current_setting('lock_configuration')").fetchone()[0] is False
    finally:
        con.close()


def test_an_adapter_made_without_a_project_checks_the_keys_too(proj):
    adapter = make_adapter(_target(proj, settings={"enable_external_access": True}))
    with pytest.raises(ConfigError, match="enable_external_access"):
        adapter.connect()
    assert adapter.conn is None


# --- the keys sqlmon leaves to dbt ------------------------------------------------------------------

def test_profile_warnings_name_the_dbt_keys_sqlmon_does_not_use():
    target = {"type": "duckdb", "path": "w.duckdb", "plugins": [{"module": "x"}], "threads": 4, "schema": "main",
              "keep_open": True, "project_dir": "."}
    warnings = DuckDBAdapter.profile_warnings(target)
    assert [k for k, _ in warnings] == ["plugins", "keep_open"]
    assert warnings[0][1] == ("`plugins:` is a dbt-duckdb key sqlmon does not use (it configures dbt's own "
                              "connection); it is ignored")
    assert "credentials for remote storage" in DuckDBAdapter.profile_warnings({"secrets": []})[0][1]
    assert DuckDBAdapter.profile_problem(target) is None
    pg = {"type": "postgres", "threads": 4, "autocommit": True, "role": "r", "search_path": "a"}
    assert [k for k, _ in PostgresAdapter.profile_warnings(pg)] == ["autocommit"]
    spark = {"type": "spark", "method": "thrift", "threads": 4, "schema": "s", "host": "h"}
    assert [k for k, _ in SparkAdapter.profile_warnings(spark)] == ["method", "schema", "host"]


def test_a_typo_is_still_refused(proj):
    _monitor(proj, "events")
    _profile(proj, "extentions: [json]")
    _clean_error(proj.cli("ls"), "profiles.yml:7 (testproj.outputs.dev.extentions)", "unknown key 'extentions'",
                 "did you mean 'extensions'")
    _profile(proj, "plugins: [{module: x}]\nkeep_open: true\nsecrets: []")     # dbt's: loads, runs
    assert proj.cli("ls").exit_code == 0 and proj.run().exit_code == 0


# --- PostgreSQL: the libpq keys and retries (no server needed) ------------------------------------

def _captured_connect(monkeypatch):
    """psycopg.connect replaced: records its keywords and the pauses between calls, always fails."""
    import psycopg

    from sqlmon.adapters import postgres as pg_module
    calls: list[dict] = []
    pauses: list[float] = []

    def fake(**kwargs):
        calls.append(kwargs)
        raise psycopg.OperationalError("connection refused")
    monkeypatch.setattr(psycopg, "connect", fake)
    monkeypatch.setattr(pg_module.time, "sleep", pauses.append)
    return calls, pauses


def test_postgres_passes_dbt_libpq_keys_through(monkeypatch):
    calls, _ = _captured_connect(monkeypatch)
    adapter = make_adapter({"type": "postgres", "host": "h", "user": "u", "pass": "s3cret", "sslcert": "c.crt",
                            "sslkey": "c.key", "sslrootcert": "ca.crt", "application_name": "dbt_sqlmon",
                            "keepalives_idle": 30, "threads": 4})
    with pytest.raises(WarehouseError, match="cannot connect to PostgreSQL"):
        adapter.connect()
    assert calls[0] | {"autocommit": True} == {
        "autocommit": True, "host": "h", "user": "u", "password": "s3cret", "sslcert": "c.crt", "sslkey": "c.key",
        "sslrootcert": "ca.crt", "application_name": "dbt_sqlmon", "keepalives_idle": "30", "connect_timeout": "10"}
    calls.clear()
    with pytest.raises(WarehouseError):
        make_adapter({"type": "postgres", "host": "h", "keepalives_idle": 0}).connect()   # dbt's default: unset
    assert "keepalives_idle" not in calls[0] and calls[0]["application_name"] == "sqlmon"


def test_postgres_retries_connecting_as_dbt_does(monkeypatch):
    calls, pauses = _captured_connect(monkeypatch)
    with pytest.raises(WarehouseError, match=r"\(3 attempts\)"):
        make_adapter({"type": "postgres", "host": "h", "retries": 2}).connect()
    assert len(calls) == 3 and pauses == [1, 2]
    calls.clear()
    with pytest.raises(WarehouseError):
        make_adapter({"type": "postgres", "host": "h"}).connect()
    assert len(calls) == 1


@pytest.mark.parametrize("keys, fragment", [
    ("pass: a\n      password: b", "both are given"),
    ("retries: -1", "`retries` must be a whole number"),
    ("keepalives_idle: often", "`keepalives_idle` must be a whole number"),
    ("role: [a]", "`role` must be text"),
    ("serch_path: a", "did you mean 'search_path'"),
])
def test_postgres_key_mistakes_are_refused_when_the_project_loads(proj, keys, fragment):
    _monitor(proj, "events")
    (proj.root / "profiles.yml").write_text(
        f"testproj:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: h\n      {keys}\n")
    _clean_error(proj.cli("ls"), "profiles.yml:7", fragment)


# --- PostgreSQL: on the server ----------------------------------------------------------------------

@pytest.fixture
def pg_reader():
    """A schema with one table, a role that may read it, and a login user granted that role, who
    does not inherit its rights (only SET ROLE gives them): (target, schema, role, login)."""
    import psycopg
    from engines import postgres_params, postgres_target

    target = postgres_target()
    params = postgres_params(target)
    tag = uuid.uuid4().hex[:8]
    schema, role, login = f"dbtp{tag}", f"reader{tag}", f"login{tag}"
    with psycopg.connect(**params, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
        con.execute(f"CREATE TABLE {schema}.scores AS SELECT g AS id, TIMESTAMP '2024-01-09 01:00:00' AS ts "
                    "FROM generate_series(1, 4) g")
        con.execute(f"CREATE ROLE {role} NOLOGIN")
        con.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        con.execute(f"GRANT SELECT ON {schema}.scores TO {role}")
        con.execute(f"CREATE ROLE {login} LOGIN NOINHERIT PASSWORD 'pw'")     # the role's rights only after SET ROLE
        con.execute(f"GRANT {role} TO {login}")
    try:
        yield target, schema, role, login
    finally:
        with psycopg.connect(**params, autocommit=True) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            con.execute(f"DROP ROLE IF EXISTS {login}")
            con.execute(f"DROP ROLE IF EXISTS {role}")


def _as_login(target: dict, login: str, **keys) -> dict:
    """The test server's target, logging in as `login` (no password of the server's own user)."""
    return {k: v for k, v in target.items() if k != "password"} | {"user": login, **keys}


def _pg_project(tmp_path, target: dict, name: str = "pg"):
    from engines import postgres_project
    return postgres_project(tmp_path / name, target)


@pytest.mark.engine
def test_postgres_role_runs_the_queries_as_that_role(tmp_path, pg_reader):
    target, schema, role, login = pg_reader
    base = _as_login(target, login, **{"pass": "pw"})
    check = f", {{custom_sql: {{sql: \"select 1 from {{{{ relation }}}} where current_user <> '{role}'\"}}}}"
    p = _pg_project(tmp_path, base | {"role": role.upper()})     # unquoted: folds to lower case, as in dbt
    _monitor(p, f"{schema}.scores", check)
    res = p.run("--no-history")
    assert res.exit_code == 0, res.output
    assert p.results()["sc._.row_count"]["metric"] == 4 and p.results()["sc._.custom_sql"]["metric"] == 0
    without = _pg_project(tmp_path, base, "without")               # the login user alone may not read it
    _monitor(without, f"{schema}.scores")
    assert without.run("--no-history").exit_code == 2
    adapter = make_adapter(base | {"role": role})
    writer = adapter.write_connection()                          # the history's connection too
    try:
        assert writer.execute("SELECT current_user, session_user").fetchone() == (role, login)
    finally:
        writer.close()


@pytest.mark.engine
def test_postgres_a_refused_role_is_a_clean_error(tmp_path, pg_reader):
    target, schema, _, login = pg_reader
    p = _pg_project(tmp_path, _as_login(target, login, role="Postgres"))
    _monitor(p, f"{schema}.scores")
    _clean_error(p.run("--no-history"), "`role: Postgres`", "refused SET ROLE", f"GRANT postgres TO {login}")


@pytest.mark.engine
def test_postgres_search_path_resolves_unqualified_relations(tmp_path, pg_reader):
    target, schema, _, _ = pg_reader
    p = _pg_project(tmp_path, target | {"search_path": f"{schema}, public", "schema": "public"})   # wins over schema
    _monitor(p, "scores")
    res = p.run("--no-history")
    assert res.exit_code == 0, res.output
    assert p.results()["sc._.row_count"]["metric"] == 4
    p = _pg_project(tmp_path, target | {"search_path": "nosuch_schema"}, "missing")
    _monitor(p, "scores")
    _clean_error(p.run("--no-history"), "relation 'scores' not found", "search_path")


@pytest.mark.engine
def test_postgres_pass_is_the_password(tmp_path, pg_reader):
    """The test server trusts every local user, so the password reaching libpq is what shows."""
    target, schema, _, login = pg_reader
    adapter = make_adapter(_as_login(target, login, **{"pass": "pw"}))
    adapter.connect()
    try:
        assert adapter.conn.info.password == "pw"
        assert adapter.execute("SELECT current_user") == [(login,)]
    finally:
        adapter.close()
