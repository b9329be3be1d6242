"""Details of the window a person notices: addresses typed without a scheme, the keyboard path
from the search field to the list, every sort the command line has, the message bar over the
article, the legend following Ctrl+E, the clicked mention in the middle of the view."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QInputDialog

from reader.core.errors import ReadmarkError
from reader.ui.library_model import SummaryRole
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


def _recognised_window(make_window, qtbot, article=None):  # type: ignore[no-untyped-def]
    window = make_window()
    qtbot.waitUntil(lambda: window.entities.ready, timeout=10_000)
    target = window.model.article_ids()[-1]
    if article is not None:
        target = window.library.add_article(article)
        window.library_pane.apply_query(background=False)
    with qtbot.waitSignal(window.entities.recognised, timeout=10_000):
        window.open_article(target)
    return window


def test_the_legend_follows_ctrl_e(make_window, qtbot) -> None:
    window = _recognised_window(make_window, qtbot)
    toggles = window.entity_panel.toggles
    chosen = {group: box.isChecked() for group, box in toggles.items()}
    assert any(chosen.values()) and not all(chosen.values())  # NUMBER is off by default
    window.reading_view.setFocus()
    qtbot.keyClick(window.reading_view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert not any(box.isChecked() for box in toggles.values())
    assert not any(box.isEnabled() for box in toggles.values())
    assert window.reading_view.hidden_groups <= set(toggles)  # the choices are not forgotten
    qtbot.keyClick(window.reading_view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert {group: box.isChecked() for group, box in toggles.items()} == chosen
    assert all(box.isEnabled() for box in toggles.values())


def test_a_clicked_mention_lands_in_the_middle_of_the_view(make_window, qtbot) -> None:
    filler = "\n\n".join(f"Paragraph {n} of a long walk along the river bank." for n in range(80))
    article = note_article("Long", filler + "\n\nThe talks moved to Istanbul at last.\n\n" + filler)
    window = _recognised_window(make_window, qtbot, article)
    view = window.reading_view
    tree = window.entity_panel.tree
    items = [
        tree.topLevelItem(i).child(j)
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())
    ]
    (istanbul,) = [item for item in items if "Istanbul" in item.text(0)]
    tree.itemClicked.emit(istanbul, 0)
    assert view.textCursor().selectedText() == "Istanbul"
    middle = view.cursorRect(view.textCursor()).center().y()
    height = view.viewport().height()
    assert height / 3 < middle < 2 * height / 3


def test_the_message_bar_floats_over_the_article_without_moving_it(make_window, qtbot) -> None:
    window = make_window()
    window.open_article(window.model.article_ids()[0])
    view = window.reading_view
    before = view.geometry()
    scrolled = view.verticalScrollBar().value()
    window.message_bar.show_error("The page could not be fetched: " + "a long reason " * 30)
    qtbot.waitUntil(window.message_bar.isVisible)
    assert view.geometry() == before and view.verticalScrollBar().value() == scrolled
    bar = window.message_bar.geometry()
    assert bar.top() == view.geometry().top() and bar.width() == view.parentWidget().width()
    assert window.message_bar.label.height() >= 2 * window.message_bar.label.fontMetrics().height()
    window.resize(900, 700)
    qtbot.waitUntil(lambda: window.message_bar.width() == view.parentWidget().width())
    window.message_bar.dismiss()
    assert view.geometry().top() == before.top()


def _lightness(widget, x0=0, x1=None, y0=0, y1=None) -> list[int]:  # type: ignore[no-untyped-def]
    image = widget.grab().toImage()
    x1 = image.width() if x1 is None else x1
    y1 = image.height() if y1 is None else y1
    return [image.pixelColor(x, y).lightness() for x in range(x0, x1) for y in range(y0, y1)]


def test_the_dark_theme_reaches_dialogs_scroll_bars_spin_boxes_and_check_boxes(
    make_window, qtbot
) -> None:
    window = make_window()
    window.apply_theme("dark")
    window.show_shortcuts()
    sheet = window.shortcut_sheet
    qtbot.waitUntil(sheet.isVisible)
    table = _lightness(sheet.table.viewport())
    assert sorted(table)[len(table) // 2] < 100, "the shortcut sheet is dark"
    bar = sheet.table.verticalScrollBar()
    assert bar.isVisible() and max(_lightness(bar)) < 200, "no white scroll bar handle"
    sheet.close()
    window.message_bar.show_info("Archived.")
    qtbot.waitUntil(window.message_bar.isVisible)
    assert _lightness(window.message_bar, 2, 6, 2, 6)[0] < 100, "the message bar is dark"
    spin = window.typography_panel.size
    spin.resize(160, spin.sizeHint().height())
    field = _lightness(spin, 4, 20)
    assert sorted(field)[len(field) // 2] < 100, "the spin box is dark"
    arrows = _lightness(spin, spin.width() - 16, spin.width() - 2, 2, spin.height() - 2)
    assert max(arrows) - min(arrows) > 60, "the spin box has its arrows"
    box = window.entity_panel.toggles["PERSON"]
    assert max(_lightness(box, 0, 16)) < 240, "no white check box"


def test_a_narrow_window_gives_the_article_the_room(make_window, qtbot) -> None:
    window = make_window()
    window.open_article(window.model.article_ids()[0])
    library_strip, entity_strip = window.side_panes.strips
    window.resize(1280, 700)
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] > 200)
    assert not library_strip.isVisible()
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: window.splitter.sizes()[1] >= 950)  # the column takes it all
    assert not window.library_pane.isVisible() and not window.entity_panel.isVisible()
    assert library_strip.isVisible() and entity_strip.isVisible()
    qtbot.mouseClick(library_strip, Qt.MouseButton.LeftButton)  # the list, on demand
    assert window.splitter.sizes()[0] >= 200 and window.list_view.isVisible()
    qtbot.mouseClick(library_strip, Qt.MouseButton.LeftButton)
    assert not window.library_pane.isVisible()
    window.highlights.dock.show()  # a dock beside it still leaves the article most of the room
    qtbot.waitUntil(lambda: window.highlights.dock.isVisible())
    qtbot.waitUntil(lambda: window.reading_view.width() >= 600)
    window.highlights.dock.hide()
    window.resize(1280, 700)  # wide again: the panes come back as they were
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] > 200 and window.splitter.sizes()[2] > 150)
    assert not library_strip.isVisible() and window.entity_panel.isVisible()


def test_the_filter_list_is_grouped_and_narrows_as_you_type(make_window, qtbot) -> None:
    window = _recognised_window(make_window, qtbot)
    window.library.add_tags(window.current_id, ["peace"])
    pane = window.library_pane
    pane.refresh_filters()
    box = pane.filter_box
    names = [box.itemText(i) for i in range(box.count())]
    chosen = [box.itemText(i) for i in range(box.count()) if box.itemData(i) is not None]
    headings = [n for n in names if n and n not in chosen]
    # States first, then tags, then entities under the name of their kind.
    assert chosen[:5] == ["All articles", "Unread", "Favourites", "Archive", "Trash"]
    assert headings[0] == "Tags" and names.index("Tags") < names.index("# peace")
    assert "People" in headings and "Places" in headings
    assert names.index("People") < names.index(next(n for n in names if n.startswith("Person:")))
    assert names.index("Places") < names.index(next(n for n in names if n.startswith("Place:")))
    heading = box.model().item(names.index("People"))
    assert not heading.isEnabled() and not heading.isSelectable()
    # Typing narrows the list to the filters containing the words; Enter chooses.
    field = box.lineEdit()
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "istan")
    popup = box.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    offered = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert offered and all("istan" in text.lower() for text in offered)
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert box.currentText().startswith("Place: Istanbul")
    assert window.model.article_ids() == [window.current_id]


def test_a_failure_names_the_file_once_and_a_bare_word_is_no_address(
    make_window, qtbot, tmp_path
) -> None:
    window = make_window()
    odd = tmp_path / "random.bin"
    odd.write_bytes(bytes(range(256)))
    with qtbot.waitSignal(window.loader.failed, timeout=10_000):
        window.open_source(str(odd))
    assert window.message_bar.label.text().count("random.bin") == 1

    def type_word() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog):
            dialog.setTextValue("justaword")
            dialog.accept()

    QTimer.singleShot(200, type_word)
    window.opener.ask_url()
    assert window.message_bar.kind == "error"
    assert "no web address or file called “justaword”" in window.message_bar.label.text()


def _row_image(window, summary):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem

    view = window.list_view
    delegate = view.itemDelegate()
    option = QStyleOptionViewItem()
    option.initFrom(view)
    index = window.model.index(0)
    height = delegate.sizeHint(option, index).height()
    option.rect = QRect(0, 0, 300, height)
    image = QImage(300, height, QImage.Format.Format_RGB32)
    image.fill(QColor(window.theme.chrome))
    painter = QPainter(image)

    class Index:  # the delegate reads only the summary
        def data(self, _role):  # type: ignore[no-untyped-def]
            return summary

    delegate.paint(painter, option, Index())
    painter.end()
    return image, height


def test_list_rows_show_a_line_of_the_excerpt_and_how_far_it_was_read(make_window) -> None:
    from dataclasses import replace

    window = make_window()
    summary = window.model.index(0).data(SummaryRole)
    plain, height = _row_image(window, replace(summary, excerpt="", read_progress=0.0))
    with_excerpt, _ = _row_image(window, replace(summary, excerpt="Herons stood in the shallows."))
    third_line = range(int(height * 0.6), height - 4)
    assert any(
        plain.pixelColor(x, y) != with_excerpt.pixelColor(x, y)
        for x in range(0, 300, 2)
        for y in third_line
    ), "the excerpt is drawn on its own line"
    half, _ = _row_image(window, replace(summary, excerpt="", read_progress=0.5))
    accent = QColor(window.theme.accent)
    read = max(
        sum(1 for x in range(300) if half.pixelColor(x, y) == accent)
        for y in range(height - 6, height)
    )
    assert 100 <= read <= 160, "a bar about half the row long"
    unread = max(
        sum(1 for x in range(300) if plain.pixelColor(x, y) == accent)
        for y in range(height - 6, height)
    )
    assert unread == 0, "no bar for an article not started"
