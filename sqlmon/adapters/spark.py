"""Spark SQL through pyspark: classic `local[*]` by default, Spark Connect when `remote:` is set.

Profile keys (all optional):
  master      Spark master for a classic session (default "local[*]"; needs Java 17)
  remote      Spark Connect URL ("sc://host:15002"); used instead of `master` when given
  connect_timeout  seconds to wait for a `remote:` server's port (default 10)
  app_name    application name (default "sqlmon")
  spark_conf  mapping passed to the session builder as-is (e.g. spark.driver.memory: 4g)
  parquet     mapping relation name -> Parquet path, registered as temporary views
Relations may also name Parquet files directly: parquet.`/data/scores.parquet`.

Client choice (measured with pyspark 4.3.0 on 2 cores, Java 17):
  classic local[*]         session start 4.4-5.7 s, first query ~2.5 s, later ones 0.1-0.4 s
  Spark Connect local[2]   session start 5.9 s, first query ~3.0 s (it runs the same JVM
                           in-process plus a gRPC server)
Both need the full pyspark package (491 MB installed) and Java for a local engine.  Local
Spark Connect binds a fixed port (0.0.0.0:15002): a second process on the same machine fails
with BindException, so parallel test runs collide.  So: classic for local engines (tests, one
machine); Spark Connect for clusters via `remote: sc://...`, where the thin `pyspark-client`
package (no Java) is enough.  Every other line of this adapter is shared by both paths.

One SparkSession per process: starting one costs seconds, so every adapter (and the test
suite) shares it; `close()` keeps it running, `stop_session()` ends it.
"""
from __future__ import annotations

import datetime as _dt
import logging
import os
import re
import shutil
import tempfile
import threading
import warnings
from decimal import Decimal
from typing import Any, Callable

from sqlglot import exp

from sqlmon.adapters.base import Adapter
from sqlmon.columns import OTHER, ColumnInfo, kind_of
from sqlmon.errors import ConfigError, WarehouseError
from sqlmon.redact import redact_url

_LOCK = threading.Lock()
_SESSION = None           # the process-wide SparkSession (classic or Connect)
_SESSION_ORIGIN = ""      # master or remote URL it was started with, for describe()

