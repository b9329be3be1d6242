"""The main window as a reader uses it: open, load, cancel, errors, states, shortcuts, restore."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog

from reader.core import fetch
from reader.core.models import RawPage
from tests.ui.conftest import note_article

SAMPLE_OPENING = "The Kremlin announced on Thursday that it is awaiting confirmation"


def write_note(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def test_first_window_shows_the_sample_article(make_window) -> None:
    window = make_window()
    window.open_article(window.library_pane.model.article_ids()[0])
    assert SAMPLE_OPENING in window.reading_view.toPlainText()
    assert window.reading_view.isVisible()
    assert "Kremlin Awaits" in window.windowTitle()


def test_opening_a_file_saves_and_shows_it(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window()
    note = write_note(tmp_path, "walk.txt", "A walk by the river", "Herons stood in the shallows.")
    with qtbot.waitSignal(window.loader.loaded, timeout=10_000):
        window.open_source(str(note))
    assert "Herons stood in the shallows." in window.reading_view.toPlainText()
    titles = [window.model.index(r).data() for r in range(window.model.rowCount())]
    assert "A walk by the river" in titles
    assert window.library_pane.current_id() == window.current_id


def test_a_failed_load_shows_the_reason_without_blocking(make_window, qtbot, tmp_path) -> None:
    window = make_window()
    window.open_article(window.model.article_ids()[0])
    missing = tmp_path / "nowhere.html"
    with qtbot.waitSignal(window.loader.failed, timeout=10_000):
        window.open_source(str(missing))
    assert window.message_bar.isVisible()
    assert window.message_bar.kind == "error"
    assert "nowhere.html" in window.message_bar.label.text()
    assert QApplication.activeModalWidget() is None
    assert SAMPLE_OPENING in window.reading_view.toPlainText()  # the article stays in view


def test_loading_shows_progress_and_can_be_cancelled(make_window, qtbot, tmp_path) -> None:
    gate = threading.Event()
    note = write_note(tmp_path, "slow.txt", "Slow to arrive", "It took a while.")

    def slow_load(source: str) -> RawPage:
        gate.wait(10)
        return fetch.load(source)

    window = make_window(load_source=slow_load)
    before = window.library.count()
    window.open_source(str(note))
    assert window.message_bar.isVisible() and window.message_bar.kind == "progress"
    assert window.message_bar.progress.isVisible()
    with qtbot.waitSignal(window.loader.cancelled, timeout=5000):
        qtbot.mouseClick(window.message_bar.action_button, Qt.MouseButton.LeftButton)
    assert "Stopped" in window.message_bar.label.text()
    gate.set()
    window.loader.tasks.wait(10_000)
    qtbot.wait(50)
    assert window.library.count() == before
    assert "Slow to arrive" not in window.reading_view.toPlainText()


def test_dropping_a_file_opens_it(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window()
    note = write_note(tmp_path, "dropped.txt", "Dropped in", "Dragged from the desktop.")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(note))])
    event = QDropEvent(
        QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    with qtbot.waitSignal(window.loader.loaded, timeout=10_000):
        window.dropEvent(event)
    assert "Dragged from the desktop." in window.reading_view.toPlainText()


def test_pasting_a_path_opens_it_and_text_without_a_link_says_so(
    make_window, qtbot, tmp_path: Path
) -> None:
    window = make_window()
    note = write_note(tmp_path, "pasted.txt", "Pasted", "From the clipboard.")
    QGuiApplication.clipboard().setText(str(note))
    with qtbot.waitSignal(window.loader.loaded, timeout=10_000):
        window.paste_action.trigger()
    assert "From the clipboard." in window.reading_view.toPlainText()
    QGuiApplication.clipboard().setText("just some words")
    window.paste_action.trigger()
    assert "no link" in window.message_bar.label.text()


def test_favourite_archive_and_read_are_saved(make_window) -> None:
    window = make_window()
    article_id = window.model.article_ids()[0]
    window.open_article(article_id)
    window.favorite_action.trigger()
    window.archive_action.trigger()
    saved = window.library.get(article_id)
    assert saved.favorite and saved.archived
    window.read_action.trigger()  # back to unread
    row = window.model.row_of(article_id)
    from reader.ui.library_model import SummaryRole

    assert window.model.index(row).data(SummaryRole).unread


def test_delete_can_be_undone(make_window, qtbot) -> None:
    window = make_window()
    window.library.add_article(note_article("Second", "Another article."))
    window.library_pane.apply_query(background=False)
    sample_id = window.model.article_ids()[-1]
    window.open_article(sample_id)
    window.delete_action.trigger()
    assert sample_id not in window.model.article_ids()
    assert window.message_bar.action_button.text() == "Undo"
    qtbot.mouseClick(window.message_bar.action_button, Qt.MouseButton.LeftButton)
    assert sample_id in window.model.article_ids()
    assert window.current_id == sample_id
    assert window.library.get(sample_id).article.title.startswith("Kremlin")


def test_j_and_k_move_through_the_list(make_window, qtbot) -> None:
    window = make_window()
    for n in range(3):
        window.library.add_article(note_article(f"Note {n}", f"Body of note {n}."))
    window.library_pane.apply_query(background=False)
    ids = window.model.article_ids()
    window.open_article(ids[0])
    window.list_view.setFocus()
    qtbot.keyClick(window.list_view, Qt.Key.Key_J)
    assert window.current_id == ids[1]
    qtbot.keyClick(window.list_view, Qt.Key.Key_J)
    qtbot.keyClick(window.list_view, Qt.Key.Key_K)
    assert window.current_id == ids[1]


def test_find_in_article(make_window, qtbot) -> None:
    window = make_window()
    window.open_article(window.model.article_ids()[0])
    window.reading_view.setFocus()
    qtbot.keyClick(window.reading_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible() and window.find_bar.field.hasFocus()
    qtbot.keyClicks(window.find_bar.field, "Istanbul")
    first = window.reading_view.textCursor()
    assert first.selectedText() == "Istanbul"
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    second = window.reading_view.textCursor()
    assert second.selectedText() == "Istanbul"
    assert second.position() > first.position()
    assert "matches" in window.find_bar.count_label.text()
    qtbot.keyClicks(window.find_bar.field, "zzz")
    assert window.find_bar.count_label.text() == "No matches"
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_reading_position_is_restored(make_window, qtbot, library) -> None:
    window = make_window()
    window.resize(900, 420)
    qtbot.wait(20)
    other = library.add_article(note_article("Elsewhere", "A short other article."))
    window.library_pane.apply_query(background=False)
    sample_id = next(i for i in window.model.article_ids() if i != other)
    window.open_article(sample_id)
    view = window.reading_view
    view.scroll_to_offset(view.article.text.index("Russian Foreign Minister"))
    offset = view.top_offset()
    assert offset > 500
    window.open_article(other)
    assert view.verticalScrollBar().value() == 0, (
        window.current_id,
        other,
        view.article.title,
        window.message_bar.label.text(),
    )
    window.open_article(sample_id)
    assert abs(view.top_offset() - offset) < 120  # the same line, give or take a line
    window.close()
    again = make_window()
    again.resize(900, 420)
    qtbot.wait(20)
    again.open_article(sample_id)
    assert abs(again.reading_view.top_offset() - offset) < 400


def test_geometry_and_splitter_are_remembered(make_window, qtbot) -> None:
    window = make_window()
    window.splitter.setSizes([380, 500, 220])
    sizes = window.splitter.sizes()
    window.close()
    again = make_window()
    assert abs(again.splitter.sizes()[0] - sizes[0]) <= 2


def test_shortcut_sheet_lists_the_keys(make_window, qtbot) -> None:
    window = make_window()
    window.reading_view.setFocus()
    qtbot.keyClick(window.reading_view, Qt.Key.Key_F1)
    sheet = window.shortcut_sheet
    assert isinstance(sheet, QDialog) and sheet.isVisible()
    rows = {
        sheet.table.item(r, 0).text(): sheet.table.item(r, 1).text()
        for r in range(sheet.table.rowCount())
    }
    assert rows["Open URL"] == "Ctrl+L"
    assert "Ctrl+E" in rows["Entities"]
    sheet.close()


def test_links_open_in_the_browser_only_for_http(make_window, monkeypatch) -> None:
    opened: list[str] = []
    from reader.ui import reading_view

    monkeypatch.setattr(
        reading_view.QDesktopServices, "openUrl", lambda url: opened.append(url.toString())
    )
    window = make_window()
    view = window.reading_view
    for href in ("javascript:alert(1)", "file:///etc/passwd", "https://example.org/a"):
        view.anchorClicked.emit(QUrl(href))
    assert opened == ["https://example.org/a"]


def test_the_empty_library_invites_to_open_something(make_window, library) -> None:
    for article_id in list(library.db.execute("select id from articles").fetchall()):
        library.db["articles"].delete(article_id[0])
    window = make_window()
    assert "Nothing to read yet" in window.reading_view.toPlainText()
    assert not window.delete_action.isEnabled()
    assert window.library_pane.empty_label.isVisible()


def test_window_does_not_accept_drops_of_plain_words(make_window) -> None:
    from reader.ui.opening import source_from_mime

    mime = QMimeData()
    mime.setText("hello there")
    assert source_from_mime(mime) is None
    mime.setText("https://example.org/story")
    assert source_from_mime(mime) == "https://example.org/story"
    assert QPoint(0, 0).isNull()


def test_keys_work_while_reading(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window()
    window.library.add_article(note_article("Next one", "Below the sample."))
    window.library_pane.apply_query(background=False)
    ids = window.model.article_ids()
    window.open_article(ids[0])
    view = window.reading_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert window.current_id == ids[1]
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert window.library.get(ids[1]).favorite
    note = write_note(tmp_path, "keyed.txt", "Pasted by key", "Ctrl+V on the page.")
    QGuiApplication.clipboard().setText(str(note))
    with qtbot.waitSignal(window.loader.loaded, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "Ctrl+V on the page." in view.toPlainText()


def test_typing_in_the_search_field_is_not_taken_by_shortcuts(make_window, qtbot) -> None:
    window = make_window()
    window.open_article(window.model.article_ids()[0])
    current = window.current_id
    window.library_pane.search.setFocus()
    qtbot.keyClicks(window.library_pane.search, "jkfme")
    assert window.library_pane.search.text() == "jkfme"
    assert window.current_id == current
    assert not window.library.get(current).favorite


def test_tagging_an_article_offers_the_tag_as_a_filter(make_window, qtbot) -> None:
    window = make_window()
    article_id = window.model.article_ids()[0]
    window.open_article(article_id)
    window.set_tags("Peace talks, world")
    assert set(window.library.tags(article_id)) == {"Peace talks", "world"}
    box = window.library_pane.filter_box
    qtbot.waitUntil(lambda: box.findText("# world") >= 0, timeout=5000)
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        box.setCurrentIndex(box.findText("# world"))
    assert window.model.article_ids() == [article_id]


def test_images_come_from_the_archive_not_the_network(make_window, library) -> None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    from reader.core.library import Library
    from reader.core.models import Article, Block, BlockKind

    picture = QImage(40, 20, QImage.Format.Format_RGB32)
    picture.fill(QColor("#aa5500"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    picture.save(buffer, "PNG")
    fetched: list[str] = []

    def fetch_image(url: str) -> tuple[bytes, str]:
        fetched.append(url)
        return bytes(data.data()), "image/png"

    saver = Library(library.path, fetch_image=fetch_image)
    article = Article(
        title="With a picture",
        url="https://news.example/story",
        blocks=(
            Block(BlockKind.PARAGRAPH, "Above the picture."),
            Block(BlockKind.IMAGE, "The caption.", src="/img/boat.png"),
        ),
    )
    article_id = saver.add_article(article)
    saver.close()
    assert fetched == ["https://news.example/img/boat.png"]  # once, when it was saved

    window = make_window()
    window.library_pane.apply_query(background=False)
    window.open_article(article_id)
    document = window.reading_view.document()
    assert "boat.png" in document.toHtml()
    assert "The caption." in window.reading_view.toPlainText()
    assert fetched == ["https://news.example/img/boat.png"]  # reading fetched nothing
