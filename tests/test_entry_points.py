"""The commands a user types: readmark-cli --version/--help, python -m reader, --screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reader import __version__
from tests.conftest import ROOT


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def test_cli_version_and_help(tmp_path: Path) -> None:
    version = run(["-m", "reader.cli", "--version"], tmp_path)
    assert version.returncode == 0
    assert __version__ in version.stdout
    helptext = run(["-m", "reader.cli", "--help"], tmp_path)
    assert helptext.returncode == 0
    assert "extract" in helptext.stdout


def test_screenshot_renders_the_sample_on_first_run(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    data = tmp_path / "lib"
    result = run(
        ["-m", "reader", "--data-dir", str(data), "--screenshot", str(shot), "--size", "900x600"],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (900, 600)
    assert (data / "library.sqlite3").is_file()


def test_screenshot_of_a_given_source_saves_it(tmp_path: Path) -> None:
    page = tmp_path / "note.txt"
    page.write_text("A short note\n\nThe body of the note is here.\n", encoding="utf-8")
    shot = tmp_path / "shot.png"
    result = run(
        ["-m", "reader", str(page), "--screenshot", str(shot)],
        tmp_path,
        READMARK_DATA_DIR=str(tmp_path / "env-lib"),
    )
    assert result.returncode == 0, result.stderr
    from reader.core.library import Library

    library = Library(tmp_path / "env-lib" / "library.sqlite3")
    titles = [summary.title for summary in library.list_articles()]
    library.close()
    assert "A short note" in titles
