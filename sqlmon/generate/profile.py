"""The profile `sqlmon generate` derives a monitor from: aggregate queries in the warehouse, never
rows. One query for the window (rows; per column its non-NULLs, the finite min/max of numbers
through the `min`/`max` macros so the values are the ones those tests see, the distinct count of
text), one for the rows and non-NULLs per whole day, one per few-valued text column for its
values. Built as sqlglot trees and generated in the target's dialect: nothing here names an engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlglot import exp

from sqlmon.adapters.base import Adapter
from sqlmon.columns import DATE, NUMERIC, STRING, ColumnInfo, is_float
from sqlmon.config.project import Project
from sqlmon.config.thresholds import parse_instant, parse_span
from sqlmon.config.vars import RELATION_PLACEHOLDER, make_context
from sqlmon.errors import ConfigError
from sqlmon.render import Macros
from sqlmon.resources import macros_dir
from sqlmon.sql import and_all, column, generate, parse_select_list, select_from, time_filter

DAY = timedelta(days=1)


@dataclass
class Profile:
    """What the warehouse said about the reference window."""

    rows: int
    start: datetime | None
    end: datetime | None
    nonnull: dict[str, int]
    low: dict[str, float] = field(default_factory=dict)            # finite min of numeric columns
    high: dict[str, float] = field(default_factory=dict)
    distinct: dict[str, int] = field(default_factory=dict)         # text columns
    values: dict[str, list[Any]] = field(default_factory=dict)     # text columns with few values
    days: dict[date, tuple[int, dict[str, int]]] = field(default_factory=dict)   # whole day -> rows, non-NULLs
    whole: list[date] = field(default_factory=list)                # every whole day of the window

    @property
    def label(self) -> str:
        """The window as comments show it: `2013-01-01..2013-01-31` (days, inclusive)."""
        start, end = self.start, self.end
        if start is None or end is None:
            return "the whole relation"
        if start == midnight(start) and end == midnight(end):
            return f"{start.date()}..{(end - DAY).date()}"
        return f"[{instant(start)}, {instant(end)})"


@dataclass(frozen=True)
class Window:
    """The reference window asked for: `--reference-last` (before `as_of`), `--reference-between`, or none."""

    last: str | None
    between: tuple[str, str] | None
    as_of: datetime


def take_profile(project: Project, adapter: Adapter, table: exp.Table, relation: str, columns: list[ColumnInfo],
                 ts: ColumnInfo | None, window: Window, few_values: int) -> Profile:
    """Profile `table` (`relation` as written) over `window` of `ts`; every column but `ts`."""
    condition: list[exp.Expression | None] = []

    def run(measures: dict[str, exp.Expression], group_by: tuple = (), where: Any = None, limit: int = 0) -> list:
        query = select_from(measures, table, and_all([*condition, where]), group_by)
        return adapter.execute(generate(query.limit(limit) if limit else query, adapter.dialect))

    start, end, asked = _bounds(window, ts, run)
    if ts is not None:
        condition.append(time_filter(ts.name, start, end, ts.kind == DATE) if start else exp.false())
    macros = Macros([macros_dir(), *project.macro_dirs], adapter.name, adapter.dialect, project.spec.sql_dialect,
                    {**make_context(project.vars, dbt=project.manifest, target=project.jinja_target),
                     "relation": RELATION_PLACEHOLDER})
    kept = [c for c in columns if ts is None or c.name != ts.name]
    numeric = [c for c in kept if c.kind == NUMERIC]
    text = [c for c in kept if c.kind == STRING]
    measures: dict[str, exp.Expression] = {"rows": exp.Count(this=exp.Star())}
    measures.update({f"n{i}": exp.Count(this=column(c.name)) for i, c in enumerate(kept)})
    for i, c in enumerate(numeric):
        measures[f"lo{i}"], measures[f"hi{i}"] = (_finite(macros, m, c) for m in ("min", "max"))
    measures.update({f"d{i}": exp.Count(this=exp.Distinct(expressions=[column(c.name)])) for i, c in enumerate(text)})
    (answer,) = run(measures)
    got = dict(zip(measures, answer))
    profile = Profile(int(got["rows"] or 0), start, end, {c.name: int(got[f"n{i}"] or 0) for i, c in enumerate(kept)})
    if profile.rows == 0:
        what = f"the reference window {profile.label} of {relation}" if start else relation
        raise ConfigError(f"{what} holds no rows", hint="choose a window with data (--reference-between START END, "
                                                         "--reference-last SPAN) or another relation")
    for i, c in enumerate(numeric):
        if got[f"lo{i}"] is not None:
            profile.low[c.name], profile.high[c.name] = float(got[f"lo{i}"]), float(got[f"hi{i}"])
    for i, c in enumerate(text):
        profile.distinct[c.name] = n = int(got[f"d{i}"] or 0)
        if 0 < n <= few_values:
            found = run({"rows": exp.Count(this=exp.Star())}, (column(c.name),),
                        exp.Not(this=exp.Is(this=column(c.name), expression=exp.Null())), few_values + 1)
            profile.values[c.name] = sorted((v if isinstance(v, (str, int, float, bool)) else str(v)) for v, _ in found)
    if ts is not None and start is not None:
        _days(profile, kept, ts, run, trim=not asked)
    return profile


def _bounds(window: Window, ts: ColumnInfo | None, run: Any) -> tuple[datetime | None, datetime | None, bool]:
    """(start, end, asked): the window asked for; without one, the whole days the data spans."""
    if (window.last or window.between) and ts is None:
        option = "--reference-last" if window.last else "--reference-between"
        raise ConfigError(f"{option} needs --timestamp", hint="name the timestamp column with --timestamp COLUMN")
    if window.last and window.between:
        raise ConfigError("--reference-last and --reference-between both given", hint="choose one")
    if window.between:
        start, end = (parse_instant(x, "--reference-between") for x in window.between)
        if start >= end:
            raise ConfigError(f"--reference-between must go forward in time: {' '.join(window.between)}",
                              hint="write START END with start < end")
        return start, end, True
    if window.last:
        return parse_span(window.last, "--reference-last").before(window.as_of), window.as_of, True
    if ts is None:
        return None, None, False
    (low, high), = run({"low": exp.Min(this=column(ts.name)), "high": exp.Max(this=column(ts.name))})
    if low is None:
        return None, None, False
    return midnight(_utc(low)), midnight(_utc(high)) + DAY, False


def _finite(macros: Macros, name: str, col: ColumnInfo) -> exp.Expression:
    """The `min`/`max` test's own aggregate (finite values only, dispatched per engine)."""
    rendered = macros.render(name, "sqlmon generate", column=macros.quote(col.name, name), is_float=is_float(col))
    return next(iter(parse_select_list(rendered.text, rendered.dialect, f"macro {rendered.macro}").values()))


