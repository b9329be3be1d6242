"""Render the README screenshots: the sample article in light, sepia and dark, and the library
filtered by an entity. Uses the real entity model and a few news pages from the shared cases.

    QT_QPA_PLATFORM=offscreen python tests/bench/bench_ui_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CASES = ROOT.parent / "shared" / "extract-cases" / "mozilla-readability"
PAGES = ("bbc-1", "guardian-1", "nytimes-1", "nytimes-2", "wapo-1", "wapo-2", "seattletimes-1",
         "telegraph", "cnn", "yahoo-1", "herald-sun-1", "lemonde-1")  # fmt: skip
SIZE = (1280, 800)


def save_small(image, path: Path, colours: int = 256) -> None:  # type: ignore[no-untyped-def]
    """Save a window grab as an 8-bit PNG with the picture's own most frequent colours
    (screens are mostly flat colour, so this looks the same at less than half the size)."""
    import numpy as np
    from PySide6.QtGui import QImage

    image = image.toImage().convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    words = image.bytesPerLine() // 4
    pixels = np.frombuffer(image.constBits(), dtype=np.uint32, count=words * height)
    flat = pixels.reshape(height, words)[:, :width].ravel()
    values, counts = np.unique(flat, return_counts=True)
    palette = values[np.argsort(-counts)][:colours]

    def rgb(v: np.ndarray) -> np.ndarray:
        return np.stack([(v >> 16) & 255, (v >> 8) & 255, v & 255], axis=-1).astype(np.int32)

    wanted, offered = rgb(values), rgb(palette)
    nearest = np.empty(values.shape, dtype=np.uint8)
    for first in range(0, len(values), 4096):
        distance = ((wanted[first : first + 4096, None, :] - offered[None]) ** 2).sum(-1)
        nearest[first : first + 4096] = distance.argmin(1)
    indexes = nearest[np.searchsorted(values, flat)].reshape(height, width)
    out = QImage(width, height, QImage.Format.Format_Indexed8)
    out.setColorTable([0xFF000000 | int(p) for p in palette])
    rows = np.zeros((height, out.bytesPerLine()), dtype=np.uint8)
    rows[:, :width] = indexes
    memoryview(out.bits())[:] = rows.tobytes()
    out.save(str(path), "PNG")


def build_library(folder: Path) -> int:
    from reader.core.entities import recognise
    from reader.core.library import Library
    from reader.core.resources import sample_article_path

    library = Library(folder / "library.sqlite3", recognise=recognise)
    for name in PAGES:
        source = CASES / name / "page.html.gz"
        if not source.exists():
            continue
        page = folder / f"{name}.html"
        page.write_bytes(gzip.decompress(source.read_bytes()))
        try:
            library.add_source(str(page))
        finally:
            page.unlink()
    sample = library.add_source(str(sample_article_path()))
    library.close()
    return sample


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from reader.core.library import Library
    from reader.ui.controllers import ArticleLoader
    from reader.ui.main_window import MainWindow
    from reader.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="readmark-shots-"))
    sample = build_library(folder)
    library = Library(folder / "library.sqlite3")
    tasks = TaskRunner()
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, ArticleLoader(library.path, tasks), settings)
    window.resize(*SIZE)
    window.show()

    def settle(seconds: float = 0.3) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)

    window.open_article(sample)
    settle(1.0)
    for theme in ("light", "sepia", "dark"):
        window.apply_theme(theme)
        settle()
        save_small(window.grab(), args.out / f"sample-{theme}.png")

    window.apply_theme("light")
    pane = window.library_pane
    pane.filter_by_entity("GPE", "Washington")
    settle(1.0)
    ids = pane.model.article_ids()
    if ids:
        window.open_article(next((i for i in ids if i != sample), ids[0]))
    window.entity_panel.select_key("gpe:washington")
    settle(1.0)
    save_small(window.grab(), args.out / "library-entity-filter.png")
    window.close()
    tasks.wait(10_000)
    library.close()
    shutil.rmtree(folder, ignore_errors=True)
    for png in sorted(args.out.glob("*.png")):
        print(f"{png}  {png.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
