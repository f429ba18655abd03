"""The only module that parses SQL text. After this, SQL is a sqlglot tree until an adapter's
dialect generates it.

User SQL (`where`, `expression`, `custom_sql`, `default__` macros) is written in the project's
`sql_dialect`; `<adapter>__` macros in that adapter's own dialect. Values reach SQL only as
sqlglot literals.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.tokens import TokenType

from sqlmon.config.vars import RELATION_PLACEHOLDER
from sqlmon.errors import CompileError, did_you_mean


def _parse(text: str, dialect: str, location: str, what: str) -> list[exp.Expression | None]:
    try:
        return sqlglot.parse(text, read=dialect, error_level=ErrorLevel.RAISE)
    except ParseError as err:
        info = err.errors[0] if err.errors else {}
        line, col = info.get("line"), info.get("col")
        caret = ""
        if line:
            src = text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else ""
            caret = f"\n    {src}\n    {' ' * max((col or 1) - 1, 0)}^"
        msg = info.get("description") or str(err).splitlines()[0]
        raise CompileError(f"{what} does not parse ({dialect}): {msg}{caret}", location=location,
                           hint="fix the SQL syntax near the caret") from None
    except TokenError as err:               # an unclosed quote or comment: no tree at all
        raise CompileError(f"{what} does not parse ({dialect}): {str(err).splitlines()[0][:200]}",
                           location=location, hint="close every quote ('...', \"...\") and comment") from None
    except RecursionError:
        raise CompileError(f"{what} is nested too deeply to parse", location=location,
                           hint="write it with fewer nested parentheses or subqueries") from None
    except Exception:  # noqa: BLE001 - sqlglot's parser fails on some garbage with its own bugs
        # (found by the property tests: `?.[` raised AttributeError); garbage is a syntax error
        raise CompileError(f"{what} does not parse ({dialect})", location=location,
                           hint="fix the SQL syntax") from None


def _short(text: str, limit: int = 120) -> str:
    """User SQL quoted in a message, cut to a readable length."""
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def dialects() -> list[str]:
    """The SQL dialects sqlglot reads and writes (`sql_dialect`, `sqlmon compile --dialect`)."""
    from sqlglot.dialects import Dialects
    return sorted(d.value for d in Dialects if d.value)


def check_dialect(name: object, location: str | None, what: str = "sql_dialect") -> None:
    if not isinstance(name, str) or name not in dialects():
        raise CompileError(f"unknown SQL dialect '{name}' in `{what}`", location=location,
                           hint=did_you_mean(str(name), dialects()) or f"one of: {', '.join(dialects())}")


def parse_relation(text: str, dialect: str, location: str) -> exp.Table:
    """`schema.table`, `"quoted name"`, or parquet.`/path/file.parquet` (Spark) -> a Table node.
    Only a (catalog.)(schema.)name path: no alias, no clause, no table function, no second statement."""
    try:
        # a quoted string is a file to DuckDB ('data.csv' in FROM is a replacement scan), never a name
        strings = any(t.token_type == TokenType.STRING for t in sqlglot.tokenize(str(text), read=dialect))
        table = None if strings else sqlglot.parse_one(str(text), into=exp.Table, read=dialect)
    except Exception:  # noqa: BLE001 - SqlglotError, RecursionError, or a sqlglot bug on garbage: not a name
        table = None
    parts = [table.args.get(k) for k in ("this", "db", "catalog")] if isinstance(table, exp.Table) else []
    extra = [k for k, v in table.args.items() if v and k not in ("this", "db", "catalog")] if parts else ["?"]
    if extra or not isinstance(parts[0], exp.Identifier) or not all(p is None or isinstance(p, exp.Identifier)
                                                                    for p in parts[1:]):
        raise CompileError(f"relation '{text}' is not a table name", location=location,
                           hint="write `relation: schema.table` (quote unusual names: \"my table\")")
    return table


def parse_condition(text: str, dialect: str, location: str) -> exp.Expression:
    """A `where:`/`expression:` string: exactly one boolean expression, no statement."""
    if ";" in text.replace("';'", ""):
        statements = [s for s in _parse(text, dialect, location, "condition") if s is not None]
        if len(statements) != 1:
            raise CompileError(f"a condition must be one expression, found {len(statements)} statements: {_short(text)}",
                               location=location, hint="remove the ';' and anything after it")
    trees = _parse(f"SELECT 1 WHERE {text}", dialect, location, f"condition {_short(text)}")
    tree = trees[0] if len(trees) == 1 else None
    if not isinstance(tree, exp.Select) or tree.args.get("where") is None or _extra(tree):
        raise CompileError(f"a condition must be a single boolean expression: {_short(text)}", location=location,
                           hint="write something like `country <> 'test' AND amount > 0`")
    cond = tree.args["where"].this
    if isinstance(cond, (exp.Select, exp.Union)) or cond.find(exp.Command, exp.Insert, exp.Delete, exp.Update, exp.Drop):
        raise CompileError(f"a condition must be an expression, not a statement: {_short(text)}", location=location)
    return cond


def _extra(tree: exp.Select) -> list[str]:
    """Clauses beyond SELECT 1 WHERE ... (a `where:` that smuggles in GROUP BY, LIMIT, ...)."""
    return [k for k, v in tree.args.items() if v not in (None, [], False) and k not in ("expressions", "where")]


def parse_select_list(text: str, dialect: str, location: str) -> dict[str, exp.Expression]:
    """A macro's `expr AS name, ...` output -> named expressions (the aggregates of a test)."""
    trees = _parse(f"SELECT {text}", dialect, location, "macro output")
    if len(trees) != 1 or not isinstance(trees[0], exp.Select) or trees[0].args.get("from_"):
        raise CompileError("a measure macro must render a list of `<aggregate> AS <name>`", location=location)
    out: dict[str, exp.Expression] = {}
    for e in trees[0].expressions:
        if not isinstance(e, exp.Alias):
            raise CompileError(f"measure '{e.sql(dialect)}' needs a name: write `... AS name`", location=location)
        out[e.alias] = e.this
    return out


