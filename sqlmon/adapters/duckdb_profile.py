"""dbt-duckdb's profile keys, honoured inside sqlmon's sandbox (README "Security"):

  schema      the default schema of unqualified relation names (dbt-duckdb's target schema)
  database    the default database: the warehouse file's own (its name without `.duckdb`, `memory`
              for `:memory:`) or an `attach:` alias
  attach      more local DuckDB files, always attached READ_ONLY: [{path, alias, type, options}]
  extensions  extensions to LOAD, never INSTALL: names or {name: ..., repo: ...}
  settings    global DuckDB settings, except those that would undo the sandbox or sqlmon's results

`attach`, `extensions` and `settings` are applied once, before the configuration is locked (ATTACH,
LOAD and SET are refused afterwards). DuckDB keeps the search path per session and refuses to set it
globally (`SET GLOBAL search_path`: "cannot be set globally", DuckDB 2.0), and every cursor is a new
session, so `schema`/`database` become a search path set on each cursor (a locked configuration
still allows that one). The other dbt-duckdb keys configure dbt's own connection: IGNORED.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlmon.errors import ConfigError, WarehouseError, did_you_mean

# dbt-duckdb keys sqlmon leaves to dbt (a warning names them), and why where it is not "they
# configure dbt's own connection".
IGNORED = ("plugins", "external_root", "filesystems", "module_paths", "disable_transactions", "keep_open",
           "retries", "secrets", "config_options", "use_credential_provider", "remote", "flights", "is_ducklake",
           "motherduck_token")
IGNORED_REASONS = {
    "config_options": "options of dbt's own DuckDB connection; sqlmon opens its own, sandboxed",
    "secrets": "credentials for remote storage; sqlmon reads local DuckDB files only",
    "use_credential_provider": "credentials for remote storage; sqlmon reads local DuckDB files only",
    "motherduck_token": "MotherDuck's token; sqlmon reads local DuckDB files only",
    "external_root": "where dbt writes external models; sqlmon writes nothing there",
    "retries": "dbt's retries of its own queries",
}

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# a URL or an engine prefix (`s3://`, `md:`, `https://`, `sqlite:`), not a Windows drive (`C:\`)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_ATTACH_KEYS = ("path", "alias", "type", "read_only", "options", "secret", "is_ducklake")
_LOCAL_ONLY = "sqlmon attaches local DuckDB files only (it reads; the sandbox reaches no other engine or URL)"

_SANDBOX = "it would undo sqlmon's sandbox (README \"Security\")"
_CALENDAR = "sqlmon's windows are UTC instants in the Gregorian calendar"
_ORDER = "sqlmon's quantile and top-value queries rely on DuckDB's default ordering"
_SEARCH = "a per-session setting: sqlmon's `schema:` (and `database:`) keys set it for every query"
# Settings a profile may not change, and why. Matched on the lower-cased name; DuckDB's aliases
# (null_order, ...) are listed too.
_REFUSED = {
    "enable_external_access": "sqlmon turns it off, so that a query reads the warehouse only; "
                              "files to read go in `allowed_paths:`",
    "lock_configuration": "sqlmon locks the configuration, so that no query can undo its sandbox",
    "access_mode": "the warehouse is opened read-only (`read_only: false` is sqlmon's key for that)",
    "autoinstall_known_extensions": "a query would download and install extensions; list the ones to load "
                                    "in `extensions:`",
    "autoload_known_extensions": "a query would load extensions; list the ones to load in `extensions:`",
    "home_directory": "it moves `~`, where DuckDB finds extensions and secrets",
    "file_search_path": "queries read no files; `allowed_paths:` opens some",
    "timezone": _CALENDAR, "calendar": _CALENDAR,
    "parquet_can_have_nan": "sqlmon turns it on: without it the NaN rows of pyarrow-written Parquet land "
                            "silently in ordinary bins",
    "default_null_order": _ORDER, "null_order": _ORDER, "default_order": _ORDER,
    "integer_division": "sqlmon's ratios and means need `/` to divide exactly",
    "ieee_floating_point_ops": "sqlmon's statistics expect DuckDB's NaN and infinity results",
    "errors_as_json": "sqlmon reports DuckDB's messages as text",
    "search_path": _SEARCH, "schema": _SEARCH,
}
# ... and whole families: (pattern, why)
_REFUSED_FAMILIES = (
    (re.compile(r"^allow"), _SANDBOX),     # allowed_paths/directories/configs, allow_unsigned_extensions, ...
    (re.compile(r"extension"), "sqlmon loads only the extensions listed in `extensions:`, from DuckDB's own folder"),
    (re.compile(r"secret"), "sqlmon uses no secrets: its queries reach no remote storage"),
    (re.compile(r"^python_"), "it lets a query read the Python objects of the process running sqlmon"),
    (re.compile(r"(^|_)log(ging)?(_|$)"), "it writes DuckDB's logs to files or the console"),
    (re.compile(r"profil"), "it writes query profiles to files or the console"),
)


def refusal(setting: str) -> str | None:
    """Why `settings: {setting: ...}` is refused, or None when DuckDB may decide."""
    name = setting.lower()
    if name in _REFUSED:
        return _REFUSED[name]
    return next((why for pattern, why in _REFUSED_FAMILIES if pattern.search(name)), None)


# --- checks when the project loads (no warehouse) ----------------------------------------------
def profile_problem(target: dict[str, Any]) -> tuple[str, str, str] | None:
    """(key, what, fix) for the first refused `attach:`, `extensions:` or `settings:` value, or None."""
    for i, entry in enumerate(target.get("attach") or []):
        what = _attach_problem(entry)
        if what is not None:
            return ("attach", f"`attach[{i}]`: {what[0]}", what[1])
    for i, ext in enumerate(target.get("extensions") or []):
        name = ext.get("name") if isinstance(ext, dict) else ext
        extra = set(ext) - {"name", "repo"} if isinstance(ext, dict) else set()
        if not isinstance(name, str) or not _NAME.match(name) or extra:
            return ("extensions", f"`extensions[{i}]` must be an extension's name or {{name: ..., repo: ...}}, "
                                  f"got {str(ext)[:60]!r}", "e.g. `extensions: [json, icu]`")
    for name, value in (target.get("settings") or {}).items():
        if not isinstance(name, str) or not _NAME.match(name):
            return ("settings", f"`settings:` names DuckDB settings; {str(name)[:60]!r} is not a setting's name",
                    "e.g. `settings: {memory_limit: 4GB}`")
        why = refusal(name)
        if why is not None:
            return ("settings", f"`settings: {name}` is refused: {why}", f"remove `{name}` from `settings:`")
        if not isinstance(value, (str, int, float, bool)):
            return ("settings", f"`settings: {name}` must be a single value, got {str(value)[:60]!r}",
                    f"e.g. `settings: {{{name}: value}}`")
    return None


def _attach_problem(entry: Any) -> tuple[str, str] | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or not entry["path"].strip():
        return (f"must be a mapping with a `path:`, got {str(entry)[:60]!r}",
                "e.g. `attach: [{path: prod.duckdb, alias: prod}]`")
    unknown = [k for k in entry if k not in _ATTACH_KEYS]
    if unknown:
        return (f"unknown key '{unknown[0]}'",
                did_you_mean(str(unknown[0]), _ATTACH_KEYS) or f"`attach:` entries take: {', '.join(_ATTACH_KEYS)}")
    path, options = entry["path"].strip(), entry.get("options") or {}
    if not isinstance(options, dict) or not all(isinstance(k, str) and _NAME.match(k) for k in options):
        return (f"`options:` must map DuckDB ATTACH options to values, got {str(options)[:60]!r}",
                "e.g. `options: {block_size: 262144}`")
    kind = str(entry.get("type") or options.get("type") or "duckdb")
    if kind.lower() != "duckdb":
        return (f"`type: {kind}` is not a DuckDB file: {_LOCAL_ONLY}",
                "remove this entry (sqlmon reads that database through its own engine), or copy the data "
                "into a DuckDB file and attach that")
    if _URL.match(path) or path == ":memory:":
        return (f"'{path}' is not a local file: {_LOCAL_ONLY}",
                "attach a DuckDB file by its path (relative paths are taken from the project folder), "
                "or remove this entry")
    if entry.get("secret") or options.get("secret") or entry.get("is_ducklake"):
        return (f"`secret:`/`is_ducklake:` are for remote databases: {_LOCAL_ONLY}", "remove them")
    if entry.get("alias") is not None and not str(entry["alias"]).strip():
        return ("`alias:` is empty", "name it, e.g. `alias: prod`, or leave `alias:` out")
    bad = [k for k, v in options.items() if not isinstance(v, (str, int, float, bool))]
    if bad:
        return (f"`options: {bad[0]}` must be a single value", "e.g. `options: {block_size: 262144}`")
    return None


# --- at connect, before the lock-down -----------------------------------------------------------
def attached_files(target: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(absolute path, alias or None) of each `attach:` entry, relative paths from the project."""
    out = []
    for entry in target.get("attach") or []:
        full = Path(str(entry["path"]).strip()).expanduser()
        if not full.is_absolute():
            full = Path(str(target.get("project_dir", "."))) / full
        alias = entry.get("alias")
        out.append((str(full.resolve()), str(alias).strip() if alias is not None else None))
    return out


