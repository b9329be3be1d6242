"""The Trash view: deleted articles are listed, read-only, restored or deleted for good."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from reader.core.errors import ReadmarkError
from reader.ui.library_pane import TRASH_FILTER
from tests.ui.conftest import note_article


def show(window, qtbot, token: str) -> None:  # type: ignore[no-untyped-def]
    """Choose a filter the way a person does: in the filter combo, with the keyboard."""
    box = window.library_pane.filter_box
    index = box.findData(token)
    assert index >= 0
    box.setFocus()
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        box.setCurrentIndex(index)


def titles(window) -> list[str]:  # type: ignore[no-untyped-def]
    return [window.library.get(i).article.title for i in window.model.article_ids()]


def deleted_window(make_window, qtbot):  # type: ignore[no-untyped-def]
    window = make_window()
    library = window.library
    gone = library.add_article(note_article("Gone soon", "An article to throw away."))
    library.add_article(note_article("Keeper", "An article to keep."))
    window.library_pane.apply_query(background=False)
    window.open_article(gone)
    qtbot.keyClick(window.reading_view, Qt.Key.Key_Delete)
    assert "Gone soon" not in titles(window)
    return window, gone


def test_deleted_articles_appear_in_the_trash_and_can_be_restored(make_window, qtbot) -> None:
    window, gone = deleted_window(make_window, qtbot)
    pane = window.library_pane
    assert "Trash" in [pane.filter_box.itemText(i) for i in range(pane.filter_box.count())]
    show(window, qtbot, TRASH_FILTER)
    assert titles(window) == ["Gone soon"]
    assert pane.trash_bar.isVisible()
    # Reading a trashed article: shown, with a note, and nothing but Restore changes it.
    pane.select_row(0)
    assert window.current_id == gone
    assert "An article to throw away." in window.reading_view.toPlainText()
    assert "in the trash" in window.message_bar.label.text()
    assert not window.favorite_action.isEnabled()
    assert not window.delete_action.isEnabled()
    assert not window.highlights.highlight_action.isEnabled()
    assert window.restore_action.isEnabled()
    pane.list_view.setFocus()
    qtbot.keyClick(pane.list_view, Qt.Key.Key_R)
    assert window.library.get(gone).deleted_at is None
    assert titles(window) == []
    assert pane.empty_label.text() == "The trash is empty."
    assert window.favorite_action.isEnabled()
    show(window, qtbot, "")
    assert "Gone soon" in titles(window)
    assert not pane.trash_bar.isVisible()


def test_emptying_the_trash_asks_first_and_deletes_for_good(
    make_window, qtbot, monkeypatch
) -> None:
    window, gone = deleted_window(make_window, qtbot)
    show(window, qtbot, TRASH_FILTER)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    window.library_pane.empty_trash_button.click()  # cancelled: nothing happens
    assert titles(window) == ["Gone soon"]
    with qtbot.waitSignal(window.trash_emptied, timeout=5000) as emptied:
        window.library_pane.empty_trash_button.click()
    assert emptied.args == [1]
    assert "1 article in the trash" in asked[0]
    assert titles(window) == []
    assert "for good" in window.message_bar.label.text()
    with pytest.raises(ReadmarkError):
        window.library.get(gone)
    show(window, qtbot, "")
    assert "Gone soon" not in titles(window)
    assert "Keeper" in titles(window)
