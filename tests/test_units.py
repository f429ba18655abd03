"""Pure pieces: threshold grammar, durations, windows, YAML line tracking, SQL validation."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from sqlmon.config.specs import MonitorSpec, validate
from sqlmon.config.thresholds import parse_duration, parse_instant, parse_threshold
from sqlmon.config.windows import resolve_windows
from sqlmon.config.yamlio import load_yaml_text, locate
from sqlmon.errors import CompileError, ConfigError
from sqlmon.sql import parse_condition, parse_query, parse_select_list

REPO = Path(__file__).resolve().parents[1]

UTC = timezone.utc


@pytest.mark.parametrize("text, op, value", [
    ("> 1%", ">", 0.01), ("<= -0.05", "<=", -0.05), ("== 3", "==", 3.0), ("!= 0", "!=", 0.0),
    (">= 1e3", ">=", 1000.0), ("> 6 hours", ">", 21600.0), ("< 30 minutes", "<", 1800.0),
    ("> 1 day", ">", 86400.0), ("> 2d", ">", 172800.0), ("  <  .5 ", "<", 0.5), ("> 150%", ">", 1.5),
])
def test_threshold_grammar(text, op, value):
    t = parse_threshold(text)
    assert (t.op, t.value) == (op, pytest.approx(value))


@pytest.mark.parametrize("bad", ["1%", "> ", ">> 1", "> 1 lightyear", "=> 1", "> one", 5, None, True])
def test_threshold_errors(bad):
    with pytest.raises(ConfigError) as err:
        parse_threshold(bad, location="f.yml:3")
    assert "f.yml:3" in str(err.value) and "Fix:" in str(err.value)


@pytest.mark.parametrize("op, value, metric, breached", [
    (">", 0.1, 0.1, False), (">", 0.1, 0.11, True), (">=", 0.1, 0.1, True), ("<", 5, 4, True),
    ("==", 3, 3, True), ("!=", 3, 3, False),
])
def test_breach(op, value, metric, breached):
    assert parse_threshold(f"{op} {value}").breached(metric) is breached


def test_durations():
    assert parse_duration("7 days") == 604800
    assert parse_duration("1 week") == 604800
    with pytest.raises(ConfigError):
        parse_duration("7 fortnights")


def mon(**kw):
    return MonitorSpec.model_validate({"name": "m", "relation": "t", "timestamp": "ts", **kw})


AS_OF = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


def test_window_last_and_previous():
    cur, ref = resolve_windows(mon(current={"last": "1 day"}, reference={"previous": "7 days"}), AS_OF, "w")
    assert (cur.start, cur.end) == (datetime(2024, 3, 9, 12, tzinfo=UTC), AS_OF)
    assert (ref.start, ref.end) == (datetime(2024, 3, 2, 12, tzinfo=UTC), cur.start)


def test_window_between_dates_are_midnight_utc():
    cur, _ = resolve_windows(mon(current={"between": ["2024-01-01", "2024-02-01"]}), AS_OF, "w")
    assert cur.start == datetime(2024, 1, 1, tzinfo=UTC) and cur.end == datetime(2024, 2, 1, tzinfo=UTC)


def test_window_other_relation_brings_its_own_filter():
    cur, ref = resolve_windows(mon(where="a > 1", reference={"relation": "train", "where": "b = 2"}), AS_OF, "w")
    assert cur.where == ("a > 1",) and ref.where == ("b = 2",) and ref.relation == "train"
    assert ref.timestamp is None and ref.start is None
    _, same = resolve_windows(mon(where="a > 1", reference={"between": ["2024-01-01", "2024-01-02"]}), AS_OF, "w")
    assert same.where == ("a > 1",)


def test_no_current_is_whole_relation():
    cur, ref = resolve_windows(mon(), AS_OF, "w")
    assert cur.start is None and cur.end is None and ref is None


@pytest.mark.parametrize("kw, msg", [
    ({"current": {"last": "1 day", "between": ["2024-01-01", "2024-01-02"]}}, "both"),
    ({"current": {"between": ["2024-02-01", "2024-01-01"]}}, "forward"),
    ({"reference": {"previous": "1 day"}}, "previous"),
    ({"current": {"last": "1 eon"}}, "bad duration"),
])
def test_window_errors(kw, msg):
    """Refused when the spec is validated (durations, dates, forms) or resolved (`previous:`)."""
    with pytest.raises(ConfigError) as err:
        resolve_windows(validate(MonitorSpec, {"name": "m", "relation": "t", "timestamp": "ts", **kw}, "f.yml"),
                        AS_OF, "f.yml:2")
    assert msg in str(err.value) and "f.yml" in str(err.value)


def test_window_needs_timestamp():
    m = MonitorSpec.model_validate({"name": "m", "relation": "t", "current": {"last": "1 day"}})
    with pytest.raises(ConfigError, match="needs a timestamp"):
        resolve_windows(m, AS_OF, "w")


def test_instants():
    assert parse_instant("2024-01-01T06:00:00+02:00") == datetime(2024, 1, 1, 4, tzinfo=UTC)
    assert parse_instant("2024-01-01T06:00:00") == datetime(2024, 1, 1, 6, tzinfo=UTC)
    with pytest.raises(ConfigError):
        parse_instant("yesterday")


def test_yaml_lines():
    doc = load_yaml_text("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yml")
    assert locate(doc, ("b", 1)) == 4 and locate(doc, ("b", 1, "c")) == 4 and locate(doc, ("a",)) == 1
    assert doc["b"][1]["c"] == 2
    with pytest.raises(ConfigError, match="duplicate key"):
        load_yaml_text("a: 1\na: 2\n", "f.yml")
    assert load_yaml_text("d: 2024-01-01\n", "f.yml")["d"] == "2024-01-01"   # dates stay text


def test_yaml_fast_loader_matches_the_pure_one():
    """libyaml's parser (when PyYAML has it) builds the same values and lines; a malformed file
    still gets the pure-Python parser's message and line."""
    import yaml

    from sqlmon.config import yamlio
    text = (REPO / "project_template" / "monitors" / "churn.yml").read_text()
    fast, pure = (yaml.load(text, Loader=cls) for cls in (yamlio._FastLoader, yamlio._Loader))  # noqa: S506

    def lines(node):
        if isinstance(node, dict):
            return [node.line, node.key_lines, *(lines(v) for v in node.values())]
        if isinstance(node, list):
            return [node.line, node.item_lines, *(lines(v) for v in node)]
        return node
    assert fast == pure and lines(fast) == lines(pure)
    with pytest.raises(ConfigError) as err:
        load_yaml_text("a: 1\nb: [1, 2\nc: 3\n", "f.yml")
    with pytest.raises(yaml.MarkedYAMLError) as pure_err:
        yaml.load("a: 1\nb: [1, 2\nc: 3\n", Loader=yamlio._Loader)  # noqa: S506
    assert err.value.message == f"malformed YAML: {pure_err.value.problem}"
    assert err.value.location == f"f.yml:{pure_err.value.problem_mark.line + 1}"