def apply(conn: Any, target: dict[str, Any], locked: bool) -> None:
    """ATTACH, LOAD and SET GLOBAL what the profile asks for. `locked`: the instance was locked by
    another connection of this process to the same file; attaching a file it already has and
    loading a loaded extension still work, settings are that connection's."""
    import duckdb

    problem = profile_problem(target)      # adapters made without loading a project get the same checks
    if problem is not None:
        raise ConfigError(problem[1], hint=problem[2])
    for (path, alias), entry in zip(attached_files(target), target.get("attach") or []):
        where = f"`attach: {entry['path']}`" + (f" (alias {alias})" if alias else "")
        _attach(conn, path, alias, entry.get("options") or {}, where, locked, duckdb)
    for ext in target.get("extensions") or []:
        _load(conn, str(ext["name"] if isinstance(ext, dict) else ext), duckdb)
    if not locked:
        for name, value in (target.get("settings") or {}).items():
            _set(conn, str(name), value, duckdb)


def _attach(conn: Any, path: str, alias: str | None, options: dict[str, Any], where: str, locked: bool,
            duckdb: Any) -> None:
    if not Path(path).is_file():
        raise WarehouseError(f"{where}: there is no DuckDB file at '{path}'",
                             hint="check this `attach:` entry's `path:` (relative paths are taken from the project "
                                  "folder)")
    # Always READ_ONLY, whatever the profile says (`read_only: false` is for dbt, which writes
    # there): sqlmon only reads, and a read-only attach lets dbt keep writing the file meanwhile.
    parts = ["READ_ONLY"] + [f"{k.upper()} {_literal(v)}" for k, v in options.items()
                             if k.lower() not in ("type", "read_only", "secret")]
    sql = f"ATTACH IF NOT EXISTS {_literal(path)}" + (f" AS {_ident(alias)}" if alias else "")
    try:
        conn.execute(f"{sql} ({', '.join(parts)})")
    except duckdb.Error as err:
        raise WarehouseError(f"{where}: DuckDB cannot attach '{path}': {_first_line(err).replace(path, '...')}",
                             hint="another connection of this process opened the warehouse first, without this "
                                  "file: close it first" if locked else
                                  "check that it is a DuckDB database file of this DuckDB version, and its "
                                  "`options:`") from None


