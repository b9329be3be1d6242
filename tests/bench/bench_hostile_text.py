"""The window with `<img src="/dev/zero">` everywhere a page, a server or an import can put it.

Run by hand from the checkout, under `/usr/bin/time -v` for the peak memory (target < 500 MB):
    QT_QPA_PLATFORM=offscreen /usr/bin/time -v python tests/bench/bench_hostile_text.py

It saves an article whose title is the tag (written `&lt;img ...&gt;` in the page), with a note
holding inline, reference-style and raw-HTML images; opens a URL on a local server whose error
text is the tag; then shows the list's tooltip, the note's tooltip, the entity tooltip and the
message bar, painting the window between steps. Rich text that took any of those strings as
HTML would read /dev/zero until memory ran out; here the script prints what was shown and exits.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ZERO = '<img src="/dev/zero">'
WORDS = "The tide comes in twice a day and the river runs backwards for an hour. " * 6


class Failing(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(500, ZERO)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


def main() -> int:
    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtWidgets import QApplication, QToolTip

    from reader.core.extract import extract
    from reader.core.library import Library
    from reader.core.models import Entity, Mention, RawPage
    from reader.ui.controllers import ArticleLoader
    from reader.ui.main_window import MainWindow
    from reader.ui.tasks import TaskRunner

    app = QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="readmark-hostile-"))
    library = Library(folder / "library.sqlite3")
    page = f'<title>&lt;img src="/dev/zero"&gt;</title><article><p>{WORDS}</p></article>'
    article = extract(RawPage(page.encode(), "text/html", charset="utf-8"))
    article_id = library.add_article(article)
    text = library.get(article_id).article.text
    start = text.index("twice a day")
    mention = Mention(start, start + 5, "PERSON", "person:zero")
    library.set_entities(article_id, [mention], [Entity("person:zero", "PERSON", ZERO)])
    from reader.core.anchoring import new_annotation

    note = f"{ZERO} ![a][z] ![b](/dev/zero)\n\n[z]: /dev/zero"
    library.add_annotation(article_id, new_annotation(text, start, start + 11, note=note))

    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    tasks = TaskRunner()
    loader = ArticleLoader(library.path, tasks)
    window = MainWindow(library, loader, settings, load_recogniser=lambda: None)
    window.resize(1100, 700)
    window.show()
    window.open_article(article_id)
    app.processEvents()

    row = window.model.index(window.model.row_of(article_id))
    list_tip = row.data(Qt.ItemDataRole.ToolTipRole)
    QToolTip.showText(window.list_view.mapToGlobal(QPoint(20, 20)), list_tip, window.list_view)
    app.processEvents()
    view = window.reading_view
    point = view.cursorRect(view.cursor_for(start + 2, start + 2)).center()
    note_tip = window.highlights.controller.tooltip_at(point) or ""
    QToolTip.showText(view.viewport().mapToGlobal(point), note_tip, view.viewport())
    app.processEvents()
    window.highlights.dock.show()
    panel_tip = window.highlights.panel.list.item(0).toolTip()
    QToolTip.showText(window.mapToGlobal(QPoint(40, 40)), panel_tip, window)
    app.processEvents()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    failed = threading.Event()
    loader.failed.connect(lambda *_: failed.set())
    window.open_source(f"http://127.0.0.1:{server.server_address[1]}/page")
    while not failed.is_set():
        app.processEvents()
        failed.wait(0.01)
    app.processEvents()
    window.grab()  # paint everything once more, message bar included
    print("window title:", window.windowHandle().title())
    print("message bar: ", window.message_bar.label.text())
    print("note tooltip has <img:", "<img" in note_tip.lower())
    server.shutdown()
    window.close()
    tasks.wait(10_000)
    library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
