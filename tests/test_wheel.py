"""The wheel, installed into a fresh venv, scaffolds and runs a project from another directory.

Dependencies come from the running interpreter's site-packages (a .pth file) so the test needs
no network; sqlmon itself comes only from the wheel (checked via `sqlmon.__file__`).
"""
from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXTRAS_ONLY = ("pyarrow", "pandas", "sklearn", "jsonschema", "psycopg", "pyspark", "sqlglotc")


@pytest.mark.slow
def test_wheel_install_init_run(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(dist), str(REPO)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    wheel = next(dist.glob("sqlmon-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    purelib = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    parents = [p for p in {*site.getsitepackages(), sysconfig.get_paths()["purelib"]} if Path(p).is_dir()]
    Path(purelib, "_parent_deps.pth").write_text("\n".join(parents) + "\n")
    # The core install: what only the extras bring (pyarrow, pandas, ...) is not importable here,
    # though the parent environment has it (the README's first command installs no extra).
    Path(purelib, "sitecustomize.py").write_text(
        "import sys\n"
        f"for name in {EXTRAS_ONLY!r}:\n"
        "    sys.modules[name] = None\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", purelib, str(wheel)],
                   check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SQLMON_PROFILES_DIR")}
    where = subprocess.run([py, "-c", "import sqlmon, sys; print(sqlmon.__file__)"], capture_output=True,
                           text=True, cwd=tmp_path, env=env, check=True).stdout
    assert where.startswith(purelib), where
    blocked = subprocess.run([py, "-c", "import pyarrow"], capture_output=True, text=True, env=env)
    assert blocked.returncode != 0
    work = tmp_path / "elsewhere"
    work.mkdir()
    cli = [str(py), "-m", "sqlmon"]
    init = subprocess.run([*cli, "init", "demo"], cwd=work, capture_output=True, text=True, env=env)
    assert init.returncode == 0, init.stderr
    run = subprocess.run([*cli, "run"], cwd=work / "demo", capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (work / "demo" / "target" / "run_results.json").exists()
    comp = subprocess.run([*cli, "compile", "-s", "type:row_count"], cwd=work / "demo", capture_output=True,
                          text=True, env=env)
    assert comp.returncode == 0 and "COUNT(*)" in comp.stdout
