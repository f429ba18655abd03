"""Notifications against real local HTTP servers (tests/webhooks.py): one message per channel with
what is news -- new failures, repeats after `suppress_for` or when worse, recoveries once -- a
tripped gate as one line, delivery retried with backoff, and what was delivered kept in the
history (table `notifications`). Delivery problems are warnings and never change the exit code.
Waits between retries are recorded, not slept (`sqlmon.notify.delivery.sleep`)."""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pytest
from webhooks import Hook, closed_url, lines_of

import sqlmon.notify.delivery as delivery
from sqlmon.history import Notified
from sqlmon.notify.events import worse
from sqlmon.results import Result

MON = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    tests: [row_count]
    columns:
      - name: cat
        tests: [not_null]
      - name: x
        tests: [{mean: {error_if: '> 100'}}]
  - name: other
    relation: main.events
    columns:
      - name: id
        tests: [unique]
"""

# Whole-relation monitors: their results do not depend on --as-of, so the clock can move freely.
WHOLE = """
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
"""

GATED = """
version: 1
monitors:
  - name: gated
    relation: main.events
    tests: [{row_count: {error_if: '< 1000'}}]
    columns:
      - {name: cat, tests: [not_null, unique]}
      - {name: id, tests: [not_null, unique]}
      - {name: x, tests: [not_null]}
      - {name: country, tests: [not_null]}
"""


@pytest.fixture(autouse=True)
def waits(monkeypatch):
    """The waits between attempts, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(delivery, "sleep", slept.append)
    return slept


def run_at(proj, as_of: str, *args: str):
    return proj.cli("run", "--as-of", as_of, *args)


def told(proj, where: str = "TRUE") -> list[tuple]:
    """The `notifications` rows of the project's DuckDB history, oldest first."""
    con = duckdb.connect(str(proj.root / ".sqlmon/history.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT channel, unique_id, event, cause, status, delivered, attempts, error "
                           f"FROM notifications WHERE {where} ORDER BY sent_at, unique_id").fetchall()
    finally:
        con.close()


def test_new_failures_once_then_a_recovery_once(proj):
    proj.monitors(MON)
    with Hook() as hook, Hook() as second:
        first = proj.run("--notify", f"webhook:{hook.url}")
        assert first.exit_code == 1 and "Warning" not in first.output
        assert len(hook.bodies) == 1
        body = hook.bodies[0]
        assert body["text"].startswith("sqlmon: 2 new failures in testproj")
        text = lines_of(body)
        assert "*ev*" in text and "*other*" in text and "`ev.cat.not_null` *fail*" in text and "`other.id.unique`" in text
        assert "ev._.row_count" not in text                          # passing tests are not news

        again = proj.run("--notify", f"webhook:{hook.url}")           # same failures, same day: nothing to say
        assert again.exit_code == 1 and len(hook.bodies) == 1

        proj.sql("DELETE FROM events WHERE id = 4 AND cat = 'c'")      # `unique` passes now: said once
        proj.run("--notify", f"webhook:{hook.url}")
        assert len(hook.bodies) == 2
        assert hook.bodies[1]["text"].startswith("sqlmon: 1 recovered in testproj")
        assert "`other.id.unique` recovered: now *pass* (was *fail*)" in lines_of(hook.bodies[1])
        assert "ev.cat.not_null" not in lines_of(hook.bodies[1])       # still failing, still known
        proj.run("--notify", f"webhook:{hook.url}")
        assert len(hook.bodies) == 2                                   # a recovery is told once

        proj.sql("INSERT INTO events VALUES (4, TIMESTAMP '2024-01-08 05:00:00', 'c', 10.0, 'DE')")   # ... fails again
        proj.run("--notify", f"webhook:{hook.url}", "--notify", f"webhook:{second.url}",
                 "--notify", f"webhook:{hook.url}")
        assert len(hook.bodies) == 3 and len(second.bodies) == 1      # one message per webhook (a URL twice: one)
        assert "other.id.unique" in lines_of(hook.bodies[2]) and "ev.cat.not_null" not in lines_of(hook.bodies[2])
        assert "ev.cat.not_null" in lines_of(second.bodies[0])        # a new webhook was never told anything
    rows = told(proj, "unique_id = 'other.id.unique'")
    assert [r[2] for r in rows] == ["alert", "recovery", "alert", "alert"]
    assert all(r[0].startswith("webhook:127.0.0.1#") and "secret" not in r[0] for r in rows)   # a name, never the URL
    assert all(r[5] and r[6] == 1 and r[7] is None for r in rows)


def test_without_history_every_failure_is_new_and_nothing_is_kept(proj):
    proj.monitors(MON)
    with Hook() as hook:
        proj.run("--no-history", "--notify", f"webhook:{hook.url}")
        proj.run("--no-history", "--notify", f"webhook:{hook.url}")
    assert len(hook.bodies) == 2 and all("2 new failures" in b["text"] for b in hook.bodies)
    assert not (proj.root / ".sqlmon/history.duckdb").exists()


def test_a_known_failure_is_repeated_when_the_window_ends(proj):
    proj.monitors(WHOLE)
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\n"
                                                  "notifications: {suppress_for: 24 hours}\n")
    with Hook() as hook:
        run_at(proj, "2024-01-10", "--notify", f"webhook:{hook.url}")
        run_at(proj, "2024-01-10T23:59", "--notify", f"webhook:{hook.url}")      # inside the window
        assert len(hook.bodies) == 1
        run_at(proj, "2024-01-11", "--notify", f"webhook:{hook.url}")            # 24 hours later
        assert len(hook.bodies) == 2
        assert hook.bodies[1]["text"].startswith("sqlmon: 2 still failing in testproj")
        assert "`ev.cat.not_null` *fail* still, last told as of 2024-01-10" in lines_of(hook.bodies[1])
        run_at(proj, "2024-01-11T12:00", "--notify", f"webhook:{hook.url}")      # the repeat starts a new window
        assert len(hook.bodies) == 2
    assert [r[2] for r in told(proj, "unique_id = 'ev.cat.not_null'")] == ["alert", "repeat"]


