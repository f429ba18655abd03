"""Threshold strings (`"> 1%"`, `"< -0.05"`, `"> 6 hours"`) and durations (`"1 day"`).

Grammar: `<op> <number>[%|unit]`, op in `< <= > >= == !=`. `%` means ×0.01; a duration unit
converts to seconds (the freshness metric is an age in seconds).

>>> parse_threshold("> 1%").value
0.01
>>> parse_threshold("> 6 hours").value
21600.0
>>> parse_threshold("< -0.05").breached(-0.1)
True
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass

from sqlmon.errors import ConfigError

OPS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
       "<": operator.lt, ">": operator.gt}

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
_UNIT_ALIASES = {"s": "second", "sec": "second", "secs": "second", "m": "minute", "min": "minute",
                 "mins": "minute", "h": "hour", "hr": "hour", "hrs": "hour", "d": "day", "w": "week"}

_THRESHOLD = re.compile(r"^\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(%|[a-zA-Z]+)?\s*$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$")

HOW = "write '<op> <number>[%|unit]', e.g. '> 1%', '< 1000', '> 6 hours' (op: < <= > >= == !=)"


def unit_seconds(unit: str) -> float | None:
    u = unit.lower()
    u = _UNIT_ALIASES.get(u, u)
    u = u[:-1] if u.endswith("s") and u[:-1] in UNITS else u
    return UNITS.get(u)


def parse_duration(text: str, location: str | None = None) -> float:
    """`'6 hours'` -> 21600.0 seconds."""
    m = _DURATION.match(str(text))
    seconds = unit_seconds(m.group(2)) if m else None
    if not m or seconds is None:
        raise ConfigError(f"bad duration '{text}'", location=location,
                          hint="write '<number> <unit>' with unit in seconds, minutes, hours, days, weeks")
    return float(m.group(1)) * seconds


@dataclass(frozen=True)
class Threshold:
    op: str
    value: float
    text: str

    def breached(self, metric: float) -> bool:
        return bool(OPS[self.op](metric, self.value))

    def __str__(self) -> str:
        return self.text


def parse_threshold(text: object, location: str | None = None) -> Threshold:
    if isinstance(text, bool) or not isinstance(text, str):
        raise ConfigError(f"bad threshold {text!r}: a threshold is a string with an operator",
                          location=location, hint=HOW + " (quote it in YAML)")
    m = _THRESHOLD.match(text)
    if not m:
        raise ConfigError(f"bad threshold '{text}'", location=location, hint=HOW)
    op, number, unit = m.group(1), float(m.group(2)), m.group(3)
    if unit == "%":
        number *= 0.01
    elif unit:
        seconds = unit_seconds(unit)
        if seconds is None:
            raise ConfigError(f"bad threshold '{text}': unknown unit '{unit}'", location=location, hint=HOW)
        number *= seconds
    return Threshold(op, number, text.strip())
