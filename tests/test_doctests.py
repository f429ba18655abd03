"""The examples in sqlmon's docstrings are tests too: every module's doctests run here, so the
README's one test command runs them (an optional driver is imported lazily, so every module
imports without the extras)."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import sqlmon

MODULES = sorted(m.name for m in pkgutil.walk_packages(sqlmon.__path__, "sqlmon.") if m.name != "sqlmon.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctests failed in {name}"


def test_the_doctests_are_found():
    finder = doctest.DocTestFinder()
    found = {name: sum(len(t.examples) for t in finder.find(importlib.import_module(name))) for name in MODULES}
    assert sum(found.values()) >= 20 and found["sqlmon.requests"] and found["sqlmon.backfill"], found