def test_a_failure_that_gets_worse_is_sent_again(proj):
    proj.monitors(WHOLE)
    with Hook() as hook:
        proj.run("--notify", f"webhook:{hook.url}")                    # 1 of 6 cat NULL (error_if > 0)
        proj.sql("INSERT INTO events VALUES (7, TIMESTAMP '2024-01-09', NULL, 1, 'DE'), "
                 "(8, TIMESTAMP '2024-01-09', NULL, 1, 'DE'), (9, TIMESTAMP '2024-01-09', NULL, 1, 'DE')")
        proj.run("--notify", f"webhook:{hook.url}")                    # 4 of 9: more than twice as far past 0
        assert len(hook.bodies) == 2
        text = lines_of(hook.bodies[1])
        assert "`ev.cat.not_null` *fail* again, worse than last told (fail, metric 0.1667)" in text
        assert "ev.id.unique" not in text                              # unchanged: still quiet
        proj.sql("INSERT INTO events VALUES (10, TIMESTAMP '2024-01-09', NULL, 1, 'DE')")
        proj.run("--notify", f"webhook:{hook.url}")                    # 5 of 10: worse, but not twice as far
        assert len(hook.bodies) == 2


def _result(status: str, metric: float | None, warn_if: str | None = None, error_if: str | None = None) -> Result:
    return Result("m._.t", "m", None, "t", "t", status, "error", metric, warn_if, error_if, "")


