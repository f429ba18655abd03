"""Judging: an Outcome plus the test's thresholds and severity -> a Result. Pure.

`error_if` breached -> fail; else `warn_if` breached -> warn; `severity: warn` turns fail into warn.
`error` means the test could not be computed; `skipped` carries its reason.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from .measures import Outcome
from .specs import TestSpec
from .thresholds import parse_threshold

STATUSES = ("pass", "warn", "fail", "error", "skipped")
RANK = {"error": 0, "fail": 1, "warn": 2, "skipped": 3, "pass": 4}


@dataclass
class Result:
    unique_id: str
    monitor: str
    column: str | None
    test_type: str
    name: str
    status: str
    severity: str
    metric: float | None
    warn_if: str | None
    error_if: str | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    windows: dict[str, Any] = field(default_factory=dict)
    segment: dict[str, Any] | None = None
    timing: float = 0.0
    tags: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    location: str = ""

    def to_dict(self) -> dict[str, Any]:
        """``clean(dataclasses.asdict(self))`` in one pass: asdict deep-copies every value before
        `clean` builds new containers anyway (a third of writing run_results.json)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def base_result(test: TestSpec, status: str, message: str, metric: float | None = None,
                details: dict[str, Any] | None = None) -> Result:
    return Result(test.unique_id, test.monitor, test.column, test.test_type, test.name or test.test_type,
                  status, test.severity, metric, _text(test.warn_if), _text(test.error_if), message,
                  details or {}, tags=list(test.tags), meta=dict(test.meta), location=test.location)


def judge(test: TestSpec, outcome: Outcome) -> Result:
    metric = outcome.metric
    if metric is not None and not math.isfinite(metric):
        return base_result(test, "error", f"metric is {metric}: {outcome.message}", None, outcome.details)
    if outcome.status in ("skipped", "error"):
        return base_result(test, outcome.status, outcome.message, metric, outcome.details)
    # A test type may judge itself (outcome.status pass/warn/fail, e.g. drift's two-gate verdict);
    # otherwise the thresholds decide.
    status, why = outcome.status or "pass", ""
    if outcome.status is None and metric is None:
        status = "error"
    elif outcome.status is None and outcome.judged:
        error_t = parse_threshold(test.error_if, test.location) if test.error_if is not None else None
        warn_t = parse_threshold(test.warn_if, test.location) if test.warn_if is not None else None
        if error_t and error_t.breached(metric):
            status, why = "fail", f"error_if {error_t}"
        elif warn_t and warn_t.breached(metric):
            status, why = "warn", f"warn_if {warn_t}"
    if status == "fail" and test.severity == "warn":
        status = "warn"
    message = outcome.message + (f" (breaches {why})" if why else "")
    return base_result(test, status, message, metric, outcome.details)


def _text(v: Any) -> str | None:
    return None if v is None else str(v)


def clean(value: Any) -> Any:
    """JSON-safe: NaN/inf -> None, tuples -> lists, datetimes -> ISO text, numpy -> Python."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):       # numpy scalars
        return clean(value.item())
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)


def _plain(value: Any) -> Any:
    """What ``clean`` makes of what ``dataclasses.asdict`` makes of `value` (nested dataclasses
    become dicts of their fields; everything else as `clean` has it), without the copies."""
    if hasattr(type(value), "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return clean(value)


def exit_code(results: list[Result], fail_on: str = "fail") -> int:
    statuses = {r.status for r in results}
    if "error" in statuses:
        return 2
    if "fail" in statuses or (fail_on == "warn" and "warn" in statuses):
        return 1
    return 0
