"""The two warehouse passes behind every drift test, for one column.

Profile pass (reference window, through the engine's profile sample): numeric -> count, std,
min, max, distinct count, quantiles and the most frequent values; categorical/boolean -> counts
per value. `binning` turns them into a Profile (bin edges or kept categories). Histogram pass:
numeric -> cumulative counts at the edges and the tails' sums (scalar aggregates, fused with the
window's other tests), over the same sample for the reference; categorical -> counts per value.
The profile and the reference histogram are the baseline: cached by a key of the reference's
definition and its change signal, so a steady-state run scans only the current window.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from sqlmon.columns import BOOLEAN, DATE, NUMERIC, STRING, TIMESTAMP, ColumnInfo, is_float, is_integer
from sqlmon.judge.binning import (
    GRID,
    PROFILE_VERSION,
    Histogram,
    Profile,
    boolean_profile,
    categorical_histogram,
    categorical_profile,
    numeric_histogram,
    numeric_profile,
    point_masses,
)
from sqlmon.requests import Aggregates, Prerequisite
from sqlmon.sql import key as sql_key
from sqlmon.testtypes.base import TestContext

CATEGORY_LIMIT = 10_000     # values fetched per window; beyond it values count as `other`
DISCRETE_PROBE = 3          # x bins: below this many (approximate) distinct values, list them all
ID_LIKE_SHARE = 0.5         # more distinct values than this share of rows: an identifier
PROFILE_SAMPLE_ROWS = 100_000   # reference rows a numeric baseline is read from, where the engine samples


@dataclass
class Baseline:
    """What a drift test keeps of the reference: its profile, histogram and (categorical) the
    reference's value set when it was fetched whole (to tell `other` from `new`)."""

    profile: Profile
    histogram: Histogram
    values: frozenset | None = None

    key: str | None = None      # the exact profile_key it was computed under
    window: dict[str, Any] | None = None    # the reference window it was read from (relation, start, end)

    def to_dict(self) -> dict[str, Any]:
        return {"profile": self.profile.to_dict(), "histogram": self.histogram.to_dict(),
                "values": None if self.values is None else sorted(self.values, key=str), "key": self.key,
                "window": self.window}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Baseline":
        return cls(Profile.from_dict(d["profile"]), Histogram.from_dict(d["histogram"]),
                   None if d.get("values") is None else frozenset(d["values"]), d.get("key"), d.get("window"))


def drift_kind(col: ColumnInfo, forced: str | None) -> str:
    if forced:
        return forced
    if col.kind in (NUMERIC, TIMESTAMP, DATE):
        return "numeric"
    if col.kind == BOOLEAN:
        return "boolean"
    if col.kind == STRING:
        return "categorical"
    return "unsupported"


def profile_key(ctx: TestContext, col: ColumnInfo, kind: str, bins: int, k: int) -> str | None:
    """Identity of a baseline: the reference's relation, filter and bounds, the column and the
    binning settings, plus the relation's change signal. None: no reference window."""
    if ctx.reference is None:
        return None
    parts = [sql_key(ctx.reference.relation),
             sql_key(ctx.reference.condition) if ctx.reference.condition is not None else "",
             col.name, col.type, kind, str(bins), str(k), ctx.reference_signal or "", f"v{PROFILE_VERSION}.4"]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def definition_key(ctx: TestContext, col: ColumnInfo, kind: str, bins: int, k: int) -> str:
    """Identity of the reference *as written* (not its resolved bounds): what a pinned baseline
    (`sqlmon baseline`) stays valid for; editing the reference or the binning invalidates it."""
    spec = ctx.monitor.reference.model_dump_json() if ctx.monitor.reference else ""
    parts = [ctx.monitor.relation, ctx.monitor.where or "", spec, ctx.test.where or "", col.name, kind,
             str(bins), str(k), f"v{PROFILE_VERSION}"]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def cached(ctx: TestContext, key: str | None) -> Baseline | None:
    """The baseline this run's session computed under `key` (sqlmon.session): the in-process
    cache; the history store keeps them across processes."""
    return None if key is None or ctx.session is None else ctx.session.baselines.get(key)


def pinned(ctx: TestContext, dkey: str) -> Baseline | None:
    """The baseline pinned with `sqlmon baseline` for this reference definition, if any. Looked
    up before any cache, so a pin takes effect in a long-lived process too."""
    found = ctx.history.load_baseline(ctx.test.unique_id, dkey, pinned_only=True) if ctx.history else None
    return Baseline.from_dict(found) if found else None