def test_sql_validation():
    assert parse_condition("a = 1 OR b IS NULL", "duckdb", "w").sql() == "a = 1 OR b IS NULL"
    with pytest.raises(CompileError, match="needs a name"):
        parse_select_list("count(*)", "duckdb", "w")
    with pytest.raises(CompileError, match="exactly one SELECT"):
        parse_query("select 1; select 2", "duckdb", "w")
    with pytest.raises(CompileError, match="does not parse"):
        parse_query("select (", "duckdb", "w")


def test_no_dialect_branches_outside_adapters_and_macros():
    """DESIGN principle 2: dialect differences are data in adapters/ and macros, never `if dialect ==`."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "sqlmon"
    offenders = []
    for f in root.rglob("*.py"):
        if "adapters" in f.parts:
            continue
        for n, line in enumerate(f.read_text().splitlines(), 1):
            if re.search(r"""(dialect|adapter(\.name)?|\.name|\["type"\])\s*[!=]=\s*["'](duckdb|postgres|spark|snowflake|bigquery|trino)""", line):
                offenders.append(f"{f.name}:{n}: {line.strip()}")
    assert not offenders, offenders


def test_readme_documents_every_test_type():
    from pathlib import Path

    from sqlmon.testtypes import TEST_TYPES
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    missing = [name for name in TEST_TYPES if f"`{name}`" not in readme]
    assert not missing, f"test types missing from the README: {missing}"


def test_sql_key_leaves_the_tree_unchanged():
    """Keys are generated without a copy (speed): they must not rewrite shared trees."""
    import sqlglot

    from sqlmon.sql import key
    for dialect, text in (("postgres", "select percentile_cont(array[0.1, 0.5]) within group (order by x) from t"),
                          ("duckdb", "select quantile_cont(x, [0.1, 0.5]), count_if(x > 1), epoch(ts), x::float, "
                                     "regexp_matches(s, 'a') from t using sample reservoir(10 rows) repeatable (42)"),
                          ("spark", "select percentile_approx(x, array(0.1, 0.5), 10000), x rlike 'a' from t")):
        tree = sqlglot.parse_one(text, read=dialect)
        before = {d: tree.sql(d) for d in ("duckdb", "postgres", "spark")}
        key(tree)
        assert {d: tree.sql(d) for d in before} == before


