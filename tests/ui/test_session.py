"""The article session on its own: what a person sees happen to the open article, through a
shell that only records what the window would say."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from PySide6.QtWidgets import QWidget

from reader.core.library import Library
from reader.core.models import Article
from reader.ui.library_access import LibraryAccess
from reader.ui.session import TRASH_NOTE, ArticleSession
from reader.ui.tasks import TaskRunner
from tests.ui.conftest import note_article


@dataclass
class RecordingShell:
    """Says nothing on screen; keeps every message and the buttons offered with it."""

    notices: list[tuple[str, str]] = field(default_factory=list)
    buttons: dict[str, Callable[[], None]] = field(default_factory=dict)
    parent: QWidget = field(default_factory=QWidget)

    @property
    def widget(self) -> QWidget:
        return self.parent

    def notify_info(self, text: str, timeout_ms: int = 0, action=None) -> None:  # type: ignore[no-untyped-def]
        self.notices.append(("info", text))
        if action is not None:
            self.buttons[action[0]] = action[1]

    def notify_error(self, text: str) -> None:
        self.notices.append(("error", text))

    def notify_undo(self, text: str, undo: Callable[[], None], timeout_ms: int = 0) -> None:
        self.notices.append(("info", text))
        self.buttons["Undo"] = undo

    def dismiss_notice(self, starting_with: str) -> None:
        self.notices = [n for n in self.notices if not n[1].startswith(starting_with)]

    @property
    def last(self) -> str:
        return self.notices[-1][1] if self.notices else ""


@dataclass
class Page:
    """The reading view as the session reads it: the article shown and how far along."""

    article: Article | None = None
    fraction: float = 0.0

    def progress(self) -> float:
        return self.fraction


@pytest.fixture
def session(qtbot, library: Library):  # type: ignore[no-untyped-def]
    tasks = TaskRunner()
    shell = RecordingShell()
    page = Page()
    made = ArticleSession(LibraryAccess(library), shell, tasks, page)  # type: ignore[arg-type]
    # What the window does when an article is opened: it shows it.
    made.opened.connect(lambda _id: setattr(page, "article", made.article.article))
    made.cleared.connect(lambda: setattr(page, "article", None))
    yield made
    tasks.wait(10_000)


def _ids(library: Library) -> tuple[int, int]:
    first = library.add_article(note_article("First", "The first article."))
    second = library.add_article(note_article("Second", "The second article."))
    return first, second


def test_opening_makes_an_article_current_and_reopening_only_reselects(session, qtbot) -> None:
    first, _second = _ids(session.access.library)
    opened: list[int] = []
    again: list[int] = []
    session.opened.connect(opened.append)
    session.revisited.connect(again.append)
    session.open(first)
    assert session.current_id == first and opened == [first]
    session.open(first)
    assert opened == [first], "the same article is not shown twice"
    assert again == [first, first]
    # Marked as opened once it is on screen.
    qtbot.waitUntil(lambda: session.access.library.get(first).opened_at is not None)


def test_an_article_that_cannot_be_opened_says_why_and_keeps_the_current_one(session) -> None:
    first, _second = _ids(session.access.library)
    session.open(first)
    session.open(987_654)
    assert session.current_id == first
    assert session.shell.notices[-1][0] == "error"
    assert "cannot be opened" in session.shell.last


def test_delete_offers_undo_that_brings_the_article_back_open(session) -> None:
    library = session.access.library
    first, _second = _ids(library)
    deleted: list[int] = []
    session.deleted.connect(deleted.append)
    session.open(first)
    session.delete_current()
    assert deleted == [first] and session.current_id is None
    assert library.get(first).deleted_at is not None
    assert session.shell.last == "Deleted “First”."
    session.shell.buttons["Undo"]()
    assert library.get(first).deleted_at is None
    assert session.current_id == first


def test_a_trashed_article_opens_read_only_with_a_way_back(session) -> None:
    library = session.access.library
    first, _second = _ids(library)
    library.delete(first)
    states: list[bool] = []
    session.trashed_changed.connect(states.append)
    session.open(first)
    assert states == [True] and session.trashed
    assert session.shell.last.startswith(TRASH_NOTE)
    session.shell.buttons["Restore"]()
    assert states == [True, False] and not session.trashed
    assert library.get(first).deleted_at is None
    assert session.shell.last == "Restored “First”."


def test_states_and_tags_change_the_library_and_the_list_row(session) -> None:
    library = session.access.library
    first, _second = _ids(library)
    rows: list[tuple[int, dict[str, object]]] = []
    session.summary_changed.connect(lambda i, fields: rows.append((i, fields)))
    session.open(first)
    session.set_favorite(True)
    session.set_archived(True)
    session.set_tags("news,  long read ,")
    saved = library.get(first)
    assert saved.favorite and saved.archived
    assert set(library.tags(first)) == {"news", "long read"}
    assert (first, {"favorite": True}) in rows
    assert (first, {"archived": True}) in rows
    assert session.shell.last == "Tags: news, long read"


def test_nothing_happens_without_an_open_article(session) -> None:
    for command in (
        session.delete_current,
        session.restore_current,
        lambda: session.set_read(True),
        lambda: session.set_tags("x"),
    ):
        command()
    assert session.shell.notices == []


def test_the_reading_position_is_saved_unless_the_article_is_in_the_trash(session) -> None:
    library = session.access.library
    first, second = _ids(library)
    session.open(first)
    session.reading.fraction = 0.5
    session.save_progress()
    assert library.get(first).read_progress == pytest.approx(0.5)
    library.delete(second)
    session.open(second)
    session.reading.fraction = 0.9
    session.save_progress()
    assert library.get(second).read_progress == pytest.approx(0.0)
