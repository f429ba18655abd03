"""Engines for tests: a throwaway PostgreSQL and one shared Spark session per test run.

Not a conftest: tests/conftest.py re-exports it (`from engines import *`, see __all__):
  engine_unavailable(name, reason)  skip, or fail under SQLMON_REQUIRE_ENGINES=1
  postgres_target(), spark_target()  profile dicts (type: postgres / spark) for the engines
  connected_adapter(name)           the shared connected adapter ("postgres" or "spark")
  postgres_adapter, spark_adapter   session-scoped fixtures around connected_adapter

Environment:
  SQLMON_TEST_POSTGRES    libpq connection string (or postgresql:// URL) of a server to test
                          against; .ci/provision.sh exports it.  When unset and PostgreSQL
                          server binaries are installed (Debian: /usr/lib/postgresql/*/bin), a
                          throwaway server is started for this test run and stopped at exit.
  SQLMON_REQUIRE_ENGINES=1  an engine that cannot be provisioned fails the test instead of
                          skipping it (CI sets this, so CI always runs every engine).

State lives in one object registered in sys.modules, so importing this file under two names
(`engines` and `tests.engines`) still gives one server, one session and one adapter each.
"""
from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

import pytest

__all__ = ["ENV_POSTGRES", "ENV_REQUIRE", "SPARK_TARGET", "engine_unavailable", "postgres_target",
           "spark_target", "connected_adapter", "close_adapters", "postgres_adapter", "spark_adapter"]

ENV_POSTGRES = "SQLMON_TEST_POSTGRES"
ENV_REQUIRE = "SQLMON_REQUIRE_ENGINES"
TEST_DBNAME = "sqlmon_test"

_STATE = sys.modules.setdefault("_sqlmon_test_engines_state",
                                types.ModuleType("_sqlmon_test_engines_state"))
if not hasattr(_STATE, "targets"):
    _STATE.targets = {}      # engine -> profile dict, or the reason (str) it is unavailable
    _STATE.adapters = {}     # engine -> connected adapter
    _STATE.pg_server = None  # (tmpdir, bindir) of a server this process started


def engine_unavailable(name: str, reason: str):
    """Skip the calling test with a visible reason; fail it under SQLMON_REQUIRE_ENGINES=1."""
    message = f"{name} engine unavailable: {reason}"
    if os.environ.get(ENV_REQUIRE, "").strip() not in ("", "0"):
        pytest.fail(f"{message} ({ENV_REQUIRE}=1 turns engine skips into failures)", pytrace=False)
    pytest.skip(message)


# --- PostgreSQL -------------------------------------------------------------------------
def postgres_target() -> dict[str, Any]:
    """Profile dict (type: postgres) for the test server; skips/fails when there is none."""
    if "postgres" not in _STATE.targets:
        _STATE.targets["postgres"] = _provision_postgres()
    found = _STATE.targets["postgres"]
    if isinstance(found, str):
        engine_unavailable("postgres", found)
    return dict(found)


def postgres_params(target: dict[str, Any]) -> dict[str, str]:
    """psycopg.connect() keywords of a postgres profile dict (for setting up test data)."""
    return {k: str(v) for k, v in target.items() if k in ("host", "port", "user", "password", "dbname")}


def postgres_project(root: Path, target: dict[str, Any], history_schema: str | None = None) -> Any:
    """A project folder at `root` whose profile is `target` (a postgres profile dict)."""
    from conftest import Proj
    root.mkdir(parents=True)
    history = f"history: {{schema: {history_schema}}}\n" if history_schema else ""
    (root / "sqlmon_project.yml").write_text(f"name: pgproj\nprofile: pgproj\n{history}")
    out = "\n".join(f"      {k}: {v}" for k, v in target.items())
    (root / "profiles.yml").write_text(f"pgproj:\n  target: dev\n  outputs:\n    dev:\n{out}\n")
    return Proj(root)


def _provision_postgres() -> dict[str, Any] | str:
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:
        return "psycopg is not installed (pip install 'sqlmon[postgres]')"
    dsn = os.environ.get(ENV_POSTGRES, "").strip()
    if not dsn:
        dsn, reason = _start_local_postgres()
        if reason:
            return f"{ENV_POSTGRES} is not set and {reason}"
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.Error as err:
        return f"{ENV_POSTGRES} is not a libpq connection string: {err}"
    target: dict[str, Any] = {"type": "postgres"}
    for key in ("host", "port", "user", "password", "dbname", "sslmode"):
        if params.get(key):
            target[key] = int(params[key]) if key == "port" else params[key]
    try:
        psycopg.connect(dsn, connect_timeout=10).close()
    except psycopg.Error as err:
        return f"cannot connect to {dsn!r}: {str(err).strip().splitlines()[0]}"
    return target


