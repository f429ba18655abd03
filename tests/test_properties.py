"""Property tests: whatever a user writes, only sqlmon's own errors escape (with a location and a
fix), never a Python exception. Each parser gets ~500 generated inputs by default and 10,000 under
SQLMON_TEST_SCALE=full (which `.ci/run` sets)."""
from __future__ import annotations

import os
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqlmon.errors import SqlmonError

pytestmark = pytest.mark.scale
FULL = os.environ.get("SQLMON_TEST_SCALE") == "full"
CASES = settings(max_examples=10_000 if FULL else 500, deadline=None, derandomize=not FULL,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Text near each grammar: its own tokens mixed with anything, so the generator reaches the edges
# (numbers too large, units unknown, quotes unclosed) and not only random noise.
OPS = ["<", "<=", ">", ">=", "==", "!=", "=>", "<>", ""]
UNITS = ["", "%", "s", "seconds", "minute", "hours", "day", "days", "weeks", "month", "months", "years", "parsecs", "ms"]
NUMBERS = st.one_of(st.integers(-10**30, 10**30).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.sampled_from(["1e999", "-1e999", ".5", "5.", "0", "-0", "1e-400", "nan", "inf", "99999999999"]))


def near(*parts) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(*parts), max_size=6).map(" ".join)


ANY_TEXT = st.text(max_size=80)
THRESHOLDS = st.one_of(ANY_TEXT, near(st.sampled_from(OPS), NUMBERS, st.sampled_from(UNITS)))
SPANS = st.one_of(ANY_TEXT, near(NUMBERS, st.sampled_from(UNITS)))
INSTANTS = st.one_of(ANY_TEXT, st.datetimes().map(datetime.isoformat), st.dates().map(str),
                     st.sampled_from(["0001-01-01", "9999-12-31T23:59:59", "2024-02-30", "2024-13-01", "Z", "2024-01-01Z"]))
SQL_TOKENS = st.sampled_from(["a", "b", "x", "'", '"', "(", ")", ";", "select", "from", "where", "1", "=", ">", "and",
                              "or", "not", "null", "is", "in", "'t'", "--", "/*", "*/", "read_csv('/etc/passwd')",
                              "drop table t", "limit 1", "group by", "::int", "case when", "end", "`", "[", "]", ".", ","])
SQL = st.one_of(ANY_TEXT, st.lists(SQL_TOKENS, max_size=12).map(" ".join), st.integers(1, 5000).map(lambda n: "(" * n))


def only_sqlmon_errors(fn, *args):
    try:
        fn(*args)
    except SqlmonError as err:
        assert err.message and (err.hint or err.location), err      # says what, and where or how to fix
    # anything else propagates and fails the test


@CASES
@given(THRESHOLDS)
def test_thresholds(text):
    from sqlmon.config.thresholds import parse_threshold
    only_sqlmon_errors(parse_threshold, text, "f.yml:1")


@CASES
@given(SPANS, INSTANTS)
def test_durations_windows_and_as_of(span, instant):
    from sqlmon.config.specs import MonitorSpec, validate
    from sqlmon.config.thresholds import parse_instant
    from sqlmon.config.windows import resolve_windows

    def window():
        as_of = parse_instant(instant, "--as-of")
        spec = validate(MonitorSpec, {"name": "m", "relation": "t", "timestamp": "ts", "current": {"last": span},
                                      "reference": {"previous": span}}, "f.yml")
        resolve_windows(spec, as_of, "f.yml:1")
    only_sqlmon_errors(window)


@CASES
@given(SQL)
def test_where_conditions(text):
    from sqlmon.sql import parse_condition
    only_sqlmon_errors(parse_condition, text, "duckdb", "f.yml:1")


@CASES
@given(st.one_of(SQL, st.lists(st.sampled_from(["main", "t", '"a b"', "`p`", "'f.csv'", ".", ";", " "]), max_size=8)
                 .map("".join)), st.sampled_from(["duckdb", "postgres", "spark"]))
def test_relations(text, dialect):
    from sqlmon.sql import parse_relation
    only_sqlmon_errors(parse_relation, text, dialect, "f.yml:1")


YAML_TOKENS = st.sampled_from(["version: 1", "monitors:", "- name: m", "  relation: t", "  tests: [row_count]",
                               "  timestamp: ts", "  current: {last: 1 day}", "  where: \"a > 1\"", "&a [1]", "*a",
                               "? [a]", ": 1", "{", "}", "[", "]", "- ", "  ", "\t", "'", '"', "{{ var('x') }}",
                               "{% if %}", "columns:", "  - name: x", "    tests: [not_null]", "!!python/object:os.system",
                               "%YAML 1.1", "---", "..."])
