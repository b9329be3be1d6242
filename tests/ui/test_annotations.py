"""Highlights in the window: highlight a selection, notes, colours, delete with undo, orphans."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor

from reader.core.anchoring import new_annotation
from reader.core.models import Annotation
from reader.ui.highlights.look import HIGHLIGHT_SHADES, AnnotationIdRole
from tests.ui.conftest import note_article

QUOTE = "Dmitry Peskov"


def _open_sample(window):  # type: ignore[no-untyped-def]
    window.highlights.dock.show()
    article_id = window.library_pane.model.article_ids()[0]
    window.open_article(article_id)
    return article_id


def _select(window, words: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    text = window.reading_view.article.text
    start = text.index(words)
    window.reading_view.select_range(start, start + len(words))
    return start, start + len(words)


def _painted(window) -> list[tuple[str, QColor, bool]]:  # type: ignore[no-untyped-def]
    view = window.reading_view
    return [
        (s.cursor.selectedText(), s.format.background().color(), s.format.fontUnderline())
        for s in view.extraSelections()
    ]


def _highlight(window, qtbot, words: str = QUOTE) -> Annotation:  # type: ignore[no-untyped-def]
    _select(window, words)
    window.reading_view.setFocus()
    qtbot.keyClick(window.reading_view, Qt.Key.Key_H)
    (stored,) = window.library.annotations(window.current_id)
    return stored


def test_h_highlights_the_selection_and_it_stays_distinct_from_entity_marks(
    make_window, qtbot
) -> None:
    window = make_window()
    _open_sample(window)
    view = window.reading_view
    qtbot.waitUntil(lambda: any(m.label == "PERSON" for m in view.mentions), timeout=5000)
    start, end = _select(window, QUOTE + " informed")
    stored = _highlight(window, qtbot, QUOTE + " informed")
    assert stored.exact == QUOTE + " informed" and (stored.start, stored.end) == (start, end)
    panel = window.highlights.panel
    assert panel.list.count() == 1 and QUOTE in panel.list.item(0).text()
    ((painted_text, background, underlined),) = _painted(window)
    assert painted_text == QUOTE + " informed" and underlined
    # The entity mark is still in the document under the highlight, with its own colour.
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.position_map.to_position(start) + 1)
    entity_background = cursor.charFormat().background().color()
    assert entity_background.alpha() > 0 and entity_background.rgb() != background.rgb()
    assert not cursor.charFormat().fontUnderline()
    # ... and repainting the entities (e.g. a type switched off and on) leaves the highlight.
    view.set_entities_shown(False)
    view.set_entities_shown(True)
    assert [p[0] for p in _painted(window)] == [QUOTE + " informed"]


def test_highlights_come_back_with_the_article_and_survive_a_theme_change(
    make_window, qtbot
) -> None:
    window = make_window()
    article_id = _open_sample(window)
    _highlight(window, qtbot)
    window.library.add_article(note_article("Other", "Text."))
    window.library_pane.apply_query(background=False)
    other = next(i for i in window.model.article_ids() if i != article_id)
    window.open_article(other)
    assert _painted(window) == [] and window.highlights.panel.list.count() == 0
    window.open_article(article_id)
    assert [p[0] for p in _painted(window)] == [QUOTE]
    window.apply_typography(window.typography.__class__(theme="dark"))
    ((_text, background, _u),) = _painted(window)
    assert background.rgb() == QColor(HIGHLIGHT_SHADES["yellow"][2]).rgb()


def test_note_edit_and_colour_change_are_saved_and_searchable(make_window, qtbot) -> None:
    window = make_window()
    _open_sample(window)
    stored = _highlight(window, qtbot)
    panel = window.highlights.panel
    panel.list.setCurrentRow(0)
    panel.note_edit.setPlainText("Spokesman — *check* his earlier statements")
    qtbot.mouseClick(panel.save_note_button, Qt.MouseButton.LeftButton)
    (saved,) = window.library.annotations(window.current_id)
    assert saved.note == "Spokesman — *check* his earlier statements" and saved.id == stored.id
    assert "Spokesman" in panel.list.item(0).text()
    assert [a.annotation.id for a in window.library.all_annotations("earlier statements")] == [
        stored.id
    ]

    qtbot.mouseClick(panel.color_buttons["blue"], Qt.MouseButton.LeftButton)
    (saved,) = window.library.annotations(window.current_id)
    assert saved.color == "blue" and saved.note.startswith("Spokesman")
    ((_t, background, _u),) = _painted(window)
    assert background.rgb() == QColor(HIGHLIGHT_SHADES["blue"][0]).rgb()


def test_delete_can_be_undone_with_its_note(make_window, qtbot) -> None:
    window = make_window()
    _open_sample(window)
    stored = _highlight(window, qtbot)
    window.highlights.controller.set_note(stored.id, "keep this")
    panel = window.highlights.panel
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert window.library.annotations(window.current_id) == []
    assert _painted(window) == [] and panel.list.count() == 0
    assert window.message_bar.action_button.text() == "Undo"
    qtbot.mouseClick(window.message_bar.action_button, Qt.MouseButton.LeftButton)
    (back,) = window.library.annotations(window.current_id)
    assert (back.id, back.exact, back.note) == (stored.id, QUOTE, "keep this")
    assert [p[0] for p in _painted(window)] == [QUOTE]
    # Ctrl+Z undoes the last change as well (here: the note).
    window.highlights.undo_action.trigger()
    assert window.library.annotations(window.current_id)[0].note == ""


def test_an_orphan_is_listed_and_can_be_attached_to_selected_text(make_window, qtbot) -> None:
    window = make_window()
    article_id = _open_sample(window)
    text = window.library.get(article_id).article.text
    # A highlight made on an earlier version of the text, whose words are gone now.
    old_text = "An earlier version said the talks had already collapsed. " + text
    orphan = new_annotation(old_text, 28, 56, note="was this retracted?")
    window.library.add_annotation(article_id, orphan)
    window.highlights.controller.reload()
    panel = window.highlights.panel
    assert panel.list.count() == 1
    assert panel.list.item(0).text().startswith("Not found")
    assert "1 not found" in panel.title.text()
    assert window.library.annotations(article_id)[0].orphaned  # saved as an orphan, not dropped
    assert _painted(window) == []

    panel.list.setCurrentRow(0)
    assert panel.attach_button.isVisibleTo(panel)
    _select(window, "no significant advancement")
    qtbot.mouseClick(panel.attach_button, Qt.MouseButton.LeftButton)
    (attached,) = window.library.annotations(article_id)
    assert not attached.orphaned and attached.exact == "no significant advancement"
    assert (attached.id, attached.note) == (orphan.id, "was this retracted?")
    assert [p[0] for p in _painted(window)] == ["no significant advancement"]


def test_context_menu_offers_highlight_and_actions_on_a_highlight(make_window, qtbot) -> None:
    window = make_window()
    _open_sample(window)
    controller = window.highlights.controller
    view = window.reading_view
    _select(window, "peace negotiations")
    point = view.cursorRect(view.textCursor()).center()
    menu = controller.context_menu(point)
    (highlight_menu,) = [a.menu() for a in menu.actions() if a.text() == "Highlight"]
    green = next(a for a in highlight_menu.actions() if a.text() == "Green")
    green.trigger()
    (stored,) = window.library.annotations(window.current_id)
    assert (stored.exact, stored.color) == ("peace negotiations", "green")
    inside = view.cursorRect(view.cursor_for(stored.start + 3, stored.start + 3)).center()
    names = [a.text() for a in controller.context_menu(inside).actions()]
    assert {"Add Note…", "Highlight Colour", "Delete Highlight"} <= set(names)


def test_all_highlights_view_searches_and_opens_the_article(make_window, qtbot) -> None:
    window = make_window()
    article_id = _open_sample(window)
    _highlight(window, qtbot)
    window.highlights.controller.set_note(window.library.annotations(article_id)[0].id, "spokesman")
    window.open_article(window.model.article_ids()[0])
    with qtbot.waitSignal(window.highlights.all_listed, timeout=10_000):
        window.highlights.show_all()  # stale highlights are placed again in the background
    dialog = window.highlights.all_dialog
    assert dialog.list.count() == 1
    dialog.search.setText("nothing like this")
    dialog.refresh()
    assert dialog.list.count() == 0
    dialog.search.setText("spokes")
    dialog.refresh()
    assert dialog.list.count() == 1
    item = dialog.list.item(0)
    dialog.list.itemActivated.emit(item)
    assert window.current_id == article_id
    panel = window.highlights.panel
    assert panel.list.currentItem().data(AnnotationIdRole) == item.data(AnnotationIdRole)
    dialog.close()


def test_highlights_export_to_web_annotation_and_import_back(
    make_window, qtbot, tmp_path, monkeypatch
) -> None:
    window = make_window()
    article_id = _open_sample(window)
    stored = _highlight(window, qtbot)
    window.highlights.controller.set_note(stored.id, "spokesman")
    target = tmp_path / "marks.jsonld"
    monkeypatch.setattr(
        "reader.ui.highlights.feature.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(target), ""),
    )
    with qtbot.waitSignal(window.highlights.exported, timeout=10_000):
        window.highlights.export_action.trigger()  # written in the background
    assert '"TextQuoteSelector"' in target.read_text(encoding="utf-8")
    window.highlights.controller.delete(stored.id)
    assert window.library.annotations(article_id) == []
    with qtbot.waitSignal(window.highlights.imported, timeout=10_000) as imported:
        window.highlights.import_highlights(str(target))  # read in the background
    report = imported.args[0]
    assert report is not None and report.added == 1
    (back,) = window.library.annotations(article_id)
    assert (back.id, back.exact, back.note) == (stored.id, QUOTE, "spokesman")
    assert [p[0] for p in _painted(window)] == [QUOTE]
    bad = tmp_path / "bad.jsonld"
    bad.write_text("{not json", encoding="utf-8")
    with qtbot.waitSignal(window.highlights.import_failed, timeout=10_000):
        window.highlights.import_highlights(str(bad))
    assert "Could not import" in window.message_bar.label.text()


def test_a_note_is_saved_when_leaving_the_box_even_for_another_highlight(
    make_window, qtbot
) -> None:
    window = make_window()
    article_id = _open_sample(window)
    first = _highlight(window, qtbot)
    _select(window, "peace negotiations")
    window.highlights.controller.highlight_selection("green")
    panel = window.highlights.panel
    panel.select(first.id)
    panel.note_edit.setFocus()
    qtbot.waitUntil(panel.note_edit.hasFocus, timeout=2000)
    qtbot.keyClicks(panel.note_edit, "typed, never saved by hand")
    ids = [panel.list.item(r).data(AnnotationIdRole) for r in range(panel.list.count())]
    other_row = next(r for r, i in enumerate(ids) if i != first.id)
    panel.list.setFocus()
    panel.list.setCurrentRow(other_row)
    qtbot.waitUntil(
        lambda: any(a.note for a in window.library.annotations(article_id)), timeout=2000
    )
    notes = {a.id: a.note for a in window.library.annotations(article_id)}
    assert notes[first.id] == "typed, never saved by hand"
    assert [n for i, n in notes.items() if i != first.id] == [""]
    assert panel.note_edit.toPlainText() == ""  # the box now shows the other highlight's note


def test_the_panel_starts_hidden_and_is_remembered_once_shown(make_window) -> None:
    window = make_window()
    assert not window.highlights.dock.isVisible()  # the reading column keeps its width
    window.highlights.dock.show()
    window.close()
    assert make_window().highlights.dock.isVisible()


def test_hovering_a_highlight_shows_its_note_and_the_entity_under_it(make_window, qtbot) -> None:
    window = make_window()
    _open_sample(window)
    view = window.reading_view
    qtbot.waitUntil(lambda: any(m.label == "PERSON" for m in view.mentions), timeout=5000)
    stored = _highlight(window, qtbot)
    window.highlights.controller.set_note(stored.id, "the **Kremlin** spokesman")
    point = view.cursorRect(view.cursor_for(stored.start + 2, stored.start + 2)).center()
    tip = window.highlights.controller.tooltip_at(point)
    assert tip is not None and "spokesman" in tip
    assert re.search(r"font-weight:\s*[67]00;\">Kremlin<", tip)  # the note's Markdown, rendered
    assert "Dmitry Peskov" in tip  # what the entity tooltip says is kept
    elsewhere = view.cursorRect(view.cursor_for(0, 0)).center()
    assert window.highlights.controller.tooltip_at(elsewhere) is None


def test_add_note_from_the_menu_opens_the_hidden_panel_on_that_highlight(
    make_window, qtbot
) -> None:
    window = make_window()
    _open_sample(window)
    window.highlights.dock.hide()
    stored = _highlight(window, qtbot)
    view = window.reading_view
    inside = view.cursorRect(view.cursor_for(stored.start + 3, stored.start + 3)).center()
    menu = window.highlights.controller.context_menu(inside)
    next(a for a in menu.actions() if a.text() == "Add Note…").trigger()
    panel = window.highlights.panel
    assert window.highlights.dock.isVisible()
    assert panel.selected_id() == stored.id
    qtbot.waitUntil(panel.note_edit.hasFocus, timeout=2000)


def test_h_then_n_on_one_selection_keeps_one_highlight(make_window, qtbot) -> None:
    window = make_window()
    _open_sample(window)
    first = _highlight(window, qtbot)
    qtbot.keyClick(window.reading_view, Qt.Key.Key_N)  # the app's own hint: "N adds a note"
    qtbot.keyClick(window.reading_view, Qt.Key.Key_H)  # and H again, on the same selection
    assert [a.id for a in window.library.annotations(window.current_id)] == [first.id]
    assert window.highlights.panel.list.count() == 1


def test_a_selection_snaps_to_whole_words_and_shift_keeps_it_exact(make_window, qtbot) -> None:
    window = make_window()
    _open_sample(window)
    stored = _highlight(window, qtbot, "mitry Pesk")
    assert stored.exact == QUOTE
    window.highlights.controller.delete(stored.id)
    _select(window, "mitry Pesk")
    window.reading_view.setFocus()
    qtbot.keyClick(window.reading_view, Qt.Key.Key_H, Qt.KeyboardModifier.ShiftModifier)
    (exact,) = window.library.annotations(window.current_id)
    assert exact.exact == "mitry Pesk"


def test_a_note_reads_as_markdown_in_the_panel_and_marks_its_highlight(make_window, qtbot) -> None:
    window = make_window()
    _open_sample(window)
    stored = _highlight(window, qtbot)
    (before,) = window.reading_view.extraSelections()
    assert before.format.underlineStyle().name == "SingleUnderline"
    window.highlights.controller.set_note(
        stored.id, "**Key** quote, see [the source](https://example.org)"
    )
    panel = window.highlights.panel
    panel.list.setCurrentRow(0)
    assert "✎ Key quote, see the source" in panel.list.item(0).text()
    assert "**" not in panel.list.item(0).text()
    assert panel.note_view.isVisibleTo(panel)
    document = panel.note_view.document()
    assert document.toPlainText().startswith("Key quote, see the source")
    first = document.begin().begin().fragment()
    assert first.text() == "Key" and first.charFormat().fontWeight() >= 700
    # In the text, a highlight with a note is underlined with dashes.
    (selection,) = window.reading_view.extraSelections()
    assert selection.format.underlineStyle().name == "DashUnderline"
