"""The open article and every command on it: the state that features subscribe to.

`ArticleSession` knows which article is open and changes it (read, favourite, archive, tags,
reading position, trash with undo, restore, emptying the trash). It says what happened through
signals; widgets and features listen and paint. It never touches a widget other than the
dialogs that ask the person something.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QMessageBox

from reader.core.library import SavedArticle
from reader.core.models import Article
from reader.ui.errors import readable_error
from reader.ui.library_access import LibraryAccess
from reader.ui.shell import UNDO_TIMEOUT_MS, Shell
from reader.ui.tasks import TaskRunner

PROGRESS_SAVE_DELAY_MS = 800
TRASH_QUERY = "is:trash"
TRASH_NOTE = "This article is in the trash."


class Reading(Protocol):
    """What the session reads from the reading view: the article shown and how far along."""

    @property
    def article(self) -> Article | None: ...

    def progress(self) -> float: ...


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


class ArticleSession(QObject):
    """The article open in the window and the commands on it."""

    opened = Signal(int)  # a new article is current: show it
    revisited = Signal(int)  # the current article was asked for again
    cleared = Signal()  # no article is open; `cleared_note` says what to show
    trashed_changed = Signal(bool)  # the open article is (not) in the trash: read-only or not
    summary_changed = Signal(int, object)  # article id, {field: value} of its list row
    deleted = Signal(int)  # moved to the trash (undo is offered)
    undeleted = Signal(int)  # the delete was undone
    restored = Signal(int)  # taken out of the trash
    library_changed = Signal()  # tags or states changed: counts and filters are stale
    articles_changed = Signal()  # articles were added elsewhere (an import): the list is stale
    trash_busy = Signal(bool)  # emptying the trash started or ended
    trash_emptied = Signal(int)  # how many articles were deleted for good

    def __init__(
        self,
        access: LibraryAccess,
        shell: Shell,
        tasks: TaskRunner,
        reading: Reading,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.access = access
        self.shell = shell
        self.tasks = tasks
        self.reading = reading
        self.current_id: int | None = None
        self.article: SavedArticle | None = None
        self.trashed = False  # the open article is in the trash: shown read-only
        self.cleared_note: tuple[str, str] | None = None
        self.remember = True  # False: opening and scrolling leave the library as it was
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_SAVE_DELAY_MS)
        self._progress_timer.timeout.connect(self.save_progress)

    # -- which article ----------------------------------------------------------------------

    def open(self, article_id: int) -> None:
        if article_id == self.current_id and self.reading.article is not None:
            self.revisited.emit(article_id)
            return
        self.save_progress()
        try:
            saved = self.access.get(article_id)
        except Exception as exc:  # deleted meanwhile, or the file is gone
            self.shell.notify_error(f"This article cannot be opened: {exc}")
            return
        self.current_id = article_id
        self.article = saved
        self.trashed = saved.deleted_at is not None
        self.opened.emit(article_id)
        self._progress_timer.stop()  # showing it scrolled; that is not reading
        # Saving "opened" can wait until the article is on screen.
        QTimer.singleShot(0, self, lambda: self._mark_opened(article_id))
        self._set_trashed(saved.deleted_at is not None)
        self.revisited.emit(article_id)

    def clear(self, note: tuple[str, str] | None = None) -> None:
        """No article open; `note` (title, body) replaces the usual empty-library message."""
        self.current_id = None
        self.article = None
        self.trashed = False
        self.cleared_note = note
        self.cleared.emit()
        self.shell.dismiss_notice(TRASH_NOTE)

    def _mark_opened(self, article_id: int) -> None:
        if article_id != self.current_id or self.trashed or not self.remember:
            return
        try:
            self.access.mark_opened(article_id)
        except Exception:
            return  # deleted in the meantime
        self.summary_changed.emit(article_id, {"unread": False})

    # -- reading position -------------------------------------------------------------------

    def scrolled(self) -> None:
        """The reader moved; the position is saved once they stop for a moment."""
        self._progress_timer.start()

    def save_progress(self) -> None:
        if self.current_id is None or self.reading.article is None or self.trashed:
            return
        if not self.remember:
            return
        try:
            self.access.set_progress(self.current_id, self.reading.progress())
        except Exception:
            return  # the article was deleted; there is nothing to remember

    # -- states -----------------------------------------------------------------------------

    def set_read(self, read: bool) -> None:
        if self.current_id is not None:
            self.access.set_read(self.current_id, read)
            self.summary_changed.emit(self.current_id, {"unread": not read})

    def set_favorite(self, favorite: bool) -> None:
        if self.current_id is not None:
            self.access.set_favorite(self.current_id, favorite)
            self.summary_changed.emit(self.current_id, {"favorite": favorite})

    def set_archived(self, archived: bool) -> None:
        if self.current_id is not None:
            self.access.set_archived(self.current_id, archived)
            self.summary_changed.emit(self.current_id, {"archived": archived})
            self.shell.notify_info("Archived." if archived else "Back in your list.", 2500)

    def ask_tags(self) -> None:
        if self.current_id is None:
            return
        current = ", ".join(self.access.library.tags(self.current_id))
        text, ok = QInputDialog.getText(
            self.shell.widget, "Tags", "Tags of this article, separated by commas:", text=current
        )
        if ok:
            self.set_tags(text)

    def set_tags(self, text: str) -> None:
        """Replace the current article's tags with the comma-separated names in `text`."""
        if self.current_id is None:
            return
        library = self.access.library
        tags = [t.strip() for t in text.split(",") if t.strip()]
        library.set_tags(self.current_id, tags)
        self.summary_changed.emit(self.current_id, {"tags": tuple(library.tags(self.current_id))})
        self.library_changed.emit()
        self.shell.notify_info("Tags: " + (", ".join(tags) or "none"), 2500)

    # -- trash ------------------------------------------------------------------------------

    def _title(self) -> str:
        article = self.reading.article
        return article.title if article is not None else "article"

    def delete_current(self) -> None:
        """Move the open article to the trash, with Undo in the message bar."""
        article_id = self.current_id
        if article_id is None:
            return
        title = self._title()
        self.save_progress()
        self.access.delete(article_id)
        self.current_id = None
        self.shell.notify_undo(
            f"Deleted “{title}”.", lambda: self._undo_delete(article_id), UNDO_TIMEOUT_MS
        )
        self.deleted.emit(article_id)

    def _undo_delete(self, article_id: int) -> None:
        self.access.restore(article_id)
        self.undeleted.emit(article_id)
        self.open(article_id)

    def restore_current(self) -> None:
        """Put the open article, which is in the trash, back in the library."""
        article_id = self.current_id
        if article_id is None or not self.trashed:
            return
        title = self._title()
        self.access.restore(article_id)
        self._set_trashed(False)
        self.restored.emit(article_id)
        self.library_changed.emit()
        self.shell.notify_info(f"Restored “{title}”.", 4000)

    def _set_trashed(self, trashed: bool) -> None:
        """A trashed article is read, not changed: only Restore (and find) stay available."""
        self.trashed = trashed
        self.trashed_changed.emit(trashed)
        if trashed:
            self.shell.notify_info(
                f"{TRASH_NOTE} Restore it to read it as usual (R).", 0,
                ("Restore", self.restore_current),
            )  # fmt: skip
        else:
            self.shell.dismiss_notice(TRASH_NOTE)

    def empty_trash(self) -> None:
        """Delete every article in the trash for good, after asking; runs in the background."""
        library = self.access.library  # used through the worker thread's own connection
        trashed = library.count(TRASH_QUERY)
        if not trashed:
            self.shell.notify_info("The trash is empty.", 3000)
            return
        answer = QMessageBox.question(  # says only a count: nothing a page or a file chose
            self.shell.widget,
            "Empty Trash",
            f"Delete the {plural(trashed, 'article')} in the trash for good?"
            "\nThis cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.trash_busy.emit(True)

        def done(count: int) -> None:
            self.trash_busy.emit(False)
            if self.trashed:
                self.clear(
                    ("Deleted for good", "The trash was emptied. Pick an article on the left.")
                )
            self.trash_emptied.emit(count)
            self.library_changed.emit()
            self.shell.notify_info(f"Deleted {plural(count, 'article')} for good.", 4000)

        def failed(exc: BaseException) -> None:
            self.trash_busy.emit(False)
            self.shell.notify_error(f"The trash could not be emptied: {readable_error(exc)}")

        self.tasks.run(library.empty_trash, on_done=done, on_error=failed)
