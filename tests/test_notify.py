"""`--notify webhook:<url>`: one grouped Slack-compatible message per run, only NEW failures, against
a local HTTP server on 127.0.0.1; delivery problems are a warning and never change the exit code."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import sqlmon.report.notify

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


class Hook:
    """A webhook receiver in a thread: records JSON bodies; stops by itself after `lifetime` s."""

    def __init__(self, status: int = 200, delay: float = 0.0, lifetime: float = 30.0):
        self.bodies: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                hook.bodies.append(json.loads(self.rfile.read(length)))
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:          # the client gave up (the timeout case)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T000/B000/secret"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.timer = threading.Timer(lifetime, self.server.shutdown)
        self.timer.daemon = True

    def __enter__(self) -> "Hook":
        self.thread.start()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def lines_of(body: dict) -> str:
    return "\n".join(b["text"]["text"] for b in body["blocks"])


def test_only_new_failures_are_sent_once_grouped_by_monitor(proj):
    proj.monitors(MON)
    with Hook() as hook:
        first = proj.run("--notify", f"webhook:{hook.url}")
        assert first.exit_code == 1 and "Warning" not in first.output
        assert len(hook.bodies) == 1
        body = hook.bodies[0]
        assert body["text"].startswith("sqlmon: 2 new failures in testproj")
        text = lines_of(body)
        assert "*ev*" in text and "*other*" in text and "`ev.cat.not_null` *fail*" in text and "`other.id.unique`" in text
        assert "ev._.row_count" not in text                          # passing tests are not news

        again = proj.run("--notify", f"webhook:{hook.url}")           # same failures: nothing to say
        assert again.exit_code == 1 and len(hook.bodies) == 1

        proj.sql("DELETE FROM events WHERE id = 4 AND cat = 'c'")      # `unique` passes now ...
        proj.run("--notify", f"webhook:{hook.url}")
        assert len(hook.bodies) == 1
        proj.sql("INSERT INTO events VALUES (4, TIMESTAMP '2024-01-08 05:00:00', 'c', 10.0, 'DE')")   # ... and fails again
        proj.run("--notify", f"webhook:{hook.url}", "--notify", f"webhook:{hook.url}")
        assert len(hook.bodies) == 3                                   # one message per webhook
        assert "other.id.unique" in lines_of(hook.bodies[1]) and "ev.cat.not_null" not in lines_of(hook.bodies[1])


def test_without_history_every_failure_is_new(proj):
    proj.monitors(MON)
    with Hook() as hook:
        proj.run("--no-history", "--notify", f"webhook:{hook.url}")
        proj.run("--no-history", "--notify", f"webhook:{hook.url}")
    assert len(hook.bodies) == 2


@pytest.mark.parametrize("kind", ["refused", "http500", "timeout"])
def test_delivery_problems_are_a_warning_not_an_error(proj, monkeypatch, kind):
    proj.monitors(MON)
    monkeypatch.setattr(sqlmon.report.notify, "TIMEOUT", 0.3)
    if kind == "refused":
        with Hook() as hook:
            url = hook.url                  # closed below: nothing listens there any more
        res = proj.run("--notify", f"webhook:{url}")
    else:
        with Hook(status=500 if kind == "http500" else 200, delay=1.0 if kind == "timeout" else 0.0) as hook:
            res = proj.run("--notify", f"webhook:{hook.url}")
    assert res.exit_code == 1                                          # what the tests decided
    assert "Warning: notify: could not send to webhook http://127.0.0.1:" in res.output
    assert "secret" not in res.output                                  # the webhook path is a secret
    assert {"refused": "refused", "http500": "HTTP 500", "timeout": "timed out"}[kind] in res.output


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