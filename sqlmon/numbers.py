"""Numbers as people read them: counts with thousands separators, shares as percentages, durations
in units, values to a few significant digits, p-values, and drift's bin labels with rounded edges.

Pure and free of sqlmon imports: the report, the terminal, the artifacts and test messages use it.
A float's repr says `7.999999999999999` where the reader means 8: everything shown to a person
goes through here.
`None` and non-finite numbers print as an em dash (or ∞ for an infinite bin edge).
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

DASH = "—"


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def value(x: Any, sig: int = 4) -> str:
    """A number to `sig` significant digits, trailing zeros dropped; scientific only when tiny or huge.

    >>> value(7.999999999999999), value(0.5172413793103449), value(12345.67), value(-0.0)
    ('8', '0.5172', '12,346', '0')
    >>> value(0.000012346), value(2.5e9), value(None), value(float("nan"))
    ('1.235e-5', '2.5e9', '—', '—')
    """
    if not _finite(x):
        return DASH
    x = float(x)
    if x == 0:
        return "0"
    if abs(x) < 1e-4 or abs(x) >= 1e9:
        mantissa, exponent = f"{x:.{max(sig - 1, 0)}e}".split("e")
        return f"{_trim(mantissa)}e{int(exponent)}"
    decimals = max(0, sig - 1 - math.floor(math.log10(abs(x))))
    text = _trim(f"{x:,.{decimals}f}")
    return "0" if text in ("-0", "0") else text


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def count(n: Any) -> str:
    """A number of rows: an integer with thousands separators.

    >>> count(1234567), count(801.0), count(None)
    ('1,234,567', '801', '—')
    """
    return f"{round(float(n)):,}" if _finite(n) else DASH


def share(x: Any, sig: int = 3) -> str:
    """A share (0..1) as a percentage.

    >>> share(0.02586206896551724), share(1), share(0), share(0.000004)
    ('2.59%', '100%', '0%', '0.0004%')
    """
    return value(float(x) * 100, sig) + "%" if _finite(x) else DASH


def metric(x: Any, test_type: str, details: Any = None) -> str:
    """A result's metric as people read it: a failing-row share (the test declared binomial
    sampling) as a percentage, a row count as a count, a freshness age as a duration, the rest
    to 4 significant digits. `run_results.json` and the history keep the exact value.

    >>> metric(100000.0, "row_count"), metric(0.0190, "not_null", {"sampling": {"model": "binomial"}})
    ('100,000', '1.9%')
    >>> metric(90000, "freshness"), metric(7.999999999999999, "mean"), metric(None, "mean")
    ('1.04 d', '8', '—')
    """
    sampling = details.get("sampling") if isinstance(details, dict) else None
    model = sampling.get("model") if isinstance(sampling, dict) else None
    if test_type == "freshness":
        return duration(x)
    if test_type == "row_count" or model == "poisson":
        return count(x)
    if model == "binomial":
        return share(x)
    return value(x)


def p_value(p: Any) -> str:
    """A p-value to 3 significant digits; below 1e-15 (where a float's rounding dominates) as a bound.

    >>> p_value(0.012345), p_value(3.2e-8), p_value(2.9e-23), p_value(0.0)
    ('0.0123', '3.2e-8', '< 1e-15', '< 1e-15')
    """
    if not _finite(p):
        return DASH
    return "< 1e-15" if p < 1e-15 else value(p, 3)


_UNITS = (("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0))


def duration(seconds: Any) -> str:
    """Seconds in the largest unit that keeps the number ≥ 1, to 3 significant digits.

    >>> duration(45), duration(5400), duration(200000), duration(0.25)
    ('45 s', '1.5 h', '2.31 d', '0.25 s')
    """
    if not _finite(seconds):
        return DASH
    for unit, size in _UNITS:
        if abs(seconds) >= size or unit == "s":
            return f"{value(seconds / size, 3)} {unit}"
    return DASH      # pragma: no cover (the loop always returns)


def edges(values: Sequence[float], sig: int = 3) -> list[str]:
    """Each value to the fewest significant digits (at least `sig`) that keep different values
    different: bin edges 1.001 and 1.002 must not both read 1.

    >>> edges([7.999999999999999, 12.5, 100.0])
    ['8', '12.5', '100']
    >>> edges([1.001, 1.002, 1.5])
    ['1.001', '1.002', '1.5']
    >>> edges([float("-inf"), 2.0])
    ['-∞', '2']
    """
    finite = sorted({float(v) for v in values if _finite(v)})
    for digits in range(sig, 18):
        shown = [value(v, digits) for v in finite]
        if len(set(shown)) == len(shown):
            break
    table = dict(zip(finite, shown)) if finite else {}
    return [table[float(v)] if _finite(v) else _infinite(v) for v in values]


def _infinite(v: Any) -> str:
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "-∞"
    return DASH


_INTERVAL = re.compile(r"^\(\s*([^,\s]+)\s*,\s*([^,\s]+)\s*([\])])$")


def bin_labels(labels: Sequence[str]) -> list[str]:
    """Drift's numeric bin labels (`(lo, hi]`, the open ends with ±inf, a one-value bin as the
    value) with rounded edges: `≤ hi` for the first bin, `> lo` for the last. Labels that are not
    numeric bins (categories) come back unchanged.

    >>> bin_labels(["(-inf, 3.3]", "(3.3, 7.999999999999999]", "(7.999999999999999, inf)"])
    ['≤ 3.3', '(3.3, 8]', '> 8']
    >>> bin_labels(["1.0", "2.0", "(2.0, inf)"])
    ['1', '2', '> 2']
    >>> bin_labels(["pro", "basic"])
    ['pro', 'basic']
    """
    parsed: list[tuple[float, ...]] = []
    for label in labels:
        m = _INTERVAL.match(str(label).strip())
        try:
            parsed.append((float(m.group(1)), float(m.group(2))) if m else (float(str(label)),))
        except ValueError:
            return [str(x) for x in labels]
        if any(math.isnan(v) for v in parsed[-1]):
            return [str(x) for x in labels]
    shown = iter(edges([v for p in parsed for v in p]))
    out = []
    for p in parsed:
        texts = [next(shown) for _ in p]
        if len(p) == 1:
            out.append(texts[0])
        elif math.isinf(p[0]) and math.isinf(p[1]):
            out.append("all values")
        elif math.isinf(p[0]):
            out.append(f"≤ {texts[1]}")
        elif math.isinf(p[1]):
            out.append(f"> {texts[0]}")
        else:
            out.append(f"({texts[0]}, {texts[1]}]")
    return out


__all__ = ["DASH", "bin_labels", "count", "duration", "edges", "p_value", "share", "value"]
