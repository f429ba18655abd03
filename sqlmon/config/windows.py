"""Resolve a monitor's `current` / `reference` windows against `as_of` into concrete bounds.

Rules (DESIGN §5.1): half-open [start, end); `last: N unit` = [as_of - N, as_of);
`between: [a, b]` = [a, b); `previous: N unit` = the N units before the current window starts;
a date means its midnight UTC; naive timestamps are UTC; no `current` = the whole relation.
A `reference: {relation: X}` brings its own `where`/`timestamp`/window; the monitor's `where`
does not leak into another relation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmon.config.specs import MonitorSpec, WindowSpec
from sqlmon.config.thresholds import parse_instant, parse_span
from sqlmon.errors import ConfigError


@dataclass(frozen=True)
class Window:
    name: str                  # "current" | "reference"
    relation: str
    timestamp: str | None
    start: datetime | None     # inclusive, UTC
    end: datetime | None       # exclusive, UTC
    where: tuple[str, ...]     # user conditions (sql_dialect text), ANDed by sql.py

    def bounds(self) -> dict[str, str | None]:
        return {"relation": self.relation,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}


def window_problem(monitor: MonitorSpec) -> tuple[tuple[str, ...], str, str] | None:
    """The first window mistake that needs no clock, as (key path under the monitor, what, fix):
    a time window without a timestamp column, `previous:` anywhere but after a time-bounded
    current window. Checked when the project loads; durations and dates are checked by the specs."""
    for name, spec in (("current", monitor.current), ("reference", monitor.reference)):
        if spec is None:
            continue
        forms = [k for k in ("last", "between", "previous") if getattr(spec, k) is not None]
        if not forms:
            continue
        other = spec.relation is not None and spec.relation != monitor.relation
        if not (spec.timestamp or (None if other else monitor.timestamp)):
            return ((name, forms[0]), f"`{name}: {{{forms[0]}: ...}}` needs a timestamp column",
                    "set `timestamp:` on the monitor (or on the reference when it is another relation)")
        if forms[0] == "previous" and (name != "reference" or monitor.current is None
                                       or (monitor.current.last is None and monitor.current.between is None)):
            return ((name, "previous"), "`previous:` is for a reference window after a time-bounded current window",
                    "give the monitor `current: {last: 1 day}` (or `between:`) first")
    return None


def resolve_windows(monitor: MonitorSpec, as_of: datetime, location: str) -> tuple[Window, Window | None]:
    problem = window_problem(monitor)
    if problem is not None:
        raise ConfigError(problem[1], location=location, hint=problem[2])
    try:
        current = _resolve(monitor, monitor.current, "current", as_of, None, location)
        reference = None
        if monitor.reference is not None:
            reference = _resolve(monitor, monitor.reference, "reference", as_of, current, location)
    except (OverflowError, ValueError):
        raise ConfigError(f"the windows of monitor '{monitor.name}' reach outside the calendar as of "
                          f"{as_of.isoformat()}", location=location,
                          hint="shorten the window or move --as-of into years 1..9999") from None
    return current, reference


def _resolve(monitor: MonitorSpec, spec: WindowSpec | None, name: str, as_of: datetime,
             current: Window | None, location: str) -> Window:
    if spec is None:
        return Window(name, monitor.relation, monitor.timestamp, None, None, _conds(monitor.where))
    other = spec.relation is not None and spec.relation != monitor.relation
    relation = spec.relation or monitor.relation
    timestamp = spec.timestamp or (None if other else monitor.timestamp)
    filt = _conds(spec.where) if other else _conds(monitor.where, spec.where)
    start = end = None
    if spec.last is not None:
        end = as_of
        start = parse_span(spec.last, location).before(as_of)
    elif spec.between is not None:
        start, end = (parse_instant(x, location) for x in spec.between)
    elif spec.previous is not None:
        end = current.start if current is not None else None
        start = parse_span(spec.previous, location).before(end) if end is not None else None
    return Window(name, relation, timestamp, start, end, filt)


def _conds(*texts: str | None) -> tuple[str, ...]:
    return tuple(t for t in texts if t)
