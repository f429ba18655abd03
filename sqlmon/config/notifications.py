"""`notifications:` in sqlmon_project.yml: named channels and the routes that pick, by owner, tier
and monitor, which results each channel hears about (README "Notifications").

```yaml
notifications:
  suppress_for: 24 hours            # a known failure is repeated after this long (or when worse)
  min_status: fail                  # fail (default) | warn | error: the lowest status that notifies
  channels:
    ml-oncall: {url: "{{ env_var('SLACK_ML_HOOK') }}", format: slack, evidence: true}   # + offending values
    audit: {url: "https://example.internal/hook", format: json}
  routes:                           # in order, the first route that matches a result wins
    - {tier: [low], channel: none}  # `none`: not notified
    - {owner: ml-team, channel: ml-oncall, continue: true}   # continue: later routes match too
    - {channel: audit}              # no keys: matches every result
```

Everything is checked when the project loads, at its line: unknown keys, a duration, a status,
channel names, each channel's URL (after rendering; the message shows its host only, the rest is
the secret), a route naming an unknown channel or an undeclared tier. A channel's `url` is the one
value of this file rendered with Jinja (`env_var()`, `var()`): a webhook URL is a secret, so it is
read from the environment, secret variables (`SQLMON_SECRET_...`) included -- it reaches only the
HTTP request. A URL that renders empty (`env_var('HOOK', '')`) turns its channel off.
"""
from __future__ import annotations

import fnmatch
import re
import urllib.parse
from typing import Any, Literal

from pydantic import Field, field_validator

from sqlmon.config.specs import BadValue, ProjectSpec, Spec, validate
from sqlmon.config.thresholds import HOW_SPAN, parse_duration
from sqlmon.config.tiers import check_tier
from sqlmon.config.vars import make_context, render_value
from sqlmon.config.yamlio import location_of
from sqlmon.errors import ConfigError, did_you_mean
from sqlmon.redact import redact_url

NONE = "none"                  # a route's channel that drops what it matches
CHANNEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
HINT = "README \"Notifications\""


class ChannelSpec(Spec):
    """One channel under `channels:`: where to POST and in which shape."""

    url: str
    format: Literal["slack", "json"] = "slack"
    evidence: bool = False      # the offending values of failing tests too (user data: only when asked)


class RouteSpec(Spec):
    """One entry of `routes:`: which results (every key given must match; globs in owner and
    monitor) go to `channel`."""

    owner: list[str] | None = None
    tier: list[str] | None = None
    monitor: list[str] | None = None
    channel: str
    continue_: bool = Field(False, alias="continue")

    @field_validator("owner", "tier", "monitor", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value      # `owner: ml-team` is `owner: [ml-team]`

    def matches(self, owner: str | None, tier: str | None, monitor: str) -> bool:
        """A result's owner, tier and monitor against this route (a missing key matches anything;
        a result without an owner or a tier never matches a route that names one)."""
        return (_any(owner, self.owner, glob=True) and _any(tier, self.tier, glob=False)
                and _any(monitor, self.monitor, glob=True))


def _any(value: str | None, wanted: list[str] | None, *, glob: bool) -> bool:
    if wanted is None:
        return True
    if value is None:
        return False
    return any(fnmatch.fnmatchcase(value, w) if glob else value == w for w in wanted)


class NotificationsSpec(Spec):
    suppress_for: str = "24 hours"
    min_status: Literal["warn", "fail", "error"] = "fail"
    channels: dict[str, ChannelSpec] = {}
    routes: list[RouteSpec] = []

    @field_validator("suppress_for")
    @classmethod
    def _duration(cls, value: str) -> str:
        try:
            parse_duration(value)
        except ConfigError as err:
            raise BadValue(err.message, err.hint or HOW_SPAN) from None
        return value

    @property
    def suppress_seconds(self) -> float:
        return parse_duration(self.suppress_for)


DEFAULTS = NotificationsSpec()       # what `--notify` alone uses: no channels, no routes


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a webhook (None: it can). Never repeats the URL: it is a secret."""
    try:
        parsed = urllib.parse.urlsplit(url)
        ok = parsed.scheme in ("http", "https") and bool(parsed.hostname)
        parsed.port                                    # noqa: B018 - raises on a bad port
    except ValueError:
        ok = False
    if not ok:
        return "is not an http(s) URL with a host"
    if any(c.isspace() or ord(c) < 32 for c in url):
        return "has spaces or control characters"
    return None


def load_notifications(spec: ProjectSpec, raw: Any, source: str, variables: dict[str, Any]) -> NotificationsSpec | None:
    """The checked `notifications:` of sqlmon_project.yml, channel URLs rendered; None without it."""
    if not isinstance(raw, dict) or raw.get("notifications") is None:
        return None
    at: tuple = ("notifications",)
    settings = validate(NotificationsSpec, raw["notifications"], source, raw, at)
    context = make_context(variables, secrets=True)      # the URL reaches the HTTP request only
    channels = {}
    for name, channel in settings.channels.items():
        here = (*at, "channels", name)
        if not CHANNEL_NAME.match(str(name)) or name == NONE:
            raise ConfigError(f"channel name '{name}' is not usable", location=location_of(source, raw, here),
                              hint="use letters, digits, _ and -, starting with a letter (`none` is the route "
                                   "that notifies nobody)")
        url = str(render_value(channel.url, context, source, raw, (*here, "url"))).strip()
        problem = url_problem(url) if url else None
        if problem:
            raise ConfigError(f"the url of channel '{name}' ({redact_url(url)}) {problem}",
                              location=location_of(source, raw, (*here, "url")),
                              hint="write the webhook's URL, e.g. https://hooks.slack.com/services/..., or read "
                                   "it from the environment: url: \"{{ env_var('SLACK_HOOK') }}\"")
        channels[name] = channel.model_copy(update={"url": url})
    for i, route in enumerate(settings.routes):
        here = (*at, "routes", i)
        if route.channel != NONE and route.channel not in channels:
            known = [*channels, NONE]
            raise ConfigError(f"route {i + 1} sends to channel '{route.channel}', which `channels:` does not declare",
                              location=location_of(source, raw, (*here, "channel")),
                              hint=did_you_mean(route.channel, known) or f"use one of: {', '.join(known)} ({HINT})")
        if route.channel == NONE and route.continue_:
            raise ConfigError(f"route {i + 1} drops what it matches (channel: none) and also says continue: true",
                              location=location_of(source, raw, (*here, "continue")),
                              hint="remove `continue: true`, or send to a channel")
        for tier in route.tier or ():
            check_tier(tier, spec, location_of(source, raw, (*here, "tier")))
    return settings.model_copy(update={"channels": channels})


__all__ = ["DEFAULTS", "NONE", "ChannelSpec", "NotificationsSpec", "RouteSpec", "load_notifications", "url_problem"]
