"""The Feeds section in the window: subscribe, background refresh, unread counts, errors."""

from __future__ import annotations

from reader.core.feeds.refresh import RefreshPolicy
from reader.core.feeds.service import Feeds
from tests.core.feeds.server import Item, Route, feed_server, prose, rss

FAST = RefreshPolicy(workers=2, host_delay_s=0.0, fetch_images=False)


def test_subscribing_brings_the_feed_in_with_its_unread_count(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    feature = window.feeds
    feature.policy = FAST
    # A library without feeds keeps the window as it was, from the first paint on.
    assert not feature.dock.isVisible()
    qtbot.waitUntil(lambda: feature._placed, timeout=10_000)
    assert not feature.dock.isVisible()
    with feed_server() as server:
        entries = [
            Item(f"g{n}", f"Feed story {n}", server.url(f"/post/{n}"), prose(n)) for n in range(2)
        ]
        server.routes["/feed"] = Route(rss("Window feed", entries))
        server.routes["/broken"] = Route(
            b"<html><body>moved</body></html>", content_type="text/html"
        )
        with qtbot.waitSignal(feature.refreshed, timeout=30_000) as done:
            feature.subscribe(server.url("/feed"), folder="Daily")
        [outcome] = done.args[0]
        assert outcome.added == 2
        qtbot.waitUntil(lambda: feature.section.item_for(1) is not None, timeout=10_000)
        qtbot.waitUntil(lambda: feature.section.item_for(1).text(1) == "2", timeout=10_000)
        assert feature.dock.isVisible()
        folder = feature.section.folder_item("Daily")
        assert folder is not None and folder.text(1) == "2"
        assert "Window feed" in feature.section.item_for(1).text(0)

        # Choosing the feed shows its articles in the library list.
        feature.section.tree.setCurrentItem(feature.section.item_for(1))
        qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=10_000)
        assert window.library_pane.search.text() == "feed:1"

        # A feed that fails says why, in plain words, when chosen.
        Feeds(window.library).subscribe(server.url("/broken"), title="Broken one")
        with qtbot.waitSignal(feature.refreshed, timeout=30_000):
            feature.refresh_now()
        qtbot.waitUntil(lambda: feature.section.item_for(2) is not None, timeout=10_000)
        qtbot.waitUntil(lambda: "⚠" in feature.section.item_for(2).text(0), timeout=10_000)
        feature.section.tree.setCurrentItem(feature.section.item_for(2))
        assert feature.section.error_label.isVisibleTo(feature.section)
        assert "web page (HTML), not a feed" in feature.section.error_label.text()


def test_a_watched_newsletter_folder_fills_the_library(make_window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.core.feeds.test_newsletters import alternative_qp

    window = make_window()
    feature = window.feeds
    qtbot.waitUntil(lambda: not feature.checking_mail, timeout=10_000)
    before = window.library.count()
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "brief.eml").write_bytes(alternative_qp().as_bytes())
    with qtbot.waitSignal(feature.newsletters_checked, timeout=30_000) as done:
        feature.check_newsletters(folder)
    assert done.args[0].added == 1
    qtbot.waitUntil(lambda: window.model.rowCount() == before + 1, timeout=10_000)
    # The next tick finds nothing new.
    with qtbot.waitSignal(feature.newsletters_checked, timeout=30_000) as done:
        feature.check_newsletters()
    assert done.args[0].total == 0