def test_result_to_dict_is_clean_asdict():
    """`Result.to_dict` skips `dataclasses.asdict`'s deep copy but must give the same dict (and
    so the same run_results.json): nested dataclasses, tuples, named tuples, numpy scalars,
    NaN/inf, datetimes, non-str keys, sets and unknown objects."""
    import dataclasses
    import json
    from collections import OrderedDict, namedtuple

    import numpy as np

    from sqlmon.results import Result, clean

    @dataclasses.dataclass(frozen=True)
    class Inner:
        a: float
        b: tuple

    Pair = namedtuple("Pair", "x y")
    details = {"inner": Inner(float("nan"), (1, Inner(2.5, ()))), "pair": Pair(np.float64(1.5), np.int64(3)),
               1: [float("inf"), -0.0, None, True, "s"], (1, 2): {"t": datetime(2024, 1, 2, tzinfo=UTC)},
               "od": OrderedDict(z=np.float32(0.25), y=[np.bool_(True)]), "set": {3}, "obj": Inner,
               "nested": [[{"deep": (np.nan, 1e308 * 10)}]]}
    r = Result("m.c.t", "m", "c", "drift", "t", "fail", "error", 0.5, None, "> 0", "msg", details,
               {"current": {"start": datetime(2024, 1, 1, tzinfo=UTC)}}, {"seg": "a"}, 0.1, ["x"], {"k": (1,)}, "f:1")
    want = clean(dataclasses.asdict(r))
    assert r.to_dict() == want
    assert json.dumps(r.to_dict(), indent=2) == json.dumps(want, indent=2)


def test_planner_splits_above_the_adapters_aggregate_limit():
    """Spark's limit: an ungrouped fused query holds at most `max_aggregates` aggregate functions
    (a measure is never split); every request still gets all its answers back."""
    import sqlglot
    from sqlglot import exp

    from sqlmon.plan import answers, merge, plan
    from sqlmon.requests import Aggregates, Scope

    scope = Scope(exp.to_table("t"))

    def counts(k: int, m: str) -> exp.Expression:
        return sqlglot.parse_one("[" + ", ".join(f"count_if(x <= {k}{m}{j})" for j in range(5)) + "]")
    lists = [Aggregates(scope, {m: counts(k, m) for m in ("1", "2", "3")}) for k in range(4)]   # 15 each
    single = Aggregates(scope, {"n": sqlglot.parse_one("count(*)"), "s": sqlglot.parse_one("sum(x) + max(x)")})
    requests = [*lists, single]
    assert len(plan(requests)) == 1
    planned = plan(requests, max_aggregates=25)
    sizes = [sum(1 for _ in pq.select.find_all(exp.AggFunc)) for pq in planned]
    assert sizes == [25, 25, 13] and all(s <= 25 for s in sizes)
    # request 1 spans the first two queries, request 2 the last two: every answer comes back
    got = merge([answers(pq, [tuple(range(len(pq.select.expressions)))], requests) for pq in planned])
    assert all(set(got[k]) == {"1", "2", "3"} for k in range(4)) and set(got[4]) == {"n", "s"}
    grouped = Scope(exp.to_table("t"), group_by=(exp.column("g"),))
    assert len(plan([Aggregates(grouped, r.measures) for r in lists], max_aggregates=25)) == 1   # grouped: never split


def test_every_module_imports_on_its_own():
    """No import cycle that only works in one order (a module re-exporting a module that
    imports it back must load it lazily)."""
    import pkgutil
    import subprocess
    import sys

    import sqlmon
    names = [f"sqlmon.{m.name}" for m in pkgutil.iter_modules(sqlmon.__path__) if not m.ispkg and m.name != "__main__"]
    # one interpreter; before each module every sqlmon module is forgotten (third-party ones stay)
    code = ("import importlib, sys\n"
            "for n in sys.argv[1:]:\n"
            "    for m in [m for m in sys.modules if m == 'sqlmon' or m.startswith('sqlmon.')]:\n"
            "        del sys.modules[m]\n"
            "    try:\n"
            "        importlib.import_module(n)\n"
            "    except Exception as err:\n"
            "        print(n, repr(err))\n")
    proc = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stdout, proc.stdout + proc.stderr


