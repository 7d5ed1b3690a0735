"""A local webhook receiver and settings for saved-search tests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Hook:
    """An HTTP server on 127.0.0.1 that records every POST and answers ``status``."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 204
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.received.append({"headers": dict(self.headers), "body": body, "json": json.loads(body)})
                self.send_response(hook.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    server = Hook()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _watch_settings(settings):
    settings.WATCH_OVERLAP_SECONDS = 0
    settings.WATCH_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WATCH_WEBHOOK_TIMEOUT_SECONDS = 5
    settings.PUBLIC_BASE_URL = "https://strikewatch.example"
