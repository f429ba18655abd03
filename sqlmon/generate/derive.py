"""From a profile to a monitor: each threshold derived from what the reference showed plus a
margin of `MARGINS` (README "Monitors written from the data"), and commented with its source.

Which columns get which test, mirroring the presets' column rules (sqlmon.config.presets):
every column but the timestamp gets `not_null`; numbers get `range` and few-valued text gets
`accepted_values` unless their name is key-like (`*_id`: an id has no range) or calendar-like
(`month`: next month's value was never seen). The model's score and prediction keep their
preset's tests, and its label gets no `not_null` (labels arrive late).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from sqlmon.columns import DATE, NUMERIC, STRING, TIMESTAMP, ColumnInfo, is_integer
from sqlmon.config.presets import CALENDAR_LIKE, KEY_LIKE
from sqlmon.config.yamlwrite import Comment, Commented
from sqlmon.generate.profile import Profile, instant
from sqlmon.testtypes.drift_passes import ID_LIKE_SHARE


@dataclass(frozen=True)
class Margins:
    """How far a threshold sits from what the reference showed."""

    null_warn: tuple[float, float] = (2.0, 0.01)    # NULL share: warn above max(seen x 2, seen + 1 point)
    null_error: tuple[float, float] = (3.0, 0.05)   # and fail above max(seen x 3, seen + 5 points)
    widen: float = 0.10          # range: min and max moved out by 10% of the span seen (never across 0)
    outside_warn: str = "> 0"    # range, accepted_values: one row outside warns
    outside_error: str = "> 1%"  # more than 1% of the rows outside fails
    volume_warn: float = 0.75    # row_count: warn below 75% of the smallest whole day (all rows without a timestamp)
    volume_error: float = 0.50   # and fail below half of it
    few_values: int = 20         # accepted_values for text columns with at most this many values


MARGINS = Margins()


def monitor_doc(name: str, relation: str, ts: ColumnInfo | None, model: dict[str, Any], preset: str,
            preset_tests: set[str], columns: list[ColumnInfo], roles: dict[str, str], p: Profile) -> dict[str, Any]:
    """The monitor file (`Commented` values carry their source) for `p`, on `preset` (whose test
    types are `preset_tests`)."""
    mon: dict[str, Any] = {"name": name, "relation": relation}
    if ts is not None:
        mon["timestamp"] = ts.name
        mon["current"] = Commented({"last": "1 day"}, "each run judges the 24 hours before its as_of")
        mon["reference"] = Commented({"between": [instant(p.start), instant(p.end)]}, "the window profiled")
    if model:
        mon["model"] = model
    mon["preset"] = preset
    drifts = [t for t in ("drift", "prediction_drift") if t in preset_tests]
    if drifts and ts is not None:
        mon["defaults"] = Commented({t: {"severity": "warn"} for t in drifts},
                                    ["A day against the whole reference drifts on ordinary days too (weather,",
                                     "weekdays): drift warns; make it fail once its history shows it can."])
    elif drifts:
        mon["defaults"] = Commented({t: {"enabled": False} for t in drifts},
                                    "No timestamp, no reference window: drift needs one "
                                    "(`reference: {relation: ...}`).")
    mon["tests"] = [_row_count(p, ts is not None)]
    entries = []
    for c in columns:
        tests = _column_tests(c, roles.get(c.name.lower(), "feature"), p, ts is not None, "drift" in drifts)
        if tests:
            entries.append({"name": c.name, "tests": tests})
    if entries:
        mon["columns"] = entries
    return {"version": 1, "monitors": [mon]}


def rules() -> list[str]:
    """The margins in words, for the head of the file."""
    m = MARGINS
    (wx, wp), (ex, ep) = m.null_warn, m.null_error
    return [(f"  not_null: warn above the larger of {wx:g} x and +{_points(wp)}, fail above the larger of {ex:g} x "
             f"and +{_points(ep)},"), "    of the NULL share seen (its worst whole day's, with a timestamp);",
            f"  range: min and max moved out by {m.widen:.0%} of the span seen, never across 0;",
            f"  range, accepted_values: warn when a row is outside, fail above {m.outside_error[2:]} of the rows;",
            (f"  row_count: warn below {m.volume_warn:.0%}, fail below {m.volume_error:.0%} of the smallest whole "
             "day (of all rows without a timestamp).")]


def _values(n: int) -> str:
    return "one value" if n == 1 else f"{n} values"


def _points(share: float) -> str:
    return f"{share * 100:g} point" + ("" if share * 100 == 1 else "s")


def _row_count(p: Profile, timed: bool) -> Any:
    where = f"{p.rows:,} rows over {p.label}" + (f" ({len(p.whole)} days)" if timed and p.whole else "")
    if timed and p.whole:
        missing = [d for d in p.whole if d not in p.days]
        if missing:
            return Comment(f"row_count: the preset's (fail below 1 row): {missing[0]} had no rows ({where})")
        smallest = min(p.whole, key=lambda d: (p.days[d][0], d))
        base, source = p.days[smallest][0], f"smallest whole day {p.days[smallest][0]:,} rows ({smallest}); {where}"
    else:
        base, source = p.rows, where + ("; the window is shorter than a day" if timed else "")
    error = max(1, math.floor(base * MARGINS.volume_error))        # an empty window always fails
    warn = max(error, math.floor(base * MARGINS.volume_warn))
    return Commented({"row_count": {"warn_if": f"< {warn}", "error_if": f"< {error}"}}, source)


def _column_tests(c: ColumnInfo, role: str, p: Profile, timed: bool, drifts: bool) -> list[Any]:
    low = c.name.lower()
    if "{{" in c.name or "{%" in c.name or role == "timestamp":
        return []                    # YAML values are rendered as Jinja; the timestamp is the window itself
    key = any(fnmatchcase(low, g) for g in KEY_LIKE)
    calendar = c.kind in (TIMESTAMP, DATE) or any(fnmatchcase(low, g) for g in CALENDAR_LIKE)
    out: list[Any] = []
    if role == "feature":
        out += _not_null(c, p, timed)
        if c.kind == NUMERIC and not (key or calendar) and c.name in p.low:
            out.append(_range(c, p))
    if c.kind == STRING and not (key or calendar) and role in ("feature", "label", "prediction"):
        values = p.values.get(c.name)
        if values and not any("{{" in str(v) or "{%" in str(v) for v in values):
            out.append(Commented({"accepted_values": {"values": values, "warn_if": MARGINS.outside_warn,
                                                      "error_if": MARGINS.outside_error}},
                                 f"the {_values(len(values))} seen over {p.label} ({p.rows:,} rows)"))
        elif drifts and role == "feature" and p.distinct.get(c.name, 0) > max(50, ID_LIKE_SHARE * p.nonnull[c.name]):
            # the preset's drift would refuse it with an error on every run
            out.append(Commented({"drift": {"enabled": False}}, f"{p.distinct[c.name]:,} distinct values in "
                                                                 f"{p.nonnull[c.name]:,} rows: an identifier"))
    return out


def _not_null(c: ColumnInfo, p: Profile, timed: bool) -> list[Any]:
    share = 1 - p.nonnull[c.name] / p.rows
    if share >= 1:
        return [Comment(f"not_null: none, always NULL over {p.label}")]
    source, seen = f"NULL in {_pct(share)} of rows", share
    if timed and p.days:
        # the current window is a day: judged against the worst day seen, not the average
        worst = max(p.days, key=lambda d: (1 - p.days[d][1][c.name] / p.days[d][0], d))
        seen = max(share, 1 - p.days[worst][1][c.name] / p.days[worst][0])
        source += f", {_pct(seen)} on the worst day ({worst})"
    source = f"never NULL over {p.label} ({p.rows:,} rows)" if seen == 0 else f"{source} over {p.label}"
    (wx, wp), (ex, ep) = MARGINS.null_warn, MARGINS.null_error
    # capped halfway (warn) and three quarters of the way (fail) from the share seen to 100%,
    # so that a mostly-NULL column still has thresholds that can be crossed
    warn = min(max(seen * wx, seen + wp), seen + (1 - seen) / 2)
    error = min(max(seen * ex, seen + ep), seen + 3 * (1 - seen) / 4)
    return [Commented({"not_null": {"warn_if": f"> {_pct(warn, up=True)}", "error_if": f"> {_pct(error, up=True)}"}},
                      source)]


def _range(c: ColumnInfo, p: Profile) -> Any:
    low, high = p.low[c.name], p.high[c.name]
    margin = (high - low) * MARGINS.widen or abs(low) * MARGINS.widen or 1.0      # a constant: 10% of it
    digits = math.floor(math.log10(margin)) - 1            # rounded outwards to 2 digits of the margin
    if is_integer(c):
        digits = max(digits, 0)
    step = 10.0 ** digits
    lo = math.floor(round((low - margin) / step, 6)) * step
    hi = math.ceil(round((high + margin) / step, 6)) * step
    notes = []
    if low >= 0 and lo < 0:
        lo, notes = 0.0, ["; kept at 0: never negative"]
    if high <= 0 and hi > 0:
        hi, notes = 0.0, [*notes, "; kept at 0: never positive"]
    lo, hi = (int(v) if digits >= 0 else round(v, -digits) for v in (lo, hi))
    test = {"min": lo, "max": hi, "warn_if": MARGINS.outside_warn, "error_if": MARGINS.outside_error}
    return Commented({"range": test}, f"seen {low:g}..{high:g} over {p.label} ({p.rows:,} rows); "
                                      f"widened by {margin:.4g}{''.join(notes)}")


def _pct(share: float, up: bool = False) -> str:
    """A share as a percentage with up to 2 decimals (rounded up for a threshold)."""
    hundredths = math.ceil(round(share * 10000, 6)) if up else round(share * 10000)
    return f"{hundredths / 100:.2f}".rstrip("0").rstrip(".") + "%"
