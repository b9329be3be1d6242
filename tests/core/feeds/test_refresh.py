"""Feeds served on 127.0.0.1: subscribing, refreshing, conditional GET, deduplication."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.feeds import http
from reader.core.feeds.refresh import RefreshPolicy, refresh
from reader.core.feeds.service import Feeds
from reader.core.library import Library
from tests.core.feeds.server import FORMATS, FeedServer, Item, Route, feed_server, prose

FAST = RefreshPolicy(workers=4, per_host=2, host_delay_s=0.0, fetch_images=False)


@pytest.fixture
def server() -> FeedServer:
    with feed_server() as running:
        yield running  # type: ignore[misc]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    with Library(tmp_path / "library.sqlite3") as opened:
        yield opened  # type: ignore[misc]


def items(server: FeedServer, count: int, *, full: bool, start: int = 0) -> list[Item]:
    made = []
    for n in range(start, start + count):
        title = f"Story number {n}"
        server.page(f"/post/{n}", title, n)
        body = prose(n) if full else f"A short teaser for story {n}."
        made.append(Item(f"guid-{n}", title, server.url(f"/post/{n}"), body, full=full))
    return made


def serve_feed(server: FeedServer, fmt: str, entries: list[Item], path: str = "/feed") -> str:
    make, mime = FORMATS[fmt]
    server.routes[path] = Route(make("The Test Feed", entries), content_type=mime, etag='"v1"')
    return server.url(path)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_feed_with_whole_articles_is_saved_without_fetching_pages(
    fmt: str, server: FeedServer, library: Library
) -> None:
    url = serve_feed(server, fmt, items(server, 3, full=True))
    feeds = Feeds(library)
    feed, new = feeds.add(url, folder="News")
    assert new and feed.title == "The Test Feed" and feed.folder == "News"

    [outcome] = refresh(library, policy=FAST)

    assert (outcome.added, outcome.error) == (3, "")
    assert server.page_hits() == 0  # the feed carried the whole article
    saved = library.list_articles()
    assert sorted(a.title for a in saved) == [f"Story number {n}" for n in range(3)]
    text = library.get(saved[0].id).article.text
    assert len(text.split()) > 150
    assert feeds.get(feed.id).unread == 3
    # The search language finds a feed's articles by its number, title or folder.
    for query in (f"feed:{feed.id}", 'feed:"the test feed"', "feed:news"):
        assert library.count(query) == 3, query
    assert library.count("feed:999") == 0


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_feed_with_summaries_gets_each_page(
    fmt: str, server: FeedServer, library: Library
) -> None:
    url = serve_feed(server, fmt, items(server, 3, full=False))
    Feeds(library).add(url)

    [outcome] = refresh(library, policy=FAST)

    assert outcome.added == 3
    assert server.page_hits() == 3
    for summary in library.list_articles():
        article = library.get(summary.id).article
        assert "teaser" not in article.text
        assert len(article.text.split()) > 300  # the page's article, not the feed's line
        assert "Copyright" not in article.text


def test_an_unchanged_feed_costs_one_304_and_a_changed_one_adds_only_new_items(
    server: FeedServer, library: Library
) -> None:
    first = items(server, 3, full=False)
    url = serve_feed(server, "rss", first)
    Feeds(library).add(url)
    refresh(library, policy=FAST)
    pages = server.page_hits()

    [again] = refresh(library, policy=FAST)

    assert again.unchanged and again.added == 0
    assert server.not_modified["/feed"] == 1
    assert server.page_hits() == pages  # no page fetched
    assert library.count() == 3

    server.routes["/feed"] = Route(
        FORMATS["rss"][0]("The Test Feed", items(server, 2, full=False, start=3) + first),
        etag='"v2"',
    )
    [changed] = refresh(library, policy=FAST)

    assert (changed.added, changed.existing) == (2, 0)
    assert server.page_hits() == pages + 2
    assert library.count() == 5


def test_duplicate_guids_and_items_already_saved_are_not_doubled(
    server: FeedServer, library: Library
) -> None:
    entries = items(server, 3, full=False)
    saved_before = library.add_source(entries[0].link)
    doubled = [*entries, Item("guid-1", "Story number 1 again", entries[1].link, "Again.")]
    url = serve_feed(server, "rss", doubled)
    other = serve_feed(server, "atom", entries[1:], path="/other-feed")
    feeds = Feeds(library)
    feeds.add(url)
    feeds.add(other)
    hits_before = server.page_hits()

    outcomes = refresh(library, policy=RefreshPolicy(workers=1, host_delay_s=0, fetch_images=0))

    assert library.count() == 3
    assert sum(o.added for o in outcomes) == 2
    assert sum(o.existing for o in outcomes) == 3  # saved before, and the other feed's two
    # The article saved by hand was found by its address, not fetched again.
    assert server.page_hits() - hits_before == 2
    assert library.get(saved_before).article.title == "Story number 0"


def test_a_page_that_names_its_feed_subscribes_to_the_feed(
    server: FeedServer, library: Library
) -> None:
    serve_feed(server, "atom", items(server, 1, full=True), path="/blog/atom.xml")
    server.routes["/blog/"] = Route(
        b'<!doctype html><html><head><title>Blog</title><link rel="alternate" '
        b'type="application/atom+xml" href="atom.xml"></head><body>Hello</body></html>',
        content_type="text/html",
    )
    feed, new = Feeds(library).add(server.url("/blog/"))
    assert new and feed.url == server.url("/blog/atom.xml")
    # Adding either address again finds the same subscription.
    assert Feeds(library).add(server.url("/blog/atom.xml")) == (Feeds(library).get(feed.id), False)


def test_a_page_without_a_feed_is_refused_with_the_reason(
    server: FeedServer, library: Library
) -> None:
    server.routes["/plain"] = Route(b"<html><body>No feed</body></html>", content_type="text/html")
    with pytest.raises(Exception, match="names no feed"):
        Feeds(library).add(server.url("/plain"))
    assert Feeds(library).all() == []


def test_rss_090_and_rdf_feeds_are_read(server: FeedServer, library: Library) -> None:
    server.page("/post/rdf", "An RDF story", 9)
    server.routes["/rdf"] = Route(
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>RDF feed</title>'
        b"<link>http://example.test/</link></channel><item rdf:about='"
        + server.url("/post/rdf").encode()
        + b"'><title>An RDF story</title><link>"
        + server.url("/post/rdf").encode()
        + b"</link></item></rdf:RDF>",
        content_type="application/rdf+xml",
    )
    feed, _ = Feeds(library).add(server.url("/rdf"))
    assert feed.title == "RDF feed"
    [outcome] = refresh(library, policy=FAST)
    assert outcome.added == 1
    assert library.list_articles()[0].title == "An RDF story"


def test_validators_are_sent_back(server: FeedServer, library: Library) -> None:
    url = serve_feed(server, "json", items(server, 1, full=True))
    feed, _ = Feeds(library).add(url)
    refresh(library, policy=FAST)
    assert Feeds(library).get(feed.id).etag == '"v1"'
    answer = http.get(
        url,
        http.make_session()
        if hasattr(http, "make_session")
        else __import__("reader.core.fetch", fromlist=["make_session"]).make_session(),
        http.Limits(),
        etag='"v1"',
    )
    assert answer.status == 304


def test_images_of_new_entries_are_archived_with_them(server: FeedServer, library: Library) -> None:
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7358184"
        "0000000049454e44ae426082"
    )
    server.routes["/img/harbour.png"] = Route(png, content_type="image/png")
    body = prose(1) + '<p><img src="/img/harbour.png" alt="The harbour"></p>' + prose(2)
    entry = Item("pic", "With a picture", server.url("/post/pic"), body)
    url = serve_feed(server, "atom", [entry])
    Feeds(library).add(url)

    [outcome] = refresh(library, policy=RefreshPolicy(host_delay_s=0.0))

    assert outcome.added == 1
    [saved] = library.list_articles()
    image = server.url("/img/harbour.png")
    assert library.image_urls(saved.id) == [image]
    assert library.image(saved.id, image) == (png, "image/png")
