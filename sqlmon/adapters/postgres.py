"""PostgreSQL: reads in READ ONLY transactions; the history store gets its own write connection.

Profile keys (all optional; libpq's PG* environment variables and ~/.pgpass fill the gaps):
  host, port, user, password (dbt's alias: pass), dbname (alias database), schema (-> search_path),
  sslmode, connect_timeout (seconds, default 10), statement_timeout (server-side, e.g. "5min"),
  timezone (session TimeZone, default "UTC", the same as Spark's session time zone here, so
  that TIMESTAMP literals in windows mean the same instant on every engine).
dbt-postgres' keys, honoured as dbt does:
  search_path   the search_path as written ("analytics, public"), parsed by the server like dbt's
                `-c search_path=`; when given it wins over `schema:`
  role          SET ROLE after connecting, on the monitoring and the history connections (an
                unquoted name folds to lower case, as in dbt's `set role x`)
  sslcert, sslkey, sslrootcert, application_name, keepalives_idle   libpq keywords, passed through
                (keepalives_idle: 0, dbt's default, means libpq's default)
  retries       connection attempts after the first, on an OperationalError, with a pause between
                (dbt's meaning: `retries: 2` is up to three attempts; without the key, one attempt)
  threads       dbt's parallelism; not used: queries here run one at a time on one connection
                (`--threads` has no effect on PostgreSQL). Not warned about: every dbt profile has it.
`autocommit` (dbt's) is ignored, with a warning: sqlmon's connections are read-only transactions.
"""
from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from typing import Any

from sqlglot import exp

from sqlmon.adapters.base import Adapter
from sqlmon.columns import BOOLEAN, OTHER, STRING, ColumnInfo, kind_of
from sqlmon.errors import ConfigError, WarehouseError, did_you_mean

# Profile key -> libpq keyword.  Everything else in the profile is sqlmon's own.
_LIBPQ_KEYS = {"host": "host", "port": "port", "user": "user", "password": "password", "pass": "password",
               "dbname": "dbname", "database": "dbname", "sslmode": "sslmode",
               "connect_timeout": "connect_timeout", "sslcert": "sslcert", "sslkey": "sslkey",
               "sslrootcert": "sslrootcert", "application_name": "application_name",
               "keepalives_idle": "keepalives_idle"}
_PLAIN_ROLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")

# pg_type.typcategory values where the type *name* alone misleads kind_of:
# arrays ("INTEGER[]" would read as numeric), enums (categorical -> string),
# timespans ("INTERVAL" starts with INT).
_CATEGORY_KIND = {"A": OTHER, "E": STRING, "T": OTHER}
# ... and where kind_of does not know the name (citext, name, extension types).  Not "N":
# money and oid/reg* types are numbers to Postgres but not metrics to sqlmon.
_CATEGORY_FALLBACK = {"S": STRING, "B": BOOLEAN}