# Classic local sessions only: ERROR-level log4j config for the driver JVM, so session start
# and failed queries print no WARN lines (native-hadoop, truncated plans, ...).  The logger
# for PythonGatewayServer stops "Setting default log level to WARN" on stderr.
_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
"""

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SparkAdapter(Adapter):
    name = "spark"
    dialect = "spark"
    history_store = "parquet"
    profile_keys = ("master", "remote", "connect_timeout", "app_name", "spark_conf", "parquet", "allow_file_relations")
    # dbt-spark's keys: sqlmon uses none of them (they reach dbt's Thrift/HTTP/ODBC connection;
    # sqlmon's is a SparkSession), and warns about each but `threads` (Adapter.profile_warnings).
    dbt_profile_keys = ("method", "host", "port", "schema", "cluster", "token", "user", "organization",
                        "server_side_parameters", "threads", "connect_retries", "endpoint", "auth",
                        "kerberos_service_name", "use_ssl", "driver", "retry_all", "poll_interval", "query_timeout",
                        "database", "connection_string_suffix")
    dbt_key_reasons = {"schema": "dbt builds its models there; sqlmon reads the `relation:` as written (qualify it)",
                       "database": "dbt builds its models there; sqlmon reads the `relation:` as written (qualify it)"}
    profile_kinds = {"master": "text", "remote": "text", "connect_timeout": "seconds", "app_name": "text",
                     "spark_conf": "mapping", "parquet": "mapping", "allow_file_relations": "flag"}
    extra = "spark"
    has_nan = True   # DOUBLE/FLOAT hold NaN and +-Infinity (NaN = NaN, NaN sorts above +inf)
    # A Spark job per query costs seconds of scheduling and a full scan: share scans across
    # windows; the session runs concurrent jobs.
    fuse_windows = True
    concurrent_queries = True
    # With a DISTINCT aggregate in a query Spark first groups by the distinct value, and every
    # other aggregate of the query keeps a partial state per value: exact `percentile` +
    # `count(distinct)` cost 28 s together, 12 s + 4 s apart on 3M rows. A percentile (or any
    # aggregate with an object state) puts the whole query in Spark's object-hash aggregate,
    # without code generation: the ~200 drift-histogram counts of a window then cost seconds.
    # Such aggregates get their own query (benchmarks/SPARK.md).
    isolate_object_aggregates = True
    # Spark's generated code for one aggregate with a few hundred functions runs several times
    # slower than the same functions split over queries of ~100 (measured: 170 + 50 aggregates
    # 1.9 s + 0.8 s apart, 4.7-12 s together on 1.5M rows; with the 8000-byte method limit set
    # below, the second run of spark_vs_duckdb.py is still 14.0 s split, 19.6 s unsplit).
    max_aggregates = 100

    def __init__(self, target: dict[str, Any]):
        super().__init__(target)
        self.spark = None

    # --- lifecycle -------------------------------------------------------------------
    def connect(self) -> None:
        self.spark = get_session(self.target)
        parquet = self.target.get("parquet") or {}
        if not isinstance(parquet, dict):
            raise ConfigError("`parquet:` must map relation names to Parquet paths",
                              hint="e.g. parquet: {scores: data/scores.parquet}")
        for view, path in parquet.items():
            if not _IDENT.match(str(view)):
                raise ConfigError(f"`parquet:` name '{view}' is not a plain identifier",
                                  hint="use letters, digits and _ (it becomes a temporary view)")
            try:
                self.spark.read.parquet(str(path)).createOrReplaceTempView(str(view))
            except _spark_errors() as err:
                raise WarehouseError(f"cannot read Parquet '{path}' for relation '{view}': "
                                     f"{_first_line(err)}",
                                     hint="check the path under `parquet:` in profiles.yml") from None

    def close(self) -> None:
        # The session is shared by the whole process; stop_session() ends it.
        self.spark = None

    # --- schema ----------------------------------------------------------------------
    def columns(self, table: exp.Table) -> list[ColumnInfo]:
        rel = table.sql(self.dialect)
        try:
            # Analysis only (no job): resolves tables, views and parquet.`path` alike.
            fields = self.spark.sql(f"SELECT * FROM {rel}").schema.fields
        except _spark_errors() as err:
            raise WarehouseError(f"relation '{rel}' not found in Spark: {_first_line(err)}",
                                 hint=_hint(err) or "check `relation:`") from None
        out = []
        for f in fields:
            type_name = f.dataType.simpleString().upper()
            out.append(ColumnInfo(f.name, type_name, _kind(type_name)))
        return out

    # --- queries ---------------------------------------------------------------------
    def execute(self, sql: str) -> list[tuple]:
        try:
            df = self.spark.sql(sql)
            rows = df.collect()
            fields = df.schema.fields if rows else []
        except _spark_errors() as err:
            raise WarehouseError(f"Spark refused a query: {_first_line(err)}",
                                 hint=_hint(err)) from None
        converters = [_converter(f.dataType) for f in fields]
        if not any(converters):
            return [tuple(r) for r in rows]
        return [tuple(c(v) if c and v is not None else v for c, v in zip(converters, r, strict=True))
                for r in rows]

    def relations(self) -> list[tuple[str | None, str]]:
        """Spark has no information_schema: `SHOW TABLES` of the current database (temporary
        views, such as the profile's `parquet:` relations, have no schema)."""
        return [(str(ns) if ns else None, str(name)) for ns, name, *_ in self.execute("SHOW TABLES")]

    def describe(self) -> str:
        version = self.spark.version if self.spark is not None else "?"
        location = _shown(_SESSION_ORIGIN or self.target.get("remote") or self.target.get("master", "local[*]"))
        return f"spark {version} ({location})"


# --- the shared session -----------------------------------------------------------------
def get_session(target: dict[str, Any]):
    """The process-wide SparkSession, started on first use with this target's settings."""
    global _SESSION, _SESSION_ORIGIN
    with _LOCK:
        if _SESSION is None or not _session_alive(_SESSION):
            _SESSION, _SESSION_ORIGIN = _start_session(target)
        _quiet_python_loggers()
        try:   # runtime settings: they apply to a reused session too
            _SESSION.conf.set("spark.sql.session.timeZone",
                              str((target.get("spark_conf") or {}).get("spark.sql.session.timeZone", "UTC")))
            # A query reads catalog tables only: no parquet.`/any/path` (or csv., json., text.) in
            # a relation or a `where:` subquery, unless the target opts in. The `parquet:` mapping
            # reads its files through the DataFrame reader and keeps working.
            _SESSION.conf.set("spark.sql.runSQLOnFiles", "true" if target.get("allow_file_relations") else "false")
        except _spark_errors() as err:
            raise WarehouseError(f"Spark session is not usable: {_first_line(err)}") from None
        return _SESSION


def stop_session() -> None:
    """Stop the shared session (tests and long-lived processes; the CLI just exits)."""
    global _SESSION, _SESSION_ORIGIN
    with _LOCK:
        if _SESSION is not None:
            try:
                _SESSION.stop()
            except Exception:   # already gone
                pass
        _SESSION, _SESSION_ORIGIN = None, ""


def _start_session(target: dict[str, Any]):
    try:
        with warnings.catch_warnings():
            # pyspark 4.x warns on import about pandas >= 3 (used by toPandas, not by sqlmon).
            warnings.filterwarnings("ignore", message=".*pandas.*", category=FutureWarning)
            from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("the spark target needs pyspark, which is not installed",
                          hint="pip install 'sqlmon[spark]'") from None
    active = SparkSession.getActiveSession()
    if active is not None:     # a session the host process (or a test) already started
        return active, "active session"

    remote = target.get("remote")
    master = str(target.get("master") or "local[*]")
    if str(remote or master).startswith("local"):
        # A local engine binds to loopback unless told otherwise.  Not for a cluster master: its
        # executors connect back to the driver, which must listen on a reachable address.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    conf: dict[str, str] = {"spark.sql.session.timeZone": "UTC",
                            "spark.ui.showConsoleProgress": "false",
                            # Spark's own advice on HotSpot: the JIT does not compile a method over
                            # 8000 bytes, so a larger generated one (a fused query's ~100 aggregates)
                            # runs interpreted: 17 s, against 4.7 s with whole-stage codegen falling
                            # back at 8000 (benchmarks/SPARK.md).
                            "spark.sql.codegen.hugeMethodLimit": "8000"}
    if remote:
        origin = str(remote)
        if not origin.startswith(("sc://", "local")):
            raise ConfigError(f"`remote: {_shown(origin)}` is not a Spark Connect URL",
                              hint="use sc://HOST:15002 (or leave `remote:` out for a local engine)")
        if origin.startswith("sc://"):
            _check_reachable(origin, float(target.get("connect_timeout") or 10))
        builder = SparkSession.builder.remote(origin)
    else:
        origin = master
        builder = SparkSession.builder.master(master)
        conf["spark.ui.enabled"] = "false"
        conf["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile=file:{_log4j2_file()}"
    if not (remote and origin.startswith("sc://")) and not _java_available():
        raise WarehouseError(
            "cannot start a local Spark engine: no Java runtime found",
            hint="install Java 17 (Debian: apt-get install openjdk-17-jre-headless) or set "
                 "JAVA_HOME; or point `remote:` at a Spark Connect server (sc://HOST:15002)")
    user_conf = target.get("spark_conf") or {}
    if not isinstance(user_conf, dict):
        raise ConfigError("`spark_conf:` must be a mapping of Spark settings",
                          hint="e.g. spark_conf: {spark.driver.memory: 4g}")
    for key, value in user_conf.items():
        value = str(value).lower() if isinstance(value, bool) else str(value)
        if key == "spark.driver.extraJavaOptions" and key in conf and "log4j" not in value:
            value = f"{conf[key]} {value}"
        conf[str(key)] = value
    builder = builder.appName(str(target.get("app_name") or "sqlmon"))
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*pandas.*", category=FutureWarning)
            session = builder.getOrCreate()
            version = session.version      # Spark Connect connects lazily: fail here, not later
    except _spark_errors() as err:
        location = f"Spark Connect server {_shown(origin)}" if remote else f"Spark ({origin})"
        raise WarehouseError(
            f"cannot start or reach {location}: {_first_line(err)}",
            hint=("is the Spark Connect server running and reachable? check `remote:` in profiles.yml"
                  if remote else "check `master:` and `spark_conf:`; Java 17 must be installed")) from None
    del version
    if not remote:
        try:
            session.sparkContext.setLogLevel("ERROR")
        except Exception:   # not available on every session flavour
            pass
    return session, origin


def _shown(url: str) -> str:
    """A Spark Connect URL as printed: scheme, host and port (its `;token=...` parameters and any
    user are secrets; sqlmon.redact)."""
    return redact_url(str(url).split(";", 1)[0]) if str(url).startswith("sc://") else str(url)


def _check_reachable(url: str, timeout: float) -> None:
    """Fail fast: the Connect client retries an unreachable server for minutes."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url.split(";", 1)[0].replace("sc://", "http://", 1))
    host, port = parts.hostname or "localhost", parts.port or 15002
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as err:
        raise WarehouseError(
            f"cannot reach the Spark Connect server at {host}:{port}: {err.strerror or err}",
            hint="is the server running (sbin/start-connect-server.sh) and the port open? "
                 "check `remote:` in profiles.yml") from None


def _session_alive(session) -> bool:
    try:
        if hasattr(session, "is_stopped"):      # Spark Connect
            return not session.is_stopped
        return session.sparkContext._jsc is not None
    except Exception:
        return False


def _java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(home and os.path.exists(os.path.join(home, "bin", "java"))) or bool(shutil.which("java"))


def _log4j2_file() -> str:
    path = os.path.join(tempfile.gettempdir(), f"sqlmon-spark-log4j2-{os.getuid()}.properties")
    try:
        with open(path, encoding="utf-8") as fh:
            if fh.read() == _LOG4J2:
                return path
    except OSError:
        pass
    tmp = f"{path}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(_LOG4J2)
    os.replace(tmp, path)
    return path


def _quiet_python_loggers() -> None:
    # pyspark >= 4 logs every failed query with its JVM stack on the SQLQueryContextLogger
    # (as JSON on stderr), before the exception even reaches us: sqlmon reports it instead.
    try:
        from pyspark.logger import PySparkLogger
    except ImportError:   # pyspark 3.5 has no such logger
        PySparkLogger = None
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        if PySparkLogger is not None:
            PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)
    for name in ("py4j", "py4j.clientserver", "py4j.java_gateway"):
        logging.getLogger(name).setLevel(logging.ERROR)


# --- errors -----------------------------------------------------------------------------
_ERRORS: tuple[type[BaseException], ...] | None = None


def _spark_errors() -> tuple[type[BaseException], ...]:
    """Exception classes that mean "Spark said no" (classic and Connect flavours)."""
    global _ERRORS
    if _ERRORS is None:
        found: list[type[BaseException]] = []
        try:
            from pyspark.errors import PySparkException
            found.append(PySparkException)
        except ImportError:
            pass
        try:
            from py4j.protocol import Py4JError
            found.append(Py4JError)
        except ImportError:
            pass
        try:
            import grpc
            found.append(grpc.RpcError)
        except ImportError:
            pass
        _ERRORS = tuple(found) or (Exception,)
    return _ERRORS


def _first_line(err: BaseException) -> str:
    """The message without the plan, the JVM stack or py4j's preamble."""
    lines = [ln.strip() for ln in str(err).splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("at ")]
    if not lines:
        return type(err).__name__
    first = lines[0]
    if first.startswith("An error occurred while calling") and len(lines) > 1:
        first = lines[1].lstrip(": ").strip()
    return first.rstrip(";").strip()


def _hint(err: BaseException) -> str | None:
    text = str(err)
    if "TABLE_OR_VIEW_NOT_FOUND" in text or "PATH_NOT_FOUND" in text:
        return ("check `relation:`; Parquet can be named parquet.`/path/file.parquet` or "
                "registered under `parquet:` in the target")
    if "UNRESOLVED_ROUTINE" in text:
        return "this function does not exist in Spark SQL; use a spark__ macro"
    if "UNRESOLVED_COLUMN" in text:
        return "check the column names in the monitor (Spark resolves them case-insensitively)"
    return None


# --- result conversion ------------------------------------------------------------------
def _kind(type_name: str) -> str:
    # kind_of reads "INTERVAL ..." as numeric (prefix INT); an interval is not a number here.
    return OTHER if type_name.startswith("INTERVAL") else kind_of(type_name)


def _converter(data_type) -> Callable[[Any], Any] | None:
    """Value converter for one result column, or None when values pass through unchanged."""
    from pyspark.sql import types as T

    if isinstance(data_type, T.DecimalType):
        # SUM/AVG over DECIMAL columns stay DECIMAL in Spark; metrics are floats everywhere.
        return lambda v: float(v) if isinstance(v, Decimal) else v
    if isinstance(data_type, T.TimestampType):
        # pyspark hands TIMESTAMP (an instant) back as a naive datetime in the Python process's
        # local zone, whatever spark.sql.session.timeZone says: make it an aware UTC datetime.
        return lambda v: v.astimezone(_dt.timezone.utc) if v.tzinfo is None else v
    if isinstance(data_type, T.ArrayType):
        inner = _converter(data_type.elementType)
        if inner is None:
            return None
        return lambda v: [inner(x) if x is not None else None for x in v]
    return None