MONITOR_FILES = st.one_of(ANY_TEXT, st.lists(YAML_TOKENS, max_size=14).map("\n".join),
                          st.binary(max_size=60).map(lambda b: b.decode("latin-1")))


@CASES
@given(MONITOR_FILES)
def test_monitor_files(tmp_path_factory, text):
    from sqlmon.config.project import load_monitor_file
    from sqlmon.config.specs import ProjectSpec
    from sqlmon.config.vars import make_context
    from sqlmon.testtypes import TEST_TYPES
    d = tmp_path_factory.mktemp("m")
    path = d / "m.yml"
    path.write_text(text, encoding="utf-8")
    only_sqlmon_errors(load_monitor_file, path, d, ProjectSpec(name="p"), make_context({}), TEST_TYPES)


PROFILE_TOKENS = st.sampled_from(["p:", "  target: dev", "  outputs:", "    dev:", "      type: duckdb", "      type: nosuch",
                                  "      path: w.duckdb", "      threads: abc", "      threads: 2", "      pathh: x",
                                  "      memory_limit: [1]", "      read_only: maybe", "      allowed_paths: 5",
                                  "      path: \"{{ env_var('NO_SUCH_SQLMON_VAR') }}\"", "- a", "p: 5", "    dev: [1]",
                                  "      path: \"{{ cycler.__init__ }}\""])


@CASES
@given(st.one_of(ANY_TEXT, st.lists(PROFILE_TOKENS, max_size=10).map("\n".join)))
def test_profiles(tmp_path_factory, text):
    from sqlmon.adapters import adapter_class
    from sqlmon.config.profiles import load_target
    from sqlmon.config.vars import make_context
    d = tmp_path_factory.mktemp("p")
    (d / "profiles.yml").write_text(text, encoding="utf-8")

    def load():
        chosen = load_target(d, "p", None, d, make_context({}, secrets=True))
        problem = adapter_class(str(chosen.config.get("type")), chosen.locations.get("type")).profile_problem(chosen.config)
        if problem is not None:
            raise SqlmonError(problem[1], location=chosen.locations.get(problem[0]), hint=problem[2])
    only_sqlmon_errors(load)


@CASES
@given(st.one_of(ANY_TEXT, st.lists(st.sampled_from(["{", "}", "[", "]", "a:", "1", "x", ",", "'", "&a", "*a"]),
                                    max_size=10).map("".join)),
       INSTANTS, SPANS, st.one_of(ANY_TEXT, st.sampled_from(["webhook:http://h/a b", "webhook:", "webhook:https://u:p@h/x"])),
       st.one_of(ANY_TEXT, st.sampled_from(["duckdb", "snowflake", "nosuch", ""])))
def test_cli_option_values(vars_text, as_of, every, notify, dialect):
    """What the CLI does with each option's text: --vars, --as-of, --every (backfill), --notify,
    --dialect."""
    from sqlmon.backfill import as_of_range
    from sqlmon.config.project import parse_vars
    from sqlmon.config.thresholds import parse_instant
    from sqlmon.notify import parse_targets
    from sqlmon.sql import check_dialect
    only_sqlmon_errors(parse_vars, vars_text)
    only_sqlmon_errors(parse_instant, as_of, "--as-of")
    only_sqlmon_errors(as_of_range, "2024-01-01", "2024-01-03", every)
    channels, warnings = parse_targets([notify])
    assert all("://" in c.url and c.url not in c.name for c in channels)
    only_sqlmon_errors(check_dialect, dialect, None, "--dialect")


@pytest.mark.parametrize("args", [
    ["run", "--as-of", "0001-01-01"], ["run", "--as-of", "9999-12-31"], ["run", "--vars", "[1"],
    ["run", "--threads", "abc"], ["compile", "--dialect", "nosuch"], ["run", "--notify", "webhook:http://h/a b"],
    ["run", "-s", "(((("], ["backfill", "--start", "2024-01-01", "--end", "2024-01-02", "--every", "99999999999 days"],
    ["run", "--target-path", "\x00"],
])
def test_the_cli_itself(proj, args):
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            timestamp: ts
            current: {last: 1 day}
            tests: [row_count]
    """)
    res = proj.cli(*args)
    assert res.exit_code in (0, 1, 2), res.output
    assert "Traceback" not in res.output and "Internal error" not in res.output, res.output
