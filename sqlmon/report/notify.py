"""Notifications: one grouped Slack-compatible message per run, with only the NEW failures.

`--notify webhook:<url>` (repeatable) POSTs JSON `{"text": ..., "blocks": [...]}` -- what Slack
incoming webhooks, Mattermost and most chat tools accept. A failure is new when the test's
previous recorded run (the last run that included it, from the history store) did not end in
`fail` or `error`; known failures are not repeated every day, so a message always means news.
Without any history every failure is new. No new failures -> nothing is sent.

Delivery never changes a run: a network problem, a timeout or an HTTP error becomes one
warning line (`RunResult.warnings`), and the exit code stays what the tests decided. Warnings
name only the webhook's host (sqlmon.redact): its user, path and query are secrets in Slack's scheme.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlmon.errors import SqlmonError
from sqlmon.redact import redact_url, scrub

if TYPE_CHECKING:
    from sqlmon.history import HistoryReader
    from sqlmon.results import Result, RunResult

FAILING = ("fail", "error")
TIMEOUT = 10.0               # seconds per webhook
MAX_LINES = 20               # per monitor; Slack caps a section at 3000 characters


def parse_targets(specs: Sequence[str] | None) -> tuple[list[str], list[str]]:
    """`webhook:<http(s) url>` -> (the URLs, warnings for the specs that are not one). A bad target
    is a warning that names only its host, never an error: delivery never changes a run's exit code."""
    urls, warnings = [], []
    for spec in specs or ():
        kind, _, url = str(spec).partition(":")
        try:
            parsed = urllib.parse.urlsplit(url)
            ok = kind == "webhook" and parsed.scheme in ("http", "https") and bool(parsed.hostname)
        except ValueError:
            ok = False
        if not ok or any(c.isspace() or ord(c) < 32 for c in url):
            warnings.append(f"notify: ignored --notify {kind}:{redact_url(url)}: not webhook:<http(s) URL> "
                            "(write --notify webhook:https://hooks.slack.com/services/...)")
            continue
        urls.append(url)
    return urls, warnings


def new_failures(rr: "RunResult", history: "HistoryReader | None") -> tuple[list["Result"], str | None]:
    """Failing results of this run whose previous recorded status was not failing (+ a warning)."""
    failing = [r for r in rr.results if r.status in FAILING]
    if not failing or history is None:
        return failing, None
    try:
        before = history.previous_status([r.unique_id for r in failing], before=rr.started_at,
                                         exclude_invocation=rr.invocation_id)
    except SqlmonError as err:
        return failing, f"notify: cannot read the history ({err.message}); every failure counts as new"
    return [r for r in failing if before.get(r.unique_id) not in FAILING], None


def _about(r: "Result") -> str:
    """` (critical, owner ml-team)`: how much it matters and who to call, when the project says."""
    parts = [p for p in (r.tier, r.owner and f"owner {r.owner}") if p]
    return f" ({', '.join(parts)})" if parts else ""


def message(rr: "RunResult", failures: list["Result"]) -> dict[str, Any]:
    """The Slack-compatible payload: a headline plus one section per monitor."""
    project = rr.project.spec.name if rr.project is not None else "sqlmon"
    counts = rr.by_status()
    head = (f"sqlmon: {len(failures)} new failure{'s' if len(failures) != 1 else ''} in {project} "
            f"(target {rr.target}, as of {rr.as_of.isoformat()}) · {counts['fail']} fail, {counts['error']} error in total")
    by_monitor: dict[str, list[Result]] = {}
    for r in failures:
        by_monitor.setdefault(r.monitor, []).append(r)
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{head}*"}}]
    for monitor, results in by_monitor.items():
        lines = [f"• `{r.unique_id}` *{r.status}*{_about(r)} — metric {_fmt(r.metric)}"
                 f"{' (error_if ' + r.error_if + ')' if r.error_if else ''}: {_first(r.message)}"
                 for r in results[:MAX_LINES]]
        if len(results) > MAX_LINES:
            lines.append(f"… and {len(results) - MAX_LINES} more")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (f"*{monitor}*\n" + "\n".join(lines))[:2900]}})
    return {"text": head, "blocks": blocks}


def post(url: str, payload: dict[str, Any], timeout: float | None = None) -> str | None:
    """POST the JSON; None when delivered, else a one-line reason."""
    timeout = TIMEOUT if timeout is None else timeout
    body = json.dumps(payload).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", "User-Agent": "sqlmon"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:      # noqa: S310 - user-configured URL
            resp.read(1024)
        return None
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code} {err.reason}"
    except (urllib.error.URLError, OSError, ValueError) as err:
        return str(getattr(err, "reason", err))


def send_notifications(rr: "RunResult", urls: list[str], history: "HistoryReader | None") -> list[str]:
    """Send the run's message to every URL; returns warning lines (never raises for delivery)."""
    if not urls:
        return []
    failures, warning = new_failures(rr, history)
    warnings = [warning] if warning else []
    if not failures:
        return warnings
    payload = json.loads(scrub(json.dumps(message(rr, failures))))
    for url in urls:
        problem = post(url, payload)
        if problem:
            reason = problem.replace(url, redact_url(url))
            warnings.append(f"notify: could not send to webhook {redact_url(url)}: {reason} "
                            "(the run's exit code is unchanged)")
    return warnings


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.4g}"


def _first(text: str) -> str:
    return (text.splitlines()[0] if text else "")[:300]
