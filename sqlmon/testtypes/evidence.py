"""The evidence round: after a data-quality test's own rounds, a test that ends in `warn` or `fail`
asks one more — its offending values with their rows and, with `samples: N`, failing rows — and
puts them in `details["evidence"]` (shape: sqlmon.evidence).

The SQL is `macros/evidence.sql`: a failing-row condition per test type (as its metric counts
failing rows) inside two shared queries, over the test's own scope (current window, the monitor's
and the test's `where:`). The executor drives every test through `with_evidence`, so the test
types' own `run` stays as it is; a test type takes part when its parameters are `EvidenceParams`
and it has an entry in ASKS.

The values are user data: sqlmon_project.yml `evidence: false` sends no evidence query at all,
and a query that fails (a permission the monitoring role lacks on the parent table) leaves the
test's result as it was, with a note in its details.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import Field, model_validator
from sqlglot import exp

from sqlmon.columns import ColumnInfo
from sqlmon.config.specs import BadValue
from sqlmon.errors import CompileError, SqlmonError, did_you_mean
from sqlmon.evidence import plain
from sqlmon.judge.evaluate import judge
from sqlmon.results import Outcome
from sqlmon.testtypes.base import Params, Run, TestContext, TestType

SOURCE = "sqlmon_src"      # the windowed relation's alias in macros/evidence.sql
MAX_SAMPLES = 1000


class EvidenceParams(Params):
    """`samples: N` (1..1000): also fetch up to N failing rows; `sample_columns`: which columns
    (default: the test's column(s) and the monitor's timestamp)."""

    samples: int | None = Field(None, ge=1, le=MAX_SAMPLES, strict=True)
    sample_columns: list[str] | None = None

    @model_validator(mode="after")
    def _columns_need_samples(self) -> "EvidenceParams":
        if self.sample_columns is not None and self.samples is None:
            raise BadValue("`sample_columns` without `samples:`", "add `samples: 5` (how many failing rows to fetch)")
        if self.sample_columns is not None and not self.sample_columns:
            raise BadValue("`sample_columns` is empty", "name the columns to show, or remove the key (default: the "
                                                        "test's column and the monitor's timestamp)")
        return self


@dataclass(frozen=True)
class Ask:
    """What one test's evidence asks: the key columns its values are of, the failing-row
    condition (None: every row), and whether only repeated keys count (unique)."""

    keys: list[ColumnInfo]
    failing: exp.Expression | None
    repeated: bool = False


def _qualified(ctx: TestContext, macro: str, name: str) -> str:
    return f"{SOURCE}.{ctx.macros.quote(name, macro)}"


def _on_column(macro: str, **extra: Callable[[TestContext], Any]) -> Callable[[TestContext], Ask]:
    def ask(ctx: TestContext) -> Ask:
        args = {k: f(ctx) for k, f in extra.items()}
        return Ask([ctx.column], ctx.expression(macro, column=_qualified(ctx, macro, ctx.column.name), **args))
    return ask


def _unique(ctx: TestContext) -> Ask:
    # As the test counts: one column skips NULLs (COUNT DISTINCT does), a combination groups them.
    names = ctx.params.columns or [ctx.column.name]
    keys = [ctx.columns[n.lower()] for n in names]
    single = len(keys) == 1 and ctx.column is not None
    failing = ctx.expression("unique_failing", column=_qualified(ctx, "unique_failing", keys[0].name)) if single else None
    return Ask(keys, failing, repeated=True)


ASKS: dict[str, Callable[[TestContext], Ask]] = {
    "accepted_values": _on_column("accepted_values_failing"),
    "range": _on_column("range_failing"),
    "regex": _on_column("regex_failing"),
    "relationships": _on_column("relationships_failing",
                                to_relation=lambda ctx: ctx.relation(ctx.params.to).sql(ctx.sql_dialect)),
    "unique": _unique,
}


def with_evidence(test_type: TestType, ctx: TestContext) -> Run:
    """The test's own rounds; then, when it warns or fails and evidence is on, its evidence round."""
    settings = ctx.evidence
    build = ASKS.get(test_type.name) if isinstance(ctx.params, EvidenceParams) else None
    if build is None or settings is None or not settings.enabled:
        return (yield from test_type.run(ctx))
    shown = sample_columns(ctx)          # a misspelt column is the test's error, before any query
    outcome = yield from test_type.run(ctx)
    if not _wanted(ctx, outcome):
        return outcome
    try:
        ask = build(ctx)
        requests = [_top_values(ctx, ask, settings.top)]
        if ctx.params.samples:
            requests.append(_samples(ctx, ask, shown))
        answers = yield requests
        evidence = _shaped(ask, answers, shown)
    except SqlmonError as err:           # the evidence is extra: the result stands, with why it has none
        evidence = {"error": err.message}
    return replace(outcome, details={**outcome.details, "evidence": evidence})


