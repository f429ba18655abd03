"""Registry of test types: name -> class. One new test type = one class + one entry in a TYPES list."""
from __future__ import annotations

from . import anomaly, data_quality, drift, model_quality, statistics
from .base import TestContext, TestType

TEST_TYPES: dict[str, type[TestType]] = {t.name: t for t in [*data_quality.TYPES, *statistics.TYPES, *drift.TYPES, *anomaly.TYPES,
                                                   *model_quality.TYPES]}

GATES = tuple(name for name, t in TEST_TYPES.items() if t.gate)

__all__ = ["GATES", "TEST_TYPES", "TestContext", "TestType"]
