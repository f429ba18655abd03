"""False-alarm rate and power of sqlmon's default drift verdict, measured on synthetic columns.

Runs numpy through the same code the warehouse path uses after SQL (``sqlmon.judge.binning`` for the
reference profile and the histograms, ``sqlmon.judge.verdict.compare_histograms`` for the verdict), so it measures
the statistics, not an engine. For each column type, window size and seed, a reference and a
current window are drawn independently — from the same distribution (false alarms) or with a
change (power) — the profile is built on the reference, both windows are binned on it and the
default two-gate verdict is applied.

    python benchmarks/drift_study.py --seeds 200          # the tables in docs/drift.md
    python benchmarks/drift_study.py --accuracy 20        # binned vs raw KS / Wasserstein

Changes: ``shift`` moves the mean by 0.25 std (zero-inflated: only the non-zero part moves, by
0.25 std / 0.6, so the column's mean moves by 0.25 std; Poisson: λ + 0.25·√λ);
``scale`` multiplies the spread by 1.2 (normal, lognormal, bimodal: mean + 1.2·(x − mean);
zero-inflated: 1.2·x, zeros stay zero; Poisson: negative binomial with the same mean and 1.2×
the std); ``share`` moves 5 points of share from the most frequent category to the 5th
(boolean: 30% -> 35% True).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
# the numpy / peer-tool reference implementations live with the tests (not shipped)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

from reference.binning_numpy import histogram_categorical_numpy, histogram_numpy, profile_numpy  # noqa: E402
from reference.stats_compat import wasserstein_norm_raw  # noqa: E402

from sqlmon.judge.stats import ks, wasserstein
from sqlmon.judge.verdict import compare_histograms as compare

NUMERIC = ("normal", "lognormal", "bimodal", "poisson", "zero_inflated")
CATEGORICAL = ("zipf30", "longtail2000", "boolean")
COLUMNS = NUMERIC + CATEGORICAL
NULL_SIZES = (1_000, 10_000, 100_000)
POWER_SIZES = (1_000, 10_000)
LAMBDA = 4.0
CHANGES = ("none", "shift", "scale", "share")


def _zipf(k: int, s: float) -> np.ndarray:
    w = 1.0 / np.arange(1, k + 1) ** s
    return w / w.sum()


ZIPF30, LONGTAIL = _zipf(30, 1.0), _zipf(2000, 1.1)
LN_MEAN, LN_SD = np.exp(0.5), np.sqrt((np.e - 1) * np.e)
BIMODAL_MEAN = 0.4 * -2 + 0.6 * 2
BIMODAL_SD = np.sqrt(0.4 * 0.25 + 0.6 * 1 + 0.4 * (-2 - BIMODAL_MEAN) ** 2 + 0.6 * (2 - BIMODAL_MEAN) ** 2)
ZI_SD = np.sqrt(0.6 * LN_SD ** 2 + 0.6 * 0.4 * LN_MEAN ** 2)  # 40% zeros + 60% lognormal


def draw(column: str, change: str, n: int, g: np.random.Generator) -> np.ndarray:
    """n values of a column, unchanged (``none``) or with one of the changes above."""
    shift, scale = change == "shift", change == "scale"
    if column == "normal":
        x = g.normal(size=n)
        return x + 0.25 if shift else x * 1.2 if scale else x
    if column == "lognormal":
        x = g.lognormal(size=n)
        return x + 0.25 * LN_SD if shift else LN_MEAN + 1.2 * (x - LN_MEAN) if scale else x
    if column == "bimodal":
        x = np.where(g.random(n) < 0.4, g.normal(-2, 0.5, n), g.normal(2, 1, n))
        return x + 0.25 * BIMODAL_SD if shift else BIMODAL_MEAN + 1.2 * (x - BIMODAL_MEAN) if scale else x
    if column == "poisson":
        if scale:  # negative binomial: mean λ, variance 1.44·λ
            p = 1 / 1.44
            return g.negative_binomial(LAMBDA * p / (1 - p), p, n).astype(float)
        return g.poisson(LAMBDA + 0.25 * np.sqrt(LAMBDA) if shift else LAMBDA, n).astype(float)
    if column == "zero_inflated":
        x = np.where(g.random(n) < 0.4, 0.0, g.lognormal(size=n) + (0.25 * ZI_SD / 0.6 if shift else 0.0))
        return 1.2 * x if scale else x
    if column in ("zipf30", "longtail2000"):
        p = (ZIPF30 if column == "zipf30" else LONGTAIL).copy()
        if change == "share":
            p[0] -= 0.05
            p[4] += 0.05
        return g.choice(p.size, n, p=p)
    if column == "boolean":
        return g.random(n) < (0.35 if change == "share" else 0.30)
    raise ValueError(column)


def trial(args: tuple[str, str, int, int]) -> tuple[str, str, int, bool, float | None]:
    column, change, n, seed = args
    g = np.random.default_rng([seed, COLUMNS.index(column), n, CHANGES.index(change)])
    ref, cur = draw(column, "none", n, g), draw(column, change, n, g)
    if column in NUMERIC:
        profile = profile_numpy(ref)
        h_ref, h_cur = histogram_numpy(ref, profile), histogram_numpy(cur, profile)
    else:
        profile = profile_numpy(ref, kind="boolean" if column == "boolean" else "categorical")
        h_ref = histogram_categorical_numpy(ref, profile)
        h_cur = histogram_categorical_numpy(cur, profile, reference_values=ref)
    res = compare(h_ref, h_cur, profile.kind)
    return column, change, n, res.drifted, res.metric


def accuracy(seeds: int, n: int = 100_000) -> None:
    """Binned statistics vs the same statistics on raw data (scipy), at n rows per window."""
    from scipy.stats import ks_2samp

    print(f"## Binned vs raw statistics ({n:,} rows per window, 20 bins, {seeds} seeds)\n")
    print("| column | change | raw KS D | binned − raw D: mean / worst | raw W1/std | binned/raw W1 − 1: min / max |")
    print("|---|---|---|---|---|---|")
    for column in ("normal", "lognormal", "bimodal"):
        for change in ("none", "shift", "scale"):
            rows = []
            for seed in range(seeds):
                g = np.random.default_rng([seed, 99, COLUMNS.index(column), CHANGES.index(change)])
                ref, cur = draw(column, "none", n, g), draw(column, change, n, g)
                profile = profile_numpy(ref)
                h_ref, h_cur = histogram_numpy(ref, profile), histogram_numpy(cur, profile)
                raw_d, raw_w = ks_2samp(ref, cur).statistic, wasserstein_norm_raw(ref, cur)
                w = wasserstein(h_ref, h_cur, h_ref.std)
                rows.append((raw_d, ks(h_ref.counts, h_cur.counts)[0] - raw_d, raw_w, w / raw_w - 1))
            a = np.array(rows)
            print(f"| {column} | {change} | {a[:, 0].mean():.4f} | {a[:, 1].mean():+.5f} / {a[:, 1].min():+.5f} | "
                  f"{a[:, 2].mean():.4f} | {a[:, 3].min():+.3f} / {a[:, 3].max():+.3f} |")


def plan(seeds: int, small_factor: int) -> list[tuple[str, str, int, int]]:
    """All trials; 1k-row cells get ``small_factor``× the seeds (cheap, and a rate near 2% needs
    ~1000 trials to be told from 3%)."""
    def count(n):
        return seeds * small_factor if n <= 1_000 else seeds
    jobs = [(c, "none", n, s) for c in COLUMNS for n in NULL_SIZES for s in range(count(n))]
    for c in COLUMNS:
        for change in (("shift", "scale") if c in NUMERIC else ("share",)):
            jobs += [(c, change, n, s) for n in POWER_SIZES for s in range(count(n))]
    return jobs


def cell(results: list[tuple[bool, float | None]]) -> str:
    """'rate (median metric)': the metric is the default verdict's effect size."""
    metrics = [m for _, m in results if m is not None]
    median = f" ({np.median(metrics):.3f})" if metrics else ""
    return f"{100 * sum(d for d, _ in results) / len(results):.1f}%{median}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200, help="independent reference/current pairs per cell")
    ap.add_argument("--small-factor", type=int, default=5, help="seed multiplier for the 1k-row cells")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument("--accuracy", type=int, default=0, metavar="SEEDS",
                    help="instead of the study, compare binned with raw KS and Wasserstein")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    if a.accuracy:
        accuracy(a.accuracy)
        print(f"\n{time.perf_counter() - t0:.0f} s")
        return
    jobs = plan(a.seeds, a.small_factor)
    with ProcessPoolExecutor(a.jobs) as pool:
        results = list(pool.map(trial, jobs, chunksize=50))
    cells: dict[tuple[str, str, int], list[tuple[bool, float | None]]] = {}
    for column, change, n, drifted, metric in results:
        cells.setdefault((column, change, n), []).append((drifted, metric))
    rate = {k: (sum(d for d, _ in v), len(v)) for k, v in cells.items()}
    seeds_text = f"{a.seeds * a.small_factor} seeds at 1,000 rows, {a.seeds} above"

    print(f"## False-alarm rate of the default verdict (no drift; {seeds_text})\n")
    print("Each cell: share of trials flagged as drift (median effect-size metric: normalised")
    print("Wasserstein for numeric, Jensen–Shannon distance for the others).\n")
    print("| column | kind | " + " | ".join(f"{n:,} rows" for n in NULL_SIZES) + " |")
    print("|---|---|" + "---|" * len(NULL_SIZES))
    for c in COLUMNS:
        kind = "discrete" if c == "poisson" else "numeric" if c in NUMERIC else "boolean" if c == "boolean" else "categorical"
        print(f"| {c} | {kind} | " + " | ".join(cell(cells[(c, 'none', n)]) for n in NULL_SIZES) + " |")
    print(f"\n## Power of the default verdict ({seeds_text})\n")
    print("| column | change | " + " | ".join(f"{n:,} rows" for n in POWER_SIZES) + " |")
    print("|---|---|" + "---|" * len(POWER_SIZES))
    for c in COLUMNS:
        for change in (("shift", "scale") if c in NUMERIC else ("share",)):
            label = {"shift": "mean +0.25 std", "scale": "spread ×1.2", "share": "5 points of share"}[change]
            print(f"| {c} | {label} | " + " | ".join(cell(cells[(c, change, n)]) for n in POWER_SIZES) + " |")

    def worst(columns, change, n):
        return max(rate[(c, change, n)][0] / rate[(c, change, n)][1] for c in columns)

    def weakest(columns, changes, sizes):
        return min(rate[(c, ch, n)][0] / rate[(c, ch, n)][1] for c in columns for ch in changes for n in sizes)

    continuous = tuple(c for c in NUMERIC if c != "poisson")
    targets = [
        ("false alarms ≤ 2% numeric, continuous (KS + Wasserstein) at 1k rows",
         worst(continuous, "none", 1_000), lambda v: v <= 0.02),
        ("false alarms ≤ 2% numeric, discrete (Poisson: chi-square + JS) at 1k rows",
         worst(("poisson",), "none", 1_000), lambda v: v <= 0.02),
        ("false alarms ≤ 4% categorical/boolean at 1k rows", worst(CATEGORICAL, "none", 1_000), lambda v: v <= 0.04),
        ("false alarms ≈ 0 (≤ 0.5%) at 10k and 100k rows",
         max(worst(COLUMNS, "none", n) for n in NULL_SIZES[1:]), lambda v: v <= 0.005),
        ("power ≥ 95% on 0.25-std shift and ×1.2 scale at 10k rows",
         weakest(NUMERIC, ("shift", "scale"), (10_000,)), lambda v: v >= 0.95),
    ]
    print("\n## Targets\n")
    print("| target | measured (worst column) | met |\n|---|---|---|")
    for text, value, ok in targets:
        print(f"| {text} | {100 * value:.1f}% | {'yes' if ok(value) else '**no**'} |")
    print(f"\n{len(jobs)} trials in {time.perf_counter() - t0:.0f} s with {a.jobs} processes.")


if __name__ == "__main__":
    main()
