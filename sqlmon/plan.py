"""The planner: fuse the aggregates of all tests into as few queries as possible. Pure, no I/O.

Aggregates over the same scope (relation, filter, grouping) become one SELECT; identical measures
are computed once and shared; identical standalone queries run once. With `fuse_windows` (an
adapter policy, for engines that pay per scan) aggregates over *different filters* of the same
relation share one scan too: each aggregate's argument is wrapped in `CASE WHEN <its filter>
THEN ... END` and the WHERE becomes the OR of the filters. `fuse=False` gives one query per
request -- the reference the fused plans are tested against (fusion must not change answers).
With `isolate_object_aggregates` (Spark) aggregates whose state is an object -- a DISTINCT set,
a percentile's buffer, a sketch -- fuse only with each other.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from sqlmon.requests import Aggregates, Columns, Query
from sqlmon.sql import key as sql_key
from sqlmon.sql import select_from

# Aggregates whose state is an object, not a few numbers: Spark runs a query holding one in its
# object-hash/sort aggregate without code generation, which slows every other aggregate of the
# query (benchmarks/SPARK.md).
OBJECT_AGGREGATES = (exp.Distinct, exp.Quantile, exp.ApproxQuantile, exp.PercentileCont, exp.PercentileDisc,
                     exp.ArrayAgg, exp.ApproxDistinct)


@dataclass
class PlannedQuery:
    select: exp.Query
    requests: list[int]                                  # indexes into the request list
    slots: list[tuple[int, str, str]] = field(default_factory=list)   # (request, measure, alias)
    group_count: int = 0
    names: list[str] = field(default_factory=list)       # output column names (standalone queries)
    columnar: bool = False                               # every request wants `Columns` (fetch by column)

    @property
    def owned(self) -> bool:
        """The planner built `select` itself (from copies), so nothing else holds it; a
        standalone query's `select` is the request's own tree."""
        return not self.standalone

    @property
    def standalone(self) -> bool:
        return not self.slots


def plan(requests: list[Aggregates | Query], fuse: bool = True, max_expressions: int = 1000, max_aggregates: int | None = None,
         fuse_windows: bool = False, isolate_object_aggregates: bool = False) -> list[PlannedQuery]:
    out: list[PlannedQuery] = []
    groups: dict[str, list[int]] = {}
    same_query: dict[str, PlannedQuery] = {}
    for i, req in enumerate(requests):
        if isinstance(req, Query):
            key = sql_key(req.select)
            if fuse and key in same_query:          # identical standalone queries run once
                same_query[key].requests.append(i)
                continue
            same_query[key] = PlannedQuery(req.select, [i], names=list(req.select.named_selects))
            out.append(same_query[key])
        else:
            key = (_scan_key(req) if fuse_windows else req.scope.key) if fuse else f"#{i}"
            if isolate_object_aggregates and any(e.find(*OBJECT_AGGREGATES) for e in req.measures.values()):
                key += "#object"            # an adapter policy: such requests fuse only among themselves
            groups.setdefault(key, []).append(i)
    for members in groups.values():
        conditions = {_cond_key(requests[i]) for i in members}
        if len(conditions) == 1:
            first = requests[members[0]].scope
            out.extend(_fuse(members, lambda i: requests[i].measures, first.relation, first.condition,
                             first.group_by, max_expressions, max_aggregates))
        else:
            out.extend(_fuse_windows(requests, members, max_expressions, max_aggregates))
    for pq in out:
        pq.columnar = pq.group_count > 0 and all(getattr(requests[i], "columnar", False) for i in pq.requests)
    return out


def _scan_key(req: Aggregates) -> str:
    s = req.scope
    return f"{sql_key(s.relation)}#{'|'.join(sql_key(g) for g in s.group_by)}"


def _cond_key(req: Aggregates) -> str:
    return sql_key(req.scope.condition) if req.scope.condition is not None else ""


def _fuse_windows(requests: list[Any], members: list[int], max_expressions: int,
                  max_aggregates: int | None) -> list[PlannedQuery]:
    """One scan for several filters of one relation; requests whose aggregates cannot be made
    conditional keep their own scan."""
    rewritten: dict[int, dict[str, exp.Expression]] = {}
    alone: dict[str, list[int]] = {}
    for i in members:
        cond = requests[i].scope.condition
        measures = {n: conditional(e, cond) for n, e in requests[i].measures.items()}
        if all(m is not None for m in measures.values()):
            rewritten[i] = measures          # type: ignore[assignment]
        else:
            alone.setdefault(requests[i].scope.key, []).append(i)
    out: list[PlannedQuery] = []
    if rewritten:
        conds = [requests[i].scope.condition for i in rewritten]
        where = None if any(c is None for c in conds) else exp.or_(*_unique(conds))
        scope = requests[members[0]].scope
        out.extend(_fuse(list(rewritten), rewritten.__getitem__, scope.relation, where, scope.group_by,
                         max_expressions, max_aggregates))
    for group in alone.values():
        s = requests[group[0]].scope
        out.extend(_fuse(group, lambda i: requests[i].measures, s.relation, s.condition, s.group_by, max_expressions,
                         max_aggregates))
    return out


def _unique(conds: list[exp.Expression]) -> list[exp.Expression]:
    seen: dict[str, exp.Expression] = {}
    for c in conds:
        seen.setdefault(sql_key(c), c.copy())
    return [exp.paren(c) for c in seen.values()]


def conditional(expr: exp.Expression, cond: exp.Expression | None) -> exp.Expression | None:
    """`expr` computed only over rows where `cond` holds, by wrapping every aggregate's argument
    in CASE WHEN cond THEN ... END (NULLs are ignored by aggregates). None when `expr` holds a
    function sqlglot does not know outside a known aggregate (it might itself be an aggregate we
    cannot rewrite safely); inside one it is a scalar such as isfinite().

    >>> import sqlglot
    >>> conditional(sqlglot.parse_one("count(*) - count(distinct x)"), sqlglot.parse_one("w = 1")).sql()
    'COUNT(CASE WHEN w = 1 THEN 1 END) - COUNT(DISTINCT CASE WHEN w = 1 THEN x END)'
    """
    if cond is None:
        return expr.copy()
    if any(not _inside_aggregate(a) for a in expr.find_all(exp.Anonymous)):
        return None
    tree = expr.copy()
    for agg in [a for a in tree.find_all(exp.AggFunc, exp.WithinGroup) if not _inside_aggregate(a)]:
        if isinstance(agg, exp.WithinGroup):
            ordered = agg.expression.expressions[0]
            ordered.set("this", _when(cond, ordered.this))
        elif isinstance(agg, exp.Count) and isinstance(agg.this, exp.Star):
            agg.set("this", _when(cond, exp.Literal.number(1)))
        elif isinstance(agg.this, exp.Distinct):
            agg.this.set("expressions", [_when(cond, e) for e in agg.this.expressions])
        elif agg.this is not None:
            agg.set("this", _when(cond, agg.this))
        else:
            return None
    return tree


def _when(cond: exp.Expression, value: exp.Expression) -> exp.Expression:
    return exp.Case(ifs=[exp.If(this=cond.copy(), true=value)])


def _inside_aggregate(node: exp.Expression) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (exp.AggFunc, exp.WithinGroup)):
            return True
        parent = parent.parent
    return False


def _fuse(members: list[int], measures_of: Callable[[int], dict[str, exp.Expression]], relation: exp.Expression,
          condition: exp.Expression | None, group_by: tuple[exp.Expression, ...], max_expressions: int,
          max_aggregates: int | None = None) -> list[PlannedQuery]:
    queries: list[PlannedQuery] = []
    by_sql: dict[str, str] = {}
    measures: dict[str, exp.Expression] = {}
    current = PlannedQuery(exp.select("1"), [], group_count=len(group_by))
    aggregates = 0
    for i in members:
        for name, expr in measures_of(i).items():
            key = sql_key(expr)
            if key not in by_sql:
                # split: the adapter's column limit, or (ungrouped) its aggregates-per-query limit
                n = sum(1 for _ in expr.find_all(exp.AggFunc)) if max_aggregates and not group_by else 0
                if len(measures) >= max_expressions or (measures and n and aggregates + n > max_aggregates):
                    if i not in current.requests and any(r == i for r, _, _ in current.slots):
                        current.requests.append(i)      # request i continues in the next query
                    current.select = select_from(measures, relation, condition, group_by)
                    queries.append(current)
                    current, measures, by_sql = PlannedQuery(exp.select("1"), [], group_count=len(group_by)), {}, {}
                    aggregates = 0
                alias = name if name not in measures else f"{name}_{len(measures)}"
                by_sql[key] = alias
                measures[alias] = expr
                aggregates += n
            current.slots.append((i, name, by_sql[key]))
        if i not in current.requests:
            current.requests.append(i)
    current.select = select_from(measures, relation, condition, group_by)
    queries.append(current)
    return queries


def answers(pq: PlannedQuery, rows: list[tuple], requests: list[Any]) -> dict[int, Any]:
    """Map a query's rows back to each request's own answer shape."""
    if pq.standalone:
        answer = [dict(zip(pq.names, r)) for r in rows]
        return {i: answer for i in pq.requests}
    # Positions, not per-row dicts: a grouped answer (a 100,000-bin score histogram) has many rows.
    position = {e.alias_or_name: j for j, e in enumerate(pq.select.expressions)}
    groups = [(f"g{k}", k) for k in range(pq.group_count)]
    out: dict[int, Any] = {}
    shared: dict[tuple, list[dict[str, Any]]] = {}     # identical slots (deduped measures): one list
    for i in pq.requests:
        picks = groups + [(m, position[a]) for (r, m, a) in pq.slots if r == i]
        if pq.group_count:
            key = tuple(picks)
            if key not in shared:
                shared[key] = [{name: row[j] for name, j in picks} for row in rows]
            out[i] = shared[key]
        else:
            row = rows[0] if rows else None
            out[i] = {name: (row[j] if row is not None else None) for name, j in picks}
    return out


def column_answers(pq: PlannedQuery, columns: list[Any], requests: list[Any]) -> dict[int, Any]:
    """`answers` for a columnar query: each request gets a `Columns` of its own groups and
    measures (the adapter's column objects, not copied; identical slots share one `Columns`)."""
    position = {e.alias_or_name: j for j, e in enumerate(pq.select.expressions)}
    groups = [(f"g{k}", k) for k in range(pq.group_count)]
    out: dict[int, Any] = {}
    shared: dict[tuple, Columns] = {}
    for i in pq.requests:
        picks = tuple(groups + [(m, position[a]) for (r, m, a) in pq.slots if r == i])
        if picks not in shared:
            shared[picks] = Columns([name for name, _ in picks],
                                    [columns[j] if columns else () for _, j in picks])
        out[i] = shared[picks]
    return out


def merge(parts: list[dict[int, Any]]) -> dict[int, Any]:
    """Requests split over several queries (column limit) get their dicts merged."""
    out: dict[int, Any] = {}
    for part in parts:
        for i, value in part.items():
            if i in out and isinstance(out[i], dict):
                out[i].update(value)
            else:
                out[i] = value
    return out
