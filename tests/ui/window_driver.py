"""Drive a real Readmark window in its own process, as a person would, and report every write.

Run by the real-usage tests (`python tests/ui/window_driver.py --data-dir DIR ...`): it opens the
library the way `readmark` does, then, round after round, types a search into the window's search
box, opens a result and presses Favourite, Read and Tags through the window's own actions. Each
write is printed as one JSON line once the action has returned, so a test that kills this process
knows what the window had written; failures (an exception in a slot, an error in the message
bar) are printed too and make the exit status non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

QUERY_WAIT_MS = 20_000


def emit(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


class NoEntities:
    """A recogniser that finds nothing: the window still stores (empty) entities for each article
    it opens and for old ones while idle, which are writes from its worker threads too."""

    def __call__(self, article: object) -> tuple[list[object], list[object]]:
        return [], []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--rounds", type=int, default=5, help="0: until stopped or killed")
    parser.add_argument("--stop-file", help="stop once this file exists (and --min-rounds ran)")
    parser.add_argument("--min-rounds", type=int, default=1)
    parser.add_argument("--pause-ms", type=int, default=200)
    parser.add_argument("--query", action="append", required=True, help="searches, in turn")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    from reader.core.library import Library
    from reader.core.paths import library_path
    from reader.ui.controllers import ArticleLoader
    from reader.ui.main_window import MainWindow
    from reader.ui.tasks import TaskRunner

    failures: list[str] = []

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, exc, tb))
        failures.append(text)
        emit("error", message=text)

    sys.excepthook = excepthook  # exceptions raised in slots end up here

    app = QApplication.instance() or QApplication([sys.argv[0]])
    folder = Path(args.data_dir)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    library = Library(library_path(str(folder)))
    library.ensure_sample()
    tasks = TaskRunner()
    loader = ArticleLoader(library.path, tasks)
    window = MainWindow(library, loader, settings, load_recogniser=NoEntities)
    window.entities.idle_delay_ms = window.entities.idle_pause_ms = 50
    window.resize(1100, 700)
    window.show()

    def spin(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_for_query() -> bool:
        loop = QEventLoop()
        applied: list[bool] = []
        model = window.library_pane.model

        def on_applied() -> None:
            applied.append(True)
            loop.quit()

        def on_failed(message: str) -> None:
            failures.append(message)
            emit("error", message=f"search failed: {message}")
            loop.quit()

        model.query_applied.connect(on_applied)
        model.query_failed.connect(on_failed)
        QTimer.singleShot(QUERY_WAIT_MS, loop.quit)
        loop.exec()
        model.query_applied.disconnect(on_applied)
        model.query_failed.disconnect(on_failed)
        return bool(applied)

    def check_message_bar(step: str) -> None:
        bar = window.message_bar
        if bar.isVisible() and bar.kind == "error":
            text = f"{step}: {bar.label.text()}"
            failures.append(text)
            emit("error", message=text)
            bar.dismiss()

    # The Tags action asks in a dialog; the person adds one tag to what is there.
    next_tag: list[str] = []

    def answer_tags(_parent: object, _title: str, _label: str, **kwargs: Any) -> tuple[str, bool]:
        current = str(kwargs.get("text", ""))
        return ", ".join(t for t in (current, next_tag[-1]) if t), True

    QInputDialog.getText = answer_tags  # type: ignore[method-assign, assignment]

    spin(args.pause_ms)
    emit("ready", pid=os.getpid())
    round_number = 0
    stop_file = Path(args.stop_file) if args.stop_file else None
    while args.rounds == 0 or round_number < args.rounds:
        if stop_file is not None and round_number >= args.min_rounds and stop_file.exists():
            break
        query = args.query[round_number % len(args.query)]
        pane = window.library_pane
        pane.search.setFocus()
        pane.search.clear()
        pane.search.setText(query)  # the debounced search runs in a worker thread
        if not wait_for_query():
            failures.append(f"no result for {query!r}")
            emit("error", message=f"the search {query!r} never finished")
            break
        rows = window.model.rowCount()
        if rows == 0:
            failures.append(f"nothing found for {query!r}")
            emit("error", message=f"nothing found for {query!r}")
            break
        pane.select_row(round_number % rows)
        spin(30)  # the window marks the article opened once it is on screen
        article_id = window.current_id
        if article_id is None:
            failures.append("no article opened")
            emit("error", message="selecting a result opened no article")
            break
        # "writing" goes out before each action, "write" once it returned: a test that kills
        # this process knows which write may have landed without being reported.
        emit("writing", id=article_id, what="favorite")
        window.favorite_action.trigger()
        emit("write", id=article_id, favorite=window.favorite_action.isChecked())
        emit("writing", id=article_id, what="read")
        window.read_action.trigger()
        emit("write", id=article_id, read=window.read_action.isChecked())
        next_tag.append(f"win-{os.getpid()}-{round_number}")
        emit("writing", id=article_id, what="tag")
        window.tags_action.trigger()
        emit("write", id=article_id, tag=next_tag[-1])
        check_message_bar(f"round {round_number}")
        emit("round", number=round_number)
        round_number += 1
        spin(args.pause_ms)
        check_message_bar(f"after round {round_number - 1}")

    window.close()
    tasks.wait(20_000)
    app.processEvents()
    library.close()
    emit("done", rounds=round_number, failures=len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
