"""Open the SQLite library file safely (WAL, foreign keys, busy timeout, migrations) and write to it
in transactions that wait for other writers instead of failing."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database as Database  # re-exported: the facade types its handle

from reader.core.errors import LibraryError, NewerLibraryError, ReadOnlyLibraryError
from reader.core.failures import SQLITE_NOTADB, database_error, folder_is_read_only, primary_code
from reader.core.paths import backups_dir
from reader.core.store.migrations import migrations

Connection = sqlite3.Connection

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
        "move it away or choose another data folder with --data-dir. If it was your library, "
        "it is damaged: restore a backup with `readmark-cli restore FILE` (daily backups are "
        f"in {backups_dir(path)})."
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
            _check_not_newer(db, path)
            return
    raise LibraryError(
        f"{path} is an SQLite database but not a Readmark library. It was left untouched; "
        "move it away or choose another data folder with --data-dir."
    )


def unknown_migrations(db: Database) -> list[str]:
    """Migrations the library has that this version does not know: a newer Readmark made them."""
    known = {migration.name for migration in migrations._migrations}
    applied = db.execute(
        f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
        [migrations.name],
    ).fetchall()
    return [str(row[0]) for row in applied if row[0] not in known]


def _check_not_newer(db: Database, path: Path) -> None:
    # Writing with an older schema's code could undo what the newer version relies on.
    unknown = unknown_migrations(db)
    if unknown:
        raise NewerLibraryError(
            f"The library at {path} was upgraded by a newer version of Readmark (it has "
            f"{', '.join(unknown)}, which this version does not know). It was left untouched; "
            "update Readmark to open it."
        )


def _open_read_only(path: Path, check: bool = True) -> Database:
    """Open a library whose folder cannot be written, for reading only.

    SQLite reads a WAL library read-only when its -wal and -shm files exist. Without them, the
    last writer closed cleanly and no writer can start while the folder stays read-only (it
    could not create the -wal), so the file is opened as immutable.
    """
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?immutable=1")
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        db = Database(conn)
        if check:
            _check_owner(db, path)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if check and migrations.pending(db):
            raise ReadOnlyLibraryError(
                f"The folder {path.parent} is read-only, and this library needs an upgrade "
                "before this version of Readmark can read it. Make the folder writable once."
            )
    except LibraryError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        if primary_code(exc) == SQLITE_NOTADB:
            raise _not_sqlite(path) from exc
        raise database_error(path, exc, opening=True) from exc
    return db


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


def open_database(path: Path, *, check: bool = True) -> Database:
    """Open (creating if needed) and migrate the library at `path`.

    A file that is not a Readmark library, or is damaged, raises LibraryError and is left
    byte-for-byte as it was. `check=False` is for one more connection to a library this process
    has already checked and migrated: it is only configured.

    The connection may be closed from another thread (the connection manager does, when the
    process is done with the library); it is used by one thread only.
    """
    check_library_file(path)
    if path.is_file() and folder_is_read_only(path):
        return _open_read_only(path, check)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LibraryError(
            f"Cannot create the library folder {path.parent}: {exc.strerror or exc}. "
            "Choose another data folder with --data-dir."
        ) from exc
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = Database(conn)
        if check:
            _check_owner(db, path)
        _configure(db)
        if check:
            _migrate(db)
    except LibraryError:
        if conn is not None:
            conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        if primary_code(exc) == SQLITE_NOTADB:
            raise _not_sqlite(path) from exc
        raise database_error(path, exc, opening=True) from exc
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


def rows(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
    """All rows of a query, addressable by column name; errors are left to the caller to map."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    try:
        return list(cursor.execute(sql, list(params)))
    finally:
        cursor.close()


def value(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> Any:
    """The first column of the first row, or None when there is no row."""
    found = conn.execute(sql, list(params)).fetchone()
    return found[0] if found else None


@contextmanager
def reading(db: Database, path: Path) -> Iterator[sqlite3.Connection]:
    """The connection for reads; an SQLite error becomes a LibraryError that says what to do."""
    try:
        yield db.conn
    except sqlite3.DatabaseError as exc:
        raise database_error(path, exc) from exc


@contextmanager
def writing(db: Database, path: Path) -> Iterator[sqlite3.Connection]:
    """`write_transaction` with the errors of `reading`."""
    try:
        with write_transaction(db):
            yield db.conn
    except sqlite3.DatabaseError as exc:
        raise database_error(path, exc) from exc


# Freed space below this stays in the file for SQLite to reuse; above it, the file shrinks.
RECLAIM_MIN_BYTES = 8 * 1024 * 1024


def reclaim_space(db: Database, min_free_bytes: int | None = None) -> bool:
    """Give the space of deleted rows back to the disk when there is much of it.

    SQLite keeps freed pages inside the file; after emptying a large trash or finishing a large
    import the file would stay that much larger for good. VACUUM needs the library to itself for
    a moment: when another connection is busy, it is left for the next time. Call outside a
    transaction.
    """
    conn = db.conn
    page_size = int(value(conn, "PRAGMA page_size") or 0)
    free_pages = int(value(conn, "PRAGMA freelist_count") or 0)
    if page_size * free_pages < (min_free_bytes or RECLAIM_MIN_BYTES):
        return False
    try:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError:
        return False
    return True