def _days(profile: Profile, kept: list[ColumnInfo], ts: ColumnInfo, run: Any, trim: bool) -> None:
    """Rows and non-NULLs per whole UTC day of the window (every adapter's session runs in UTC);
    when the window is the data's own span, its first and last days may be partial: left out."""
    day = exp.cast(column(ts.name), exp.DataType.Type.DATE)
    measures = {"rows": exp.Count(this=exp.Star()), **{f"n{i}": exp.Count(this=column(c.name))
                                                      for i, c in enumerate(kept)}}
    first = midnight(profile.start) + (DAY if profile.start != midnight(profile.start) else timedelta())
    whole = [(first + k * DAY).date() for k in range(max(0, (profile.end - first) // DAY))]
    if trim and len(whole) >= 3:
        whole = whole[1:-1]
    profile.whole = whole
    keep = set(whole)
    for g, *counts in run(measures, (day,)):
        d = g.date() if isinstance(g, datetime) else g
        if d in keep:
            profile.days[d] = (int(counts[0]), {c.name: int(n or 0) for c, n in zip(kept, counts[1:])})


def _utc(value: Any) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def midnight(value: datetime) -> datetime:
    return value.replace(hour=0, minute=0, second=0, microsecond=0)


def instant(value: datetime) -> str:
    """A bound as YAML and comments write it: a date at midnight, else a naive UTC timestamp."""
    return str(value.date()) if value == midnight(value) else value.replace(tzinfo=None).isoformat()
