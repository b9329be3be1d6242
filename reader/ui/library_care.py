"""What the app does for the library's safety once the window is up: warn in the message bar
when the data folder is inside a synced one, and make the day's backup in the background."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

from reader.core.failures import file_is_read_only, folder_is_read_only
from reader.core.store.backups import rolling_backup
from reader.core.sync_folders import sync_warning
from reader.ui.message_bar import MessageBar
from reader.ui.tasks import TaskRunner

# Late enough that the first article is on screen before the copy starts reading the file.
BACKUP_DELAY_MS = 5000


class HasMessageBar(Protocol):
    message_bar: MessageBar


def start_library_care(
    window: HasMessageBar,
    tasks: TaskRunner,
    library: Path,
    *,
    delay_ms: int = BACKUP_DELAY_MS,
    backup: Callable[[Path], object] = rolling_backup,
) -> None:
    warning = sync_warning(library.parent)
    if warning:
        window.message_bar.show_message("error", warning)
    elif folder_is_read_only(library) or file_is_read_only(library):
        # Said once up front, rather than only when the first change fails.
        where = "folder" if folder_is_read_only(library) else "file"
        window.message_bar.show_message(
            "info",
            f"The library {where} is read-only (reading still works): changes cannot be saved "
            "until it is writable again.",
        )
        return

    def failed(exc: BaseException) -> None:
        window.message_bar.show_error(f"Today's backup of the library was not made: {exc}")

    def start() -> None:
        tasks.run(lambda: backup(library), on_error=failed)

    context = window if isinstance(window, QObject) else tasks
    QTimer.singleShot(delay_ms, context, start)
