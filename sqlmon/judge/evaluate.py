"""Judging: an Outcome plus the test's thresholds and severity -> a Result. Pure.

The one place that turns a metric into a status (the executor, segments and anomaly tests all
come here): `error_if` breached -> fail; else `warn_if` breached -> warn; a test type with a
rule of its own (drift's two-gate verdict, an anomaly's floors) says `Outcome.verdict` instead
and a breached verdict is a fail; `severity: warn` turns fail into warn. `error` means the test
could not be computed; `skipped` carries its reason.
"""
from __future__ import annotations

import math
from typing import Any

from sqlmon.config.specs import TestSpec
from sqlmon.results import Outcome, Result


def base_result(test: TestSpec, status: str, message: str, metric: float | None = None,
                details: dict[str, Any] | None = None) -> Result:
    return Result(test.unique_id, test.monitor, test.column, test.test_type, test.name or test.test_type,
                  status, test.severity, metric, _text(test.warn_if), _text(test.error_if), message,
                  details or {}, tags=list(test.tags), meta=dict(test.meta), location=test.location,
                  preset=test.preset, tier=test.tier, owner=test.owner)


def judge(test: TestSpec, outcome: Outcome) -> Result:
    metric = outcome.metric
    if metric is not None and not math.isfinite(metric):
        return base_result(test, "error", f"metric is {metric}: {outcome.message}", None, outcome.details)
    if outcome.status is not None:
        return base_result(test, outcome.status, outcome.message, metric, outcome.details)
    status, why = "pass", ""
    if outcome.verdict is not None:        # the test type's own rule decided
        status = "fail" if outcome.verdict else "pass"
    elif metric is None:
        status = "error"
    elif outcome.judged:
        # thresholds were parsed (typed) when the project loaded
        if test.error_if is not None and test.error_if.breached(metric):
            status, why = "fail", f"error_if {test.error_if}"
        elif test.warn_if is not None and test.warn_if.breached(metric):
            status, why = "warn", f"warn_if {test.warn_if}"
    if status == "fail" and test.severity == "warn":
        status = "warn"
    message = outcome.message + (f" (breaches {why})" if why else "")
    return base_result(test, status, message, metric, outcome.details)


def _text(v: Any) -> str | None:
    return None if v is None else str(v)


def compare_windows(current: Outcome, reference: Outcome, how: Any) -> Outcome:
    """`compare: reference`: the judged metric is current - reference (`{reference: ratio}`:
    current / reference); both values stay in the details. A window without a value makes the
    comparison `error` (or keeps its `skipped`)."""
    mode = how.get("reference", "difference") if isinstance(how, dict) else "difference"
    details = {"current": current.metric, "reference": reference.metric,
               "current_details": current.details, "reference_details": reference.details, "compare": mode}
    for o, name in ((current, "current"), (reference, "reference")):
        if o.status or o.metric is None:
            return Outcome(None, details, f"{name} window: {o.message or 'no value'}", status=o.status or "error")
    if mode == "ratio":
        if reference.metric == 0:
            return Outcome(None, details, "reference value is 0: the ratio is undefined", status="error")
        return Outcome(current.metric / reference.metric, details,
                       f"current/reference = {current.metric:.6g}/{reference.metric:.6g}")
    return Outcome(current.metric - reference.metric, details,
                   f"current - reference = {current.metric:.6g} - {reference.metric:.6g}")
