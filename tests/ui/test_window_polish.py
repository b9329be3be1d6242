"""Details of the window a person notices: addresses typed without a scheme, the keyboard path
from the search field to the list, every sort the command line has, the message bar over the
article, the legend following Ctrl+E, the clicked mention in the middle of the view."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

from reader.core.errors import ReadmarkError
from tests.ui.conftest import note_article


def test_ctrl_l_takes_an_address_without_a_scheme_in_a_dialog_wide_enough(
    make_window, qtbot
) -> None:
    asked: list[str] = []

    def load_source(source: str):  # type: ignore[no-untyped-def]
        asked.append(source)
        raise ReadmarkError("not fetched in a test")

    window = make_window(load_source=load_source)
    seen: dict[str, object] = {}

    def type_address() -> None:
        dialog = QApplication.activeModalWidget()
        seen["dialog"] = dialog
        if isinstance(dialog, QInputDialog):
            seen["width"] = dialog.width()
            dialog.setTextValue("example.com/article")
            dialog.accept()

    QTimer.singleShot(200, type_address)
    with qtbot.waitSignal(window.loader.failed, timeout=10_000):
        qtbot.keyClick(window.reading_view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(seen["dialog"], QInputDialog)
    assert int(seen["width"]) >= 480  # type: ignore[call-overload]
    assert asked == ["https://example.com/article"]


def test_down_from_the_search_field_goes_to_the_list(make_window, qtbot) -> None:
    window = make_window()
    for n in range(3):
        window.library.add_article(note_article(f"Walk {n}", f"Herons by the river, {n}."))
    window.library_pane.apply_query(background=False)
    search = window.library_pane.search
    search.setFocus()
    qtbot.keyClicks(search, "walk")
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert window.list_view.hasFocus()
    assert window.library_pane.current_id() in window.model.article_ids()
    assert all("Walk" in window.model.index(r).data() for r in range(window.model.rowCount()))
    qtbot.keyClick(window.list_view, Qt.Key.Key_Down)  # and on down the list
    assert window.current_id == window.model.article_ids()[1]


def test_every_sort_of_the_command_line_is_offered(make_window) -> None:
    from reader.core.store.articles import SORTS as CLI_SORTS

    window = make_window()
    box = window.library_pane.sort_box
    offered = {box.itemData(i) for i in range(box.count())}
    assert set(CLI_SORTS) <= offered
    library = window.library
    ids = [library.add_article(note_article(f"Note {n}", f"Body {n}.")) for n in range(3)]
    library.set_progress(ids[0], 0.9)
    library.set_progress(ids[2], 0.4)
    box.setCurrentIndex(box.findData("progress"))
    window.library_pane.apply_query(background=False)
    assert window.model.article_ids()[:2] == [ids[0], ids[2]]
    library.mark_opened(ids[1])
    box.setCurrentIndex(box.findData("opened"))
    window.library_pane.apply_query(background=False)
    assert window.model.article_ids()[0] == ids[1]
