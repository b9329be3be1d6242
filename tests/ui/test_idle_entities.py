"""Older articles saved without entities are recognised in the background while the window idles."""

from __future__ import annotations

import threading

from reader.core.library import Library
from reader.core.models import Article
from tests.ui.conftest import FakeRecogniser, FakeResult, GatedModel, note_article


def old_articles(library: Library, count: int) -> list[int]:
    return [
        library.add_article(
            note_article(f"Old {n}", f"Old note {n}\n\nThe Kremlin spoke in Istanbul, day {n}.")
        )
        for n in range(count)
    ]


def quick_idle(window) -> None:  # type: ignore[no-untyped-def]
    entities = window.entities
    entities.idle_delay_ms = 0
    entities.idle_pause_ms = 0
    entities.idle_batch = 2
    entities.wake_idle()  # if the model is ready already, do not wait for the usual delay


def filter_names(window) -> list[str]:  # type: ignore[no-untyped-def]
    box = window.library_pane.filter_box
    return [box.itemText(i) for i in range(box.count())]


def test_articles_without_entities_are_recognised_once_the_model_is_ready(
    make_window, qtbot, library
) -> None:
    old = old_articles(library, 5)
    sample = library.list_articles(filter=None, sort="oldest")[0].id
    french = library.add_article(note_article("Une note", "Le Kremlin à Istanbul.", lang="fr"))
    model = GatedModel()
    window = make_window(model=model)
    quick_idle(window)
    assert "Place: Istanbul  (6)" not in filter_names(window)
    model.release()
    everything = [*old, sample]
    qtbot.waitUntil(lambda: all(library.has_entities(i) for i in everything), timeout=10_000)
    assert not library.has_entities(french)  # entities are English-only
    assert "Une note" not in model.recogniser.seen
    assert sorted(model.recogniser.seen) == sorted(
        [*(f"Old {n}" for n in range(5)), library.get(sample).article.title]
    )
    # The filter counts follow in the background: every recognised article mentions Istanbul.
    qtbot.waitUntil(lambda: "Place: Istanbul  (6)" in filter_names(window), timeout=10_000)
    box = window.library_pane.filter_box
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        box.setCurrentIndex(filter_names(window).index("Place: Istanbul  (6)"))
    assert sorted(window.model.article_ids()) == sorted(everything)
    assert not window.entities.idle_busy


class HeldRecogniser(FakeRecogniser):
    """Holds on older articles until `release()`; anything else is recognised at once."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self._gate = threading.Event()

    def release(self) -> None:
        self._gate.set()

    def __call__(self, article: Article) -> FakeResult:
        if article.title.startswith("Old"):
            self.holding.set()
            self._gate.wait(10)
        return super().__call__(article)


def test_the_window_stays_responsive_and_opened_articles_go_first(
    make_window, qtbot, library
) -> None:
    old = old_articles(library, 4)
    held = HeldRecogniser()
    window = make_window(model=lambda: held)
    quick_idle(window)
    try:
        qtbot.waitUntil(held.holding.is_set, timeout=10_000)
        # While an older article is being recognised the window searches and opens articles.
        with qtbot.waitSignal(window.model.query_applied, timeout=5000):
            qtbot.keyClicks(window.library_pane.search, "Fresh")
        fresh = library.add_article(note_article("Fresh", "Dmitry Peskov in Istanbul."))
        window.open_article(fresh)
        assert "Fresh" in window.reading_view.toPlainText()
        assert "Finding people" in window.entity_panel.status.text()
    finally:
        held.release()
    with qtbot.waitSignal(
        window.entities.recognised, check_params_cb=lambda i: i == fresh, timeout=5000
    ):
        pass
    # The older article in hand is finished, then the opened one goes before the others.
    assert held.seen[:2] == ["Old 3", "Fresh"]
    assert [e.name for e in library.entities(fresh)] == ["Dmitry Peskov", "Istanbul"]
    qtbot.waitUntil(lambda: not library.unrecognised(), timeout=10_000)
    assert all(library.has_entities(i) for i in old)
    assert len(held.seen) == len(set(held.seen)) == 6  # each article once, with the sample


def test_closing_the_window_stops_the_idle_work(make_window, qtbot, library) -> None:
    old = old_articles(library, 6)
    held = HeldRecogniser()
    window = make_window(model=lambda: held)
    quick_idle(window)
    qtbot.waitUntil(held.holding.is_set, timeout=10_000)
    window.close()
    held.release()
    qtbot.waitUntil(lambda: not window.entities.idle_busy, timeout=10_000)
    assert sum(library.has_entities(i) for i in old) <= 1  # at most the one in hand
