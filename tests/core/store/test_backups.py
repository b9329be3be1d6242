"""Backups: one a day on schedule, the last seven kept, made while the library is in use, and
restorable; a restore checks the file and keeps the current library aside."""

from __future__ import annotations

import io
import os
import sqlite3
import time
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.errors import LibraryError
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from reader.core.store.backups import KEEP_BACKUPS, list_backups, restore, rolling_backup

DAY_ONE = datetime(2026, 3, 1, 9, 30).astimezone()


def note(title: str) -> Article:
    body = f"{title}: a few words about rivers, tides and the open sea."
    return Article(title, (Block(BlockKind.PARAGRAPH, body),), url=f"https://n.example/{title}")


def titles(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [row[0] for row in conn.execute("SELECT title FROM articles ORDER BY id")]
    finally:
        conn.close()


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_one_backup_a_day_the_last_seven_kept_each_one_restorable(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    window = Library(path)  # open all along, as the app would be
    for day in range(10):
        window.add_article(note(f"day {day}"))
        now = DAY_ONE + timedelta(days=day)
        assert rolling_backup(path, now=now) is not None
        assert rolling_backup(path, now=now + timedelta(hours=8)) is None  # at most one a day
    backups = list_backups(path)
    assert len(backups) == KEEP_BACKUPS
    assert [p.name[8:16] for p in backups] == [
        (DAY_ONE + timedelta(days=day)).strftime("%Y%m%d") for day in range(3, 10)
    ]
    assert titles(backups[0]) == [f"day {n}" for n in range(4)]
    window.add_article(note("after the last backup"))  # the window still writes

    restored = restore(path, backups[0], now=DAY_ONE + timedelta(days=11))
    assert restored.articles == 4
    assert window.count() == 4  # the open connection reads the restored library
    window.add_article(note("written after the restore"))
    window.close()
    assert titles(path) == [f"day {n}" for n in range(4)] + ["written after the restore"]
    assert restored.aside is not None and restored.aside.parent == tmp_path / "backups"
    assert titles(restored.aside)[-1] == "after the last backup"


def test_the_first_write_command_of_a_day_makes_the_days_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    text = tmp_path / "note.txt"
    text.write_text("A note\n\nSome words about the sea and its tides.", encoding="utf-8")
    assert cli("--data-dir", str(data), "add", "--no-entities", str(text))[0] == 0
    assert list_backups(data / "library.sqlite3") == []  # nothing to back up before the first
    assert cli("--data-dir", str(data), "tag", "1", "sea")[0] == 0
    assert cli("--data-dir", str(data), "list")[0] == 0
    assert cli("--data-dir", str(data), "tag", "1", "tides")[0] == 0
    backups = list_backups(data / "library.sqlite3")
    assert len(backups) == 1
    assert titles(backups[0]) == ["A note"]


def test_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = data / "library.sqlite3"
    with Library(path) as library:
        for title in ("one", "two"):
            library.add_article(note(title))
    copy = tmp_path / "copy.sqlite3"
    code, out, _err = cli("--data-dir", str(data), "backup", str(copy))
    assert code == 0 and str(copy) in out
    with Library(path) as library:
        library.delete(1)
        library.empty_trash()
        library.add_article(note("three"))
    code, out, err = cli("--data-dir", str(data), "restore", str(copy))
    assert code == 0, err
    assert "kept at" in out
    assert titles(path) == ["one", "two"]
    code, out, _err = cli("--data-dir", str(data), "backup")
    assert code == 0 and len(list_backups(path)) == 1
    assert str(list_backups(path)[0]) in cli("--data-dir", str(data), "backup", "--list")[1]


def not_sqlite(path: Path) -> None:
    path.write_bytes(b"holiday photos\n" * 500)


def damaged(path: Path) -> None:
    with Library(path) as library:
        for n in range(30):
            library.add_article(note(f"damaged {n}" * 40))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 5] = b"\x5a" * 8192
    path.write_bytes(bytes(data))


def newer(path: Path) -> None:
    with Library(path) as library:
        library.add_article(note("from the future"))
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('readmark', 'm900_from_the_future', '2031-01-01')"
    )
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [(not_sqlite, "not an SQLite file"), (damaged, "damaged"), (newer, "newer version")],
    ids=["not-sqlite", "damaged", "newer"],
)
def test_a_restore_refuses_a_bad_file_and_leaves_the_library_alone(
    tmp_path: Path, make, message: str
) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    path = data / "library.sqlite3"
    with Library(path) as library:
        library.add_article(note("mine"))
    bad = tmp_path / "bad.sqlite3"
    make(bad)
    before = bad.read_bytes()
    with pytest.raises(LibraryError, match=message):
        restore(path, bad)
    code, _out, err = cli("--data-dir", str(data), "restore", str(bad))
    assert code == 1 and message in err and "Traceback" not in err
    assert titles(path) == ["mine"]
    assert not (data / "backups").exists()  # nothing was kept aside: nothing was replaced
    assert bad.read_bytes() == before


def test_a_copy_a_killed_process_left_half_written_is_cleared_later(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    with Library(path) as library:
        library.add_article(note("one"))
    folder = tmp_path / "backups"
    folder.mkdir()
    stale = folder / ".library-20260301-093000.sqlite3.123.partial"
    fresh = folder / ".library-20260302-093000.sqlite3.456.partial"
    stale.write_bytes(b"half a copy")
    fresh.write_bytes(b"a copy being made right now")
    os.utime(stale, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    assert rolling_backup(path) is not None
    assert not stale.exists() and fresh.exists()


def test_a_library_open_in_this_process_is_backed_up_and_restored_through_its_own_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.store import backups

    path = tmp_path / "library.sqlite3"
    opened: list[Path] = []
    real_open = backups._open

    def recording_open(target: Path, *, read_only: bool) -> sqlite3.Connection:
        opened.append(target.resolve())
        return real_open(target, read_only=read_only)

    monkeypatch.setattr(backups, "_open", recording_open)
    with Library(path) as library:
        library.add_article(note("Before"))
        assert rolling_backup(path, now=DAY_ONE) is not None
        (made,) = list_backups(path)
        library.add_article(note("After"))
        restored = restore(path, made, now=DAY_ONE + timedelta(minutes=1))
        assert restored.articles == 1
        assert [s.title for s in library.list_articles(10)] == ["Before"]  # reads the restored file
    # Backup files were opened on their own; the open library never got a second handle.
    assert path.resolve() not in opened
    assert made.resolve() in opened
    assert titles(path) == ["Before"]
