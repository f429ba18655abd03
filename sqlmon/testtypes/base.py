"""The test-type protocol.

A test type is a generator: it yields lists of requests (`Aggregates` / `Query`), receives the
answers in the same order, and returns an `Outcome`. Multi-pass tests (drift: profile, then
histograms) simply yield twice; the runner fuses the requests of all tests in each round.
"""
from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from sqlglot import exp

from sqlmon.columns import BOOLEAN, DATE, NUMERIC, STRING, TIMESTAMP, ColumnInfo, is_float, is_integer
from sqlmon.config.specs import MonitorSpec, TestSpec, validate
from sqlmon.config.vars import RELATION_PLACEHOLDER
from sqlmon.config.windows import Window
from sqlmon.errors import CompileError, ConfigError
from sqlmon.render import Macros
from sqlmon.requests import Aggregates, Query, Scope
from sqlmon.results import Outcome
from sqlmon.sql import check_columns, parse_condition, parse_query, parse_relation, parse_select_list, replace_relation
from sqlmon.sql import key as sql_key

Run = Generator[list[Any], list[Any], Outcome]



class Params(BaseModel):
    # Unknown keys and NaN/inf numbers are refused when the project loads.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@dataclass
class TestContext:
    """Everything one test needs to build its SQL; built by the runner's compile step."""

    test: TestSpec
    monitor: MonitorSpec
    params: BaseModel
    columns: dict[str, ColumnInfo]          # lower-case name -> info (monitored relation)
    column: ColumnInfo | None
    current: Scope
    reference: Scope | None
    windows: dict[str, Window]
    macros: Macros
    sql_dialect: str
    as_of: datetime
    reference_signal: str | None = None     # cheap change signal of the reference relation
    reference_columns: dict[str, ColumnInfo] | None = None   # when the reference is another relation
    history: Any = None                     # HistoryReader of past runs (sqlmon.history), None without a store
    results: dict[str, Any] | None = None   # this run's results so far: set for `phase` >= 1 tests only
    samples: Any = None                     # sqlmon.samples.Samples when the adapter keeps samples
    memo: dict | None = None                # requests built so far, shared by the tests of a monitor
    session: Any = None                     # sqlmon.session.Session: what consecutive runs share
    evidence: Any = None                    # EvidenceSpec (sqlmon_project.yml `evidence:`); None: no evidence round

    # --- building requests ----------------------------------------------------------------
    def macro_args(self, **extra: Any) -> dict[str, Any]:
        col = self.column
        args: dict[str, Any] = dict(self.params.model_dump())
        if col is not None:
            args.update(column_name=col.name, column_type=col.type, column_kind=col.kind,
                        is_float=is_float(col))
        args.update(extra)
        return args

    def _render(self, macro: str, **extra: Any) -> tuple[Any, dict[str, exp.Expression]]:
        """Render `macro` with the test's parameters. An argument that is already a sqlglot tree
        enters the macro as a placeholder column and is put back after parsing, so SQL never
        round-trips through text in another dialect."""
        args = self.macro_args(**extra)
        if self.column is not None:
            args.setdefault("column", self.macros.quote(self.column.name, macro))
        trees: dict[str, exp.Expression] = {}
        for key, value in list(args.items()):
            if isinstance(value, exp.Expression):
                trees[f"__sqlmon_arg_{key}__"] = value
                args[key] = self.macros.quote(f"__sqlmon_arg_{key}__", macro)
        return self.macros.render(macro, self.test.location, **args), trees

    @staticmethod
    def _restore(tree: exp.Expression, trees: dict[str, exp.Expression]) -> exp.Expression:
        """Put the argument trees back into `tree`, a tree just parsed from the rendered macro
        and held by nobody else: rewritten in place (sqlglot's default copy of the whole tree
        first was most of the deep copies of a run); the arguments are copied."""
        if not trees:
            return tree
        return tree.transform(lambda n: trees[n.name].copy()
                              if isinstance(n, exp.Column) and n.name in trees else n, copy=False)

    def _memo_key(self, kind: str, rendered: Any, trees: dict[str, exp.Expression], scope: Scope | None) -> tuple | None:
        """Identity of a parsed request: `drift` and `dataset_drift` on one column ask the same
        ones, both windows the same histogram, and parsing them again was a tenth of a run's
        Python. Parsed trees are never modified afterwards (the planner copies what it fuses),
        so one serves every request that asks for it."""
        if self.memo is None:
            return None
        return (kind, rendered.macro, rendered.dialect, rendered.text, scope.key if scope else None,
                tuple((k, sql_key(t)) for k, t in trees.items()))

    def aggregates(self, macro: str, scope: Scope | None = None, **extra: Any) -> Aggregates:
        """Render a measure macro into named aggregates over `scope` (default: current window)."""
        rendered, trees = self._render(macro, **extra)
        memo_key = self._memo_key("aggregates", rendered, trees, None)
        measures = self.memo.get(memo_key) if memo_key is not None else None
        if measures is None:
            location = f"{self.test.location} (macro {rendered.macro})"
            measures = {name: self._restore(e, trees)
                        for name, e in parse_select_list(rendered.text, rendered.dialect, location).items()}
            for e in measures.values():
                check_columns(e, self.column_names(), self.test.location, f"macro {rendered.macro}")
            if memo_key is not None:
                self.memo[memo_key] = measures
        return Aggregates(scope or self.current, measures)

    def expression(self, macro: str, **extra: Any) -> exp.Expression:
        """Render a macro that produces one SQL expression (a bin key, a derived value)."""
        rendered, trees = self._render(macro, **extra)
        (tree,) = parse_select_list(f"{rendered.text} AS sqlmon_expr", rendered.dialect,
                                    f"{self.test.location} (macro {rendered.macro})").values()
        return self._restore(tree, trees)

    def query(self, macro: str, scope: Scope | None = None, **extra: Any) -> Query:
        """Render a full-SELECT macro; `{{ relation }}` becomes the windowed relation."""
        rendered, trees = self._render(macro, relation=RELATION_PLACEHOLDER, **extra)
        scope = scope or self.current
        memo_key = self._memo_key("query", rendered, trees, scope)
        if memo_key is not None and memo_key in self.memo:
            return self.memo[memo_key]
        tree = parse_query(rendered.text, rendered.dialect, self.test.location, f"macro {rendered.macro}")
        request = Query(windowed(self._restore(tree, trees), scope, copy=False), rendered.macro)
        if memo_key is not None:
            self.memo[memo_key] = request
        return request

    def sampled(self, scope: Scope, rows: int, columns: Sequence[str] = ()) -> Scope:
        """`scope`'s rows as the adapter's `profile_sample` macro samples them (a fixed-size,
        seeded sample where the engine has one), or `scope` itself when it renders nothing. An
        adapter that keeps samples draws it once per run with every test's `columns`."""
        rendered, _ = self._render("profile_sample", rows=rows)
        if not rendered.text:
            return scope
        tree = parse_query(f"select * from {RELATION_PLACEHOLDER} {rendered.text}", rendered.dialect,
                           self.test.location, f"macro {rendered.macro}")
        select = windowed(tree, scope, copy=False)
        if self.samples is not None:
            return Scope(self.samples.table(select, columns))
        return Scope(exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier("sqlmon_sample"))))

    def condition(self, text: str) -> exp.Expression:
        cond = parse_condition(text, self.sql_dialect, self.test.location)
        check_columns(cond, self.column_names(), self.test.location, f"condition {text!r}")
        return cond

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns.values()]

    def relation(self, text: str) -> exp.Table:
        return parse_relation(text, self.sql_dialect, self.test.location)


