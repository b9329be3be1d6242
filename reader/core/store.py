"""Open the SQLite library file safely: WAL, foreign keys, busy timeout, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from reader.core.errors import LibraryError
from reader.core.migrations import migrations

BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"


def check_library_file(path: Path) -> None:
    """Refuse a file that exists but is not an SQLite database, without touching it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC:
        raise LibraryError(
            f"{path} is not a Readmark library (not an SQLite file). It was left untouched; "
            "move it away or choose another data folder with --data-dir."
        )


def open_database(path: Path) -> Database:
    """Open (creating if needed) and migrate the library at `path`."""
    check_library_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        db = Database(conn)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        db.enable_wal()
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"The library at {path} cannot be opened: {exc}") from exc
    return db


def open_memory() -> Database:
    db = Database(memory=True)
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db
