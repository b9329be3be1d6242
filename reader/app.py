"""The `readmark` GUI entry: parse arguments, open the library, show the window."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from reader import __version__

SCREENSHOT_WAIT_S = 60.0  # longest wait for the entity model before a screenshot
DEFAULT_SIZE = "1280x800"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="readmark", description="Readmark, a local-first reader.")
    parser.add_argument("source", nargs="?", help="URL or file to open (and save)")
    parser.add_argument("--data-dir", metavar="DIR", help="library folder")
    parser.add_argument(
        "--screenshot", metavar="FILE.png", help="render the window to a PNG and exit"
    )
    parser.add_argument(
        "--size", metavar="WxH", help=f"window size (default: the last one, or {DEFAULT_SIZE})"
    )
    parser.add_argument(
        "--theme", choices=["light", "sepia", "dark", "system"], help="colour theme"
    )
    parser.add_argument("--search", metavar="QUERY", help="start with this library search")
    parser.add_argument("--version", action="version", version=f"readmark {__version__}")
    return parser.parse_args(argv)


def _scratch_copy(settings_file: Path) -> Path:
    """A folder holding a copy of `settings_file`: a screenshot reads the person's settings but
    leaves them as they were, writing its window size, theme and sort to the copy."""
    scratch = Path(tempfile.mkdtemp(prefix="readmark-screenshot-"))
    if settings_file.is_file():
        shutil.copyfile(settings_file, scratch / "settings.ini")
    return scratch


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"readmark: --size must look like 1280x800, not {text!r}") from None
    return width, height


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    size = _size(args.size or DEFAULT_SIZE)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from reader.core.errors import ReadmarkError
    from reader.core.library import Library
    from reader.core.paths import data_dir, library_path
    from reader.core.textsafe import terminal_text
    from reader.ui.controllers import ArticleLoader
    from reader.ui.main_window import MainWindow
    from reader.ui.rich_text import show_error_box
    from reader.ui.settings import UiSettings
    from reader.ui.system_libraries import check as check_system_libraries
    from reader.ui.tasks import TaskRunner

    folder = data_dir(args.data_dir)
    if QApplication.instance() is None:
        # Qt would stop the process naming one missing library at best; say all, and how.
        missing = check_system_libraries(folder)
        if missing is not None:
            print(terminal_text(missing), file=sys.stderr)
            return 1
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Readmark")
    app.setOrganizationName("Readmark")
    scratch = _scratch_copy(folder / "settings.ini") if args.screenshot else None
    settings_file = scratch / "settings.ini" if scratch is not None else folder / "settings.ini"
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    if args.theme:
        UiSettings(settings).set_theme(args.theme)
    try:
        library = Library(library_path(args.data_dir))
        first_id = library.ensure_sample()
        if args.source and args.screenshot:
            first_id = library.add_source(args.source)
    except ReadmarkError as exc:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        if args.screenshot:
            print(f"readmark: {terminal_text(str(exc))}", file=sys.stderr)
            return 1
        show_error_box(None, "Readmark", str(exc))
        return 1

    tasks = TaskRunner()
    loader = ArticleLoader(library.path, tasks)
    window = MainWindow(library, loader, settings)
    if args.screenshot:
        window.session.remember = False  # opening it here is not reading it
    if args.size or args.screenshot or UiSettings(settings).geometry is None:
        window.resize(*size)
    if args.search:
        window.library_pane.search.setText(args.search)
        window.library_pane.apply_query(background=False)
    target = first_id if first_id is not None else library.last_opened_id()
    if target is not None:
        window.open_article(target)
    if args.source and not args.screenshot:
        window.open_source(args.source)

    window.show()
    if args.screenshot:
        try:
            return _screenshot(app, window, Path(args.screenshot), tasks, library)
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
    from reader.ui.library_care import start_library_care

    start_library_care(window, tasks, library.path)
    code = app.exec()
    tasks.wait(5000)
    library.close()
    return int(code)


def _screenshot(app, window, out: Path, tasks, library) -> int:  # type: ignore[no-untyped-def]
    """Wait for the entity highlights (the model loads in the background), then save a PNG."""
    from reader.ui.controllers import is_english

    deadline = time.monotonic() + SCREENSHOT_WAIT_S
    app.processEvents()
    article = window.reading_view.article
    english = article is None or is_english(article)
    while time.monotonic() < deadline:
        app.processEvents()
        current = window.current_id
        if current is None or window.entities.error is not None:
            break
        if not window.entities.pending(current) and (
            window.entities.ready or window.library.has_entities(current) or not english
        ):
            break
        time.sleep(0.02)
    app.processEvents()
    ok = window.grab().save(str(out))
    window.close()
    tasks.wait(10_000)
    library.close()
    if not ok:
        print(f"readmark: could not write {out}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
