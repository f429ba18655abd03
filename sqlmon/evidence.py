"""Evidence of a test that warns or fails: the shape of `details["evidence"]`, its values made
JSON-safe, and the one line a person reads (terminal, summary.md, JUnit). Plain values only: the
query that fetches it is the test types' (sqlmon.testtypes.evidence).

The shape (README "Evidence"; the HTML report and dashboards read it, so it only grows)::

    details["evidence"] = {
        "columns": ["origin"],              # the column(s) the values are of (two or more: `unique` with `columns:`)
        "top_values": [                     # most rows first, ties by value (byte order), at most `top`
            {"value": "XYZ", "rows": 12},   # a combination's value is {column: value, ...}
        ],
        "distinct_values": 14,              # offending values in the window, all of them
        "capped": true,                     # distinct_values > len(top_values)
        "samples": [{"origin": "XYZ", "scheduled_at": "2024-01-09T06:00:00+00:00"}],   # with `samples: N`
    }
    details["evidence"] = {"error": "..."}  # the evidence query failed: the test's result stands

Values are user data, so they never reach a result's `message` (which notifications send).
"""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlmon.results import clean

MAX_TEXT = 256      # characters of a value kept in details: evidence names values, it does not copy documents
SHOWN = 5           # values on the one line
SHOWN_TEXT = 40     # characters of a value on the one line


def plain(value: Any) -> Any:
    """A value as JSON can hold it, the same whatever the engine returned: NaN and infinities as
    text (JSON has none, and `null` would say NULL), instants in UTC (naive ones are UTC, as in
    windows), decimals as their text (the column's scale kept), long text cut.

    >>> plain(float("nan")), plain(datetime(2024, 1, 9, 6)), plain(Decimal("0.0450"))
    ('NaN', '2024-01-09T06:00:00+00:00', '0.0450')
    """
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, datetime):
        value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _cut("0x" + bytes(value).hex(), MAX_TEXT)
    if isinstance(value, str):
        return _cut(value, MAX_TEXT)
    if hasattr(value, "item") and callable(value.item):        # numpy scalars
        return plain(value.item())
    return clean(value)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def line(test_type: str, details: dict[str, Any] | None) -> str | None:
    """`offending values: 'XYZ' (12 rows), 'ABC' (3 rows), … 4 more` — or None without evidence.
    Each value is cut short and shown with its control and invisible characters escaped, so a
    value can neither run on nor move the terminal's cursor.

    >>> line("accepted_values", {"evidence": {"top_values": [{"value": "XYZ", "rows": 12},
    ...       {"value": "A\\x1b[2J", "rows": 1}], "distinct_values": 6}})
    "offending values: 'XYZ' (12 rows), 'A\\\\x1b[2J' (1 row), … 4 more"
    """
    evidence = (details or {}).get("evidence")
    if not isinstance(evidence, dict):
        return None
    if evidence.get("error"):
        first = str(evidence["error"]).splitlines()[0]
        return f"offending values: not fetched, the evidence query failed ({shown(first, 120)})"
    top = evidence.get("top_values") or []
    if not top:
        return None
    label = "repeated values" if test_type == "unique" else "offending values"
    parts = [f"{shown(t.get('value'))} ({t.get('rows')} row{'' if t.get('rows') == 1 else 's'})" for t in top[:SHOWN]]
    more = int(evidence.get("distinct_values") or len(top)) - len(parts)
    return f"{label}: " + ", ".join(parts) + (f", … {more} more" if more > 0 else "")


def shown(value: Any, limit: int = SHOWN_TEXT) -> str:
    """A value for one line of text: text quoted and escaped (repr), cut at `limit` characters; a
    combination as a tuple; NULL as NULL."""
    if value is None:
        return "NULL"
    if isinstance(value, dict):
        return "(" + ", ".join(shown(v, limit) for v in value.values()) + ")"
    if isinstance(value, str):
        return repr(_cut(value, limit))
    return _cut(str(value), limit)


__all__ = ["MAX_TEXT", "line", "plain", "shown"]
