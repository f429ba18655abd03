"""Secrets are never printed: secret environment variables scrubbed from everything sqlmon writes,
and webhook URLs shown by their host only.

dbt's convention, with sqlmon's own prefix too: a variable named `SQLMON_SECRET_...` or
`DBT_ENV_SECRET_...` may be read with `env_var()` in `profiles.yml` only (a monitor or a macro that
reads one is refused: its value would reach SQL, `target/run/queries.sql` and the history), and
its value is replaced by `*****` in artifacts, the console, logs, notifications and the history.

>>> redact_url("https://user:pw@hooks.slack.com/services/T0/B0/XYZ?x=1")
'https://hooks.slack.com/…'
"""
from __future__ import annotations

import os
import urllib.parse

SECRET_PREFIXES = ("SQLMON_SECRET_", "DBT_ENV_SECRET_")
MASK = "*****"
MIN_LENGTH = 4          # shorter values ("1", "yes") would mask ordinary text


def is_secret(name: str) -> bool:
    return str(name).startswith(SECRET_PREFIXES)


def secret_values() -> list[str]:
    """The values of the secret variables set now, longest first (a value inside another is masked
    with it)."""
    values = {v for k, v in os.environ.items() if is_secret(k) and len(v) >= MIN_LENGTH}
    return sorted(values, key=len, reverse=True)


def scrub(text: str) -> str:
    """`text` with every secret value masked."""
    for value in secret_values():
        if value in text:
            text = text.replace(value, MASK)
    return text


def redact_url(url: str) -> str:
    """Scheme and host only: a webhook's user, password, path and query are its secret."""
    try:
        parsed = urllib.parse.urlsplit(str(url))
        host = parsed.hostname or "?"
        port = f":{parsed.port}" if parsed.port else ""
    except ValueError:
        return "<a URL>"
    tail = "/…" if (parsed.path not in ("", "/") or parsed.query or parsed.username) else ""
    return f"{parsed.scheme or '?'}://{host}{port}{tail}"


__all__ = ["MASK", "SECRET_PREFIXES", "is_secret", "redact_url", "scrub", "secret_values"]