def stored(ctx: TestContext, dkey: str, key: str | None) -> Baseline | None:
    """The latest baseline saved in the history if it was computed under exactly this key
    (a cache across processes)."""
    latest = ctx.history.load_baseline(ctx.test.unique_id, dkey) if ctx.history else None
    return Baseline.from_dict(latest) if latest and key is not None and latest.get("key") == key else None


def remember(ctx: TestContext, key: str | None, baseline: Baseline) -> None:
    if key is not None and ctx.session is not None:
        ctx.session.baselines[key] = baseline


# --- numeric ---------------------------------------------------------------------------------

class NumericPasses:
    """SQL for a numeric (or timestamp) column; `value` is what gets binned."""

    def __init__(self, ctx: TestContext, col: ColumnInfo, bins: int):
        self.ctx, self.col, self.bins = ctx, col, bins
        self.is_float = is_float(col)
        self.is_integer = is_integer(col)
        self.sample_finite = False      # profile_run: the reference sample had no NaN/+-inf
        quoted = ctx.macros.quote(col.name, "drift_value")
        self.value = ctx.expression("drift_value", column=quoted, column_kind=col.kind)

    def reference_sample(self) -> Any:
        """The reference rows a numeric baseline reads: the engine's seeded profile sample."""
        return self.ctx.sampled(self.ctx.reference, PROFILE_SAMPLE_ROWS, [self.col.name])

    def profile_run(self, sample: Any) -> Generator[list[Any], list[Any], Profile]:
        """The profile pass over `sample` (the reference as `TestContext.sampled` samples it). One
        round: count, min, max, std, the distinct count and a grid of quantiles (fused with the
        other columns' into one query). Only a column with few distinct values then lists its
        values: a GROUP BY value of a continuous column has millions of groups. Its point masses
        come from the grid instead: a value holding a share s of the rows is the quantile at about
        s x GRID x bins consecutive grid points."""
        qs = [i / (GRID * self.bins) for i in range(1, GRID * self.bins)]
        full, part = yield Prerequisite([
            self.ctx.aggregates("numeric_profile", sample, value=self.value, is_float=self.is_float),
            self.ctx.aggregates("numeric_quantiles", sample, value=self.value, is_float=self.is_float, qs=qs)])
        agg = {**full, **part}
        # NaN/+-inf in the sample (non-NULL values that are not finite): the tail sums then need
        # their exact form. A macro without `nonnull` says nothing: assume there are some.
        self.sample_finite = agg.get("nonnull") is not None and int(agg["nonnull"]) == int(agg["n"] or 0)
        top: list[dict[str, Any]] = []
        if int(agg["distinct_count"] or 0) <= DISCRETE_PROBE * self.bins:
            top, = yield Prerequisite([self.ctx.query("top_values", sample, value=self.value,
                                                      is_float=self.is_float, limit=2 * self.bins + 1)])
        return self.profile([agg, top])

    def profile(self, answers: list[Any]) -> Profile:
        agg, top = answers
        raw = list(agg["quantiles"] or [])
        grid = [float(q) for q in raw if q is not None and math.isfinite(float(q))]
        edges = raw[GRID - 1::GRID] if len(raw) == GRID * self.bins - 1 else raw
        return numeric_profile(edges, n=int(agg["n"] or 0), std=_f(agg["std"]), vmin=_f(agg["vmin"]),
                               vmax=_f(agg["vmax"]), distinct_count=int(agg["distinct_count"] or 0),
                               top_values=[(float(r["value"]), int(r["n"])) for r in top], bins=self.bins,
                               point_masses=point_masses(grid, GRID - 1))

    def histogram_request(self, profile: Profile, scope: Any, assume_finite: bool = False) -> Aggregates:
        # An integer x is <= e exactly when x <= floor(e): integer literals spare the engine a cast
        # to DOUBLE per row and edge, and are exact beyond 2**53.
        edges = [math.floor(e) for e in profile.edges] if self.is_integer else list(profile.edges)
        return self.ctx.aggregates("numeric_cdf", scope, value=self.value, edges=edges, is_float=self.is_float,
                                   assume_finite=assume_finite)

    def histogram_run(self, profile: Profile, scopes: list[Any], assume_finite: bool
                      ) -> Generator[list[Any], list[Any], list[dict[str, Any]]]:
        """The histogram pass over `scopes` (one round). With `assume_finite` the tail sums are
        arithmetic; a window that has NaN/+-inf after all gets them non-finite, and is asked
        again in the exact form (a second round, for those windows only)."""
        answers = yield [self.histogram_request(profile, s, assume_finite) for s in scopes]
        lost = [i for i, a in enumerate(answers) if assume_finite and _tails_lost(a)]
        if lost:
            again = yield [self.histogram_request(profile, scopes[i], False) for i in lost]
            for i, a in zip(lost, again):
                answers[i] = a
        return list(answers)

    @staticmethod
    def histogram(answer: dict[str, Any], profile: Profile, std: float | None = None) -> Histogram:
        return numeric_histogram(profile, rows=answer["n_rows"] or 0, nonnull=answer["nonnull"] or 0,
                                 le=[answer[f"le_{i}"] for i in range(len(profile.edges))],
                                 tails=(answer["low_sum"], answer["high_sum"]),
                                 nan=answer.get("nan") or 0, posinf=answer.get("posinf") or 0,
                                 neginf=answer.get("neginf") or 0, std=std)


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def _tails_lost(answer: dict[str, Any]) -> bool:
    """Arithmetic tail sums that met a NaN/+-inf (x * 0 is NaN for those): re-ask exactly."""
    nonfinite = (answer.get("nan") or 0) + (answer.get("posinf") or 0) + (answer.get("neginf") or 0)
    return bool(nonfinite) and any(v is not None and not math.isfinite(float(v))
                                   for v in (answer["low_sum"], answer["high_sum"]))


