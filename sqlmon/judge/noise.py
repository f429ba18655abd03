"""The sampling noise a metric carries by construction, and the scale an anomaly test judges it on. Pure.

A share of n rows, a count of rows and a mean of n values are estimates: even when nothing changed,
they move from run to run by a known amount. A test that knows which of these its metric is says
so in its details (`details["sampling"]`), and an anomaly test on it (sqlmon.judge.robust) adds this
noise to the history's own spread instead of mistaking a small share's wobble for an incident.

Each model judges on the scale where its sampling noise has a constant, known variance (Anscombe's
variance-stabilising transforms), so day-to-day overdispersion and sampling noise add up there:

    model      metric x             judged value y                       Var(y) from sampling
    binomial   share k/n            asin(sqrt((k + 3/8) / (n + 3/4)))    1 / (4n + 2)
    poisson    count                2 * sqrt(x + 3/8)                    1
    mean       mean of n values     x                                    sd^2 / n

The square-root scales also keep right-skewed series (a share of 2% that is sometimes 3%) from
alarming on their ordinary high days, and a share that has been 0 for weeks from alarming on one row.

>>> round(judged(0.02, Sampling("binomial", n=1000)), 6), round(variance(Sampling("binomial", n=1000)), 8)
(0.143176, 0.00024988)
>>> judged(1.625, Sampling("poisson")), variance(Sampling("poisson"))
(2.8284271247461903, 1.0)
>>> variance(Sampling("mean", n=100, sd=2.0)), Sampling.of({"sampling": {"model": "mean", "n": 0, "sd": 1}})
(0.04, None)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

MODELS = ("binomial", "poisson", "mean")
SCALES = {"binomial": "arcsine square root", "poisson": "square root", "mean": "the metric's own"}


@dataclass(frozen=True)
class Sampling:
    """How a metric was sampled: `binomial` (a share of `n` rows), `poisson` (a count), `mean` (a mean
    of `n` values with sample standard deviation `sd`)."""

    model: str
    n: float | None = None
    sd: float | None = None

    @classmethod
    def of(cls, details: Any) -> Sampling | None:
        """The sampling a result's details declare, or None when absent or unusable (an empty
        window, a history row written by an older sqlmon): the caller then judges without it."""
        raw = details.get("sampling") if isinstance(details, dict) else None
        if not isinstance(raw, dict) or raw.get("model") not in MODELS:
            return None
        n, sd = _number(raw.get("n")), _number(raw.get("sd"))
        model = raw["model"]
        if model in ("binomial", "mean") and not (n and n > 0):
            return None
        if model == "mean" and sd is None:
            return None
        return cls(model, n, sd)

    def as_details(self) -> dict[str, Any]:
        return {k: v for k, v in (("model", self.model), ("n", self.n), ("sd", self.sd)) if v is not None}


def binomial(n: int) -> dict[str, Any]:
    """`details["sampling"]` of a share of `n` rows."""
    return {"model": "binomial", "n": int(n)}


def poisson() -> dict[str, Any]:
    """`details["sampling"]` of a count of rows."""
    return {"model": "poisson"}


def mean(n: int, sd: float | None) -> dict[str, Any] | None:
    """`details["sampling"]` of a mean of `n` values, or None when its spread is unknown (n < 2)."""
    if sd is None or n < 2 or not math.isfinite(float(sd)):
        return None
    return {"model": "mean", "n": int(n), "sd": float(sd)}


def judged(x: float, s: Sampling | None) -> float:
    """The value on the model's judging scale (the metric itself without a model)."""
    if s is None or s.model == "mean":
        return x
    if s.model == "poisson":
        return 2.0 * math.sqrt(max(x, 0.0) + 0.375)
    k = min(max(x, 0.0), 1.0) * s.n
    return math.asin(math.sqrt((k + 0.375) / (s.n + 0.75)))


def original(y: float, s: Sampling | None) -> float:
    """The metric value whose judged value is `y` (the inverse of `judged`, clipped to the metric's
    range): where an expected band drawn in the metric's units ends.

    >>> s = Sampling("binomial", n=1000)
    >>> p = Sampling("poisson")
    >>> round(original(judged(0.02, s), s), 12), original(-1.0, s), round(original(judged(7.0, p), p), 12)
    (0.02, 0.0, 7.0)
    """
    if s is None or s.model == "mean":
        return y
    if s.model == "poisson":
        return max(0.0, (max(y, 0.0) / 2.0) ** 2 - 0.375)
    p = math.sin(min(max(y, 0.0), math.pi / 2)) ** 2
    return min(1.0, max(0.0, (p * (s.n + 0.75) - 0.375) / s.n))


def variance(s: Sampling | None) -> float:
    """The sampling variance of the judged value (0 without a model: nothing is known)."""
    if s is None:
        return 0.0
    if s.model == "poisson":
        return 1.0
    if s.model == "binomial":
        return 1.0 / (4.0 * s.n + 2.0)
    return s.sd * s.sd / s.n


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return None
    return float(v)


__all__ = ["MODELS", "SCALES", "Sampling", "binomial", "judged", "mean", "original", "poisson", "variance"]