def _load(conn: Any, name: str, duckdb: Any) -> None:
    # Never INSTALL (no download; `repo:` is for dbt, which installs): LOAD from DuckDB's local
    # extension folder, or the ones built into this DuckDB (json, parquet, icu). LOAD of a loaded
    # one is a no-op, even on a locked instance (where duckdb_extensions() is refused: it lists
    # the extension folder).
    try:
        conn.execute(f"LOAD {_ident(name)}")
    except duckdb.Error as err:
        raise WarehouseError(
            f"`extensions: {name}`: DuckDB cannot load it ({_first_line(err)}); sqlmon loads extensions, "
            "it never installs them",
            hint=f"run `INSTALL {name}` once in DuckDB as the warehouse's owner (e.g. duckdb -c \"INSTALL {name}\"), "
                 f"or remove `{name}` from `extensions:`") from None


def _set(conn: Any, name: str, value: Any, duckdb: Any) -> None:
    row = conn.execute("SELECT scope FROM duckdb_settings() WHERE lower(name) = lower(?) OR "
                       "list_contains(list_transform(aliases, lambda a: lower(a)), lower(?))", [name, name]).fetchone()
    if row is not None and str(row[0]).upper() != "GLOBAL":
        raise ConfigError(f"`settings: {name}` is a per-session DuckDB setting: sqlmon runs every query in a "
                          "session of its own and applies global settings only",
                          hint=f"remove `{name}` from `settings:`")
    try:
        # the name is checked (_NAME, refusal) when the project loads; the value is a parameter
        conn.execute(f"SET GLOBAL {name} = ?", [value])
    except duckdb.Error as err:
        text = _first_line(err)
        if "unrecognized configuration parameter" in text:
            names = [r[0] for r in conn.execute("SELECT name FROM duckdb_settings()").fetchall()]
            raise ConfigError(f"`settings: {name}`: DuckDB has no setting '{name}'",
                              hint=did_you_mean(name, names) or "see DuckDB's `SELECT name FROM duckdb_settings()`",
                              ) from None
        raise ConfigError(f"`settings: {name}`: DuckDB refused {str(value)[:60]!r}: {text}",
                          hint=f"check the value of `{name}` in `settings:`") from None