def test_samples_register_columns_and_draw_again_for_new_ones(monkeypatch):
    """sqlmon.samples: one table per sample definition carrying every column registered for it,
    split beyond MAX_COLUMNS; a sample is due until drawn with all its registered columns."""
    from sqlglot import exp

    from sqlmon import samples as sm
    monkeypatch.setattr(sm, "MAX_COLUMNS", 2)
    reg = sm.Samples()
    select = parse_query("select * from t using sample reservoir(10 rows) repeatable (42)", "duckdb", "w")
    a, b, c = (reg.table(select.copy(), [col]) for col in ("a", "b", "c"))
    assert a.name == b.name != c.name and a.name.startswith(sm.PREFIX) and c.name.endswith("_1")
    assert reg.table(select.copy(), ["a"]).name == a.name           # a registered column: same table
    other = parse_query("select * from u using sample reservoir(10 rows) repeatable (42)", "duckdb", "w")
    assert reg.table(other, ["a"]).name not in (a.name, c.name)      # another definition
    query = exp.select("count(*)").from_(a.copy())
    assert reg.read_by(query) == {a.name}
    (name, draw), = reg.due(reg.read_by(query))
    assert name == a.name and draw.sql("duckdb") == 'SELECT "a", "b" FROM t USING SAMPLE RESERVOIR (10 ROWS) REPEATABLE (42)'
    reg.drawn(name)
    assert reg.due([name]) == []
    reg.table(select.copy(), ["b"])                                  # nothing new: still drawn
    assert reg.due([name]) == []


def test_render_literal_fast_path_writes_what_sqlglot_writes():
    import random

    from sqlglot import exp

    from sqlmon.sql import render_literal
    rng = random.Random(4)
    values = [0, 7, -7, 2**70, 0.0, 5e-324, 1e-05, 0.1 + 0.2, 1e16, 1.7976931348623157e308, 123.0]
    values += [rng.lognormvariate(0, 30) for _ in range(500)] + [rng.uniform(0, 1e6) for _ in range(500)]
    for dialect in ("duckdb", "postgres", "spark", "snowflake", "bigquery", "trino", "databricks"):
        assert [render_literal(v, dialect) for v in values] == [exp.convert(v).sql(dialect) for v in values]



def test_compiled_macro_code_is_cached_on_disk(tmp_path, monkeypatch):
    """A fresh process reads the macros' compiled code from the cache directory instead of
    compiling them again; a corrupt or unwritable cache only costs a compile."""
    import jinja2

    from sqlmon import render
    from sqlmon.resources import macros_dir
    monkeypatch.setenv("SQLMON_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(render, "_CODE", {})
    first = render.Macros([macros_dir()], "duckdb", "duckdb", "duckdb")
    files = list((tmp_path / "cache" / "jinja").glob("*.code"))
    assert files and not list((tmp_path / "cache" / "jinja").glob("*.tmp"))

    monkeypatch.setattr(render, "_CODE", {})                 # a new process: memory cache empty
    monkeypatch.setattr(jinja2.Environment, "compile", lambda *a, **k: pytest.fail("compiled again"))
    again = render.Macros([macros_dir()], "duckdb", "duckdb", "duckdb")
    assert again.render("row_count", "t.yml:1", relation="t").text == first.render("row_count", "t.yml:1", relation="t").text

    monkeypatch.undo()
    monkeypatch.setenv("SQLMON_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(render, "_CODE", {})
    for f in files:
        f.write_bytes(b"not marshal data")
    assert render.Macros([macros_dir()], "duckdb", "duckdb", "duckdb").render("row_count", "t.yml:1", relation="t").text
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("SQLMON_CACHE_DIR", str(blocked))   # cannot create a directory under a file
    monkeypatch.setattr(render, "_CODE", {})
    assert render.Macros([macros_dir()], "duckdb", "duckdb", "duckdb").render("row_count", "t.yml:1", relation="t").text


def test_duckdb_session_settings_hold_on_every_cursor():
    """Queries run on cursors of the adapter's connection (one per query, for concurrency); a
    DuckDB cursor is a new session that does not inherit SET, so the UTC time zone (window
    bounds of TIMESTAMPTZ columns) and Parquet NaN handling must be set on each. Run where the
    machine's zone is not UTC."""
    import subprocess
    import sys
    code = ("from sqlmon.adapters.duckdb import DuckDBAdapter\n"
            "a = DuckDBAdapter({'type': 'duckdb', 'path': ':memory:'}); a.connect()\n"
            "print(a.execute(\"select current_setting('TimeZone'), current_setting('parquet_can_have_nan'), "
            "cast(timestamptz '2024-01-15 00:00:00+00' as timestamp)\"))")
    env = {**__import__("os").environ, "TZ": "America/New_York"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert "('UTC', True, datetime.datetime(2024, 1, 15, 0, 0))" in out, out
