"""Robust statistics for anomaly tests on history: the robust z-score and the baseline it uses. Pure.

Why median/MAD and not mean/stddev: a metric history holds its own incidents. One bad day moves the
mean and inflates the stddev so much that the next incident hides; the median and the median
absolute deviation (MAD) ignore up to half of the points being wild.

    z = (x - median) / (1.4826 * MAD)

1.4826 = 1 / Phi^-1(3/4) makes 1.4826 * MAD estimate the standard deviation of normal data, so
|z| > 3 means what it means for a normal z-score. When more than half of the history is equal the
MAD is 0; then the scale falls back to 1.253314 * mean absolute deviation (the same consistency
idea for the mean deviation, as in Iglewicz & Hoaglin's modified z-score). A history that is
perfectly constant has no scale at all: `z` is None and the caller decides (any change is news).

>>> r = robust_z(10.0, [1.0, 2.0, 3.0, 4.0, 5.0])
>>> r.median, r.mad, round(r.scale, 4), round(r.z, 4)
(3.0, 1.0, 1.4826, 4.7214)
>>> robust_z(3.0, [1.0, 2.0, 3.0, 4.0, 5.0]).z
0.0
>>> r = robust_z(5.0, [2.0, 2.0, 2.0, 2.0, 7.0])      # MAD 0 -> mean absolute deviation
>>> r.mad, round(r.scale, 6), round(r.z, 4)
(0.0, 1.253314, 2.3937)
>>> robust_z(2.0, [2.0, 2.0, 2.0]).z, robust_z(3.0, [2.0, 2.0, 2.0]).z
(0.0, None)
"""
from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

MAD_SCALE = 1.4826
MEAN_AD_SCALE = 1.253314


@dataclass(frozen=True)
class Robust:
    median: float
    mad: float
    scale: float            # 1.4826*MAD, else 1.253314*mean|x - median|, else 0
    z: float | None         # None: constant history and x differs from it


def robust_z(x: float, history: Sequence[float]) -> Robust:
    """Robust z-score of `x` against `history` (at least one value)."""
    values = [float(v) for v in history]
    if not values:
        raise ValueError("robust_z needs at least one history value")
    med = statistics.median(values)
    deviations = [abs(v - med) for v in values]
    mad = statistics.median(deviations)
    scale = MAD_SCALE * mad
    if scale == 0:
        scale = MEAN_AD_SCALE * (sum(deviations) / len(deviations))
    if scale == 0:
        return Robust(med, mad, 0.0, 0.0 if x == med else None)
    return Robust(med, mad, scale, (x - med) / scale)


@dataclass(frozen=True)
class Point:
    """One past value of a metric: the run's `as_of`, the value, and whether it was an anomaly."""

    as_of: datetime
    value: float
    anomaly: bool = False


def same_season(a: datetime, b: datetime, seasonality: str) -> bool:
    """`day_of_week`: same weekday; `hour_of_day`: same hour; `none`: always (UTC times).

    >>> from datetime import datetime
    >>> same_season(datetime(2024, 1, 1), datetime(2024, 1, 8), "day_of_week")
    True
    >>> same_season(datetime(2024, 1, 1, 5), datetime(2024, 1, 2, 6), "hour_of_day")
    False
    """
    if seasonality == "day_of_week":
        return a.weekday() == b.weekday()
    if seasonality == "hour_of_day":
        return a.hour == b.hour
    return True


def baseline(points: Sequence[Point], as_of: datetime, seasonality: str = "none",
             exclude_anomalies: bool = True) -> tuple[list[Point], int]:
    """The history points an anomaly test compares against, and how many anomalies were left out.

    Keeps points of the same season as `as_of`; drops points that were judged anomalies before, so
    one incident does not widen the baseline and hide the next one.
    """
    seasonal = [p for p in points if same_season(p.as_of, as_of, seasonality)]
    if not exclude_anomalies:
        return seasonal, 0
    kept = [p for p in seasonal if not p.anomaly]
    return kept, len(seasonal) - len(kept)


__all__ = ["MAD_SCALE", "MEAN_AD_SCALE", "Point", "Robust", "baseline", "robust_z", "same_season"]
