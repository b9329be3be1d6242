"""Open the SQLite library file safely (WAL, foreign keys, busy timeout, migrations) and write to it
in transactions that wait for other writers instead of failing."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from reader.core.errors import LibraryError
from reader.core.migrations import migrations

BUSY_TIMEOUT_MS = 10_000
# A write waits BUSY_TIMEOUT_MS for the lock, this many times, before giving up with a message.
WRITE_ATTEMPTS = 6
MIGRATIONS_TABLE = "_sqlite_migrations"


def check_library_file(path: Path) -> None:
    """Refuse a path that cannot be a library file, without opening it.

    Only `stat` is used here: opening and closing any descriptor of the file would drop every
    POSIX lock this process holds on it through its SQLite connections, and another process
    would then delete the WAL under them. Whether the content is SQLite is asked of SQLite.
    """
    if path.is_dir():
        raise LibraryError(f"{path} is a folder, not a Readmark library file.")


def _not_sqlite(path: Path) -> LibraryError:
    return LibraryError(
        f"{path} is not a Readmark library (not an SQLite file). It was left untouched; "
        "move it away or choose another data folder with --data-dir."
    )


def is_busy(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _check_owner(db: Database, path: Path) -> None:
    """Refuse an SQLite file some other program wrote; reads only the schema."""
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not names:
        return
    if MIGRATIONS_TABLE in names:
        found = db.execute(
            f"SELECT 1 FROM {MIGRATIONS_TABLE} WHERE migration_set = ? LIMIT 1",
            [migrations.name],
        ).fetchone()
        if found:
            return
    raise LibraryError(
        f"{path} is an SQLite database but not a Readmark library. It was left untouched; "
        "move it away or choose another data folder with --data-dir."
    )


def _configure(db: Database) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    # With WAL, NORMAL never corrupts and never loses a commit when the process dies; only a
    # power cut may lose the last transactions.
    db.execute("PRAGMA synchronous = NORMAL")


def _migrate(db: Database) -> None:
    if not migrations.pending(db):
        return
    # Under the write lock, so two processes opening a new library do not both migrate it.
    with write_transaction(db):
        migrations.apply(db)


def open_database(path: Path) -> Database:
    """Open (creating if needed) and migrate the library at `path`.

    A file that is not a Readmark library, or is damaged, raises LibraryError and is left
    byte-for-byte as it was.
    """
    check_library_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LibraryError(
            f"Cannot create the library folder {path.parent}: {exc.strerror or exc}. "
            "Choose another data folder with --data-dir."
        ) from exc
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        db = Database(conn)
        _check_owner(db, path)
        _configure(db)
        _migrate(db)
    except LibraryError:
        if conn is not None:
            conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        if "not a database" in str(exc):
            raise _not_sqlite(path) from exc
        raise LibraryError(
            f"The library at {path} cannot be opened ({exc}). It was left untouched; restore it "
            "from a backup, or choose another data folder with --data-dir."
        ) from exc
    return db


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock up front (BEGIN IMMEDIATE).

    Taking the lock first means a writer never has to upgrade a read snapshot, which is what
    makes SQLite answer "database is locked" at once; here a writer waits its turn instead.
    Nested use becomes a savepoint.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    for attempt in range(WRITE_ATTEMPTS):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            if attempt == WRITE_ATTEMPTS - 1:
                raise LibraryError(
                    "The library is busy: another Readmark window or command kept it locked "
                    "for more than a minute. Try again."
                ) from exc
            time.sleep(0.05 * (attempt + 1))
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
