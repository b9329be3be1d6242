"""Fixtures for the window tests: a library with the sample, fake recognisers, a ready window."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind, Entity, Mention

# What the fake recogniser "knows": surface form -> label. All occur in the bundled sample.
FAKE_NAMES = {
    "Dmitry Peskov": "PERSON",
    "Kremlin": "ORG",
    "Istanbul": "GPE",
    "Thursday": "DATE",
    "Ukrainian": "NORP",
}


@dataclass
class FakeResult:
    mentions: tuple[Mention, ...]
    entities: tuple[Entity, ...]


@dataclass
class FakeRecogniser:
    """Finds the names in FAKE_NAMES by plain search; counts the articles it saw."""

    names: dict[str, str] = field(default_factory=lambda: dict(FAKE_NAMES))
    seen: list[str] = field(default_factory=list)

    def __call__(self, article: Article) -> FakeResult:
        self.seen.append(article.title)
        mentions: list[Mention] = []
        entities: dict[str, Entity] = {}
        for name, label in self.names.items():
            key = f"{label.lower()}:{name.lower()}"
            for found in re.finditer(re.escape(name), article.text):
                mentions.append(Mention(found.start(), found.end(), label, key))
                entities[key] = Entity(key, label, name)
        mentions.sort(key=lambda m: m.start)
        return FakeResult(tuple(mentions), tuple(entities.values()))


class GatedModel:
    """A recogniser whose "model" takes as long as the test wants: it loads on `release()`."""

    def __init__(self) -> None:
        self.recogniser = FakeRecogniser()
        self._gate = threading.Event()
        self.load_calls = 0

    def release(self) -> None:
        self._gate.set()

    def __call__(self) -> FakeRecogniser:
        self.load_calls += 1
        self._gate.wait(20)
        return self.recogniser


@pytest.fixture
def library(data_dir: Path) -> Iterator[Library]:
    lib = Library(data_dir / "library.sqlite3")
    lib.ensure_sample()
    yield lib
    lib.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def note_article(title: str, body: str, lang: str | None = None) -> Article:
    blocks = tuple(Block(BlockKind.PARAGRAPH, p) for p in body.split("\n\n"))
    return Article(title=title, blocks=blocks, lang=lang, site_name="notes.example")


@pytest.fixture
def make_window(qtbot, library: Library, settings: QSettings):  # type: ignore[no-untyped-def]
    """Build a shown MainWindow; `model` is the recogniser loader (ready at once by default)."""
    from reader.ui.controllers import ArticleLoader
    from reader.ui.main_window import MainWindow
    from reader.ui.tasks import TaskRunner

    made: list[tuple[object, TaskRunner, list[GatedModel]]] = []

    def make(
        model: Callable[[], object] | None = None,
        load_source: Callable[[str], object] | None = None,
        show: bool = True,
    ) -> MainWindow:
        tasks = TaskRunner()
        loader = ArticleLoader(library.path, tasks, load_source=load_source)  # type: ignore[arg-type]
        recogniser = FakeRecogniser()
        window = MainWindow(
            library, loader, settings, load_recogniser=model or (lambda: recogniser)
        )
        window.fake_recogniser = recogniser  # type: ignore[attr-defined]
        window.resize(1100, 700)
        qtbot.addWidget(window)
        gated = [model] if isinstance(model, GatedModel) else []
        made.append((window, tasks, gated))
        if show:
            window.show()
            window.windowHandle().requestActivate()  # shortcuts need the active window
            qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
        return window

    yield make
    for window, tasks, gated in made:
        for gate in gated:
            gate.release()
        if isValid(window):
            window.close()  # type: ignore[attr-defined]
        tasks.wait(20_000)
    QApplication.processEvents()  # deliver the last results while the library is open
    for window, _tasks, _gated in made:
        if isValid(window):
            window.deleteLater()  # type: ignore[attr-defined]
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
