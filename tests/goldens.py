"""The golden statistics vectors (tests/golden/drift_vectors.json): small cases computed with
scipy / numpy / scikit-learn on the inputs directly. Shared by the statistics, binning and model
quality tests; a missing or unreadable file fails those tests instead of skipping them."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

VECTORS = Path(__file__).parent / "golden" / "drift_vectors.json"


def all_cases() -> list[dict[str, Any]]:
    return json.loads(VECTORS.read_text())["cases"]


def golden_cases(*functions: str) -> list[Any]:
    """Every case of the given `function` names as pytest params named by their id, in file order
    (at least one, or a clear error)."""
    cases = [pytest.param(c, id=c["id"]) for c in all_cases() if c["function"] in functions]
    assert cases, f"no golden case for {functions} in {VECTORS}"
    return cases
