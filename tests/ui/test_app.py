"""The `readmark` entry: a screenshot leaves the person's library and settings as they were."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QColor, QImage

from reader.core.library import Library
from reader.ui.settings import UiSettings
from reader.ui.theme import THEMES, Typography
from tests.conftest import ROOT


def _readmark(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_a_screenshot_changes_nothing_the_person_sees_next_time(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Library(data / "library.sqlite3") as library:
        sample = library.ensure_sample()
        assert sample is not None
    settings_file = data / "settings.ini"
    store = QSettings(str(settings_file), QSettings.Format.IniFormat)
    settings = UiSettings(store)
    settings.typography = Typography(theme="light")
    settings.geometry = QByteArray(b"a window of the person's own size")
    settings.library_sort = "oldest"
    store.sync()
    before = settings_file.read_bytes()

    shot = tmp_path / "dark.png"
    done = _readmark("--data-dir", str(data), "--screenshot", str(shot), "--size", "800x500",
                     "--theme", "dark")  # fmt: skip
    assert done.returncode == 0, done.stderr

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (800, 500)
    page = QColor(THEMES["dark"].page)
    middle = image.pixelColor(400, 490)  # the reading column, below the text
    assert abs(middle.lightness() - page.lightness()) < 30, "the screenshot is in the dark theme"
    assert settings_file.read_bytes() == before, "size, theme and sort are as they were"
    with Library(data / "library.sqlite3") as library:
        saved = library.get(sample)
        assert saved.unread and saved.opened_at is None, "looking is not reading"
        assert saved.read_progress == 0.0