def _pg_bindir() -> str | None:
    dirs = [d for d in glob.glob("/usr/lib/postgresql/*/bin")
            if os.access(os.path.join(d, "initdb"), os.X_OK)]
    if dirs:
        return max(dirs, key=lambda d: int(d.split("/")[-2]) if d.split("/")[-2].isdigit() else 0)
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_local_postgres() -> tuple[str, str | None]:
    """Start a throwaway server: (connection string, None), or ("", why it could not)."""
    bindir = _pg_bindir()
    if bindir is None:
        return "", "no PostgreSQL server binaries are installed (Debian package `postgresql`)"
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:
        if shutil.which("runuser") is None:
            return "", "running as root without `runuser` to start PostgreSQL as another user"
        try:
            import pwd
            pw = pwd.getpwnam("postgres")
        except KeyError:
            return "", "running as root and there is no `postgres` OS user to run the server as"
        prefix = ["runuser", "-u", "postgres", "--"]
    tmp = tempfile.mkdtemp(prefix="sqlmon-pg.")
    if as_root:
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    data, log = os.path.join(tmp, "data"), os.path.join(tmp, "server.log")

    def run(*cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, *cmd], cwd="/", capture_output=True, text=True, timeout=120)

    init = run(os.path.join(bindir, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
               "-E", "UTF8", "--locale=C.UTF-8")
    if init.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        return "", f"initdb failed: {(init.stderr or init.stdout).strip()[-300:]}"
    for _attempt in range(3):
        port = _free_port()
        start = run(os.path.join(bindir, "pg_ctl"), "-D", data, "-l", log, "-w", "-t", "60", "-o",
                    f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
                    f"-c synchronous_commit=off -c full_page_writes=off", "start")
        if start.returncode == 0:
            break
    else:
        tail = open(log, encoding="utf-8", errors="replace").read()[-300:] if os.path.exists(log) else ""
        shutil.rmtree(tmp, ignore_errors=True)
        return "", f"PostgreSQL did not start: {tail.strip()}"
    _STATE.pg_server = (tmp, bindir, prefix)
    atexit.register(_stop_local_postgres)
    import psycopg

    admin = f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEST_DBNAME}")
    except psycopg.Error as err:
        _stop_local_postgres()
        return "", f"CREATE DATABASE failed on the throwaway server: {err}"
    return f"host=127.0.0.1 port={port} user=postgres dbname={TEST_DBNAME}", None


def _stop_local_postgres() -> None:
    server, _STATE.pg_server = _STATE.pg_server, None
    if server is None:
        return
    tmp, bindir, prefix = server
    subprocess.run([*prefix, os.path.join(bindir, "pg_ctl"), "-D", os.path.join(tmp, "data"),
                    "-m", "immediate", "-w", "stop"], cwd="/", capture_output=True, timeout=60)
    shutil.rmtree(tmp, ignore_errors=True)


# --- Spark ------------------------------------------------------------------------------
SPARK_TARGET: dict[str, Any] = {
    "type": "spark",
    "master": "local[2]",
    "app_name": "sqlmon-tests",
    "spark_conf": {
        # Tiny test tables: 200 shuffle partitions would cost more than the data.
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
        # C1-only JIT: a short-lived test JVM spends its first seconds in C2 compiler threads;
        # measured on 2 busy cores, session + first queries 33-37 s -> 14-19 s.  No effect on
        # results (whole-stage codegen stays on, as in production).
        "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1",
    },
}


def spark_target() -> dict[str, Any]:
    """Profile dict (type: spark) for the shared local session; skips/fails when unavailable.

    The first call starts the one SparkSession of this test run (4-6 s); later calls and every
    SparkAdapter in the process reuse it.
    """
    if "spark" not in _STATE.targets:
        _STATE.targets["spark"] = _provision_spark()
    found = _STATE.targets["spark"]
    if isinstance(found, str):
        engine_unavailable("spark", found)
    return dict(found, spark_conf=dict(found["spark_conf"]))


def _provision_spark() -> dict[str, Any] | str:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'sqlmon[spark]')"
    from sqlmon.adapters import spark as spark_module
    from sqlmon.errors import SqlmonError

    if not spark_module._java_available():
        return "no Java runtime (Debian package openjdk-17-jre-headless, or set JAVA_HOME)"
    try:
        spark_module.get_session(SPARK_TARGET)
    except SqlmonError as err:
        return f"the local Spark session did not start: {err}"
    atexit.register(spark_module.stop_session)
    return dict(SPARK_TARGET)


# --- connected adapters -----------------------------------------------------------------
def connected_adapter(name: str):
    """The shared connected adapter for `name` ("postgres" or "spark"), created on first use."""
    if name not in _STATE.adapters:
        from sqlmon.adapters import make_adapter

        target = {"postgres": postgres_target, "spark": spark_target}[name]()
        adapter = make_adapter(target)
        adapter.connect()
        _STATE.adapters[name] = adapter
    return _STATE.adapters[name]


def close_adapters() -> None:
    for name in list(_STATE.adapters):
        _STATE.adapters.pop(name).close()


@pytest.fixture(scope="session")
def postgres_adapter():
    """A connected PostgresAdapter (read-only session) on the test server."""
    yield connected_adapter("postgres")
    adapter = _STATE.adapters.pop("postgres", None)
    if adapter is not None:
        adapter.close()


@pytest.fixture(scope="session")
def spark_adapter():
    """A connected SparkAdapter on the one local Spark session of this test run."""
    yield connected_adapter("spark")
    _STATE.adapters.pop("spark", None)   # the session itself stops at exit