_COLUMNS_SQL = """
SELECT a.attname,
       format_type(a.atttypid, a.atttypmod),
       format_type(COALESCE(NULLIF(t.typbasetype, 0), a.atttypid), NULL),
       COALESCE(bt.typcategory, t.typcategory)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type bt ON bt.oid = NULLIF(t.typbasetype, 0)
WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""

# Relations visible to the session, for "did you mean" on a missing one.
_VISIBLE_SQL = """
SELECT n.nspname, c.relname
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
LIMIT 5000
"""


class PostgresAdapter(Adapter):
    name = "postgres"
    dialect = "postgres"
    history_store = "postgres"
    profile_keys = (*_LIBPQ_KEYS, "schema", "statement_timeout", "timezone", "search_path", "role", "retries")
    # dbt-postgres' keys sqlmon does not use (`threads` quietly, see the module docstring)
    dbt_profile_keys = ("threads", "autocommit")
    dbt_key_reasons = {"autocommit": "sqlmon's connections run read-only transactions of their own"}
    profile_kinds = {"host": "text", "port": "count", "user": "text", "password": "text", "pass": "text",
                     "dbname": "text", "database": "text", "sslmode": "text", "connect_timeout": "seconds",
                     "statement_timeout": "text", "timezone": "text", "search_path": "text", "role": "text",
                     "sslcert": "text", "sslkey": "text", "sslrootcert": "text", "application_name": "text",
                     "keepalives_idle": "whole", "retries": "whole"}
    profile_examples = {"role": "reader", "search_path": "'analytics, public'", "retries": "1", "keepalives_idle": "0"}
    extra = "postgres"
    has_nan = True   # double precision and numeric both hold NaN (and +-Infinity)
    # Postgres pays per scan: every window of a relation shares one scan. One connection with a
    # transaction per query, so queries run one at a time.
    fuse_windows = True

    def __init__(self, target: dict[str, Any]):
        super().__init__(target)
        self.conn = None
        self._given: Any = None        # a connection the caller holds (`use`)

    @classmethod
    def profile_value_problem(cls, target: dict[str, Any]) -> tuple[str, str, str] | None:
        if "pass" in target and "password" in target:
            return ("pass", "`pass:` is dbt's other name for `password:`, and both are given",
                    "keep one of them")
        return None

    def use(self, connection: Any) -> None:
        """The caller's psycopg connection (a scoring job checking the batch it wrote, before it
        commits): every query runs in its own READ ONLY subtransaction rolled back at once — a
        savepoint inside the caller's open transaction (its uncommitted rows are seen), or
        BEGIN ... ROLLBACK on an idle one — with the time zone set for that subtransaction only.
        The connection is never committed, closed or reconfigured; the history store still writes
        through its own connection from the profile."""
        try:
            import psycopg
        except ImportError:
            psycopg = None
        if psycopg is None or not isinstance(connection, psycopg.Connection):
            raise ConfigError(f"connection= must be an open psycopg connection, got {type(connection).__name__}",
                              hint="pass psycopg.connect(...) (or let sqlmon connect from the profile)")
        self._given = connection

    # --- lifecycle -------------------------------------------------------------------
    def _where(self) -> str:
        host = self.target.get("host") or "(libpq default host)"
        port = self.target.get("port") or 5432
        return f"{host}:{port}"

    def _connect_raw(self, *, autocommit: bool, read_only: bool):
        try:
            import psycopg
        except ImportError:
            raise ConfigError("the postgres target needs the psycopg driver, which is not installed",
                              hint="pip install 'sqlmon[postgres]'") from None
        params: dict[str, Any] = {}
        for key, libpq_key in _LIBPQ_KEYS.items():
            value = self.target.get(key)
            if value is not None and value != "" and not (key == "keepalives_idle" and value == 0):
                params[libpq_key] = str(value)
        params.setdefault("connect_timeout", "10")
        params.setdefault("application_name", "sqlmon")
        conn = self._connect_retrying(psycopg, params)
        try:
            with conn.cursor() as cur:
                from psycopg import sql

                if self.target.get("role"):
                    self._set_role(cur, conn, psycopg)
                cur.execute(sql.SQL("SET TIME ZONE {}").format(
                    sql.Literal(str(self.target.get("timezone", "UTC")))))
                if self.target.get("search_path") not in (None, ""):
                    # as written, parsed by the server (quoting, case folding) like dbt's
                    # `-c search_path=...`; bound as a value, never spliced into SQL
                    cur.execute("SELECT set_config('search_path', %s, false)", (str(self.target["search_path"]),))
                elif self.target.get("schema"):
                    schemas = self.target["schema"]
                    if isinstance(schemas, str):
                        schemas = [s.strip() for s in schemas.split(",") if s.strip()]
                    cur.execute(sql.SQL("SET search_path TO {}").format(
                        sql.SQL(", ").join(sql.Identifier(s) for s in schemas)))
                if self.target.get("statement_timeout") is not None:
                    cur.execute(sql.SQL("SET statement_timeout = {}").format(
                        sql.Literal(str(self.target["statement_timeout"]))))
                if read_only:
                    cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        except psycopg.Error as err:
            conn.close()
            raise WarehouseError(f"PostgreSQL at {self._where()} refused a session setting: "
                                 f"{_first_line(err)}",
                                 hint="check `schema:`/`search_path:`, `timezone:` and `statement_timeout:` "
                                      "(e.g. '5min') in profiles.yml") from None
        except WarehouseError:
            conn.close()
            raise
        conn.autocommit = autocommit
        if read_only:
            conn.read_only = True
        return conn

    def _connect_retrying(self, psycopg: Any, params: dict[str, Any]) -> Any:
        """psycopg.connect, tried again `retries:` times on an OperationalError (dbt-postgres'
        meaning of the key), pausing 1, 2, 4... (at most 10) seconds between attempts."""
        retries, attempt = int(self.target.get("retries") or 0), 0
        while True:
            try:
                return psycopg.connect(autocommit=True, **params)
            except psycopg.OperationalError as err:
                if attempt >= retries:
                    tried = f" ({retries + 1} attempts)" if retries else ""
                    raise WarehouseError(
                        f"cannot connect to PostgreSQL at {self._where()}"
                        f"{'/' + params['dbname'] if 'dbname' in params else ''}{tried}: {_first_line(err)}",
                        hint=_connect_hint(str(err), self._where())) from None
            time.sleep(min(2 ** attempt, 10))
            attempt += 1

    def _set_role(self, cur: Any, conn: Any, psycopg: Any) -> None:
        """`role:` as dbt-postgres sets it (`set role x`: an unquoted name folds to lower case; a
        quoted one is kept as it is), but quoted here, never spliced."""
        from psycopg import sql

        role = str(self.target["role"]).strip()
        if len(role) > 1 and role.startswith('"') and role.endswith('"'):
            role = role[1:-1].replace('""', '"')
        elif _PLAIN_ROLE.match(role):
            role = role.lower()
        try:
            cur.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        except psycopg.Error as err:
            raise WarehouseError(
                f"`role: {self.target['role']}`: PostgreSQL refused SET ROLE for user "
                f"'{conn.info.user}': {_first_line(err)}",
                hint=f"grant the role to the login user (GRANT {role} TO {conn.info.user}), "
                     "or fix or remove `role:`") from None

    def connect(self) -> None:
        if self._given is not None:
            import psycopg

            status = self._given.info.transaction_status
            if self._given.closed or status == psycopg.pq.TransactionStatus.INERROR:
                raise WarehouseError("the PostgreSQL connection given to sqlmon is "
                                     + ("closed" if self._given.closed else "in a failed transaction"),
                                     hint="pass an open connection (roll back a failed transaction first)")
            self.conn = self._given
            return
        # Every statement of this session runs in a READ ONLY transaction: the session default
        # (server side) plus psycopg's BEGIN READ ONLY (survives a pooler that resets session
        # state).  sqlmon reads user relations only (DESIGN §9).
        conn = self._connect_raw(autocommit=False, read_only=True)
        from psycopg.types.numeric import FloatLoader

        # SUM(bigint), SUM/AVG(integer), AVG(...) and any NUMERIC arithmetic come back as
        # NUMERIC, which psycopg loads as decimal.Decimal.  Metrics are floats in the rest of
        # sqlmon (numpy, scipy, Spark's and DuckDB's doubles), and Decimal does not mix with float
        # in arithmetic, so load NUMERIC as float on this connection (exact up to 2**53, plenty
        # for counts and sums of monitoring data).
        conn.adapters.register_loader("numeric", FloatLoader)
        self.conn = conn

    def write_connection(self):
        """A new psycopg connection (autocommit off, read-write) for sqlmon's own history store.

        Separate from the monitoring connection, which stays read-only; the caller commits and
        closes it.
        """
        return self._connect_raw(autocommit=False, read_only=False)

    def close(self) -> None:
        if self._given is not None:          # the caller's: left as it was, open
            self.conn = None
            return
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None

    # --- schema ----------------------------------------------------------------------
    def columns(self, table: exp.Table) -> list[ColumnInfo]:
        import psycopg

        name = _relation_name(table)
        try:
            with self._cursor() as cur:
                # to_regclass resolves like the query will (search_path, quoting, case folding)
                # and returns NULL instead of raising for a missing relation.
                cur.execute("SELECT to_regclass(%s) IS NOT NULL", (name,))
                if not cur.fetchone()[0]:
                    cur.execute("SELECT current_schemas(false)")
                    path = ", ".join(cur.fetchone()[0]) or "(empty)"
                    cur.execute(_VISIBLE_SQL)
                    visible = [n for r in cur.fetchall() for n in (r[1], f"{r[0]}.{r[1]}")]
                    raise WarehouseError(
                        f"relation '{name}' not found in PostgreSQL database "
                        f"'{self.conn.info.dbname}' (search_path: {path})",
                        hint=did_you_mean(name, visible)
                        or "check `relation:` (schema-qualify it) or the target's `schema:`")
                cur.execute(_COLUMNS_SQL, (name,))
                rows = cur.fetchall()
        except psycopg.Error as err:
            raise WarehouseError(f"cannot read the columns of '{name}': {_first_line(err)}",
                                 hint=_query_hint(err)) from None
        return [ColumnInfo(col, typ.upper(), _kind(base, category)) for col, typ, base, category in rows]

    # --- queries ---------------------------------------------------------------------
    def execute(self, sql: str) -> list[tuple]:
        import psycopg

        try:
            with self._cursor() as cur:
                cur.execute(sql)
                return cur.fetchall() if cur.description is not None else []
        except psycopg.Error as err:
            raise WarehouseError(f"PostgreSQL refused a query: {_first_line(err)}",
                                 hint=_query_hint(err)) from None

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[Any]:
        """A cursor for one statement, its transaction ended right after."""
        if self._given is None:
            try:
                with self.conn.cursor() as cur:
                    yield cur
            finally:
                self._end_transaction()
            return
        from psycopg import sql
        from psycopg.types.numeric import FloatLoader

        with self.conn.transaction(force_rollback=True), self.conn.cursor() as cur:
            cur.adapters.register_loader("numeric", FloatLoader)      # this cursor only (see connect)
            cur.execute("SET LOCAL transaction_read_only = on")
            cur.execute(sql.SQL("SET LOCAL TIME ZONE {}").format(sql.Literal(str(self.target.get("timezone", "UTC")))))
            yield cur

    def _end_transaction(self) -> None:
        # A read-only transaction has nothing to commit; ending it promptly releases its
        # snapshot (no "idle in transaction" sessions holding back VACUUM).
        if self.conn is not None and not self.conn.closed:
            try:
                self.conn.rollback()
            except Exception:   # the connection broke; the next call reports it
                pass

    def privilege_warnings(self, relations: list[exp.Table]) -> list[str]:
        """A superuser or a member of pg_read_server_files can read server files (`pg_read_file`);
        a role that can write the monitored relations is more than a monitor needs."""
        role, superuser = self.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")[0]
        out = []
        if superuser:
            out.append(f"role '{role}' is a superuser: it can read server files and write anything; "
                       "monitor with a role that has SELECT only (README \"Security\")")
        for power in ("pg_read_server_files", "pg_write_server_files", "pg_execute_server_program"):
            if not superuser and self.execute(f"SELECT to_regrole('{power}') IS NOT NULL AND "
                                              f"pg_has_role(current_user, '{power}', 'MEMBER')")[0][0]:
                out.append(f"role '{role}' is a member of {power}: revoke it from the monitoring role")
        for table in relations:
            name = table.sql(self.dialect)
            writable = self.execute(
                "SELECT to_regclass(" + exp.Literal.string(name).sql(self.dialect) + ") IS NOT NULL AND "
                "has_table_privilege(current_user, " + exp.Literal.string(name).sql(self.dialect) +
                ", 'INSERT, UPDATE, DELETE, TRUNCATE')")[0][0]
            if writable and not superuser:
                out.append(f"role '{role}' can write {name}: the monitoring role needs SELECT only")
        return out

    def describe(self) -> str:
        location = f"{self._where()}/{self.target.get('dbname') or self.target.get('database') or ''}"
        if self.conn is not None:
            v = self.conn.info.server_version
            return f"postgres {v // 10000}.{v % 10000} at {location} (read-only)"
        return f"postgres at {location}"


def _kind(base_type: str, category: str) -> str:
    """Kind from the base type's name (domains resolved), corrected by pg_type.typcategory."""
    if category in _CATEGORY_KIND:
        return _CATEGORY_KIND[category]
    kind = kind_of(base_type)
    return _CATEGORY_FALLBACK.get(category, kind) if kind == OTHER else kind


