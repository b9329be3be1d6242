"""Entities in the window: highlights arrive after the model loads, toggles, tooltip, panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor

from reader.ui.reading_view import ReadingView
from tests.ui.conftest import GatedModel, note_article


def background_at(view: ReadingView, word: str, nth: int = 0) -> QColor | None:
    """The background colour painted behind the first character of a word in the article."""
    text = view.article.text
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.position_map.to_position(start) + 1)
    brush = cursor.charFormat().background()
    if brush.style() == Qt.BrushStyle.NoBrush:
        return None
    return brush.color()


def sample_id(window) -> int:  # type: ignore[no-untyped-def]
    return window.model.article_ids()[-1]


def test_highlights_arrive_when_the_model_is_ready(make_window, qtbot) -> None:
    model = GatedModel()
    window = make_window(model=model)
    window.open_article(sample_id(window))
    view = window.reading_view
    # The article is readable at once, without marks, while the model loads.
    assert "The Kremlin announced" in view.toPlainText()
    assert background_at(view, "Kremlin") is None
    assert "Loading the entity model" in window.entity_panel.status.text()
    qtbot.waitUntil(lambda: model.load_calls == 1, timeout=5000)
    with qtbot.waitSignal(window.entities.recognised, timeout=10_000):
        model.release()
    assert background_at(view, "Kremlin") == QColor(window.theme.entity["ORG"])
    assert background_at(view, "Dmitry Peskov") == QColor(window.theme.entity["PERSON"])
    assert window.entity_panel.tree.topLevelItemCount() >= 3
    # Stored: opening it again paints at once, without asking the recogniser.
    seen = len(model.recogniser.seen)
    other = window.library.add_article(note_article("Other", "Nothing much here."))
    window.library_pane.apply_query(background=False)
    window.open_article(other)
    window.open_article(sample_id(window))
    assert background_at(view, "Kremlin") == QColor(window.theme.entity["ORG"])
    qtbot.wait(50)
    assert model.recogniser.seen[seen:] == ["Other"]


def test_the_model_loads_once_in_the_background(make_window, qtbot) -> None:
    model = GatedModel()
    window = make_window(model=model)
    qtbot.waitUntil(lambda: model.load_calls == 1, timeout=5000)
    window.open_article(sample_id(window))
    model.release()
    qtbot.waitUntil(lambda: window.entities.ready, timeout=10_000)
    assert model.load_calls == 1


def ready_window(make_window, qtbot):  # type: ignore[no-untyped-def]
    window = make_window()
    qtbot.waitUntil(lambda: window.entities.ready, timeout=10_000)
    with qtbot.waitSignal(window.entities.recognised, timeout=10_000):
        window.open_article(sample_id(window))
    return window


def test_toggling_a_type_and_all_entities(make_window, qtbot) -> None:
    window = ready_window(make_window, qtbot)
    view = window.reading_view
    org = QColor(window.theme.entity["ORG"])
    window.entity_panel.toggles["ORG"].setChecked(False)
    assert background_at(view, "Kremlin") is None or background_at(view, "Kremlin").alpha() == 0
    assert background_at(view, "Dmitry Peskov") == QColor(window.theme.entity["PERSON"])
    window.entity_panel.toggles["ORG"].setChecked(True)
    assert background_at(view, "Kremlin") == org
    window.reading_view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert not window.entities_action.isChecked()
    for word in ("Kremlin", "Dmitry Peskov", "Istanbul"):
        colour = background_at(view, word)
        assert colour is None or colour.alpha() == 0
    qtbot.keyClick(view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert background_at(view, "Kremlin") == org
    assert window.settings.value("entities/shown") == "true"


def test_tooltip_names_type_and_counts(make_window, qtbot) -> None:
    window = ready_window(make_window, qtbot)
    view = window.reading_view
    start = view.article.text.index("Dmitry Peskov")
    rect = view.cursorRect(view.cursor_for(start + 2, start + 2))
    text = view.tooltip_at(rect.center())
    assert text is not None
    assert "Person: Dmitry Peskov" in text
    assert "1 mention in this article" in text
    assert "In 1 article of your library" in text
    far = view.cursorRect(view.cursor_for(3, 3)).center()  # "The" is no entity
    assert view.tooltip_at(far) is None


def test_entity_panel_steps_through_mentions_and_filters_the_library(make_window, qtbot) -> None:
    window = ready_window(make_window, qtbot)
    window.library.add_article(note_article("Elsewhere", "Nothing about that palace."))
    window.library_pane.apply_query(background=False)
    panel = window.entity_panel
    view = window.reading_view
    panel.select_key("org:kremlin")
    item = panel.tree.currentItem()
    assert "Kremlin" in item.text(0)
    positions = []
    for _ in range(3):
        panel._on_item_clicked(item, 0)
        assert view.textCursor().selectedText() == "Kremlin"
        positions.append(view.textCursor().selectionStart())
    kremlins = view.article.text.count("Kremlin")
    assert len(set(positions)) == min(3, kremlins)
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        qtbot.mouseClick(panel.library_button, Qt.MouseButton.LeftButton)
    assert "Kremlin" in window.library_pane.filter_box.currentText()
    titles = [window.model.index(r).data() for r in range(window.model.rowCount())]
    assert titles == [view.article.title]


def test_non_english_articles_say_entities_are_english_only(make_window, qtbot) -> None:
    window = make_window()
    qtbot.waitUntil(lambda: window.entities.ready, timeout=10_000)
    article_id = window.library.add_article(
        note_article("Une note", "Le Kremlin a parlé jeudi à Istanbul.", lang="fr")
    )
    window.library_pane.apply_query(background=False)
    window.open_article(article_id)
    qtbot.wait(50)
    assert "English-only" in window.entity_panel.status.text()
    assert "Une note" not in window.fake_recogniser.seen
    assert background_at(window.reading_view, "Kremlin") is None


def test_entity_filters_are_offered_in_the_library(make_window, qtbot) -> None:
    window = ready_window(make_window, qtbot)
    window.library_pane.refresh_filters()
    box = window.library_pane.filter_box
    names = [box.itemText(i) for i in range(box.count())]
    assert any(name.startswith("Person: Dmitry Peskov") for name in names)
    index = next(i for i, n in enumerate(names) if n.startswith("Place: Istanbul"))
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        box.setCurrentIndex(index)
    assert window.model.rowCount() == 1


def test_the_real_model_marks_the_sample(make_window, qtbot) -> None:
    from reader.ui.controllers import load_default_recogniser

    window = make_window(model=load_default_recogniser)
    with qtbot.waitSignal(window.entities.recognised, timeout=60_000):
        window.open_article(sample_id(window))  # most likely before the model is ready
    view = window.reading_view
    assert background_at(view, "Dmitry Peskov") == QColor(window.theme.entity["PERSON"])
    assert background_at(view, "Istanbul") == QColor(window.theme.entity["PLACE"])
    assert "Vladimir Putin" in [e.name for e in window.library.entities(sample_id(window))]


def test_articles_loaded_after_the_model_is_ready_arrive_marked(
    make_window, qtbot, tmp_path
) -> None:
    window = make_window()
    qtbot.waitUntil(lambda: window.entities.ready, timeout=10_000)
    note = tmp_path / "kremlin.txt"
    note.write_text("A note\n\nThe Kremlin spoke in Istanbul on Thursday.\n", encoding="utf-8")
    with qtbot.waitSignal(window.loader.loaded, timeout=10_000) as loaded:
        window.open_source(str(note))
    article_id = loaded.args[0]
    assert window.library.has_entities(article_id)  # recognised while it was being saved
    assert not window.entities.pending(article_id)
    assert background_at(window.reading_view, "Kremlin") == QColor(window.theme.entity["ORG"])
