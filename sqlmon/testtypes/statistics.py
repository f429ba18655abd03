"""Column statistics judged by thresholds: mean, stddev, min, max, quantile, distinct counts,
string lengths and the share of non-finite values."""
from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from sqlmon.columns import NUMERIC, STRING
from sqlmon.config.specs import BadValue
from sqlmon.judge import noise
from sqlmon.results import Outcome
from sqlmon.testtypes.aggregate import AggregateTest, ShareTest
from sqlmon.testtypes.base import TestContext
from sqlmon.testtypes.segments import SegmentParams


def _number(value: Any, what: str) -> Outcome:
    if value is None:
        return Outcome(None, {}, f"no finite values to compute the {what}", status="skipped")
    return Outcome(float(value), {}, f"{what} = {float(value):.6g}")


class _Statistic(AggregateTest):
    kinds: ClassVar[tuple[str, ...] | None] = (NUMERIC,)

    def finish(self, values: dict[str, Any], ctx: TestContext) -> Outcome:
        return _number(values["value"], self.name)


class Mean(_Statistic):
    name, macro, metric = "mean", "mean", "mean of the finite values"

    def finish(self, values: dict[str, Any], ctx: TestContext) -> Outcome:
        out = _number(values["value"], self.name)
        sampling = noise.mean(int(values.get("n") or 0), values.get("sd")) if out.metric is not None else None
        if sampling:
            out.details["sampling"] = sampling
        return out


class Stddev(_Statistic):
    name, macro, metric = "stddev", "stddev", "sample standard deviation of the finite values"


class Min(_Statistic):
    name, macro, metric = "min", "min", "smallest finite value"


class Max(_Statistic):
    name, macro, metric = "max", "max", "largest finite value"


class QuantileParams(SegmentParams):
    q: float = Field(ge=0, le=1)


class Quantile(_Statistic):
    name, macro, metric = "quantile", "quantile", "the `q` quantile of the finite values (linear interpolation)"
    Params = QuantileParams

    def finish(self, values: dict[str, Any], ctx: TestContext) -> Outcome:
        return _number(values["value"], f"q{ctx.params.q:g} quantile")


class DistinctCount(AggregateTest):
    name, macro, metric = "distinct_count", "distinct_count", "number of distinct non-NULL values"

    def finish(self, values: dict[str, Any], ctx: TestContext) -> Outcome:
        n = int(values["value"] or 0)
        return Outcome(float(n), {"distinct_count": n}, f"{n} distinct values")


class DistinctShare(AggregateTest):
    name, macro, metric = "distinct_share", "distinct_share", "distinct values / non-NULL values"

    def finish(self, values: dict[str, Any], ctx: TestContext) -> Outcome:
        d, n = int(values["distinct_count"] or 0), int(values["non_null_count"] or 0)
        if n == 0:
            return Outcome(None, {"non_null_count": 0}, "no non-NULL values", status="skipped")
        return Outcome(d / n, {"distinct_count": d, "non_null_count": n}, f"{d} distinct of {n} values")


class LengthParams(SegmentParams):
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> "LengthParams":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise BadValue(f"length has min {self.min} > max {self.max}", "swap them: `min` is the shortest length")
        return self


class Length(ShareTest):
    name, macro, kinds = "length", "length", (STRING,)
    Params = LengthParams
    metric = "share of rows whose string length is outside [min, max]"
    failing = "have a length out of bounds"

    def finish(self, values: dict[str, Any], ctx: TestContext) -> Outcome:
        out = super().finish(values, ctx)
        out.details.update(min_length=values["min_length"], max_length=values["max_length"])
        return out


class NonfiniteShare(ShareTest):
    name, macro, kinds = "nonfinite_share", "nonfinite_share", (NUMERIC,)
    metric = "share of rows that are NaN, +inf or -inf"
    failing = "are NaN or infinite"


TYPES = [Mean, Stddev, Min, Max, Quantile, DistinctCount, DistinctShare, Length, NonfiniteShare]
