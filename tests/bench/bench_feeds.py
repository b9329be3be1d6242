"""Feed refresh benchmark: 200 feeds with 20 new entries each on a local server, every entry
accounted for, the window's event loop watched while the refresh runs through its TaskRunner.

The server on 127.0.0.1 plays 40 hosts (`siteN.test`, resolved to 127.0.0.1 by the network
policy), so the per-host limits apply as on the Internet. Half the feeds carry whole articles,
half only summaries (each entry's page is then fetched). Every request waits a simulated network
latency. The reference, measured in the same run, is a plain parallel GET of the same feeds and
pages with no parsing, extraction or storing: the ratio says what the pipeline costs on top.

Run by hand from the checkout (nice it: other work shares the cores):
    nice -n 10 python tests/bench/bench_feeds.py [--feeds 200] [--items 20] [--hosts 40]
                                                 [--workers 8] [--latency-ms 20] [--entities]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.core.feeds import http
from reader.core.feeds.refresh import Refresher, RefreshPolicy
from reader.core.feeds.service import Feeds
from reader.core.fetch import make_session
from reader.core.fetch.guard import NetworkPolicy
from reader.core.library import Library
from tests.words import WORDS


def prose(seed: int, words: int) -> str:
    chosen = [WORDS[(seed * 7 + i * (seed % 5 + 1)) % len(WORDS)] for i in range(words)]
    return "".join(
        "<p>" + " ".join(chosen[i : i + 40]).capitalize() + f" {seed}.</p>"
        for i in range(0, words, 40)
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    items = 20
    latency_s = 0.02
    counts: ClassVar[dict[str, int]] = {"feed": 0, "page": 0, "304": 0}
    lock = threading.Lock()

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(self.latency_s)
        host = (self.headers.get("Host") or "").split(":")[0]
        parts = self.path.strip("/").split("/")
        if parts[0] == "feed":
            feed = int(parts[1])
            if self.headers.get("If-None-Match") == f'"{feed}"':
                self._count("304")
                self.send_response(304)
                self.send_header("ETag", f'"{feed}"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._count("feed")
            body = self._feed(host, feed)
            kind = "application/rss+xml"
        else:
            self._count("page")
            feed, item = int(parts[1]), int(parts[2])
            title = f"Feed {feed} story {item}"
            body = (
                f"<!doctype html><html><head><title>{title}</title></head><body><nav>Home</nav>"
                f"<article><h1>{title}</h1>{prose(feed * 100 + item, 600)}</article>"
                "<footer>About us</footer></body></html>"
            ).encode()
            kind = "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if parts[0] == "feed":
            self.send_header("ETag", f'"{parts[1]}"')
        self.end_headers()
        self.wfile.write(body)

    def _count(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1

    def _feed(self, host: str, feed: int) -> bytes:
        port = self.server.server_address[1]
        full = feed % 2 == 0
        entries = []
        for item in range(self.items):
            link = f"http://{host}:{port}/post/{feed}/{item}"
            title = f"Feed {feed} story {item}"
            body = (
                f"<content:encoded><![CDATA[{prose(feed * 100 + item, 300)}]]></content:encoded>"
                if full
                else f"<description>{escape('A teaser for ' + title)}</description>"
            )
            entries.append(
                f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>{formatdate(1_700_000_000 + item * 60, usegmt=True)}</pubDate>"
                f"{body}</item>"
            )
        return (
            '<?xml version="1.0"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Feed {feed}</title><link>http://{host}/</link>{''.join(entries)}"
            "</channel></rss>"
        ).encode()


POLICY_NETWORK = NetworkPolicy(resolve=lambda _host, _port: ["127.0.0.1"])


def feed_urls(port: int, feeds: int, hosts: int) -> list[str]:
    return [f"http://site{n % hosts}.test:{port}/feed/{n}" for n in range(feeds)]


def reference(urls: list[str], items: int, workers: int) -> float:
    """Plain parallel GETs of every feed and every summary feed's pages: no pipeline at all."""
    pages = [
        url.replace("/feed/", "/post/") + f"/{item}"
        for n, url in enumerate(urls)
        if n % 2 == 1
        for item in range(items)
    ]
    local = threading.local()

    def get(url: str) -> int:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = make_session()
        limits = http.Limits(network=POLICY_NETWORK)
        return len(http.get(url, session, limits).data)

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(get, urls + pages))
    return time.perf_counter() - started


