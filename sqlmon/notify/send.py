"""A run's notifications, start to end: route the results to the channels, decide what each channel
is told (sqlmon.notify.events) from what it was delivered before, send one message per channel,
and record what was delivered -- or not -- in the history.

The run is recorded before this starts, in its own transaction; the delivery records are a second,
small write. Nothing here changes a run: a message that cannot be sent, a history that cannot be
read or written, a channel without a URL -- each is one warning line (`RunResult.warnings`), and the
exit code stays what the tests decided. Warnings name a webhook by its host only (sqlmon.redact).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlmon.config.notifications import DEFAULTS
from sqlmon.errors import SqlmonError
from sqlmon.notify.channels import Channel, channels_of, route
from sqlmon.notify.delivery import Delivery, deliver
from sqlmon.notify.events import Item, decide, gate_skips
from sqlmon.notify.payload import Context, render
from sqlmon.redact import redact_url

if TYPE_CHECKING:
    from sqlmon.config.notifications import NotificationsSpec
    from sqlmon.history import History
    from sqlmon.results import RunResult


def send_notifications(rr: "RunResult", settings: "NotificationsSpec | None", targets: Sequence[Channel],
                       history: "History | None") -> list[str]:
    """Notify every channel (configured ones and `targets`, the --notify webhooks) about the run;
    returns warning lines, never raises for delivery."""
    settings = settings or DEFAULTS
    channels = channels_of(settings, targets)
    if not channels:
        return []
    heard = route(rr.results, channels, settings)
    # memory only where the run is recorded: with --no-history every failure is news, nothing is kept
    remembers = history is not None and history.write
    last, warnings = _last_told(history, channels) if remembers else ({}, [])
    skips = gate_skips(rr.results)
    counts = rr.by_status()
    records: list[dict[str, Any]] = []
    for channel in channels:
        items = decide(heard[channel.name], last.get(channel.name, {}) if remembers else None, as_of=rr.as_of,
                       suppress_for=settings.suppress_seconds, min_status=settings.min_status, skips=skips)
        if not items:
            continue
        if not channel.url:
            warnings.append(f"notify: {channel.shown}: its url is empty, so {len(items)} notification(s) were "
                            "not sent (set the variable it reads)")
            continue
        ctx = Context(rr.project.spec.name if rr.project is not None else "sqlmon", rr.target, rr.as_of,
                      rr.invocation_id, channel.name, {"fail": counts["fail"], "error": counts["error"]},
                      evidence=channel.evidence)
        outcome = deliver(channel.url, render(channel.format, ctx, items))
        error = outcome.error.replace(channel.url, redact_url(channel.url)) if outcome.error else None
        if not outcome.delivered:
            later = "; it is sent again next run while still true" if remembers else ""
            warnings.append(f"notify: could not send to {channel.shown}: {error}{later} "
                            "(the run's exit code is unchanged)")
        records.extend(_records(rr, channel.name, items, outcome, error))
    if remembers and records:
        try:
            history.record_notifications(records)
        except SqlmonError as err:
            warnings.append(f"notify: what was sent is not recorded ({err.message}); the run itself is, but the "
                            "next run may repeat these notifications")
    return warnings


def _last_told(history: "History", channels: Sequence[Channel]) -> tuple[dict[str, Any], list[str]]:
    try:
        return history.last_notified([c.name for c in channels]), []
    except SqlmonError as err:
        return {}, [f"notify: cannot read what was sent before ({err.message}); every failure counts as new"]


def _records(rr: "RunResult", channel: str, items: Sequence[Item], outcome: Delivery,
             error: str | None) -> list[dict[str, Any]]:
    """One `notifications` row per item (sqlmon.history.tables), `error` already without the URL."""
    sent_at = datetime.now(timezone.utc)
    return [{"invocation_id": rr.invocation_id, "as_of": rr.as_of, "sent_at": sent_at, "channel": channel,
             "unique_id": i.result.unique_id, "monitor": i.result.monitor, "event": i.event, "cause": i.cause,
             "status": i.result.status, "metric": i.result.metric, "delivered": outcome.delivered,
             "attempts": outcome.attempts, "error": error}
            for i in items]
