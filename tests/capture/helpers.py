"""Pages, a loopback page server and an HTTP client for the capture tests."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)

TOPICS = ["harbour", "orchard", "glacier", "railway", "library", "market", "lantern", "canal"]


def paragraph(number: int, index: int) -> str:
    topic = TOPICS[(number + index) % len(TOPICS)]
    return (
        f"Paragraph {index} of story {number} follows the {topic} keepers through a long "
        f"season of work, where every morning begins with the same careful count of the "
        f"{topic} stores and ends with notes written by lamplight for the next crew."
    )


def article_html(number: int, paragraphs: int = 8, image: str | None = None) -> str:
    body = "".join(f"<p>{paragraph(number, i)}</p>" for i in range(paragraphs))
    figure = f'<figure><img src="{image}" alt="a picture"></figure>' if image else ""
    return (
        f"<!doctype html><html lang='en'><head><title>Story {number}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/about'>About</a></nav>"
        f"<article><h1>Story {number}</h1>{figure}{body}</article>"
        f"<footer>Copyright the authors</footer></body></html>"
    )


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        found = self.server.routes.get(self.path.split("?")[0])  # type: ignore[attr-defined]
        if found is None:
            self.send_error(404)
            return
        body, mime = found
        self.send_response(200)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def page_server(routes: dict[str, tuple[bytes, str]]) -> Iterator[str]:
    """Serve `routes` (path -> (body, content type)) on 127.0.0.1; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.routes = routes  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def call(
    port: int,
    method: str,
    path: str,
    body: object = None,
    *,
    token: str | None = None,
    origin: str | None = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
    timeout: float = 120,
) -> tuple[int, dict[str, Any]]:
    """One request to the endpoint; returns (status, decoded JSON answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = dict(headers or {})
    if token is not None:
        sent.setdefault("Authorization", f"Bearer {token}")
    if origin is not None:
        sent["Origin"] = origin
    data = raw
    if data is None and body is not None:
        data = json.dumps(body).encode("utf-8")
    if data is not None:
        sent.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        payload = response.read()
        assert response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(payload)
    finally:
        conn.close()
