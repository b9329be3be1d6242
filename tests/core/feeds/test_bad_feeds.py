"""Feeds that fail each in its own way: every one gets a clear error, the others refresh."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from reader.core.feeds import http
from reader.core.feeds.refresh import RefreshPolicy, refresh
from reader.core.feeds.service import Feeds
from reader.core.library import Library
from tests.core.feeds.server import FeedServer, Item, Route, feed_server, prose, rss

SHORT = http.Limits(total_timeout_s=1.5, max_total_timeout_s=3.0, read_timeout_s=1.5)
POLICY = RefreshPolicy(
    workers=4, per_host=6, host_delay_s=0.0, fetch_images=False, feed_limits=SHORT
)


def _huge(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>')
    chunk = b"<item><title>x</title><description>" + b"y" * 65_000 + b"</description></item>"
    try:
        for _ in range(50 * 1024 * 1024 // len(chunk)):  # 50 MB in all
            handler.wfile.write(chunk)
    except OSError:
        pass  # the reader hung up at its limit, as it should


def _hang(stop: object) -> object:
    def handler(request: BaseHTTPRequestHandler) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not stop.is_set():  # type: ignore[attr-defined]
            time.sleep(0.05)

    return handler


def _redirect(to: str) -> object:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", to)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handler


@pytest.fixture
def server() -> FeedServer:
    with feed_server() as running:
        yield running  # type: ignore[misc]


def test_each_bad_feed_gets_its_own_error_and_the_good_one_refreshes(
    server: FeedServer, tmp_path: Path
) -> None:
    server.page("/post/1", "A good story", 1)
    good = [Item("g1", "A good story", server.url("/post/1"), prose(1))]
    server.routes["/good"] = Route(rss("Good", good))
    server.routes["/malformed"] = Route(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>On'
    )
    server.routes["/html"] = Route(
        b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Log in</body></html>",
        content_type="text/html",
    )
    server.routes["/huge"] = Route(handler=_huge)
    server.routes["/loop-a"] = Route(handler=_redirect("/loop-b"))
    server.routes["/loop-b"] = Route(handler=_redirect("/loop-a"))
    server.routes["/gone"] = Route(b"gone", status=410, content_type="text/plain")
    server.routes["/hang"] = Route(handler=_hang(server.stop))
    with Library(tmp_path / "library.sqlite3") as library:
        feeds = Feeds(library)
        ids = {}
        for name in ("good", "malformed", "html", "huge", "loop-a", "gone", "hang"):
            ids[name] = feeds.subscribe(server.url(f"/{name}"), title=name)[0].id

        outcomes = {o.feed_id: o for o in refresh(library, policy=POLICY)}

        errors = {name: outcomes[i].error for name, i in ids.items()}
        assert errors["good"] == "" and outcomes[ids["good"]].added == 1
        assert "not a valid feed" in errors["malformed"]
        assert "web page (HTML), not a feed" in errors["html"]
        assert "limit" in errors["huge"] and "MB" in errors["huge"]
        assert "redirects too many times" in errors["loop-a"]
        assert "gone (410)" in errors["gone"] and outcomes[ids["gone"]].dead
        assert "did not send it in time" in errors["hang"]
        assert library.count() == 1

        stored = {feed.id: feed for feed in feeds.all()}
        for name, feed_id in ids.items():
            assert stored[feed_id].last_error == outcomes[feed_id].error, name
        assert stored[ids["gone"]].dead and not stored[ids["good"]].dead

        # The gone feed is not asked again; the others are.
        asked = server.hits["/gone"]
        outcomes = {o.feed_id: o for o in refresh(library, policy=POLICY)}
        assert ids["gone"] not in outcomes and server.hits["/gone"] == asked
        assert outcomes[ids["good"]].unchanged is False and outcomes[ids["good"]].added == 0


def test_a_feed_that_works_again_loses_its_error(server: FeedServer, tmp_path: Path) -> None:
    server.routes["/flaky"] = Route(b"down", status=503, content_type="text/plain")
    with Library(tmp_path / "library.sqlite3") as library:
        feeds = Feeds(library)
        feed, _ = feeds.subscribe(server.url("/flaky"))
        [outcome] = refresh(library, policy=POLICY)
        assert "503" in outcome.error and "503" in feeds.get(feed.id).last_error
        server.page("/post/1", "Back", 1)
        server.routes["/flaky"] = Route(
            rss("Flaky", [Item("g", "Back", server.url("/post/1"), prose(1))])
        )
        [outcome] = refresh(library, policy=POLICY)
        assert outcome.error == "" and outcome.added == 1
        assert feeds.get(feed.id).last_error == ""
        assert feeds.get(feed.id).title == "Flaky"


def test_an_entry_whose_page_fails_is_kept_from_its_summary_or_tried_again(
    server: FeedServer, tmp_path: Path
) -> None:
    server.page("/post/ok", "Fine page", 1)
    server.routes["/post/busy"] = Route(b"busy", status=503, content_type="text/plain")
    entries = [
        Item("ok", "Fine page", server.url("/post/ok"), "Teaser one.", full=False),
        Item("gone", "Gone page", server.url("/post/gone"), "The summary survives.", full=False),
        Item("busy", "Busy page", server.url("/post/busy"), "Teaser three.", full=False),
    ]
    server.routes["/feed"] = Route(rss("Pages", entries), etag='"e1"')
    with Library(tmp_path / "library.sqlite3") as library:
        feed, _ = Feeds(library).subscribe(server.url("/feed"))
        [outcome] = refresh(library, policy=POLICY)
        assert outcome.added == 2 and outcome.error == ""
        titles = {a.title: a.id for a in library.list_articles()}
        assert set(titles) == {"Fine page", "Gone page"}
        assert "The summary survives." in library.get(titles["Gone page"]).article.text
        assert any("summary was saved" in note for note in outcome.notes)
        assert any("tried again next time" in note for note in outcome.notes)
        # The busy entry is not settled, so the feed is fetched in full next time, not as a 304.
        assert Feeds(library).get(feed.id).etag == ""

        server.page("/post/busy", "Busy page", 3)
        [again] = refresh(library, policy=POLICY)
        assert (again.added, again.unchanged) == (1, False)
        assert library.count() == 3
        assert server.hits["/post/ok"] == 1  # what was saved is not fetched again
        [settled] = refresh(library, policy=POLICY)
        assert settled.unchanged
