"""Rules on new entries and on the library as it is, with entity conditions."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.entities import recognise
from reader.core.feeds.refresh import RefreshPolicy, refresh
from reader.core.feeds.rules import run_rules
from reader.core.feeds.service import FeedError, Feeds
from reader.core.library import Library
from reader.core.query import QueryError
from tests.core.feeds.server import FeedServer, Item, Route, feed_server, prose, rss

POLICY = RefreshPolicy(workers=2, host_delay_s=0.0, fetch_images=False)
BANK = (
    "<p>The European Central Bank raised interest rates on Thursday, and Christine Lagarde "
    "said the European Central Bank would watch prices in Frankfurt closely.</p>"
)


@pytest.fixture
def server() -> FeedServer:
    with feed_server() as running:
        yield running  # type: ignore[misc]


def test_rules_tag_favourite_archive_and_skip_new_entries(
    server: FeedServer, tmp_path: Path
) -> None:
    entries = [
        Item("bank", "Rates go up", server.url("/post/bank"), BANK + prose(1)),
        Item("ad", "Sponsored: buy now", server.url("/post/ad"), prose(2)),
        Item("walk", "A walk in the hills", server.url("/post/walk"), prose(3)),
    ]
    server.routes["/feed"] = Route(rss("Money", entries))
    server.routes["/other"] = Route(
        rss("Other", [Item("o", "Elsewhere", server.url("/post/o"), BANK + prose(4))])
    )
    with Library(tmp_path / "library.sqlite3", recognise=recognise) as library:
        feeds = Feeds(library)
        money, _ = feeds.add(server.url("/feed"))
        other, _ = feeds.add(server.url("/other"))
        feeds.add_rule('org:"European Central Bank"', "tag", "ECB")
        feeds.add_rule("title:sponsored", "skip")
        feeds.add_rule("hills", "favourite", feed_id=money.id)
        feeds.add_rule('org:"European Central Bank" -tag:keep', "archive", feed_id=other.id)

        outcomes = {o.feed_id: o for o in refresh(library, policy=POLICY)}

        assert (outcomes[money.id].added, outcomes[money.id].skipped) == (2, 1)
        saved = {a.title: library.get(a.id) for a in library.list_articles()}
        assert "Sponsored: buy now" not in saved
        assert saved["Rates go up"].tags == ("ECB",)
        assert not saved["Rates go up"].archived  # the archive rule is the other feed's
        assert saved["A walk in the hills"].favorite and saved["A walk in the hills"].tags == ()
        assert saved["Elsewhere"].tags == ("ECB",) and saved["Elsewhere"].archived
        # A skipped entry is remembered: the next full fetch does not save it either.
        server.routes["/feed"] = Route(rss("Money", list(reversed(entries))))
        again = {o.feed_id: o for o in refresh(library, policy=POLICY)}
        assert again[money.id].entries == 0 and library.count() == 3


def test_rules_run_once_over_the_existing_library(server: FeedServer, tmp_path: Path) -> None:
    server.routes["/before"] = Route(
        f"<html><head><title>Old news</title></head><body><article><h1>Old news</h1>{BANK}"
        f"{prose(5)}</article></body></html>".encode(),
        content_type="text/html",
    )
    server.routes["/calm"] = Route(
        f"<html><head><title>Calm</title></head><body><article><h1>Calm</h1>{prose(6)}"
        "</article></body></html>".encode(),
        content_type="text/html",
    )
    with Library(tmp_path / "library.sqlite3", recognise=recognise) as library:
        old = library.add_source(server.url("/before"))
        calm = library.add_source(server.url("/calm"))
        library.add_tags(calm, ["keep"])
        feeds = Feeds(library)
        tag = feeds.add_rule('org:"European Central Bank"', "tag", "central banks")
        star = feeds.add_rule("-tag:keep", "favourite")
        skip = feeds.add_rule("anything", "skip")

        counts = run_rules(library, feeds.rules())

        assert counts == {tag.id: 1, star.id: 1, skip.id: 0}
        assert library.get(old).tags == ("central banks",) and library.get(old).favorite
        assert library.get(calm).tags == ("keep",) and not library.get(calm).favorite


def test_a_rule_that_cannot_work_is_refused_at_once(tmp_path: Path) -> None:
    with Library(tmp_path / "library.sqlite3") as library:
        feeds = Feeds(library)
        with pytest.raises(QueryError):
            feeds.add_rule("colour:blue", "tag", "x")
        with pytest.raises(FeedError, match="Unknown action"):
            feeds.add_rule("word", "delete")
        with pytest.raises(FeedError, match="needs the tag"):
            feeds.add_rule("word", "tag", "  ")
        assert feeds.rules() == []