def _relation_name(table: exp.Table) -> str:
    """Schema-qualified name as Postgres parses it (a 3-part name's catalog must be this db)."""
    return table.sql("postgres")


def _first_line(err: Exception) -> str:
    diag = getattr(err, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = primary or str(err).strip() or type(err).__name__
    return text.strip().splitlines()[0]


def _connect_hint(message: str, location: str) -> str:
    m = message.lower()
    if "password authentication failed" in m or "no password supplied" in m:
        return "check `user:` and `password:` in profiles.yml (or PGPASSWORD / ~/.pgpass)"
    if "database" in m and "does not exist" in m:
        return "check `dbname:` in profiles.yml"
    if "role" in m and "does not exist" in m:
        return "check `user:` in profiles.yml"
    if "ssl" in m:
        return "check `sslmode:` in profiles.yml (e.g. require, or disable for a local server)"
    return (f"is a PostgreSQL server running and reachable at {location}? "
            f"Check `host:`/`port:` in profiles.yml; `pg_isready -h HOST -p PORT` tests it")


def _query_hint(err: Exception) -> str | None:
    diag = getattr(err, "diag", None)
    state = getattr(diag, "sqlstate", None) or ""
    server_hint = getattr(diag, "message_hint", None)
    if state == "25006":   # read_only_sql_transaction
        return "sqlmon reads the warehouse only; writes belong to the history store"
    if state == "57014":   # query_canceled (statement_timeout)
        return "the query ran past `statement_timeout:`; raise it in profiles.yml or narrow the window"
    if state == "42P01":   # undefined_table
        return server_hint or "check `relation:` and the target's `schema:` (search_path)"
    if state == "42883":   # undefined_function
        return server_hint or "this function is not portable to PostgreSQL; use a postgres__ macro"
    return server_hint
