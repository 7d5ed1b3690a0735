"""A local web server for the ingest tests, with pages and feeds written for them.

``Site`` is a threaded http.server (on 127.0.0.1, or ::1) whose routes a test sets up; it
records every request, so a test can assert that a refused address was never asked for
anything.
"""

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Response:
    status: int = 200
    body: bytes | str = b""
    headers: dict = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds before the headers are sent


class Site:
    """Routes (exact paths, or prefixes ending in '*') and a log of the requests made."""

    def __init__(self, host: str, family=socket.AF_INET):
        self.routes: dict[str, object] = {}
        self.hits: list[tuple[str, dict]] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                with site._lock:
                    site.hits.append((self.path, dict(self.headers)))
                route = site.route_for(self.path)
                if route is None:
                    return self.send(Response(404, "Not here"))
                response = route(self) if callable(route) else route
                if response is not None:
                    self.send(response)

            def send(self, response: Response):
                body = response.body.encode() if isinstance(response.body, str) else response.body
                if response.delay:
                    time.sleep(response.delay)
                try:
                    self.send_response(response.status)
                    if response.content_type:
                        self.send_header("Content-Type", response.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        class Server(ThreadingHTTPServer):
            address_family = family
            daemon_threads = True
            request_queue_size = 64

        self.server = Server((host, 0), Handler)
        self.port = self.server.server_address[1]
        self.host = host
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def route_for(self, path: str):
        if path in self.routes:
            return self.routes[path]
        bare = path.split("?", 1)[0]
        if bare in self.routes:
            return self.routes[bare]
        for pattern, route in self.routes.items():
            if pattern.endswith("*") and path.startswith(pattern[:-1]):
                return route
        return None

    def add(self, path: str, route) -> str:
        self.routes[path] = route
        return self.url(path)

    def page(self, path: str, body, **kwargs) -> str:
        return self.add(path, Response(body=body, **kwargs))

    def sequence(self, path: str, responses: list[Response]) -> str:
        """Answers in turn, then keeps giving the last one."""
        queue = list(responses)

        def answer(_handler):
            return queue.pop(0) if len(queue) > 1 else queue[0]

        return self.add(path, answer)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.add(path, Response(status=status, headers={"Location": location}, content_type=""))

    def hit_count(self, path: str) -> int:
        with self._lock:
            return sum(1 for hit, _ in self.hits if hit == path or hit.split("?", 1)[0] == path)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def article_html(title: str, *paragraphs: str, published: str = "", site_name: str = "", lang: str = "en") -> str:
    """A news page written for the tests: navigation and footer around the article."""
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    meta += f'<meta property="og:site_name" content="{site_name}">' if site_name else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{meta}</head>'
        f'<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>{title}</h1>{body}</article><footer>All rights reserved.</footer></body></html>"
    )


def rss(items: list[tuple[str, str]], title: str = "Test wire") -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>Thu, 24 Apr 2025 06:00:00 GMT</pubDate></item>"
        for t, link in items
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
    return f"{head}<channel><title>{title}</title>{entries}</channel></rss>"


def atom(items: list[tuple[str, str]], base: str = "", title: str = "Test atom") -> str:
    base_attr = f' xml:base="{base}"' if base else ""
    entries = "".join(
        f'<entry><title>{t}</title><link rel="alternate" href="{link}"/><id>urn:test:{i}</id>'
        f"<updated>2025-04-25T10:00:00Z</updated></entry>"
        for i, (t, link) in enumerate(items)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{base_attr}><title>{title}</title>{entries}</feed>'
