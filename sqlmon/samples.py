"""Reference samples an adapter keeps for the run: drawn once, read by every query that needs them.

A cold drift run reads the seeded profile sample of the reference several times: the profile
(quantiles), the discrete probes and the reference histograms. Drawn inline, each of those
queries drew the sample again -- a single-threaded reservoir pass over the whole reference window
(0.3 s per draw at 5M reference rows, four draws per cold run). Where the adapter can keep a
sample (DuckDB: a table in a scratch in-memory database attached to the connection), the tests'
queries read a named table instead, and the executor draws it once, with the columns the tests
registered, before the first query that reads it.

Pure bookkeeping: what each sample is, which columns it must carry, which are drawn already.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from sqlglot import exp

from sqlmon.sql import key as sql_key

PREFIX = "sqlmon_sample_"
# Columns per kept sample: 100,000 rows x 64 numbers is 51 MB. A wider suite gets more samples
# of the same seeded draw (the engine draws the same rows on every run), each with its own columns.
MAX_COLUMNS = 64


class Samples:
    def __init__(self, catalog: str | None = None) -> None:
        self.catalog = catalog                       # the database the adapter keeps them in (None: unqualified)
        self._select: dict[str, exp.Query] = {}      # name -> SELECT * ... <sample clause>
        self._columns: dict[str, list[str]] = {}     # name -> the columns tests registered
        self._drawn: dict[str, frozenset[str]] = {}  # name -> the columns drawn so far

    def table(self, select: exp.Query, columns: Sequence[str]) -> exp.Table:
        """The table standing for `select` (the sampled rows) that carries `columns`."""
        digest = hashlib.sha1(sql_key(select).encode()).hexdigest()[:12]
        part = 0
        while True:
            name = f"{PREFIX}{digest}" + (f"_{part}" if part else "")
            have = self._columns.setdefault(name, [])
            self._select.setdefault(name, select)
            new = [c for c in columns if c not in have]
            if not new or len(have) + len(new) <= MAX_COLUMNS or not have:
                have.extend(new)
                if self.catalog:
                    return exp.table_(name, db="main", catalog=self.catalog)
                return exp.Table(this=exp.to_identifier(name))
            part += 1

    def read_by(self, query: exp.Expression) -> set[str]:
        """The kept samples `query` reads."""
        if not self._select:
            return set()
        return {t.name for t in query.find_all(exp.Table) if t.name in self._select}

    def due(self, names: Iterable[str]) -> list[tuple[str, exp.Query]]:
        """(name, SELECT to draw) for each of these samples whose registered columns are not all
        drawn yet (a column registered after the draw gets the sample drawn again)."""
        out = []
        for name in sorted(set(names)):
            cols = self._columns[name]
            if name in self._drawn and self._drawn[name].issuperset(cols):
                continue
            out.append((name, self.definition(name)))
        return out

    def definition(self, name: str) -> exp.Query:
        """The SELECT that draws sample `name` with its registered columns."""
        select = self._select[name].copy()
        if self._columns[name]:
            select.set("expressions", [exp.column(c, quoted=True) for c in self._columns[name]])
        return select

    def drawn(self, name: str) -> None:
        self._drawn[name] = frozenset(self._columns[name])