def watch_event_loop(run: Any) -> tuple[Any, float, float]:
    """Run `run()` through the window's TaskRunner; (its result, longest stall ms, p99 ms)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    tasks = TaskRunner()
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]
    result: list[Any] = []

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()

    def done(value: Any) -> None:
        result.append(value)
        app.quit()

    def failed(exc: BaseException) -> None:
        result.append(exc)
        app.quit()

    tasks.run(run, done, failed)
    app.exec()
    timer.stop()
    if isinstance(result[0], BaseException):
        raise result[0]
    ordered = sorted(gaps) or [0.0]
    return result[0], max(ordered), ordered[int(len(ordered) * 0.99) - 1 if len(ordered) > 1 else 0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument(
        "--delay", type=float, default=0.05, help="seconds between a host's requests"
    )
    parser.add_argument("--entities", action="store_true", help="recognise entities too (slow)")
    args = parser.parse_args()

    _Handler.items = args.items
    _Handler.latency_s = args.latency_ms / 1000
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    urls = feed_urls(port, args.feeds, args.hosts)
    total = args.feeds * args.items
    limits = http.Limits(network=POLICY_NETWORK)
    policy = RefreshPolicy(
        workers=args.workers,
        per_host=2,
        host_delay_s=args.delay,
        feed_limits=limits,
        page_limits=limits,
        fetch_images=False,
    )
    recognise = None
    if args.entities:
        from reader.core.entities import recognise

    ref_s = reference(urls, args.items, args.workers)
    for key in _Handler.counts:
        _Handler.counts[key] = 0

    with tempfile.TemporaryDirectory() as folder, Library(Path(folder) / "bench.sqlite3") as lib:
        feeds = Feeds(lib)
        with lib.transaction():
            for url in urls:
                feeds.subscribe(url)
        started = time.perf_counter()
        outcomes, stall_ms, p99_ms = watch_event_loop(
            lambda: Refresher(lib, policy, recognise=recognise).run()
        )
        refresh_s = time.perf_counter() - started
        added = sum(o.added for o in outcomes)
        errors = [o for o in outcomes if o.error]
        saved = lib.count()
        entries = sum(f.items for f in feeds.all())
        pages = _Handler.counts["page"]

        started = time.perf_counter()
        again = Refresher(lib, policy).run()
        again_s = time.perf_counter() - started
        unchanged = sum(1 for o in again if o.unchanged)

    print(
        f"feeds {args.feeds} x {args.items} entries = {total}; {args.hosts} hosts, "
        f"{args.workers} workers, {args.latency_ms:.0f} ms latency, {args.delay:.2f} s host delay"
        f"{', entities' if args.entities else ''}"
    )
    print(
        f"refresh: {refresh_s:.1f} s, {total / refresh_s:.0f} entries/s; "
        f"added {added}, saved {saved}, recorded {entries}, feed errors {len(errors)}, "
        f"pages fetched {pages} (summary feeds' entries: {total // 2})"
    )
    print(
        f"window event loop during the refresh: longest stall {stall_ms:.0f} ms, "
        f"p99 {p99_ms:.0f} ms (10 ms timer)"
    )
    print(
        f"reference (plain parallel GETs of the same feeds and pages): {ref_s:.1f} s; "
        f"refresh / reference = {refresh_s / ref_s:.1f}x"
    )
    print(
        f"second refresh: {again_s:.1f} s, {unchanged}/{args.feeds} answered 304, "
        f"{_Handler.counts['page'] - pages} pages fetched"
    )
    ok = added == saved == entries == total and not errors and unchanged == args.feeds
    print("every entry accounted for" if ok else "MISSING OR FAILED ENTRIES")
    server.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
