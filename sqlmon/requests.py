"""What a test asks of the warehouse: named aggregates over a scope, or a standalone query.

Test types yield lists of these; the planner fuses `Aggregates` that share a `Scope` into one
SELECT; each request gets back its own values, so fusion never changes an answer.
"""
from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
from sqlglot import exp

from sqlmon.sql import key as sql_key

K = TypeVar("K")


@dataclass(frozen=True)
class Scope:
    """Rows of one relation under one filter, optionally grouped."""

    relation: exp.Expression                       # a Table (or a subquery for custom sources)
    condition: exp.Expression | None = None
    group_by: tuple[exp.Expression, ...] = ()

    @cached_property          # frozen: computed once (the planner asks for it per request)
    def key(self) -> str:
        cond = sql_key(self.condition) if self.condition is not None else ""
        groups = "|".join(sql_key(g) for g in self.group_by)
        return f"{sql_key(self.relation)}#{cond}#{groups}"

    def grouped(self, *group_by: exp.Expression) -> "Scope":
        return Scope(self.relation, self.condition, tuple(group_by))

    def filtered(self, extra: exp.Expression | None) -> "Scope":
        if extra is None:
            return self
        cond = extra.copy() if self.condition is None else exp.and_(self.condition.copy(), extra.copy())
        return Scope(self.relation, cond, self.group_by)


@dataclass
class Aggregates:
    """Named aggregate expressions over a scope.

    Answer: a dict name -> value (ungrouped scope) or a list of dicts with the group values
    under `g0`, `g1`, ... (grouped scope). `columnar` (grouped scopes; for answers read with
    numpy, such as a 100,000-bin score histogram): the answer is a :class:`Columns` instead, and
    no dict or tuple per row is built where the adapter fetches columns.
    """

    scope: Scope
    measures: dict[str, exp.Expression]
    columnar: bool = False


class Columns:
    """A grouped answer by column: ``names`` (`g0`, ..., then the measures) and one sequence per
    name, all of the same length. From an adapter that fetches columns (DuckDB) a column is a
    numpy array (NULLs masked, numbers as numpy int/float); otherwise a tuple of the values
    `Adapter.execute` returns."""

    __slots__ = ("names", "columns", "memo")

    def __init__(self, names: list[str], columns: list[Any]):
        self.names, self.columns = names, columns
        self.memo: dict[Any, Any] = {}      # what readers made of it (tests sharing the answer read it once)

    def __getitem__(self, name: str) -> Any:
        return self.columns[self.names.index(name)]

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0


def float_values(column: Any) -> tuple[np.ndarray, np.ndarray]:
    """(float64 values with NULL as NaN, the NULL mask) of a column: a numpy array (masked for
    NULLs, as `Columns` from DuckDB) or a sequence of Python values with None for NULL."""
    if isinstance(column, np.ma.MaskedArray):
        return column.astype(np.float64).filled(np.nan).ravel(), np.ma.getmaskarray(column).ravel()
    values = np.asarray(column)
    if values.dtype != object:
        return values.astype(np.float64).ravel(), np.zeros(values.size, dtype=bool)
    values = np.array(column, dtype=object).ravel()
    null = np.equal(values, None)
    return np.where(null, np.nan, values).astype(np.float64), null


@dataclass
class Query:
    """A complete SELECT sent as it is. Answer: a list of dicts keyed by output column name."""

    select: exp.Query
    label: str = ""


class Prerequisite(list):
    """A round of requests whose answers a test needs before it can ask its final ones (a drift
    profile: the bin edges come before the histograms). The runner runs such rounds first and
    holds every other test's requests back until only final requests are left, so that those
    fuse into one scan per scope (a cold drift run: the current window read once, not once per
    round). Gate tests are never held back (they must trip before the others run)."""


def due(pending: Mapping[K, Sequence[Any]], always: Callable[[K], bool] = lambda key: False) -> list[K]:
    """The one scheduling rule of a round, for the executor (between tests) and `lockstep`
    (between the parts of one test): while any pending round is a `Prerequisite`, only those run,
    and those `always` lets through (the executor's gates, which must trip first, and its
    standalone queries, which fuse with nothing, so holding them back saves no scan); every other
    round waits for the round where all requests left are final, and fuses there.

    >>> agg = Aggregates(Scope(exp.to_table("t")), {})
    >>> due({"drift": Prerequisite([agg]), "mean": [agg], "gate": [agg]}, lambda key: key == "gate")
    ['drift', 'gate']
    >>> due({"mean": [agg], "gate": [agg]})
    ['mean', 'gate']
    """
    waiting = any(isinstance(reqs, Prerequisite) for reqs in pending.values())
    return [key for key, reqs in pending.items() if not waiting or isinstance(reqs, Prerequisite) or always(key)]


def lockstep(runs: list[Generator[Any, Any, Any]]) -> Generator[list[Any], list[Any], list[Any]]:
    """Drive several sub-runs as one (the current and reference windows of a `compare:` test, the
    columns of `dataset_drift`): each round yields all their due requests together (so the
    planner fuses them) and hands each its own answers. Returns their outcomes in order. Rounds
    are scheduled by `due`, and the yielded round is a Prerequisite when any part of it is."""
    outcomes: list[Any] = [None] * len(runs)
    pending: dict[int, Sequence[Any]] = {}
    for i, r in enumerate(runs):
        try:
            pending[i] = next(r)
        except StopIteration as stop:
            outcomes[i] = stop.value
    while pending:
        urgent = any(isinstance(reqs, Prerequisite) for reqs in pending.values())
        now = {i: pending[i] for i in due(pending)}
        flat = [req for reqs in now.values() for req in reqs]
        answers = yield (Prerequisite(flat) if urgent else flat)
        pos = 0
        for i, reqs in now.items():
            mine, pos = list(answers[pos:pos + len(reqs)]), pos + len(reqs)
            del pending[i]
            try:
                pending[i] = runs[i].send(mine)
            except StopIteration as stop:
                outcomes[i] = stop.value
    return outcomes
