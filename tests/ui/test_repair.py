"""Repairing an article in the window: Extract Again with a reading, Show Original, and the
Extraction Log, as a reader sees them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from reader.core.extract import extract
from reader.core.models import Annotation, RawPage
from tests.repair_pages import ARTICLE, MENU, SIDEBAR, page


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Recorder", (_Recorder,), {"hits": hits})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def settle(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Let the window finish what opening and recognising started (the library filters'
    refresh) while it is still open."""
    qtbot.waitUntil(lambda: not window._filters_timer.isActive(), timeout=10_000)
    window.loader.tasks.wait(20_000)
    qtbot.wait(50)


def _remote(base: str) -> str:
    """What a saved page may hold that would load something if it were rendered as is."""
    return (
        f"<img src='{base}/pixel.png' alt='pixel'>"
        f"<p style='background-image: url({base}/background.png)'>Styled paragraph.</p>"
        f"<link rel='stylesheet' href='{base}/site.css'>"
        "<img src='file:///etc/hostname'>"
        f"<iframe src='{base}/frame.html'></iframe>"
        "<script>document.write('script ran')</script>"
    )


def test_extract_again_show_original_and_the_log(make_window, qtbot, library, server) -> None:  # type: ignore[no-untyped-def]
    base, hits = server
    raw = RawPage(data=page(_remote(base)), content_type="text/html", url=f"{base}/severn")
    library.fetch_image = None  # the saved article keeps no image; only the original is tested
    article_id = library.add_article(extract(raw), raw)
    text = library.get(article_id).article.text
    start = text.index("surfers ride it")
    library.add_annotation(
        article_id, Annotation(id="h1", start=start, end=start + 15, exact="surfers ride it")
    )
    window = make_window()
    repair = window.repair
    window.session.open(article_id)
    qtbot.waitUntil(lambda: ARTICLE[2] in window.reading_view.toPlainText(), timeout=10_000)
    assert SIDEBAR[3] not in window.reading_view.toPlainText()
    assert [a.text() for a in repair.menu.actions()] == [
        "Readmark",
        "Readability",
        "trafilatura",
        "Whole Page",
    ]

    # Article ▸ Extract Again ▸ Whole Page: the sidebar is in the article now, the highlight too.
    with qtbot.waitSignal(repair.reextracted, timeout=30_000):
        repair.reading_actions["whole page"].trigger()
    qtbot.waitUntil(lambda: SIDEBAR[3] in window.reading_view.toPlainText(), timeout=10_000)
    assert ARTICLE[2] in window.reading_view.toPlainText()
    new_text = library.get(article_id).article.text
    [highlight] = library.annotations(article_id)
    assert new_text[highlight.start : highlight.end] == "surfers ride it"
    assert "1 highlight(s) moved" in window.message_bar.label.text()

    # Article ▸ Show Original: the page's own text, its menus too, and nothing loaded.
    hits.clear()
    with qtbot.waitSignal(repair.original_shown, timeout=30_000) as shown:
        repair.original_action.trigger()
    dialog = shown.args[0]
    original = dialog.view.toPlainText()
    assert ARTICLE[0] in original and SIDEBAR[5] in original and MENU in original
    assert "Styled paragraph." in original and "script ran" not in original
    assert dialog.view.isReadOnly()
    assert "<img" not in dialog.view.document().toHtml()
    qtbot.wait(200)  # time for a request, had one been made
    assert hits == []

    # Article ▸ Extraction Log…: the reading asked for, why, and each reading's length.
    with qtbot.waitSignal(repair.log_shown, timeout=30_000) as logged:
        repair.log_action.trigger()
    log = logged.args[0]
    assert "Reading kept: whole page" in log.summary.text()
    assert "asked for" in log.summary.text()
    assert "The usual choice (Readmark) keeps: readability." in log.summary.text()
    assert "The kept reading holds every passage" in log.left_out.text()  # the whole page
    rows = {
        log.table.item(r, 0).text(): (log.table.item(r, 1).text(), log.table.item(r, 2).text())
        for r in range(log.table.rowCount())
    }
    assert set(rows) == {"readability", "trafilatura", "whole page"}
    assert rows["whole page"][1] == "kept" and rows["readability"][1] == ""
    assert int(rows["whole page"][0].replace(",", "")) > int(
        rows["readability"][0].replace(",", "")
    )

    # And back to the usual reading: the sidebar goes again, the highlight stays.
    with qtbot.waitSignal(repair.reextracted, timeout=30_000):
        repair.reading_actions["readmark"].trigger()
    qtbot.waitUntil(lambda: SIDEBAR[3] not in window.reading_view.toPlainText(), timeout=10_000)
    [highlight] = library.annotations(article_id)
    back = library.get(article_id).article.text
    assert back[highlight.start : highlight.end] == "surfers ride it"
    settle(window, qtbot)


def test_a_reading_that_finds_nothing_says_so_and_keeps_the_article(  # type: ignore[no-untyped-def]
    make_window, qtbot, library
) -> None:
    # All its text is in the page's header, which the whole-page reading leaves out.
    bare = b"<html><body><header><p>Only one short line of text here.</p></header></body></html>"
    raw = RawPage(data=bare, content_type="text/html", url="https://bare.example/")
    library.fetch_image = None
    article_id = library.add_article(extract(raw), raw)
    window = make_window()
    window.session.open(article_id)
    qtbot.waitUntil(lambda: "short line" in window.reading_view.toPlainText(), timeout=10_000)
    before = library.get(article_id).article.text
    window.repair.reading_actions["whole page"].trigger()
    qtbot.waitUntil(lambda: not window.repair.busy, timeout=30_000)
    assert "whole page reading found no text" in window.message_bar.label.text()
    assert library.get(article_id).article.text == before
    assert "short line" in window.reading_view.toPlainText()
    settle(window, qtbot)


def test_edit_text_corrects_the_article_by_hand_and_keeps_its_highlight(  # type: ignore[no-untyped-def]
    make_window, qtbot, library
) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    raw = RawPage(data=page(), content_type="text/html", url="https://river.example/severn")
    library.fetch_image = None
    article_id = library.add_article(extract(raw), raw)
    text = library.get(article_id).article.text
    start = text.index("surfers ride it")
    library.add_annotation(
        article_id, Annotation(id="h1", start=start, end=start + 15, exact="surfers ride it")
    )
    window = make_window()
    repair = window.repair
    window.session.open(article_id)
    qtbot.waitUntil(lambda: ARTICLE[0] in window.reading_view.toPlainText(), timeout=10_000)
    repair.edit_action.trigger()
    dialog = repair.dialogs[-1]
    assert dialog.isVisible() and ARTICLE[3] in dialog.editor.toPlainText()
    dialog.editor.setPlainText(
        dialog.editor.toPlainText().replace(ARTICLE[3], "Corrected by hand: the last line.")
    )
    with qtbot.waitSignal(repair.edited, timeout=30_000) as edited:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert edited.args == [article_id, True]
    qtbot.waitUntil(
        lambda: "Corrected by hand" in window.reading_view.toPlainText(), timeout=10_000
    )
    assert ARTICLE[3] not in window.reading_view.toPlainText()
    [highlight] = library.annotations(article_id)
    new_text = library.get(article_id).article.text
    assert new_text[highlight.start : highlight.end] == "surfers ride it"
    settle(window, qtbot)
