"""Channels and routing: where messages go, and which results each channel hears about.

A channel is a named webhook of `notifications: {channels: ...}` (sqlmon.config.notifications) or
a `--notify webhook:URL` of the command line. Configured channels hear about the results their
`routes:` send them (in order, the first route that matches wins unless it says `continue: true`;
`channel: none` drops what it matches; without `routes:` every channel hears about every result).
A `--notify` channel is outside the routes: it hears about every result.

A channel is named in the history and in warnings by its name, never by its URL: the URL is the
secret (sqlmon.redact). A `--notify` channel's name is `webhook:<host>#<8 hex digits of its URL's
hash>`, stable across runs, so what it was told is remembered per webhook.
"""
from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmon.config.notifications import NONE, url_problem
from sqlmon.redact import redact_url

if TYPE_CHECKING:
    from sqlmon.config.notifications import NotificationsSpec
    from sqlmon.results import Result


@dataclass(frozen=True)
class Channel:
    name: str                   # what the history and the warnings say; never the URL
    url: str                    # the secret; "" when its `url:` rendered empty (the channel is off)
    format: str = "slack"       # slack | json (sqlmon.notify.payload)
    routed: bool = True         # False: a --notify webhook, which hears about every result
    evidence: bool = False      # its messages carry the failing tests' offending values (asked for)

    @property
    def shown(self) -> str:
        """How warnings name it: its name or kind, and its URL's host only."""
        where = redact_url(self.url) if self.url else "no url"
        return f"webhook {where}" if not self.routed else f"channel {self.name} ({where})"


def parse_targets(specs: Sequence[str] | None) -> tuple[list[Channel], list[str]]:
    """`--notify webhook:<http(s) url>` (repeatable) -> (the channels, warnings for the specs that
    are not one). A bad target is a warning naming only its host, never an error: notifications
    never change a run's exit code. The same URL twice is one channel (one message, not two)."""
    channels: dict[str, Channel] = {}
    warnings = []
    for spec in specs or ():
        kind, _, url = str(spec).partition(":")
        if kind != "webhook" or url_problem(url):
            warnings.append(f"notify: ignored --notify {kind}:{redact_url(url)}: not webhook:<http(s) URL> "
                            "(write --notify webhook:https://hooks.slack.com/services/...)")
            continue
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
        name = f"webhook:{urllib.parse.urlsplit(url).hostname}#{digest}"
        channels.setdefault(name, Channel(name, url, "slack", routed=False))
    return list(channels.values()), warnings


def channels_of(settings: "NotificationsSpec", extra: Sequence[Channel]) -> list[Channel]:
    """The configured channels, then the --notify ones."""
    return [*(Channel(name, c.url, c.format, evidence=c.evidence) for name, c in settings.channels.items()), *extra]


def route(results: Sequence["Result"], channels: Sequence[Channel],
          settings: "NotificationsSpec") -> dict[str, list["Result"]]:
    """channel name -> the results it hears about, in the run's order."""
    out: dict[str, list[Result]] = {c.name: [] for c in channels}
    routed = [c.name for c in channels if c.routed]
    for r in results:
        for c in channels:
            if not c.routed:
                out[c.name].append(r)
        if not settings.routes:
            for name in routed:
                out[name].append(r)
            continue
        told: set[str] = set()            # two matching routes to one channel: one line, not two
        for rt in settings.routes:
            if not rt.matches(r.owner, r.tier, r.monitor):
                continue
            if rt.channel != NONE and rt.channel not in told:
                told.add(rt.channel)
                out[rt.channel].append(r)
            if not rt.continue_:
                break
    return out
