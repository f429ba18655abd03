"""Resolve a monitor's `current` / `reference` windows against `as_of` into concrete bounds.

Rules (DESIGN §5.1): half-open [start, end); `last: N unit` = [as_of - N, as_of);
`between: [a, b]` = [a, b); `previous: N unit` = the N units before the current window starts;
a date means its midnight UTC; naive timestamps are UTC; no `current` = the whole relation.
A `reference: {relation: X}` brings its own `where`/`timestamp`/window; the monitor's `where`
does not leak into another relation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlmon.config.specs import MonitorSpec, WindowSpec
from sqlmon.config.thresholds import parse_duration
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


def parse_instant(text: str | datetime, location: str | None = None) -> datetime:
    """ISO date or timestamp -> aware UTC datetime (a date is its midnight UTC)."""
    if isinstance(text, datetime):
        value = text
    else:
        try:
            value = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError(f"bad date/time '{text}'", location=location,
                              hint="use ISO format: 2024-01-31 or 2024-01-31T06:00:00") from None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def resolve_windows(monitor: MonitorSpec, as_of: datetime, location: str) -> tuple[Window, Window | None]:
    current = _resolve(monitor, monitor.current, "current", as_of, None, location)
    reference = None
    if monitor.reference is not None:
        reference = _resolve(monitor, monitor.reference, "reference", as_of, current, location)
    return current, reference


def _resolve(monitor: MonitorSpec, spec: WindowSpec | None, name: str, as_of: datetime,
             current: Window | None, location: str) -> Window:
    if spec is None:
        return Window(name, monitor.relation, monitor.timestamp, None, None, _conds(monitor.where))
    other = spec.relation is not None and spec.relation != monitor.relation
    relation = spec.relation or monitor.relation
    timestamp = spec.timestamp or (None if other else monitor.timestamp)
    filt = _conds(spec.where) if other else _conds(monitor.where, spec.where)
    forms = [k for k in ("last", "between", "previous") if getattr(spec, k) is not None]
    if len(forms) > 1:
        raise ConfigError(f"`{name}` has both {forms[0]} and {forms[1]}", location=location,
                          hint="a window is one of {last: N unit}, {between: [a, b]}, {previous: N unit}")
    start = end = None
    if forms:
        if timestamp is None:
            raise ConfigError(f"`{name}: {{{forms[0]}: ...}}` needs a timestamp column", location=location,
                              hint="set `timestamp:` on the monitor (or on the reference when it is another relation)")
        if spec.last is not None:
            end = as_of
            start = as_of - timedelta(seconds=parse_duration(spec.last, location))
        elif spec.between is not None:
            start, end = (parse_instant(x, location) for x in spec.between)
            if start >= end:
                raise ConfigError(f"`{name}: between` must go forward in time: {spec.between}", location=location)
        else:
            if name != "reference" or current is None or current.start is None:
                raise ConfigError("`previous:` is for a reference window after a time-bounded current window",
                                  location=location, hint="give the monitor `current: {last: 1 day}` first")
            end = current.start
            start = end - timedelta(seconds=parse_duration(spec.previous, location))
    return Window(name, relation, timestamp, start, end, filt)


def _conds(*texts: str | None) -> tuple[str, ...]:
    return tuple(t for t in texts if t)