def windowed(tree: exp.Expression, scope: Scope, copy: bool = True) -> exp.Query:
    """Swap the `{{ relation }}` placeholder for `(SELECT * FROM relation WHERE window)`;
    `copy=False` rewrites `tree` in place (a tree just parsed, held by nobody else)."""
    source = exp.select("*").from_(scope.relation.copy(), copy=False)
    if scope.condition is not None:
        source = source.where(scope.condition.copy(), copy=False)
    return replace_relation(tree, source, copy=copy)


class TestType:
    """Base class; subclasses set the class attributes and implement `run`."""

    name: ClassVar[str]
    level: ClassVar[str] = "column"            # "column" | "table" | "any"
    kinds: ClassVar[tuple[str, ...] | None] = None   # column kinds accepted (None: any)
    Params: ClassVar[type[BaseModel]] = Params
    warn_if: ClassVar[str | None] = None
    error_if: ClassVar[str | None] = None
    gate: ClassVar[bool] = False               # availability test: failure skips the monitor's others
    metric: ClassVar[str] = ""                 # what the metric is (README table)
    compares: ClassVar[bool] = True            # supports `compare: reference`
    phase: ClassVar[int] = 0                   # tests of phase 1 start after every phase-0 test is judged
                                               # (anomaly: it judges another test's metric of this run)
    segmentable: ClassVar[bool] = False        # takes `segments:`
    labelled: ClassVar[bool] = False           # judges labels: with `model.label_delay` its windows are
                                               # those as of `as_of - label_delay` (labels complete)
    sql_params: ClassVar[dict[str, str]] = {}  # parameter -> "condition" | "query" | "relation": SQL in
                                               # sql_dialect, parsed when the project loads

    @classmethod
    def param_names(cls) -> list[str]:
        """The test type's own keys (besides the common ones every test takes)."""
        return list(cls.Params.model_fields)

    @classmethod
    def default_name(cls, params: BaseModel) -> str:
        """The test's name (its unique id's last part) when the entry gives none."""
        return cls.name

    @classmethod
    def references(cls, params: BaseModel) -> list[str]:
        """Tests this test reads (by name or unique_id); the runner selects them too."""
        return []

    @classmethod
    def threshold_defaults(cls, params: dict[str, Any]) -> dict[str, Any]:
        """Built-in warn_if/error_if given the merged raw params (anomaly derives them from its
        sensitivities); most test types have fixed defaults."""
        return cls.defaults()

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {k: v for k, v in (("warn_if", cls.warn_if), ("error_if", cls.error_if)) if v is not None}

    @classmethod
    def validate_params(cls, params: dict[str, Any], column: str | None, monitor: MonitorSpec,
                        location: str, source: str, root: Any, path: tuple) -> BaseModel:
        if cls.level == "column" and column is None and "column" not in cls.Params.model_fields:
            raise ConfigError(f"test '{cls.name}' checks a column: put it under `columns: - name: ... tests:`",
                              location=location)
        if cls.level == "table" and column is not None:
            raise ConfigError(f"test '{cls.name}' checks the whole relation: put it under the monitor's `tests:`",
                              location=location)
        return validate(cls.Params, params, source, root, path)

    def check_column(self, ctx: TestContext) -> None:
        if self.kinds and ctx.column is not None and ctx.column.kind not in self.kinds:
            raise CompileError(f"test '{self.name}' needs a {' or '.join(self.kinds)} column; "
                               f"'{ctx.column.name}' is {ctx.column.type}", location=ctx.test.location,
                               hint="remove the test or cast the column in a view")

    def run(self, ctx: TestContext) -> Run:
        raise NotImplementedError
        yield  # pragma: no cover


__all__ = ["BOOLEAN", "DATE", "NUMERIC", "Params", "Run", "STRING", "TIMESTAMP", "TestContext", "TestType",
           "is_float", "is_integer"]
