"""Registry of test types: name -> class. One new test type = one class + one entry in a TYPES list."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlmon.testtypes import anomaly, data_quality, drift, estimated, model_quality, statistics
from sqlmon.testtypes.base import TestContext, TestType
from sqlmon.testtypes.custom import discover

TEST_TYPES: dict[str, type[TestType]] = {t.name: t for t in [*data_quality.TYPES, *statistics.TYPES, *drift.TYPES,
                                                             *anomaly.TYPES, *model_quality.TYPES, *estimated.TYPES]}

GATES = tuple(name for name, t in TEST_TYPES.items() if t.gate)


def project_test_types(macro_dirs: Sequence[Path]) -> dict[str, type[TestType]]:
    """The built-in test types plus the project's `test_<name>` macros and dbt generic tests in
    `macro_dirs`."""
    return {**TEST_TYPES, **discover(list(macro_dirs), TEST_TYPES)}


__all__ = ["GATES", "TEST_TYPES", "TestContext", "TestType", "project_test_types"]