def parse_query(text: str, dialect: str, location: str, what: str = "query") -> exp.Query:
    """One SELECT (or WITH/UNION) statement."""
    trees = [t for t in _parse(text, dialect, location, what) if t is not None]
    if len(trees) != 1 or not isinstance(trees[0], exp.Query):
        raise CompileError(f"{what} must be exactly one SELECT statement (found {len(trees)} statements)",
                           location=location, hint="remove extra statements and trailing ';'")
    return trees[0]


def is_select_statement(text: str) -> bool:
    head = text.lstrip().lstrip("(").lstrip()[:6].lower()
    return head.startswith("select") or head.startswith("with")


def check_columns(tree: exp.Expression, columns: Iterable[str], location: str, what: str) -> None:
    """Every unqualified/qualified column name must exist in `columns` (case-insensitive)."""
    known = {c.lower(): c for c in columns}
    for col in tree.find_all(exp.Column):
        name = col.name
        if name and name.lower() not in known and not isinstance(col.this, exp.Star):
            raise CompileError(f"unknown column '{name}' in {what}", location=location,
                               hint=did_you_mean(name, known.values()) or f"columns: {', '.join(list(known.values())[:20])}")


def replace_relation(tree: exp.Expression, source: exp.Expression, copy: bool = True) -> exp.Expression:
    """Put the windowed relation (`source`, a subquery) where a macro wrote `{{ relation }}`
    (`copy=False`: in `tree` itself, not in a copy)."""
    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and node.name == RELATION_PLACEHOLDER:
            alias = node.alias or "sqlmon_relation"
            return exp.Subquery(this=source.copy(), alias=exp.TableAlias(this=exp.to_identifier(alias)))
        return node
    return tree.transform(swap, copy=copy)


def column(name: str) -> exp.Column:
    return exp.column(name, quoted=True)


def literal(value: object) -> exp.Expression:
    return exp.convert(value)


def timestamp_literal(value: datetime, as_date: bool = False) -> exp.Expression:
    text = value.strftime("%Y-%m-%d") if as_date else value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return exp.cast(exp.Literal.string(text), exp.DataType.Type.DATE if as_date else exp.DataType.Type.TIMESTAMP)


def time_filter(timestamp: str, start: datetime | None, end: datetime | None, is_date: bool) -> exp.Expression | None:
    """[start, end) on the timestamp column; DATE columns compare as dates."""
    col = column(timestamp)
    parts = []
    if start is not None:
        parts.append(exp.GTE(this=col.copy(), expression=timestamp_literal(start, is_date)))
    if end is not None:
        parts.append(exp.LT(this=col.copy(), expression=timestamp_literal(end, is_date)))
    return exp.and_(*parts) if parts else None


def and_all(conditions: Iterable[exp.Expression | None]) -> exp.Expression | None:
    conds = [c for c in conditions if c is not None]
    return exp.and_(*[c.copy() for c in conds]) if conds else None


def generate(tree: exp.Expression, dialect: str, pretty: bool = False, in_place: bool = False) -> str:
    """SQL text in `dialect`. `in_place` skips sqlglot's defensive deep copy (the generator may
    rewrite the tree while spelling it): only for a tree generated once and then dropped, such as
    a planned query."""
    return tree.sql(dialect=dialect, pretty=pretty, copy=not in_place)


def quote_identifier(name: str, dialect: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect)


def render_literal(value: object, dialect: str) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(render_literal(v, dialect) for v in value)
    # A run renders ~1,000 numbers (bin edges, quantile grids): for ints and non-negative finite
    # floats, repr is what sqlglot writes in every dialect (tested) at 1/20 of the cost.
    if type(value) is int or (type(value) is float and 0 <= value < math.inf):
        return repr(value)
    return exp.convert(value).sql(dialect)


def select_from(measures: Mapping[str, exp.Expression], source: exp.Expression,
                condition: exp.Expression | None, group_by: Iterable[exp.Expression] = ()) -> exp.Select:
    # Each input is copied exactly once; the builders then work in place (copy=False): their
    # default copies the whole SELECT at every step, which cost more than running a small query.
    group_by = list(group_by)
    cols = [exp.alias_(g.copy(), f"g{i}", quoted=True, copy=False) for i, g in enumerate(group_by)]
    cols += [exp.alias_(e.copy(), name, quoted=True, copy=False) for name, e in measures.items()]
    q = exp.select(*cols, copy=False).from_(source.copy(), copy=False)
    if condition is not None:
        q = q.where(condition.copy(), copy=False)
    if group_by:
        q = q.group_by(*[g.copy() for g in group_by], copy=False)
    return q


def key(tree: exp.Expression) -> str:
    """Canonical text of a tree, for comparing and deduplicating (never sent to a warehouse).

    sqlglot's generic dialect, without its defensive deep copy: the planner asks for thousands
    of keys per run and the copies were the largest share of its Python time. A dialect's own
    generator may rewrite a tree in place to spell it (DuckDB's turns PERCENTILE_CONT ... WITHIN
    GROUP into QUANTILE_CONT, which then broke PostgreSQL's SQL), the generic one spells the tree
    as it is (tests/test_units.py checks that a key leaves the tree unchanged)."""
    return tree.sql(copy=False)
