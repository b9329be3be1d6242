"""The repair screenshots: Article ▸ Extraction Log… and Article ▸ Show Original on a saved
page whose sidebar the usual reading leaves out.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_repair.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reader.core.extract import extract  # noqa: E402
from reader.core.library import Library  # noqa: E402
from reader.core.models import RawPage  # noqa: E402
from reader.ui.controllers import ArticleLoader  # noqa: E402
from reader.ui.main_window import MainWindow  # noqa: E402
from reader.ui.tasks import TaskRunner  # noqa: E402
from tests.repair_pages import page  # noqa: E402

# What would load were the page rendered as it is: none of it is fetched or shown.
REMOTE = (
    "<img src='https://river.example/bore.jpg' alt='The bore at Minsterworth'>"
    "<script>document.write('tracking')</script>"
    "<iframe src='https://ads.example/banner'></iframe>"
)


def wait(app: QApplication, done: list[object]) -> object:
    while not done:
        app.processEvents()
    return done[0]


def main() -> None:
    app = QApplication([])
    out = ROOT / "docs/screenshots"
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder) / "library.sqlite3")
        library.fetch_image = None
        raw = RawPage(data=page(REMOTE), content_type="text/html", url="https://river.example/")
        article_id = library.add_article(extract(raw), raw)
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        tasks = TaskRunner()
        window = MainWindow(library, ArticleLoader(library.path, tasks), settings)
        window.resize(1100, 700)
        window.show()
        window.session.open(article_id)
        repair = window.repair  # type: ignore[attr-defined]
        logged: list[object] = []
        repair.log_shown.connect(logged.append)
        repair.log_action.trigger()
        log = wait(app, logged)
        app.processEvents()
        log.grab().save(str(out / "extraction-log.png"))  # type: ignore[attr-defined]
        shown: list[object] = []
        repair.original_shown.connect(shown.append)
        repair.original_action.trigger()
        original = wait(app, shown)
        app.processEvents()
        original.grab().save(str(out / "show-original.png"))  # type: ignore[attr-defined]
        window.close()
        tasks.wait()
        library.close()


if __name__ == "__main__":
    main()
