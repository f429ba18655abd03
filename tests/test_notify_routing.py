"""`notifications:` in sqlmon_project.yml: channels, routes by owner and tier, the JSON payload,
the checks made when the project loads, and the delivery state on every store (DuckDB migrated
from schema version 1, Parquet, PostgreSQL)."""
from __future__ import annotations

import json
import uuid

import duckdb
import pytest
from conftest import older_sqlmon
from webhooks import Hook, lines_of

import sqlmon.notify.delivery as delivery
from sqlmon.history.tables import SCHEMA_VERSION

OWNED = """
version: 1
monitors:
  - name: ev
    relation: main.events
    owner: ml-team
    columns:
      - name: cat
        tests: [not_null]
      - name: id
        tests: [unique]
  - name: geo
    relation: main.events
    owner: geo-team
    columns:
      - name: country
        tests: [{accepted_values: {values: [DE, FR, US]}}]
      - name: x
        tests: [{not_null: {tier: low}}]
"""

ROUTED = """\
name: testproj
profile: testproj
tiers:
  standard: {fail_on: [fail]}
  low: {fail_on: []}
notifications:
  suppress_for: 12 hours
  channels:
    ml: {url: "{{ env_var('SQLMON_SECRET_ML_HOOK') }}"}
    audit: {url: "{{ env_var('AUDIT_HOOK') }}", format: json}
  routes:
    - {tier: low, channel: none}
    - {owner: ml-*, channel: ml, continue: true}
    - {channel: audit}
"""


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(delivery, "sleep", lambda seconds: None)