# --- after the lock-down: the default database and schema --------------------------------------
def search_path(conn: Any, target: dict[str, Any]) -> str | None:
    """The search path of `database:`/`schema:` ('"db"."schema"'), checked, or None when neither is
    given. Set on every cursor: DuckDB keeps it per session."""
    database, schema = target.get("database"), target.get("schema")
    if database in (None, "") and schema in (None, ""):
        return None
    main = conn.execute("SELECT current_database()").fetchone()[0]
    names = [r[0] for r in conn.execute(
        "SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name NOT LIKE "
        "'sqlmon_scratch_%' ORDER BY database_name").fetchall()]
    db = str(database) if database not in (None, "") else main
    if db not in names:
        aliases = [n for n in names if n != main]
        raise ConfigError(f"`database: {db}` is neither the warehouse's own database ('{main}') nor an "
                          f"`attach:` alias{' (' + ', '.join(aliases) + ')' if aliases else ''}",
                          hint=did_you_mean(db, names) or f"use `database: {main}`, or attach the file with "
                                                          f"`alias: {db}` (or leave `database:` out)")
    name = str(schema) if schema not in (None, "") else "main"
    schemas = [r[0] for r in conn.execute(
        "SELECT schema_name FROM duckdb_schemas() WHERE database_name = ? ORDER BY schema_name", [db]).fetchall()]
    if name not in schemas:
        raise WarehouseError(f"`schema: {name}`: there is no schema '{name}' in DuckDB database '{db}'",
                             hint=did_you_mean(name, schemas) or
                             f"fix `schema:` (schemas there: {', '.join(schemas)}), or create the schema "
                             "(dbt does when it builds a model there)")
    return f"{_ident(db)}.{_ident(name)}"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or (isinstance(value, float) and value == value and abs(value) != float("inf")):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0]
