"""The house rules hold, and the check that guards them fails when one is broken.

Rules (README "Architecture", pyproject.toml [tool.importlinter]): no import circles anywhere in
sqlmon/; judge/, testtypes/ and plan.py never import adapters/; config/ never imports sql.py,
render.py, testtypes/ or adapters/; adapters/ never import judge/; only cli.py and console.py
import click or rich. Plus: one module turns a metric into a status, one Jinja factory.
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import architecture
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sqlmon"


def test_the_house_rules_hold():
    assert architecture.violations(ROOT) == []


def test_the_click_and_rich_contract_lists_every_module():
    """A new module must be named in the contract, or it could import click unnoticed."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    listed = set(next(c for c in config if c.get("forbidden_modules") == ["click", "rich"])["source_modules"])
    top = {f"sqlmon.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__", "cli", "console")}
    top |= {f"sqlmon.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    assert top == listed


def _check_copy(tmp_path: Path, plant: dict[str, str]) -> str:
    """Copy the package and pyproject.toml, append each planted line to its module, run the check."""
    shutil.copytree(PACKAGE, tmp_path / "sqlmon", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for module, line in plant.items():
        path = tmp_path / module
        path.write_text(path.read_text() + "\n\n" + line + "\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "architecture.py"), str(tmp_path)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.parametrize("module, line, expected", [
    # a function-level import closing a circle cli -> console -> cli
    ("sqlmon/console.py", "def _later():\n    import sqlmon.cli", "import circle: sqlmon.cli <-> sqlmon.console"),
    # the hidden kind: a module importing its own package, which imports (through runner) that module
    ("sqlmon/judge/robust.py", "from sqlmon import __version__", "import circle: sqlmon <-> "),
    ("sqlmon/judge/stats.py", "import click", "broken contract: only the CLI renders"),
    ("sqlmon/judge/verdict.py", "def _engine():\n    from sqlmon.adapters import base",
     "broken contract: judging, test types and the planner never reach into the engines"),
    ("sqlmon/config/vars.py", "from sqlmon.sql import parse_condition",
     "broken contract: loading a project needs no SQL"),
    ("sqlmon/adapters/base.py", "from sqlmon.judge.binning import Histogram", "broken contract: the engines do not judge"),
])
def test_the_check_fails_on_a_planted_violation(tmp_path, module, line, expected):
    out = _check_copy(tmp_path, {module: line})
    assert expected in out, out


def test_one_place_turns_a_metric_into_a_status():
    """Only judge/evaluate.py compares a metric with a threshold, and no test type hands back a
    pass/warn/fail of its own (a rule of its own is `Outcome.verdict`, judged there too)."""
    judges = sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
                    if ".breached(" in p.read_text() and p.name != "thresholds.py")     # where it is defined
    assert judges == ["sqlmon/judge/evaluate.py"]
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "status" and isinstance(node.value, ast.Constant):
                assert node.value.value in ("skipped", "error"), f"{path}: Outcome(status={node.value.value!r})"


def test_one_jinja_environment_factory():
    makers = sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
                    if "Environment(" in p.read_text() or "jinja2.sandbox" in p.read_text())
    assert makers == ["sqlmon/templating.py"]


def test_the_public_api_has_real_signatures_and_a_light_import():
    """`import sqlmon` (and so the CLI's --help/--version) loads no SQL parser, engine or
    statistics library; `sqlmon.run`/`compile_project` have the runner's real signatures."""
    import inspect

    import sqlmon
    from sqlmon import runner

    assert inspect.signature(sqlmon.run) == inspect.signature(runner.run)
    assert inspect.signature(sqlmon.compile_project) == inspect.signature(runner.compile_project)
    assert "session" in inspect.signature(sqlmon.run).parameters and sqlmon.run.__doc__
    heavy = ("sqlglot", "scipy", "duckdb", "numpy", "pydantic", "jinja2", "yaml")
    code = ("import sys, sqlmon, sqlmon.cli; "
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr
