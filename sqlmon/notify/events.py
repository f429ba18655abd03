"""What a channel is told about each test this run, from its result and the last notification
DELIVERED to that channel about it (the history's `notifications` table):

  alert     the test is at or above `min_status` (default `fail`: fail and error) and the channel
            was never told, or was last told it recovered
  repeat    it still is, and the channel was told, but `suppress_for` has passed since the run that
            told it (by `as_of`), or it got WORSE since then (below)
  recovery  the channel was last told it was failing, and now it passes, or warns below
            `min_status`; told once (the next run finds the recovery as the last thing told)
  nothing   otherwise: a known failure inside the window, a pass that was never alerted, and every
            `skipped` test (not judged: neither news nor a recovery)

WORSE means: the status went up (warn -> fail -> error), or, at the same status, the metric is at
least `WORSE_FACTOR` times as far past its threshold's line as when the channel was last told, in
the direction the operator points (`> x`/`>= x`: higher is worse; `< x`/`<= x`: lower is worse;
`==`/`!=` have no direction: only the status counts). The line is `error_if` for a fail (`warn_if`
for a warn; the other when one is missing). A factor, not any movement: an age that grows every run
(freshness) would otherwise be repeated every run.

A tripped availability gate (row_count, freshness, schema ending in fail or error) carries the tests
it skipped (`cause = "gate"`): one line names them instead of one line each.

Without the history's delivery state (`--no-history`, `history: {enabled: false}`) every test at
`min_status` is an alert and there are no recoveries: nothing is remembered.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmon.config.thresholds import parse_threshold
from sqlmon.errors import SqlmonError

if TYPE_CHECKING:
    from sqlmon.history import Notified
    from sqlmon.results import Result

LEVEL = {"warn": 1, "fail": 2, "error": 3}      # how bad a status is, for notifications
WORSE_FACTOR = 2.0
TOLD = ("alert", "repeat")                        # a channel last told one of these: it knows it is failing
# The reason the executor gives a test a tripped gate skipped (sqlmon.execute._gate_reason).
_GATE_REASON = re.compile(r"^skipped: gate (\S+) is ")


@dataclass(frozen=True)
class Item:
    """One line of a message: a test and why the channel is told about it."""

    result: "Result"
    event: str                              # alert | repeat | recovery
    cause: str = "test"                     # test | gate (a tripped gate; `skipped` is what it skipped)
    skipped: tuple[str, ...] = ()
    reason: str | None = None               # a repeat's: "worse" or "expired"
    before: "Notified | None" = None        # what the channel was last told (repeat, recovery)


def gate_skips(results: Sequence["Result"]) -> dict[str, tuple[str, ...]]:
    """A tripped gate's unique id -> the unique ids it skipped, read from their reasons."""
    out: dict[str, list[str]] = {}
    for r in results:
        m = _GATE_REASON.match(r.message or "") if r.status == "skipped" else None
        if m:
            out.setdefault(m.group(1), []).append(r.unique_id)
    return {gate: tuple(ids) for gate, ids in out.items()}


def decide(results: Sequence["Result"], last: "dict[str, Notified] | None", *, as_of: datetime,
           suppress_for: float, min_status: str, skips: dict[str, tuple[str, ...]]) -> list[Item]:
    """The items a channel is told about, in the run's order. `last`: unique id -> the last
    notification delivered to this channel (None: no memory, every failure is an alert)."""
    floor = LEVEL[min_status]
    items = []
    for r in results:
        if r.status == "skipped":
            continue
        before = last.get(r.unique_id) if last is not None else None
        told = before is not None and before.event in TOLD
        skipped = skips.get(r.unique_id, ()) if r.status in ("fail", "error") else ()
        cause = "gate" if skipped else "test"
        if LEVEL.get(r.status, 0) >= floor:
            if not told:
                items.append(Item(r, "alert", cause, skipped))
            elif worse(r, before):
                items.append(Item(r, "repeat", cause, skipped, "worse", before))
            elif (as_of - before.as_of).total_seconds() >= suppress_for:
                items.append(Item(r, "repeat", cause, skipped, "expired", before))
        elif told:
            items.append(Item(r, "recovery", before=before))
    return items


def worse(result: "Result", before: "Notified") -> bool:
    """The status went up, or the metric moved `WORSE_FACTOR` times as far past its line (module doc)."""
    now, then = LEVEL.get(result.status, 0), LEVEL.get(before.status, 0)
    if now != then:
        return now > then
    if result.metric is None or before.metric is None:
        return False
    line = _line(result)
    if line is None:
        return False
    op, value = line
    sign = 1.0 if op in (">", ">=") else -1.0
    past_now, past_then = sign * (result.metric - value), sign * (before.metric - value)
    return past_now > 0 and past_now > WORSE_FACTOR * max(past_then, 0.0)


def _line(result: "Result") -> tuple[str, float] | None:
    """(operator, value) of the threshold that speaks for the result's status, when it has a direction."""
    first, second = (result.warn_if, result.error_if) if result.status == "warn" else (result.error_if, result.warn_if)
    text = first or second
    if not text:
        return None
    try:
        threshold = parse_threshold(text)
    except SqlmonError:
        return None
    return (threshold.op, threshold.value) if threshold.op in (">", ">=", "<", "<=") else None