# --- categorical and boolean ------------------------------------------------------------------

class CategoryPasses:
    """Counts per value in each window; the profile keeps the reference's top-k values."""

    def __init__(self, ctx: TestContext, col: ColumnInfo, kind: str, k: int):
        self.ctx, self.col, self.kind, self.k = ctx, col, kind, k
        self.quoted = ctx.macros.quote(col.name, "category_counts")

    def counts_request(self, scope: Any) -> Any:
        return self.ctx.query("category_counts", scope, column=self.quoted, limit=CATEGORY_LIMIT)

    def baseline(self, rows: list[dict[str, Any]]) -> Baseline:
        summary = _summary(rows)
        if self.kind == "boolean":
            profile = boolean_profile(n=int(summary["nonnull"]))
            counts = [summary["by_value"].get(False, 0.0), summary["by_value"].get(True, 0.0)]
            hist = categorical_histogram(counts, other=0, new=0, null=summary["null"], profile=profile, is_reference=True)
            return Baseline(profile, hist)
        profile = categorical_profile(list(summary["by_value"].items()), n=int(summary["nonnull"]),
                                      singletons=int(summary["singletons"]), k=self.k)
        kept = [summary["by_value"].get(v, 0.0) for v in profile.values]
        other = summary["nonnull"] - sum(kept)
        hist = categorical_histogram(kept, other=other, new=0, null=summary["null"], profile=profile, is_reference=True)
        complete = summary["fetched"] >= summary["distinct"]
        return Baseline(profile, hist, frozenset(summary["by_value"]) if complete else None)

    def histogram(self, rows: list[dict[str, Any]], base: Baseline) -> Histogram:
        summary = _summary(rows)
        profile = base.profile
        if self.kind == "boolean":
            counts = [summary["by_value"].get(False, 0.0), summary["by_value"].get(True, 0.0)]
            return categorical_histogram(counts, other=0, new=0, null=summary["null"], profile=profile, is_reference=False)
        kept = [summary["by_value"].get(v, 0.0) for v in profile.values]
        new_values = [] if base.values is None else \
            [(v, n) for v, n in summary["by_value"].items() if v not in base.values]
        new = sum(n for _, n in new_values)
        other = summary["nonnull"] - sum(kept) - new
        named = [v for v, _ in sorted(new_values, key=lambda vn: (-vn[1], str(vn[0])))]
        return categorical_histogram(kept, other=other, new=new, null=summary["null"], profile=profile,
                                     is_reference=False, new_values=named)

    @staticmethod
    def id_like(rows: list[dict[str, Any]]) -> str | None:
        s = _summary(rows)
        if s["nonnull"] and s["distinct"] > ID_LIKE_SHARE * s["nonnull"] and s["distinct"] > 50:
            return (f"{int(s['distinct'])} distinct values in {int(s['nonnull'])} rows: the column looks like an "
                    "identifier, and drift on it is meaningless")
        return None


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_value: dict[Any, float] = {}
    null = 0.0
    for r in rows:
        if r["value"] is None:
            null = float(r["n"])
        else:
            by_value[r["value"]] = float(r["n"])
    total = float(rows[0]["total"]) if rows else 0.0
    distinct = float(rows[0]["distinct_count"]) - (1 if null else 0) if rows else 0.0
    return {"by_value": by_value, "null": null, "nonnull": total - null, "distinct": distinct,
            "singletons": float(rows[0]["singletons"]) if rows else 0.0, "fetched": len(by_value)}