def _wanted(ctx: TestContext, outcome: Outcome) -> bool:
    """A test that warns or fails, with failing rows to show (a threshold such as `< 0.5` can
    fail a test with none)."""
    if judge(ctx.test, outcome).status not in ("warn", "fail"):
        return False
    details = outcome.details or {}
    failing = details.get("failing_rows", (details.get("current_details") or {}).get("failing_rows"))
    return failing is None or failing > 0


def sample_columns(ctx: TestContext) -> list[ColumnInfo]:
    """The columns sample rows show: `sample_columns`, else the test's column(s) and the
    monitor's timestamp."""
    if not ctx.params.samples:
        return []
    names = ctx.params.sample_columns
    if names is None:
        names = [*(getattr(ctx.params, "columns", None) or []), *([ctx.column.name] if ctx.column else [])]
        if ctx.monitor.timestamp:
            names.append(ctx.monitor.timestamp)
    out: list[ColumnInfo] = []
    for name in names:
        col = ctx.columns.get(str(name).lower())
        if col is None:
            raise CompileError(f"unknown sample column '{name}' in {ctx.monitor.relation}", location=ctx.test.location,
                               hint=did_you_mean(str(name), ctx.column_names()) or "name columns of the relation")
        if col not in out:
            out.append(col)
    return out


def _top_values(ctx: TestContext, ask: Ask, top: int) -> Any:
    return ctx.query("evidence_top_values", ctx.current, keys=[c.name for c in ask.keys],
                     kinds=[c.kind for c in ask.keys], as_text=[_exact(c) for c in ask.keys], failing=ask.failing,
                     top=top, repeated=ask.repeated)


def _samples(ctx: TestContext, ask: Ask, shown: list[ColumnInfo]) -> Any:
    return ctx.query("evidence_samples", ctx.current, keys=[c.name for c in ask.keys],
                     columns=[c.name for c in shown], kinds=[c.kind for c in shown], as_text=[_exact(c) for c in shown],
                     failing=ask.failing, limit=ctx.params.samples, repeated=ask.repeated)


def _exact(col: ColumnInfo) -> bool:
    """A DECIMAL, shown as its text: exact, with its scale."""
    return col.type.upper().startswith(("DECIMAL", "NUMERIC"))


def _shaped(ask: Ask, answers: list[Any], shown: list[ColumnInfo]) -> dict[str, Any]:
    rows = answers[0] or []
    names = [c.name for c in ask.keys]

    def value(row: dict[str, Any]) -> Any:
        if len(names) == 1:
            return plain(row["sqlmon_k0"])
        return {n: plain(row[f"sqlmon_k{i}"]) for i, n in enumerate(names)}

    top = [{"value": value(r), "rows": int(r["sqlmon_rows"])} for r in rows]
    distinct = int(rows[0]["sqlmon_values"]) if rows else 0
    out: dict[str, Any] = {"columns": names, "top_values": top, "distinct_values": distinct,
                           "capped": distinct > len(top)}
    if len(answers) > 1:
        out["samples"] = [{c.name: plain(r[c.name]) for c in shown} for r in answers[1] or []]
    return out


__all__ = ["ASKS", "Ask", "EvidenceParams", "sample_columns", "with_evidence"]
