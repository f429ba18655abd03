"""The planner: fuse the aggregates of all tests into as few queries as possible. Pure, no I/O.

Aggregates over the same scope (relation, filter, grouping) become one SELECT; identical measures
are computed once and shared. Standalone queries pass through. `fuse=False` gives one query per
request -- the reference the fused plan is tested against (fusion must not change answers).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from .measures import Aggregates, Query
from .sql import select_from


@dataclass
class PlannedQuery:
    select: exp.Query
    requests: list[int]                                  # indexes into the request list
    slots: list[tuple[int, str, str]] = field(default_factory=list)   # (request, measure, alias)
    group_count: int = 0
    names: list[str] = field(default_factory=list)       # output column names (standalone queries)

    @property
    def standalone(self) -> bool:
        return not self.slots


def plan(requests: list[Aggregates | Query], fuse: bool = True, max_expressions: int = 1000) -> list[PlannedQuery]:
    out: list[PlannedQuery] = []
    groups: dict[str, list[int]] = {}
    same_query: dict[str, PlannedQuery] = {}
    for i, req in enumerate(requests):
        if isinstance(req, Query):
            key = req.select.sql("duckdb")
            if fuse and key in same_query:          # identical standalone queries run once
                same_query[key].requests.append(i)
                continue
            same_query[key] = PlannedQuery(req.select, [i], names=list(req.select.named_selects))
            out.append(same_query[key])
        else:
            groups.setdefault(req.scope.key if fuse else f"#{i}", []).append(i)
    for members in groups.values():
        out.extend(_fuse(requests, members, max_expressions))
    return out


def _fuse(requests: list[Any], members: list[int], max_expressions: int) -> list[PlannedQuery]:
    scope = requests[members[0]].scope
    queries: list[PlannedQuery] = []
    by_sql: dict[str, str] = {}
    measures: dict[str, exp.Expression] = {}
    current = PlannedQuery(exp.select("1"), [], group_count=len(scope.group_by))
    for i in members:
        for name, expr in requests[i].measures.items():
            key = expr.sql("duckdb")
            if key not in by_sql:
                if len(measures) >= max_expressions:     # split: the adapter's column limit
                    current.select = select_from(measures, scope.relation, scope.condition, scope.group_by)
                    queries.append(current)
                    current, measures, by_sql = PlannedQuery(exp.select("1"), [], group_count=len(scope.group_by)), {}, {}
                alias = name if name not in measures else f"{name}_{len(measures)}"
                by_sql[key] = alias
                measures[alias] = expr
            current.slots.append((i, name, by_sql[key]))
        if i not in current.requests:
            current.requests.append(i)
    current.select = select_from(measures, scope.relation, scope.condition, scope.group_by)
    queries.append(current)
    return queries


def answers(pq: PlannedQuery, rows: list[tuple], requests: list[Any]) -> dict[int, Any]:
    """Map a query's rows back to each request's own answer shape."""
    if pq.standalone:
        answer = [dict(zip(pq.names, r)) for r in rows]
        return {i: answer for i in pq.requests}
    names = [f"g{i}" for i in range(pq.group_count)] + [e.alias_or_name for e in pq.select.expressions[pq.group_count:]]
    dicts = [dict(zip(names, r)) for r in rows]
    out: dict[int, Any] = {}
    for i in pq.requests:
        slots = [(m, a) for (r, m, a) in pq.slots if r == i]
        if pq.group_count:
            out[i] = [{**{f"g{k}": d[f"g{k}"] for k in range(pq.group_count)}, **{m: d[a] for m, a in slots}}
                      for d in dicts]
        else:
            d = dicts[0] if dicts else {}
            out[i] = {m: d.get(a) for m, a in slots}
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