def test_routes_by_owner_and_tier_one_message_per_channel(proj):
    proj.monitors(OWNED)
    (proj.root / "sqlmon_project.yml").write_text(ROUTED)
    with Hook() as ml, Hook() as audit, Hook() as everything:
        res = proj.cli("run", "--as-of", "2024-01-10", "--notify", f"webhook:{everything.url}",
                       env={"SQLMON_SECRET_ML_HOOK": ml.url, "AUDIT_HOOK": audit.url})
    assert res.exit_code == 1 and "Warning" not in res.output, res.output
    assert len(ml.bodies) == len(audit.bodies) == len(everything.bodies) == 1
    text = lines_of(ml.bodies[0])                                  # ml-team's results only
    assert "`ev.cat.not_null` *fail* (owner ml-team)" in text and "`ev.id.unique`" in text
    assert "geo." not in text and "owner *" not in text            # one owner: no owner lines
    # --notify hears about everything, routes or not, the low tier too; grouped by owner
    every = lines_of(everything.bodies[0])
    assert "geo.x.not_null" in every and "owner *geo-team*" in every and "owner *ml-team*" in every
    assert every.index("owner *geo-team*") < every.index("owner *ml-team*")
    body = audit.bodies[0]                                         # JSON: everything but the low tier
    assert set(body) == {"schema", "text", "project", "target", "as_of", "invocation_id", "channel", "summary",
                         "run", "groups"}
    assert (body["schema"], body["project"], body["target"], body["channel"]) == (
        "sqlmon.notification/1", "testproj", "dev", "audit")
    assert body["as_of"] == "2024-01-10T00:00:00+00:00" and len(body["invocation_id"]) == 32
    assert body["summary"] == {"alert": 3, "repeat": 0, "recovery": 0} and body["run"] == {"fail": 4, "error": 0}   # the whole run
    assert [(g["owner"], [m["monitor"] for m in g["monitors"]]) for g in body["groups"]] == [
        ("geo-team", ["geo"]), ("ml-team", ["ev"])]
    (item,) = body["groups"][0]["monitors"][0]["items"]
    assert item == {"unique_id": "geo.country.accepted_values", "monitor": "geo", "column": "country",
                    "test_type": "accepted_values", "event": "alert", "cause": "test", "reason": None,
                    "status": "fail", "metric": pytest.approx(1 / 6),
                    "thresholds": {"warn_if": None, "error_if": "> 0"}, "tier": None, "owner": "geo-team",
                    "message": item["message"], "skipped": None, "before": None}
    assert "have a value outside the accepted list" in item["message"]
    assert ml.url not in res.output and "secret" not in res.output
    con = duckdb.connect(str(proj.root / ".sqlmon/history.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT channel, COUNT(*) FROM notifications GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    assert rows[:2] == [("audit", 3), ("ml", 2)] and rows[2][0].startswith("webhook:127.0.0.1#")


def test_offending_values_reach_only_a_channel_that_asks(proj):
    """Evidence is user data: in a message only with the channel's `evidence: true`."""
    proj.monitors(OWNED)
    (proj.root / "sqlmon_project.yml").write_text(
        ROUTED.replace("{{ env_var('SQLMON_SECRET_ML_HOOK') }}\"}", "{{ env_var('SQLMON_SECRET_ML_HOOK') }}\", evidence: true}")
        .replace("format: json}", "format: json, evidence: true}"))
    with Hook() as ml, Hook() as audit, Hook() as everything:
        res = proj.cli("run", "--as-of", "2024-01-10", "--notify", f"webhook:{everything.url}",
                       env={"SQLMON_SECRET_ML_HOOK": ml.url, "AUDIT_HOOK": audit.url})
    assert res.exit_code == 1, res.output
    assert "repeated values: " in lines_of(ml.bodies[0])
    assert "repeated values" not in lines_of(everything.bodies[0]) and "offending values" not in lines_of(
        everything.bodies[0])
    (item,) = audit.bodies[0]["groups"][0]["monitors"][0]["items"]
    assert item["unique_id"] == "geo.country.accepted_values"
    assert [v["value"] for v in item["evidence"]["top_values"]] == ["xx"]


def test_a_recovery_in_json_and_warn_with_min_status(proj):
    proj.monitors(OWNED)
    (proj.root / "sqlmon_project.yml").write_text(
        "name: testproj\nprofile: testproj\ntiers: {low: {}}\nnotifications:\n  min_status: warn\n"
        "  channels: {audit: {url: \"{{ env_var('AUDIT_HOOK') }}\", format: json}}\n")
    with Hook() as audit:
        proj.cli("run", "--as-of", "2024-01-10", env={"AUDIT_HOOK": audit.url})
        proj.sql("UPDATE events SET country = 'DE' WHERE country = 'xx'")
        proj.cli("run", "--as-of", "2024-01-10", env={"AUDIT_HOOK": audit.url})
    assert audit.bodies[0]["summary"]["alert"] == 4                # no routes: every result, the low tier too
    assert audit.bodies[1]["summary"] == {"alert": 0, "repeat": 0, "recovery": 1}
    assert audit.bodies[1]["text"].startswith("sqlmon: 1 recovered in testproj")
    (item,) = audit.bodies[1]["groups"][0]["monitors"][0]["items"]
    assert (item["unique_id"], item["event"], item["status"], item["before"]["status"]) == (
        "geo.country.accepted_values", "recovery", "pass", "fail")


def test_an_empty_url_turns_a_channel_off_out_loud(proj):
    proj.monitors(OWNED)
    (proj.root / "sqlmon_project.yml").write_text(
        "name: testproj\nprofile: testproj\ntiers: {low: {}}\n"
        "notifications: {channels: {ml: {url: \"{{ env_var('NO_SUCH_HOOK_SET', '') }}\"}}}\n")
    res = proj.run()
    assert res.exit_code == 1 and "notify: channel ml (no url): its url is empty, so 4 notification(s)" in res.output


PROJECT = "name: testproj\nprofile: testproj\ntiers: {low: {}}\n"


@pytest.mark.parametrize("notifications, line, fragments", [
    ("notifications:\n  suppress_fr: 1 day\n", "sqlmon_project.yml:5 (notifications.suppress_fr)",
     ["unknown key 'suppress_fr'", "did you mean 'suppress_for'"]),
    ("notifications: {suppress_for: 1 month}\n", "sqlmon_project.yml:4 (notifications.suppress_for)",
     ["bad duration '1 month'", "no fixed length"]),
    ("notifications: {suppress_for: soon}\n", "sqlmon_project.yml:4 (notifications.suppress_for)",
     ["bad duration 'soon'"]),
    ("notifications: {min_status: pass}\n", "sqlmon_project.yml:4 (notifications.min_status)", ["'warn', 'fail'"]),
    ("notifications:\n  channels: {ml: {url: 'https://h/x'}}\n  routes:\n    - {channel: mll}\n",
     "sqlmon_project.yml:7 (notifications.routes[0].channel)", ["channel 'mll'", "did you mean 'ml'"]),
    ("notifications:\n  channels:\n    ml: {url: 'ftp://hooks.example/secret'}\n",
     "sqlmon_project.yml:6 (notifications.channels.ml.url)", ["ftp://hooks.example/…", "is not an http(s) URL"]),
    ("notifications:\n  channels:\n    ml: {url: 'https://h/x', format: teams}\n",
     "sqlmon_project.yml:6 (notifications.channels.ml.format)", ["'slack' or 'json'"]),
    ("notifications:\n  channels:\n    ml: {url: \"{{ env_var('NO_SUCH_HOOK_SET') }}\"}\n",
     "sqlmon_project.yml:6 (notifications.channels.ml.url)", ["NO_SUCH_HOOK_SET' is not set"]),
    ("notifications:\n  channels:\n    none: {url: 'https://h/x'}\n",
     "sqlmon_project.yml:6 (notifications.channels.none)", ["channel name 'none'"]),
    ("notifications:\n  routes:\n    - {tier: lo, channel: none}\n",
     "sqlmon_project.yml:6 (notifications.routes[0].tier)", ["tier 'lo' is not declared", "did you mean 'low'"]),
    ("notifications:\n  routes:\n    - {channel: none, continue: true}\n",
     "sqlmon_project.yml:6 (notifications.routes[0].continue)", ["drops what it matches"]),
    ("notifications:\n  routes:\n    - {chanel: none}\n", "sqlmon_project.yml:6 (notifications.routes[0].chanel)",
     ["unknown key 'chanel'", "did you mean 'channel'"]),
])
def test_notification_mistakes_are_refused_at_load(proj, notifications, line, fragments):
    proj.monitors(OWNED)
    (proj.root / "sqlmon_project.yml").write_text(PROJECT + notifications)
    for command in (["ls"], ["run", "--as-of", "2024-01-10"]):
        res = proj.cli(*command)
        assert res.exit_code == 2 and "Traceback" not in res.output, res.output
        assert line in res.output and "Fix:" in res.output, (line, res.output)
        for f in fragments:
            assert f in res.output, (f, res.output)
        assert "secret" not in res.output


# --- the delivery state on every store ----------------------------------------------------------

def test_a_version_1_store_is_migrated_and_its_runs_kept(proj, monkeypatch):
    proj.monitors(OWNED.replace("{not_null: {tier: low}}", "not_null"))
    with monkeypatch.context() as old:                            # the sqlmon before this table
        older_sqlmon(old, 1)
        first = proj.api(write_artifacts=False)
    path = str(proj.root / ".sqlmon/history.duckdb")

    def query(sql):
        con = duckdb.connect(path, read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    assert query("SELECT version FROM sqlmon_schema_version") == [(1,)]
    assert "notifications" not in {r[0] for r in query("SHOW TABLES")}
    before = query("SELECT unique_id, status, metric FROM results ORDER BY unique_id")
    with Hook() as hook:
        second = proj.api(write_artifacts=False, notify=[f"webhook:{hook.url}"])
    assert len(hook.bodies) == 1 and "4 new failures" in hook.bodies[0]["text"]
    assert query("SELECT version FROM sqlmon_schema_version ORDER BY 1") == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    assert query(f"SELECT unique_id, status, metric FROM results WHERE invocation_id = '{first.invocation_id}' "
                 "ORDER BY unique_id") == before
    assert query("SELECT invocation_id FROM runs ORDER BY started_at") == [(first.invocation_id,), (second.invocation_id,)]
    assert query("SELECT COUNT(*), MIN(invocation_id) FROM notifications") == [(4, second.invocation_id)]


def test_parquet_history_keeps_the_delivery_state(proj, monkeypatch):
    proj.monitors(OWNED.replace("{not_null: {tier: low}}", "not_null"))
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nhistory: {backend: parquet}\n")
    with monkeypatch.context() as old:                            # a run folder of schema version 1
        older_sqlmon(old, 1)
        proj.api(write_artifacts=False)
    with Hook() as hook:
        proj.run("--notify", f"webhook:{hook.url}")
        proj.run("--notify", f"webhook:{hook.url}")                 # known: suppressed
        proj.sql("UPDATE events SET country = 'DE' WHERE country = 'xx'")
        proj.run("--notify", f"webhook:{hook.url}")                 # a recovery
    assert [b["text"].split(" in ")[0] for b in hook.bodies] == ["sqlmon: 4 new failures", "sqlmon: 1 recovered"]
    folders = sorted(p.name.split("-")[0] for p in (proj.root / ".sqlmon/history").iterdir() if p.is_dir())
    assert folders.count("notifications") == 2                     # one per run that told something
    marker = next((proj.root / ".sqlmon/history").glob("notifications-*/_COMMITTED"))
    assert json.loads(marker.read_text()) == {"schema_version": SCHEMA_VERSION}


@pytest.mark.engine
def test_postgres_history_keeps_the_delivery_state(tmp_path):
    import psycopg
    from engines import postgres_params, postgres_project, postgres_target

    target = postgres_target()
    params = postgres_params(target)
    schema = f"n{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**params, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}_data")
        con.execute(f"CREATE TABLE {schema}_data.events AS SELECT i AS id, CASE WHEN i < 3 THEN NULL ELSE 'a' END "
                    "AS cat FROM generate_series(0, 9) i")
    p = postgres_project(tmp_path / "pg", target, history_schema=schema)
    p.monitors(f"""
        version: 1
        monitors:
          - name: pg
            relation: {schema}_data.events
            columns:
              - {{name: cat, tests: [not_null]}}
        """)
    try:
        with Hook(script=[(503, {})]) as hook:
            p.api(write_artifacts=False, notify=[f"webhook:{hook.url}"])
            p.api(write_artifacts=False, notify=[f"webhook:{hook.url}"])
            with psycopg.connect(**params, autocommit=True) as con:
                con.execute(f"UPDATE {schema}_data.events SET cat = 'b'")
            p.api(write_artifacts=False, notify=[f"webhook:{hook.url}"])
        assert hook.answers == [503, 200, 200]
        assert [b["text"].split(" in ")[0] for b in hook.bodies[1:]] == ["sqlmon: 1 new failure", "sqlmon: 1 recovered"]
        with psycopg.connect(**params) as con:
            rows = con.execute(f"SELECT event, delivered, attempts FROM {schema}.notifications ORDER BY sent_at").fetchall()
        assert rows == [("alert", True, 2), ("recovery", True, 1)]
    finally:
        with psycopg.connect(**params, autocommit=True) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            con.execute(f"DROP SCHEMA IF EXISTS {schema}_data CASCADE")


def test_a_backfill_tells_no_one(proj):
    """A backfill replays the past: the channels of sqlmon_project.yml hear nothing of it."""
    proj.monitors(OWNED)
    (proj.root / "sqlmon_project.yml").write_text(
        "name: testproj\nprofile: testproj\ntiers: {low: {}}\n"
        "notifications: {channels: {audit: {url: \"{{ env_var('AUDIT_HOOK') }}\"}}}\n")
    with Hook() as audit:
        res = proj.cli("backfill", "--start", "2024-01-08", "--end", "2024-01-09", env={"AUDIT_HOOK": audit.url})
        assert res.exit_code == 1 and audit.bodies == [], res.output
        proj.cli("run", "--as-of", "2024-01-10", env={"AUDIT_HOOK": audit.url})
    assert len(audit.bodies) == 1 and "4 new failures" in audit.bodies[0]["text"]
