"""The window and the library's safety: the day's backup made in the background once the window
is up, a synced data folder named in the message bar, and a restored library that opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.core.library import Library
from reader.core.store.backups import backup_now, list_backups, restore
from reader.ui.library_care import start_library_care
from reader.ui.tasks import TaskRunner
from tests.core.conftest import ReadOnlyFolder
from tests.ui.conftest import note_article


def window_titles(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.library_pane.model
    return [str(model.index(row).data()) for row in range(model.rowCount())]


def test_a_restored_library_passes_its_check_and_opens_in_the_window(
    qtbot, make_window, library: Library
) -> None:  # type: ignore[no-untyped-def]
    kept = library.add_article(note_article("Kept in the backup", "Words about rivers."))
    backup = backup_now(library.path)
    library.delete(kept)
    library.empty_trash()
    library.add_article(note_article("Written after the backup", "Words about the sea."))

    restored = restore(library.path, backup)
    conn = sqlite3.connect(library.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert restored.aside is not None

    window = make_window()
    qtbot.waitUntil(lambda: window.library_pane.model.rowCount() == 2, timeout=10_000)
    shown = " ".join(window_titles(window))
    assert "Kept in the backup" in shown
    assert "Written after the backup" not in shown
    window.open_article(kept)
    qtbot.waitUntil(lambda: window.current_id == kept, timeout=10_000)
    assert "Words about rivers." in window.reading_view.toPlainText()


def test_the_days_backup_is_made_in_the_background_after_the_window_appears(
    qtbot, make_window, library: Library
) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    tasks = TaskRunner()
    start_library_care(window, tasks, library.path, delay_ms=0)
    qtbot.waitUntil(lambda: len(list_backups(library.path)) == 1, timeout=20_000)
    tasks.wait(20_000)
    assert window.message_bar.kind == ""  # nothing to say when all is well


def test_a_data_folder_inside_a_synced_folder_is_named_in_the_message_bar(
    qtbot, make_window, library: Library, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".stfolder").mkdir()  # Syncthing's marker, in an ancestor of the data folder
    window = make_window()
    tasks = TaskRunner()
    start_library_care(window, tasks, library.path, delay_ms=60_000, backup=lambda _path: None)
    assert window.message_bar.isVisible()
    assert "Syncthing syncs" in window.message_bar.label.text()
    assert "lose your data" in window.message_bar.label.text()


def test_a_read_only_library_folder_is_said_once_the_window_is_up(
    qtbot, make_window, library: Library
) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    folder = ReadOnlyFolder(library.path.parent)
    folder.lock()
    try:
        tasks = TaskRunner()
        start_library_care(window, tasks, library.path, delay_ms=0)
        assert "read-only (reading still works)" in window.message_bar.label.text()
        qtbot.wait(200)
        tasks.wait(10_000)
    finally:
        folder.unlock()
    assert list_backups(library.path) == []  # no backup tried where none can be written