@pytest.mark.parametrize("now, then, expected", [
    (_result("fail", 0.5, error_if="> 0.1"), ("fail", 0.2), True),     # 0.4 past the line vs 0.1: x4
    (_result("fail", 0.25, error_if="> 0.1"), ("fail", 0.2), False),   # 0.15 vs 0.1: not twice as far
    (_result("fail", 10, error_if="< 100"), ("fail", 60), True),       # lower is worse for `<`: 90 vs 40
    (_result("fail", 70, error_if="< 100"), ("fail", 10), False),      # it improved
    (_result("fail", 5, error_if="!= 0"), ("fail", 1), False),         # no direction: the status decides
    (_result("error", None, error_if="> 0"), ("fail", 0.2), True),     # fail -> error
    (_result("fail", 0.9, error_if="> 0"), ("error", None), False),    # error -> fail is better
    (_result("warn", 0.9, warn_if="> 0.1", error_if="> 1"), ("warn", 0.3), True),   # a warn's line is warn_if
])
def test_worse_is_the_status_or_twice_as_far_past_the_line(now, then, expected):
    assert worse(now, Notified("alert", then[0], then[1], datetime(2024, 1, 1, tzinfo=timezone.utc))) is expected


def test_a_tripped_gate_is_one_line_naming_what_it_skipped(proj):
    proj.monitors(GATED)
    with Hook() as hook:
        res = proj.run("--notify", f"webhook:{hook.url}")
    assert res.exit_code == 1 and len(hook.bodies) == 1
    body = hook.bodies[0]
    assert body["text"].startswith("sqlmon: 1 new failure in testproj")
    text = lines_of(body)
    assert text.count("\n• ") == 1                                    # one line for the monitor, not seven
    assert ("• gate `gated._.row_count` *fail* — metric 6 (error_if < 1000): 6 rows (breaches error_if < 1000) "
            "→ skipped 6 tests: "
            "`gated.cat.not_null`, `gated.cat.unique`, `gated.id.not_null`, `gated.id.unique`, "
            "`gated.x.not_null` and 1 more") in text
    assert told(proj) and [r[3] for r in told(proj)] == ["gate"]


# --- delivery: retries, backoff, what is recorded ---------------------------------------------

@pytest.mark.parametrize("kind", ["refused", "http500", "timeout"])
def test_delivery_problems_are_a_warning_not_an_error(proj, monkeypatch, waits, kind):
    proj.monitors(MON)
    monkeypatch.setattr(delivery, "TIMEOUT", 0.3)
    if kind == "refused":
        res = proj.run("--notify", f"webhook:{closed_url()}")
    else:
        with Hook(status=500 if kind == "http500" else 200, delay=1.0 if kind == "timeout" else 0.0) as hook:
            res = proj.run("--notify", f"webhook:{hook.url}")
        assert len(hook.bodies) == 4                                   # every attempt reached it
    assert res.exit_code == 1                                          # what the tests decided
    assert "Warning: notify: could not send to webhook http://127.0.0.1:" in res.output
    assert "after 4 attempts; it is sent again next run while still true" in res.output
    assert "secret" not in res.output                                  # the webhook path is a secret
    assert {"refused": "refused", "http500": "HTTP 500", "timeout": "timed out"}[kind] in res.output
    assert len(waits) == 3 and all(1 <= w <= 9 for w in waits)        # exponential backoff with jitter
    rows = told(proj)
    assert len(rows) == 2 and all(not r[5] and r[6] == 4 and "secret" not in r[7] for r in rows)


def test_429_waits_as_asked_and_5xx_is_retried_until_delivered(proj, waits):
    proj.monitors(MON)
    with Hook(script=[(429, {"Retry-After": "7"}), (503, {})]) as hook:
        res = proj.run("--notify", f"webhook:{hook.url}")
    assert "Warning" not in res.output
    assert hook.answers == [429, 503, 200] and hook.bodies[0] == hook.bodies[2]
    assert waits[0] == 7 and 2 <= waits[1] <= 3                         # Retry-After, then backoff for try 2
    assert {(r[5], r[6]) for r in told(proj)} == {(True, 3)}


def test_a_long_retry_after_is_capped_and_other_4xx_is_not_retried(proj, waits):
    proj.monitors(MON)
    with Hook(script=[(429, {"Retry-After": "3600"})] * 4) as hook:
        res = proj.run("--notify", f"webhook:{hook.url}")
    assert waits == [30, 30, 30] and len(hook.bodies) == 4 and "HTTP 429" in res.output
    waits.clear()
    with Hook(status=404) as gone:
        res = proj.run("--notify", f"webhook:{gone.url}")
    assert len(gone.bodies) == 1 and waits == [] and "HTTP 404 Not Found;" in res.output


