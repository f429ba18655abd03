"""The history in a PostgreSQL schema (default `sqlmon`) of the monitored database, written
through the adapter's separate write connection (the monitoring connection stays READ ONLY)."""
from __future__ import annotations

from typing import Any

from sqlmon.errors import ConfigError, WarehouseError
from sqlmon.history.store import Store
from sqlmon.history.tables import VERSION_TABLE, owned_relations


class PostgresStore(Store):
    """Schema `sqlmon` in the monitored database, through `adapter.write_connection()`."""

    name = "postgres"
    dialect = "postgres"

    def __init__(self, adapter: Any, schema: str, location: str):
        super().__init__(location)
        if not hasattr(adapter, "write_connection"):
            raise ConfigError("`history: {backend: postgres}` needs a postgres target", location=location,
                              hint="set `history: {backend: duckdb}` in sqlmon_project.yml")
        self.adapter = adapter
        self.schema = schema
        self.prefix = _quote_ident(schema) + "."
        self._conn: Any = None

    def describe(self) -> str:
        return f"postgres schema {self.schema}"

    def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            self._conn = self.adapter.write_connection()
        return self._conn

    def _run(self, body: Any) -> Any:
        import psycopg

        conn = self._connection()
        try:
            with conn.transaction():
                with conn.cursor() as cur:
                    return body(cur)
        except psycopg.Error as err:
            raise WarehouseError(f"PostgreSQL history store ({self.schema}): {str(err).strip().splitlines()[0]}",
                                 hint="the target's user needs CREATE on the database (for schema "
                                      f"{self.schema}) and INSERT on its tables") from None

    def _check_owned(self, cur: Any) -> None:
        """The schema must be sqlmon's: empty, or holding only what sqlmon creates (with its version
        table). A schema with other relations (`public`, a user's `baselines` table) is refused, so
        sqlmon never writes next to, or into, the user's data."""
        cur.execute("""SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
                       WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm', 'p', 'f')""", (self.schema,))
        found = {r[0] for r in cur.fetchall()}
        foreign = sorted(found - owned_relations())
        if not foreign and found and VERSION_TABLE not in found:
            foreign = sorted(found)           # sqlmon's names, but not sqlmon's tables
        if foreign:
            raise ConfigError(f"the history schema '{self.schema}' holds relations sqlmon did not create: "
                              f"{', '.join(foreign[:8])}{' ...' if len(foreign) > 8 else ''}", location=self.location,
                              hint="give the history a schema of its own: history: {schema: sqlmon}")

    def _setup(self, cur: Any) -> None:
        ex = lambda sql, params: cur.execute(sql, list(params))  # noqa: E731
        # Two runs creating the schema at once would collide: serialise migrations.
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"sqlmon history {self.schema}",))
        self._check_owned(cur)
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {self.prefix[:-1]}")
        self._migrate(ex, lambda sql, params: (cur.execute(sql, list(params)), cur.fetchall())[1])

    def ensure(self) -> None:
        self._run(self._setup)

    def read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        def body(cur: Any) -> list[tuple]:
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{self.prefix}results",))
            if not cur.fetchone()[0]:
                return []
            self._check_owned(cur)
            cur.execute(self.sql(sql), list(params))
            return cur.fetchall()
        return self._run(body)

    def write_run(self, rows: dict[str, list[tuple]]) -> None:
        def body(cur: Any) -> None:
            self._setup(cur)
            self._insert_all(lambda sql, params: cur.execute(sql, list(params)), rows)
        self._run(body)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
