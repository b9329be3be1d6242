"""Text from pages, servers, imports and notes is shown as written: labels are plain text,
tooltips are escaped, and a note's Markdown can neither load an image nor link off the web."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolTip

from reader.ui.library_model import ArticleIdRole
from reader.ui.rich_text import note_document, note_html, show_error_box, shown

ZERO = '<img src="/dev/zero">'
PIECES = [
    ZERO,
    "&lt;img src=x&gt;",
    '&lt;img src="/dev/zero"&gt;',
    "<b>",
    "</p>",
    "<table><tr><td>",
    "<!--",
    "<a href='file:///etc/passwd'>",
    "<style>",
    "&#1;",
    "&#x1b;",
    "&amp;",
    "&",
    "<",
    ">",
    "\x1b[2J",
    "\x00",
    "\x9b",
    "\r",
    "\n",
    "\t",
    "  ",
    "\u202e",
    "\u200f",
    "\u2028",
    "\ufffe",
    "\ud800",
    "![x](/dev/zero)",
    "[*]",
    "word",
]
HOSTILE = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), min_size=1, max_size=10).map(
    "".join
)


might_be_rich_text = GuiQt.mightBeRichText  # Qt's own guess, as labels and tooltips make it


def rendered(rich: str) -> str:
    """What a rich-text widget shows for `rich`, as raw text with line breaks as newlines."""
    document = QTextDocument()
    document.setHtml(rich)
    return _lines(document.toRawText())


def _lines(text: str) -> str:
    return text.replace("\u2029", "\n").replace("\u2028", "\n")


def assert_shown_literally(tip: str, text: str) -> None:
    assert might_be_rich_text(tip)  # so Qt reads it as the escaped HTML it is, nothing else
    assert "<img" not in tip.lower()
    assert _lines(shown(text)).strip("\n") in rendered(tip)


def assert_labels_plain(window) -> None:  # type: ignore[no-untyped-def]
    for label in window.findChildren(QLabel):
        if label.objectName() == "qtooltip_label":  # rich by design: escaped, checked apart
            assert "<img" not in label.text().lower()
            continue
        rich = label.textFormat() != Qt.TextFormat.PlainText and might_be_rich_text(label.text())
        assert not rich, (label.objectName(), label.text())


def test_hostile_strings_never_become_rich_text_in_labels_or_tooltips(make_window, qtbot) -> None:
    window = make_window()
    article_id = window.model.article_ids()[0]
    window.open_article(article_id)
    view = window.reading_view
    qtbot.waitUntil(lambda: any(m.label == "PERSON" for m in view.mentions), timeout=5000)
    start = view.article.text.index("Dmitry Peskov")
    on_name = view.cursorRect(view.cursor_for(start + 2, start + 2)).center()

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    @given(HOSTILE)
    def check(text: str) -> None:
        window.message_bar.show_error(text)
        window.library_pane._on_query_failed(text)
        window.entity_panel.status.setText(text)
        window.find_bar.count_label.setText(text)
        assert_labels_plain(window)
        assert window.message_bar.label.text() == shown(text)
        window.model.update_summary(article_id, title=text)
        row = window.model.index(window.model.row_of(article_id))
        assert_shown_literally(row.data(Qt.ItemDataRole.ToolTipRole), text)
        view.tooltip_provider = lambda _mention: text
        assert_shown_literally(view.tooltip_at(on_name), text)
        document = note_document(text, plain_tail=text)
        assert not _images(document) and "<img" not in note_html(text).lower()
        assert _lines(shown(text)).strip("\n") in _lines(document.toRawText())  # the tail

    check()


def _images(document: QTextDocument) -> list[str]:
    found = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            if fmt.isImageFormat():
                found.append(fmt.toImageFormat().name())
            iterator += 1
        block = block.next()
    return found


@contextmanager
def failing_server(reason: str) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(500, reason)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/page"
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_error_of_an_image_tag_is_shown_as_text(make_window, qtbot) -> None:
    window = make_window()
    with failing_server(ZERO) as url, qtbot.waitSignal(window.loader.failed, timeout=10_000):
        window.open_source(url)
    bar = window.message_bar.label
    assert window.message_bar.kind == "error" and ZERO in bar.text()
    assert bar.textFormat() == Qt.TextFormat.PlainText
    qtbot.wait(50)  # painted, still up
    assert window.isVisible() and bar.isVisible()


def test_a_title_and_a_note_of_image_tags_are_shown_literally(
    make_window, qtbot, tmp_path: Path
) -> None:
    window = make_window()
    page = tmp_path / "zero.html"
    words = "The tide comes in twice a day and the river runs backwards for an hour. " * 6
    title_html = '&lt;img src="/dev/zero"&gt; &amp; tides [*]'
    page.write_text(f"<title>{title_html}</title><article><p>{words}</p></article>")
    with qtbot.waitSignal(window.loader.loaded, timeout=10_000):
        window.open_source(str(page))
    title = f"{ZERO} & tides [*]"
    assert window.reading_view.article.title == title
    assert window.windowHandle().title() == f"{title} — Readmark"
    row = window.model.index(window.model.row_of(window.current_id))
    assert row.data(ArticleIdRole) == window.current_id
    tip = row.data(Qt.ItemDataRole.ToolTipRole)
    assert_shown_literally(tip, title)
    QToolTip.showText(window.list_view.mapToGlobal(QPoint(20, 20)), tip, window.list_view)
    qtbot.wait(50)
    # A note with both kinds of image: an imported one, say.
    view = window.reading_view
    start = view.article.text.index("twice a day")
    view.select_range(start, start + len("twice a day"))
    window.highlights.controller.highlight_selection()
    [mark] = window.library.annotations(window.current_id)
    note = f"{ZERO} look ![zero][z] and ![inline](/dev/zero) [off](file:///etc/passwd)\n\n"
    window.highlights.controller.set_note(mark.id, note + "[z]: /dev/zero")
    point = view.cursorRect(view.cursor_for(start + 2, start + 2)).center()
    tip = window.highlights.controller.tooltip_at(point)
    assert tip is not None and "<img" not in tip.lower() and "file:" not in tip
    assert f"{ZERO} look zero and inline off" in rendered(tip)
    QToolTip.showText(view.viewport().mapToGlobal(point), tip, view.viewport())
    assert QToolTip.isVisible() and QToolTip.text() == tip
    panel_tip = window.highlights.panel.list.item(0).toolTip()
    assert_shown_literally(panel_tip, note + "[z]: /dev/zero")
    qtbot.wait(50)
    assert window.isVisible()
    assert_labels_plain(window)
    QToolTip.hideText()
    QApplication.processEvents()


def test_an_error_box_shows_its_text_as_written(qtbot, monkeypatch) -> None:
    seen: list[tuple[Qt.TextFormat, str]] = []

    def exec_(box: QMessageBox) -> int:
        seen.append((box.textFormat(), box.text()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    show_error_box(None, "Readmark", f"The library at /tmp/{ZERO} cannot be opened.\x1b[2J")
    assert seen == [(Qt.TextFormat.PlainText, f"The library at /tmp/{ZERO} cannot be opened.[2J")]