def test_an_undelivered_alert_is_sent_on_the_next_run(proj):
    proj.monitors(MON)
    with Hook(status=500) as down:
        proj.run("--notify", f"webhook:{down.url}")
    with Hook(port=down.port) as up:                                   # the same webhook, back up
        assert up.url == down.url
        proj.run("--notify", f"webhook:{up.url}")
        proj.run("--notify", f"webhook:{up.url}")
    assert len(up.bodies) == 1 and up.bodies[0]["text"].startswith("sqlmon: 2 new failures")
    rows = told(proj, "unique_id = 'ev.cat.not_null'")
    assert [(r[2], r[5], r[6]) for r in rows] == [("alert", False, 4), ("alert", True, 1)]


def test_retried_on_the_next_run_on_the_same_channel(proj):
    """A configured channel keeps its name when its server comes back: the alert that did not
    arrive is sent, once; the delivered one then suppresses."""
    proj.monitors(MON)
    (proj.root / "sqlmon_project.yml").write_text(
        "name: testproj\nprofile: testproj\nnotifications:\n  channels: {ops: {url: \"{{ env_var('HOOK_URL') }}\"}}\n")
    with Hook(status=503) as down:
        res = proj.cli("run", "--as-of", "2024-01-10", env={"HOOK_URL": down.url})
    assert "could not send to channel ops (http://127.0.0.1:" in res.output and "secret" not in res.output
    with Hook() as up:
        for _ in range(2):
            proj.cli("run", "--as-of", "2024-01-10", env={"HOOK_URL": up.url})
    assert len(up.bodies) == 1 and "2 new failures" in up.bodies[0]["text"]
    rows = told(proj, "unique_id = 'ev.cat.not_null'")
    assert [(r[0], r[2], r[5]) for r in rows] == [("ops", "alert", False), ("ops", "alert", True)]


def test_a_failed_state_write_is_a_warning_and_the_run_stays_recorded(proj, monkeypatch):
    from sqlmon.errors import WarehouseError
    from sqlmon.history.store import Store

    seen: list[str] = []

    def refuse(self, table):                    # every write passes every table: the run's, then the state's
        seen.append(table)
        if seen.count("notifications") == 2:
            raise WarehouseError("disk full")
    monkeypatch.setattr(Store, "table_written", refuse)
    proj.monitors(MON)
    with Hook() as hook:
        res = proj.run("--notify", f"webhook:{hook.url}")
    assert res.exit_code == 1 and len(hook.bodies) == 1
    assert "notify: what was sent is not recorded (disk full)" in res.output
    con = duckdb.connect(str(proj.root / ".sqlmon/history.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)
        assert con.execute("SELECT COUNT(*) FROM notifications").fetchone() == (0,)      # rolled back whole
    finally:
        con.close()


def test_a_bad_notify_target_is_a_warning_that_keeps_its_secret(proj):
    """A notification problem never changes the exit code, and never prints the URL's user,
    password, path or query (the secret part of a webhook)."""
    proj.monitors(MON)
    for spec in ("slack:https://x", "webhook:ftp://x/y", "webhook:", "webhook:http://h/secret path"):
        res = proj.run("--notify", spec)
        assert res.exit_code == 1, (spec, res.output)                 # what the tests decided
        assert "Warning: notify: ignored --notify" in res.output and "webhook:https://" in res.output, (spec, res.output)
        assert "secret" not in res.output, res.output


def test_an_unreachable_webhook_keeps_its_secret(proj):
    """A well-formed URL that cannot be reached: its user, password, path and query stay hidden."""
    proj.monitors(MON)
    res = proj.run("--notify", "webhook:http://user:secretpw@127.0.0.1:9/services/secret?token=secret")
    assert res.exit_code == 1 and "could not send to webhook http://127.0.0.1:9/…" in res.output, res.output
    assert "secret" not in res.output, res.output
