"""The message one channel gets for one run: its items grouped by owner, then by monitor, as a
Slack-compatible payload or as plain JSON.

slack  `{"text": headline, "blocks": [...]}`: what Slack incoming webhooks, Mattermost and most chat
       tools accept. A section per monitor (under a line per owner when there are several), one
       line per test; a tripped gate is ONE line that names what it skipped.
json   a structured document for tools (schema `sqlmon.notification/1`):

    {"schema": "sqlmon.notification/1", "text": headline, "project", "target", "as_of",
     "invocation_id", "channel", "summary": {"alert": n, "repeat": n, "recovery": n},
     "run": {"fail": n, "error": n},
     "groups": [{"owner": "ml-team" | null,
                 "monitors": [{"monitor": "churn",
                               "items": [{"unique_id", "monitor", "column", "test_type", "event",
                                          "cause", "reason", "status", "metric",
                                          "thresholds": {"warn_if", "error_if"}, "tier", "owner",
                                          "message", "skipped": {"count", "names"} | null,
                                          "before": {"status", "metric", "as_of"} | null}]}]}]}

Both pass through `sqlmon.redact.scrub`: a secret variable's value never leaves in a message.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmon.evidence import line as evidence_line
from sqlmon.notify.events import Item
from sqlmon.redact import scrub
from sqlmon.results import clean

MAX_LINES = 20          # per monitor, in a chat message
MAX_SKIPPED = 5         # names on a gate's line (the count is always whole)
MAX_SKIPPED_JSON = 200  # names in a JSON item
MAX_SECTIONS = 45       # Slack takes 50 blocks per message
SECTION_CHARS = 2900    # Slack takes 3000 characters per section
ORDER = {"alert": 0, "repeat": 1, "recovery": 2}


@dataclass(frozen=True)
class Context:
    """The run a message is about, and the channel it goes to."""

    project: str
    target: str
    as_of: datetime
    invocation_id: str
    channel: str
    failing: dict[str, int]         # the run's fail and error counts, all channels alike
    evidence: bool = False          # the channel asked for offending values (`evidence: true`)


Groups = list[tuple[str | None, list[tuple[str, list[Item]]]]]


def grouped(items: Sequence[Item]) -> Groups:
    """[(owner, [(monitor, items)])]: owners by name (no owner last), monitors in the run's order;
    in a monitor its gate first, then alerts, repeats, recoveries."""
    owners: dict[str | None, dict[str, list[Item]]] = {}
    for item in items:
        owners.setdefault(item.result.owner, {}).setdefault(item.result.monitor, []).append(item)
    rank = {owner: (owner is None, owner or "") for owner in owners}
    return [(owner, [(monitor, sorted(its, key=lambda i: (i.cause != "gate", ORDER[i.event])))
                     for monitor, its in monitors.items()])
            for owner, monitors in sorted(owners.items(), key=lambda kv: rank[kv[0]])]


def headline(ctx: Context, items: Sequence[Item]) -> str:
    """`sqlmon: 2 new failures, 1 still failing, 1 recovered in churn (target prod, as of ...)`."""
    alerts = [i for i in items if i.event == "alert"]
    new_warn = sum(i.result.status == "warn" for i in alerts)
    counts = [(len(alerts) - new_warn, "new failure", "new failures"), (new_warn, "new warning", "new warnings"),
              (sum(i.event == "repeat" for i in items), "still failing", "still failing"),
              (sum(i.event == "recovery" for i in items), "recovered", "recovered")]
    said = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n)
    return (f"sqlmon: {said} in {ctx.project} (target {ctx.target}, as of {ctx.as_of.isoformat()}) · "
            f"{ctx.failing['fail']} fail, {ctx.failing['error']} error in total")


def render(fmt: str, ctx: Context, items: Sequence[Item]) -> dict[str, Any]:
    """The payload in `fmt` (slack | json), scrubbed of secret values."""
    payload = as_json(ctx, items) if fmt == "json" else slack(ctx, items)
    return json.loads(scrub(json.dumps(payload)))


# --- slack ------------------------------------------------------------------------------------

def slack(ctx: Context, items: Sequence[Item]) -> dict[str, Any]:
    head = headline(ctx, items)
    blocks: list[dict[str, Any]] = [_section(f"*{head}*")]
    groups = grouped(items)
    sections = [(owner, monitor, its) for owner, monitors in groups for monitor, its in monitors]
    shown_owner = object()
    for n, (owner, monitor, its) in enumerate(sections):
        if len(blocks) >= MAX_SECTIONS:
            blocks.append(_section(f"… and {len(sections) - n} more monitor(s): see target/summary.md"))
            break
        if len(groups) > 1 and owner != shown_owner:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"owner *{owner or 'none'}*"}]})
            shown_owner = owner
        lines = [_line(i, ctx.evidence) for i in its[:MAX_LINES]]
        if len(its) > MAX_LINES:
            lines.append(f"… and {len(its) - MAX_LINES} more")
        blocks.append(_section(f"*{monitor}*\n" + "\n".join(lines)))
    return {"text": head, "blocks": blocks}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_CHARS]}}


def _line(item: Item, evidence: bool = False) -> str:
    r = item.result
    if item.event == "recovery":
        was = item.before.status if item.before is not None else "failing"
        return f"• `{r.unique_id}` recovered: now *{r.status}* (was *{was}*){_about(r)} — metric {_fmt(r.metric)}"
    again, then = "", item.before
    if item.event == "repeat" and then is not None:
        again = (f" again, worse than last told ({then.status}, metric {_fmt(then.metric)})" if item.reason == "worse"
                 else f" still, last told as of {then.as_of.date().isoformat()}")
    gate = "gate " if item.cause == "gate" else ""
    text = (f"• {gate}`{r.unique_id}` *{r.status}*{again}{_about(r)} — metric {_fmt(r.metric)}"
            f"{_thresholds(r)}: {_first(r.message)}")
    if item.skipped:
        names = ", ".join(f"`{u}`" for u in item.skipped[:MAX_SKIPPED])
        more = f" and {len(item.skipped) - MAX_SKIPPED} more" if len(item.skipped) > MAX_SKIPPED else ""
        text += f" → skipped {len(item.skipped)} test{'s' if len(item.skipped) != 1 else ''}: {names}{more}"
    told = evidence_line(r.test_type, r.details) if evidence and item.event != "recovery" else None
    return f"{text}\n    {told}" if told else text


def _about(r: Any) -> str:
    """` (critical, owner ml-team)`: how much it matters and who to call, when the project says."""
    parts = [p for p in (r.tier, r.owner and f"owner {r.owner}") if p]
    return f" ({', '.join(parts)})" if parts else ""


def _thresholds(r: Any) -> str:
    if r.status == "warn" and r.warn_if:
        return f" (warn_if {r.warn_if})"
    return f" (error_if {r.error_if})" if r.error_if else ""


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.4g}"


def _first(text: str) -> str:
    return (text.splitlines()[0] if text else "")[:300]


# --- json -------------------------------------------------------------------------------------

def as_json(ctx: Context, items: Sequence[Item]) -> dict[str, Any]:
    return {
        "schema": "sqlmon.notification/1", "text": headline(ctx, items), "project": ctx.project,
        "target": ctx.target, "as_of": ctx.as_of.isoformat(), "invocation_id": ctx.invocation_id,
        "channel": ctx.channel, "summary": {e: sum(i.event == e for i in items) for e in ORDER},
        "run": dict(ctx.failing),
        "groups": [{"owner": owner, "monitors": [{"monitor": monitor, "items": [_item(i, ctx.evidence) for i in its]}
                                                 for monitor, its in monitors]}
                   for owner, monitors in grouped(items)]}


def _item(item: Item, evidence: bool = False) -> dict[str, Any]:
    r, before = item.result, item.before
    told = (r.details or {}).get("evidence") if evidence and item.event != "recovery" else None
    return clean({**({"evidence": told} if told else {}),
        "unique_id": r.unique_id, "monitor": r.monitor, "column": r.column, "test_type": r.test_type,
        "event": item.event, "cause": item.cause, "reason": item.reason, "status": r.status, "metric": r.metric,
        "thresholds": {"warn_if": r.warn_if, "error_if": r.error_if}, "tier": r.tier, "owner": r.owner,
        "message": r.message,
        "skipped": ({"count": len(item.skipped), "names": list(item.skipped[:MAX_SKIPPED_JSON])}
                    if item.skipped else None),
        "before": {"status": before.status, "metric": before.metric, "as_of": before.as_of} if before else None})
