"""The adapter interface: everything sqlmon needs from a warehouse, and nothing more.

Dialect differences live here as class attributes (data), in `<adapter>__` macros, and in
sqlglot's generator -- never as `if dialect == ...` elsewhere (a test greps for it).
"""
from __future__ import annotations

from typing import Any, ClassVar

from sqlglot import exp

from sqlmon.columns import ColumnInfo
from sqlmon.errors import ConfigError, did_you_mean
from sqlmon.samples import Samples

# kind -> (check, what it is, an example)
_PROFILE_KINDS: dict[str, tuple[Any, str, str]] = {
    "count": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0, "a whole number above 0", "4"),
    "seconds": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0,
                "a number of seconds", "10"),
    "text": (lambda v: isinstance(v, (str, int, float)) and not isinstance(v, bool), "text", "value"),
    "flag": (lambda v: isinstance(v, bool), "true or false", "true"),
    "whole": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a whole number", "0"),
    "mapping": (lambda v: isinstance(v, dict), "a mapping", "{key: value}"),
    "list": (lambda v: isinstance(v, list), "a list", "[a, b]"),
    "paths": (lambda v: isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)),
              "a path or a list of paths", "[data/exports]"),
}

_DBT_OWN = "it configures dbt's own connection"


class Adapter:
    """One warehouse connection. Subclasses set the class attributes and implement the methods."""

    name: ClassVar[str]                      # profile `type:` value, also the macro prefix
    dialect: ClassVar[str]                   # sqlglot dialect used to generate SQL
    extra: ClassVar[str | None] = None       # pip extra that brings the driver
    has_nan: ClassVar[bool] = True           # floating columns can hold NaN / +-inf
    max_select_expressions: ClassVar[int] = 1000   # split fused queries above this
    # Planner policies, chosen by measurement per engine (benchmarks/):
    fuse_windows: ClassVar[bool] = False     # one scan for all windows of a relation (CASE-wrapped aggregates)
    concurrent_queries: ClassVar[bool] = False   # `execute` may be called from several threads
    isolate_object_aggregates: ClassVar[bool] = False   # DISTINCT/percentile/sketch aggregates: own query
    max_aggregates: ClassVar[int | None] = None         # split an ungrouped fused query above this
    keeps_samples: ClassVar[bool] = False    # `keep_sample`: a reference sample drawn once per run
    history_store: ClassVar[str] = "duckdb"  # the results history's default store (sqlmon.history.STORES)
    # Profile keys this adapter reads (sqlmon's own, and the dbt ones it honours), and dbt's other
    # keys for the same engine: a profiles.yml shared with dbt keeps them, sqlmon leaves them to dbt
    # and says so (`profile_warnings`; README "Profile keys"). Anything else is a typo.
    profile_keys: ClassVar[tuple[str, ...]] = ()
    dbt_profile_keys: ClassVar[tuple[str, ...]] = ("threads", "schema", "database")
    # dbt keys left to dbt without a word: every dbt profile has `threads:` (sqlmon's is --threads).
    quiet_dbt_keys: ClassVar[tuple[str, ...]] = ("threads",)
    # Why a dbt key is ignored, where the general reason ("it configures dbt's own connection") is not it.
    dbt_key_reasons: ClassVar[dict[str, str]] = {}

    # The kind of value a key takes, where a wrong one would fail deep inside the driver, and an
    # example for the fix where the kind's own is no help.
    profile_kinds: ClassVar[dict[str, str]] = {}
    profile_examples: ClassVar[dict[str, str]] = {}

    @classmethod
    def profile_problem(cls, target: dict[str, Any]) -> tuple[str, str, str] | None:
        """(key, what, fix) for the first key of `target` this adapter does not know or whose value
        is of the wrong kind, or None."""
        known = ("type", "project_dir", *cls.profile_keys, *cls.dbt_profile_keys)
        for key, value in target.items():
            if key not in known:
                close = did_you_mean(str(key), [*cls.profile_keys, *cls.dbt_profile_keys])
                return (str(key), f"unknown key '{key}' in a {cls.name} target",
                        close or f"{cls.name} targets take: {', '.join(cls.profile_keys)}")
            kind = cls.profile_kinds.get(key)
            if kind is not None and value is not None and not _PROFILE_KINDS[kind][0](value):
                return (str(key), f"`{key}` must be {_PROFILE_KINDS[kind][1]}, got {str(value)[:60]!r}",
                        f"e.g. `{key}: {cls.profile_examples.get(key, _PROFILE_KINDS[kind][2])}`")
        return cls.profile_value_problem(target)

    @classmethod
    def profile_value_problem(cls, target: dict[str, Any]) -> tuple[str, str, str] | None:
        """(key, what, fix) for a value of the right kind that this engine still refuses (an item
        of a list, a setting), checked when the project loads; None when all is well."""
        return None

    @classmethod
    def profile_warnings(cls, target: dict[str, Any]) -> list[tuple[str, str]]:
        """(key, message) for each dbt key of `target` that sqlmon does not use, in the target's
        order: not an error (the profile is dbt's too), but said, so nobody expects it to act."""
        dbt = f"dbt-{cls.name}"
        return [(str(key), f"`{key}:` is a {dbt} key sqlmon does not use "
                           f"({cls.dbt_key_reasons.get(key, _DBT_OWN)}); it is ignored")
                for key in target
                if key in cls.dbt_profile_keys and key not in cls.profile_keys and key not in cls.quiet_dbt_keys]

    def __init__(self, target: dict[str, Any]):
        self.target = target
        # What the run's tests sample (sqlmon.samples), when this adapter keeps samples.
        self.samples = Samples(self.sample_catalog()) if self.keeps_samples else None

    def sample_catalog(self) -> str | None:
        """The database kept samples live in (qualifying their names), or None."""
        return None

    # --- lifecycle -------------------------------------------------------------------
    def use(self, connection: Any) -> None:
        """Run on a connection the caller holds (`sqlmon.run(connection=...)`) instead of opening
        one: never locked or reconfigured for good, never closed. Engines that cannot say so."""
        raise ConfigError(f"`connection=` is not available for {self.name} targets",
                          hint="pass connection= with a duckdb target, or let sqlmon connect from the profile")

    def connect(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # --- schema ----------------------------------------------------------------------
    def columns(self, table: exp.Table) -> list[ColumnInfo]:
        """Columns of a relation in order; raise WarehouseError naming the relation if absent."""
        raise NotImplementedError

    # --- queries ---------------------------------------------------------------------
    def execute(self, sql: str) -> list[tuple]:
        """Run one SELECT (already in this adapter's dialect) and return all rows."""
        raise NotImplementedError

    def execute_columns(self, sql: str) -> list[Any]:
        """Run one SELECT and return its columns in order, for answers read with numpy (a
        score histogram has ~100,000 rows). This default transposes `execute`'s rows (a tuple per
        column, [] for no rows); an engine whose driver fetches columns returns numpy arrays
        (NULLs masked) and skips building a Python tuple per row."""
        return [tuple(c) for c in zip(*self.execute(sql))]

    def keep_sample(self, name: str, sql: str) -> int:
        """Draw the sample `sql` selects and keep it for the rest of the run under the table name
        `name`, readable by every later `execute`; return its row count (adapters that set
        `keeps_samples`)."""
        raise NotImplementedError

    def relations(self) -> list[tuple[str | None, str]]:
        """(schema, name) of the tables and views of the connected database, for fan-out monitors
        over a pattern (sqlmon.config.fanout). The SQL standard's catalog views, which DuckDB and
        PostgreSQL share; engines without them override."""
        return [(str(s), str(n)) for s, n in self.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() "
            "AND table_schema NOT IN ('information_schema', 'pg_catalog') ORDER BY 1, 2")]

    def relation_signal(self, table: exp.Table) -> str | None:
        """A cheap change signal for a relation (file size/time, table statistics), never a
        counting scan; None when the engine offers none. Cached reference profiles are reused
        only while it is unchanged."""
        return None

    def describe(self) -> str:
        """One line for `sqlmon debug`: engine, version, where it connects."""
        return self.name

    def privilege_warnings(self, relations: list[exp.Table]) -> list[str]:
        """For `sqlmon debug`: what this connection may do beyond reading `relations` (the
        monitored ones), for engines with roles; sqlmon needs SELECT only."""
        return []
