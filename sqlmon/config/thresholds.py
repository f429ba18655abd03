"""Values with units in YAML: thresholds (`"> 1%"`, `"< -0.05"`, `"> 6 hours"`), durations (`"1 day"`,
`"1 month"`) and instants (`2024-01-31`, `2024-01-31T06:00`).

Grammar: `<op> <number>[%|unit]`, op in `< <= > >= == !=`. `%` means ×0.01; a duration unit
converts to seconds (the freshness metric is an age in seconds). Parsed when the project is
loaded, so a bad one is refused before any query with its file:line.

>>> parse_threshold("> 1%").value
0.01
>>> parse_threshold("> 6 hours").value
21600.0
>>> parse_threshold("< -0.05").breached(-0.1)
True
>>> parse_span("1 month").before(datetime(2024, 3, 31, tzinfo=timezone.utc)).date()
datetime.date(2024, 2, 29)
"""
from __future__ import annotations

import calendar
import math
import operator
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlmon.errors import ConfigError

OPS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
       "<": operator.lt, ">": operator.gt}

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
CALENDAR_UNITS = {"month": 1, "year": 12}         # in months: their length depends on the date
_UNIT_ALIASES = {"s": "second", "sec": "second", "secs": "second", "m": "minute", "min": "minute",
                 "mins": "minute", "h": "hour", "hr": "hour", "hrs": "hour", "d": "day", "w": "week",
                 "mo": "month", "mon": "month", "y": "year", "yr": "year"}
# Longest span accepted: beyond this no window, lookback or step means anything, and datetime
# arithmetic overflows.
MAX_SECONDS = 1000 * 366 * 86400

_THRESHOLD = re.compile(r"^\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(%|[a-zA-Z]+)?\s*$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$")

HOW = "write '<op> <number>[%|unit]', e.g. '> 1%', '< 1000', '> 6 hours' (op: < <= > >= == !=)"
HOW_SPAN = ("write '<number> <unit>' with unit in seconds, minutes, hours, days, weeks, months, years "
            "(e.g. '1 day', '6 hours', '1 month')")


def _unit(unit: str) -> str:
    u = unit.lower()
    u = _UNIT_ALIASES.get(u, u)
    return u[:-1] if u.endswith("s") and (u[:-1] in UNITS or u[:-1] in CALENDAR_UNITS) else u


def unit_seconds(unit: str) -> float | None:
    return UNITS.get(_unit(unit))


@dataclass(frozen=True)
class Span:
    """A positive duration: fixed (`seconds`) or calendar (`months`, whole months only)."""

    seconds: float = 0.0
    months: int = 0
    text: str = ""

    def before(self, instant: datetime) -> datetime:
        """`instant` minus this span; a month back from the 31st lands on the month's last day."""
        if self.months:
            return _shift_months(instant, -self.months)
        return instant - timedelta(seconds=self.seconds)

    def __str__(self) -> str:
        return self.text


def _shift_months(instant: datetime, months: int) -> datetime:
    year, month0 = divmod(instant.month - 1 + months, 12)
    year += instant.year
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    day = min(instant.day, calendar.monthrange(year, month0 + 1)[1])
    return instant.replace(year=year, month=month0 + 1, day=day)


def parse_span(text: object, location: str | None = None, *, calendar_units: bool = True) -> Span:
    """`'6 hours'`, `'1 month'` -> a positive Span (months only where `calendar_units`)."""
    m = _DURATION.match(str(text)) if isinstance(text, str) else None
    unit = _unit(m.group(2)) if m else ""
    allowed = f"{HOW_SPAN}" if calendar_units else HOW_SPAN.replace(", months, years", "").replace(", '1 month'", "")
    if not m or (unit not in UNITS and (unit not in CALENDAR_UNITS or not calendar_units)):
        extra = " (a calendar unit has no fixed length here)" if m and unit in CALENDAR_UNITS else ""
        raise ConfigError(f"bad duration {text!r}{extra}", location=location, hint=allowed)
    amount = float(m.group(1))
    if amount <= 0:
        raise ConfigError(f"duration {text!r} is not positive", location=location, hint="give a span longer than 0, e.g. '1 day'")
    if unit in CALENDAR_UNITS:
        if amount != int(amount):
            raise ConfigError(f"duration {text!r}: months and years are whole numbers", location=location,
                              hint="e.g. '1 month', '3 months', or use days: '45 days'")
        months = int(amount) * CALENDAR_UNITS[unit]
        if months > MAX_SECONDS / (31 * 86400):
            raise ConfigError(f"duration {text!r} is longer than 1000 years", location=location, hint=allowed)
        return Span(months=months, text=str(text).strip())
    seconds = amount * UNITS[unit]
    if seconds > MAX_SECONDS:
        raise ConfigError(f"duration {text!r} is longer than 1000 years", location=location, hint=allowed)
    return Span(seconds=seconds, text=str(text).strip())


def parse_duration(text: str, location: str | None = None) -> float:
    """`'6 hours'` -> 21600.0 seconds: a positive span of fixed length (no months)."""
    return parse_span(text, location, calendar_units=False).seconds


@dataclass(frozen=True)
class Threshold:
    op: str
    value: float
    text: str
    unit: str | None = None      # '%', a duration unit, or None

    def breached(self, metric: float) -> bool:
        return bool(OPS[self.op](metric, self.value))

    def __str__(self) -> str:
        return self.text


def parse_threshold(text: object, location: str | None = None) -> Threshold:
    if isinstance(text, Threshold):
        return text
    if isinstance(text, bool) or not isinstance(text, str):
        raise ConfigError(f"bad threshold {text!r}: a threshold is a string with an operator",
                          location=location, hint=HOW + " (quote it in YAML)")
    m = _THRESHOLD.match(text)
    if not m:
        raise ConfigError(f"bad threshold '{text}'", location=location, hint=HOW)
    op, number, unit = m.group(1), float(m.group(2)), m.group(3)
    if not math.isfinite(number):
        raise ConfigError(f"bad threshold '{text}': {m.group(2)} is not a finite number", location=location, hint=HOW)
    if unit == "%":
        number *= 0.01
    elif unit:
        seconds = unit_seconds(unit)
        if seconds is None:
            why = "months and years have no fixed length" if _unit(unit) in CALENDAR_UNITS else f"unknown unit '{unit}'"
            raise ConfigError(f"bad threshold '{text}': {why}", location=location,
                              hint=HOW + "; units: seconds, minutes, hours, days, weeks")
        number *= seconds
    return Threshold(op, number, text.strip(), unit)


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
