"""POSTing one message to one webhook, retried with backoff.

Retried: a network error (refused, reset, timed out), HTTP 429 (after its `Retry-After`, capped at
`RETRY_AFTER_MAX`) and HTTP 5xx. Not retried: any other 4xx (the URL or the payload is wrong: asking
again gives the same answer) and a URL that cannot be used. At most `ATTEMPTS` tries, `TIMEOUT`
seconds each, and no sleep that would take the retries past `TOTAL_MAX` seconds: a dead webhook
costs a run about a minute at worst, never an unbounded wait.

The retry loop is tenacity's rather than a hand-written one: its exponential backoff with jitter
and its stop rules are well kept and tested, and a waiting rule of our own (Retry-After) plugs in
as one function. The sleep goes through the module attribute `sleep`, which tests replace.
"""
from __future__ import annotations

import email.utils
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import tenacity

ATTEMPTS = 4
TIMEOUT = 10.0             # seconds per attempt
BACKOFF = tenacity.wait_exponential_jitter(initial=1, max=8, jitter=1)    # 1, 2, 4 s (+ up to 1 s)
RETRY_AFTER_MAX = 30.0     # seconds: a longer Retry-After is cut to this
TOTAL_MAX = 60.0           # seconds of tries and waits, after which no further try is started
sleep = time.sleep


@dataclass(frozen=True)
class Delivery:
    delivered: bool
    attempts: int
    error: str | None = None        # why not, in one line (it may name the URL: redact before showing)


class _Again(Exception):
    """A failure worth another try (network, 429, 5xx); `retry_after`: what the server asked for."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


class _Refused(Exception):
    """A failure that another try would repeat (4xx, a URL that cannot be used)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def deliver(url: str, payload: dict[str, Any]) -> Delivery:
    """POST `payload` as JSON to `url`, retrying as the module says. Never raises for delivery."""
    body = json.dumps(payload).encode("utf-8")
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(ATTEMPTS) | tenacity.stop_before_delay(TOTAL_MAX),
        wait=_wait, retry=tenacity.retry_if_exception_type(_Again), reraise=True,
        sleep=lambda seconds: sleep(seconds))          # looked up at call time: tests replace `sleep`
    try:
        retrying(_post, url, body)
    except (_Again, _Refused) as err:
        attempts = retrying.statistics.get("attempt_number", 1)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return Delivery(False, attempts, f"{err.reason}{tries}")
    return Delivery(True, retrying.statistics.get("attempt_number", 1))


def _post(url: str, body: bytes) -> None:
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", "User-Agent": "sqlmon"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:      # noqa: S310 - the user's own URL
            resp.read(1024)
    except urllib.error.HTTPError as err:
        reason = f"HTTP {err.code} {err.reason}"
        if err.code == 429:
            raise _Again(reason, retry_after(err.headers.get("Retry-After"))) from None
        if err.code >= 500:
            raise _Again(reason) from None
        raise _Refused(reason) from None
    except (urllib.error.URLError, OSError) as err:      # refused, reset, DNS, timed out
        raise _Again(str(getattr(err, "reason", err))) from None
    except ValueError as err:                             # a URL urllib cannot use
        raise _Refused(str(err)) from None


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` (seconds, or an HTTP date) -> seconds to wait (>= 0), None when absent or unreadable.

    >>> retry_after("7"), retry_after("soon"), retry_after(None)
    (7.0, None, None)
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _wait(state: tenacity.RetryCallState) -> float:
    """The server's Retry-After (capped) when it gave one, else exponential backoff with jitter."""
    err = state.outcome.exception() if state.outcome is not None else None
    if isinstance(err, _Again) and err.retry_after is not None:
        return min(err.retry_after, RETRY_AFTER_MAX)
    return BACKOFF(state)
