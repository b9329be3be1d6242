"""A feed server on 127.0.0.1 for the feed tests: routes set by each test, requests counted,
conditional GET answered as a real server would."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.words import WORDS


def prose(seed: int, words: int = 220) -> str:
    """Paragraphs of `words` words that differ with `seed`."""
    chosen = [WORDS[(seed * 7 + i * (seed % 5 + 1)) % len(WORDS)] for i in range(words)]
    paragraphs = [" ".join(chosen[i : i + 40]).capitalize() + "." for i in range(0, words, 40)]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml"
    etag: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path
                server.hits[path] += 1
                route = server.routes.get(path)
                if route is None:
                    self._send(404, b"not here", "text/plain")
                    return
                if route.handler is not None:
                    route.handler(self)
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    server.not_modified[path] += 1
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                self._send(route.status, route.body, route.content_type, headers)

            def _send(
                self,
                status: int,
                body: bytes,
                content_type: str,
                headers: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, title: str, seed: int) -> None:
        """An article page at `path`."""
        html = (
            f"<!doctype html><html><head><title>{escape(title)}</title></head><body>"
            f"<nav>Home About</nav><article><h1>{escape(title)}</h1>{prose(seed, 400)}"
            "</article><footer>Copyright</footer></body></html>"
        )
        self.routes[path] = Route(html.encode(), content_type="text/html; charset=utf-8")

    def page_hits(self, prefix: str = "/post/") -> int:
        return sum(n for path, n in self.hits.items() if path.startswith(prefix))


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.httpd.shutdown()
        server.httpd.server_close()


# -- feed documents ---------------------------------------------------------------------------


@dataclass
class Item:
    guid: str
    title: str
    link: str
    body: str  # HTML
    full: bool = True  # the body is the whole article (else a one-line summary)
    date: float = 1_700_000_000.0


def rss(title: str, items: list[Item], site: str = "http://example.test/") -> bytes:
    parts = []
    for item in items:
        content = (
            f"<content:encoded><![CDATA[{item.body}]]></content:encoded>"
            if item.full
            else f"<description>{escape(item.body)}</description>"
        )
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
            f"<pubDate>{formatdate(item.date, usegmt=True)}</pubDate>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>{site}</link>"
        f"<description>d</description>{''.join(parts)}</channel></rss>"
    ).encode()


def atom(title: str, items: list[Item], site: str = "http://example.test/") -> bytes:
    parts = []
    for item in items:
        tag = "content" if item.full else "summary"
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(item.date))
        parts.append(
            f"<entry><title>{escape(item.title)}</title><id>{escape(item.guid)}</id>"
            f'<link rel="alternate" href="{escape(item.link)}"/><updated>{stamp}</updated>'
            f"<author><name>Ada Writer</name></author>"
            f'<{tag} type="html">{escape(item.body)}</{tag}></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:feed</id>"
        f'<link href="{site}"/><updated>2024-01-01T00:00:00Z</updated>{"".join(parts)}</feed>'
    ).encode()


def json_feed(title: str, items: list[Item], site: str = "http://example.test/") -> bytes:
    out = []
    for item in items:
        entry: dict[str, object] = {
            "id": item.guid,
            "url": item.link,
            "title": item.title,
            "date_published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(item.date)),
        }
        entry["content_html" if item.full else "summary"] = item.body
        out.append(entry)
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": site,
            "items": out,
        }
    ).encode()


FORMATS = {
    "rss": (rss, "application/rss+xml"),
    "atom": (atom, "application/atom+xml"),
    "json": (json_feed, "application/feed+json"),
}
