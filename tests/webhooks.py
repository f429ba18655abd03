"""A webhook receiver for the notification tests: a real HTTP server on 127.0.0.1 in a thread that
records each JSON body and answers from a script (status, headers), then with `status`."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Hook:
    """`with Hook(script=[(429, {"Retry-After": "7"}), (503, {})]) as hook:` answers 429, then 503,
    then `status` to every later request. Stops by itself after `lifetime` seconds."""

    def __init__(self, status: int = 200, delay: float = 0.0, lifetime: float = 60.0,
                 script: list[tuple[int, dict[str, str]]] | None = None, port: int = 0):
        self.bodies: list[dict] = []
        self.answers: list[int] = []
        pending = list(script or [])
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                hook.bodies.append(json.loads(self.rfile.read(length)))
                code, headers = pending.pop(0) if pending else (status, {})
                hook.answers.append(code)
                time.sleep(delay)
                try:
                    self.send_response(code)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:          # the client gave up (the timeout case)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)     # `port`: a webhook back up
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/services/T000/B000/secret"
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


def closed_url() -> str:
    """A URL nothing listens at any more (connection refused)."""
    with Hook() as hook:
        return hook.url


def lines_of(body: dict) -> str:
    """The text of a Slack payload's blocks, one after the other."""
    out = []
    for b in body["blocks"]:
        out.append(b["text"]["text"] if "text" in b else " ".join(e["text"] for e in b["elements"]))
    return "\n".join(out)
