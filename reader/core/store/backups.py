"""Backups of the library through SQLite's online backup API: a rolling one a day (the last
KEEP_BACKUPS kept), one on demand, and restoring one with the current library kept aside.

Every copy goes through SQLite (`sqlite3.Connection.backup`), never through Python file I/O on
the live file: reading or replacing it behind SQLite's back would drop this process's locks or
hand another process's open connection a file that changed under it. A copy is written to a
temporary name beside its destination, checked, and renamed into place, so a backup that exists
is whole.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reader.core.errors import LibraryError, NewerLibraryError
from reader.core.failures import SQLITE_CORRUPT, SQLITE_NOTADB, database_error, primary_code
from reader.core.paths import backups_dir
from reader.core.store import connections
from reader.core.store.migrations import migrations

KEEP_BACKUPS = 7
BACKUP_NAME = re.compile(r"^library-(\d{8})-(\d{6})\.sqlite3$")
ASIDE_PREFIX = "before-restore-"
STALE_PARTIAL_S = 6 * 3600  # far longer than any copy takes
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_TABLE = "_sqlite_migrations"


@dataclass(frozen=True, slots=True)
class Restored:
    """What `restore` did: how many articles the library now holds, where the old one went."""

    articles: int
    aside: Path | None


def _open(path: Path, *, read_only: bool) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "")
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


@contextlib.contextmanager
def _connection(path: Path, *, read_only: bool) -> Iterator[sqlite3.Connection]:
    """A connection to `path` through SQLite: this thread's own from the connection manager when
    the process has that library open (no second handle to a file in use, whose close could
    touch the locks the open one holds), else one of its own, closed afterwards.

    The second kind serves backup files, and a library no `Library` has open here, so a library
    that is old, newer or damaged is read as it is, never migrated first."""
    if connections.holds(path):
        yield connections.database(path).conn
        return
    conn = _open(path, read_only=read_only)
    try:
        yield conn
    finally:
        conn.close()


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now().astimezone()


def _check_library(conn: sqlite3.Connection, path: Path) -> int:
    """The number of articles of a Readmark library this version can open; else LibraryError."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if MIGRATIONS_TABLE not in tables or "articles" not in tables:
        raise LibraryError(f"{path} is an SQLite database but not a Readmark library.")
    applied = [
        str(row[0])
        for row in conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", [migrations.name]
        )
    ]
    if not applied:
        raise LibraryError(f"{path} is an SQLite database but not a Readmark library.")
    known = {migration.name for migration in migrations._migrations}
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise NewerLibraryError(
            f"{path} was made by a newer version of Readmark (it has {', '.join(unknown)}); "
            "update Readmark to use it."
        )
    return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def check_backup(path: Path, *, full: bool = True) -> int:
    """Check that `path` is a whole Readmark library this version can open; returns its number
    of articles. `full` runs SQLite's integrity_check, otherwise the faster quick_check."""
    if not path.is_file():
        raise LibraryError(f"There is no backup file {path}.")
    try:
        with _connection(path, read_only=True) as conn:
            pragma = "integrity_check" if full else "quick_check"
            problems = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}")]
            if problems != ["ok"]:
                raise LibraryError(
                    f"{path} is damaged ({'; '.join(problems[:3])}); it cannot be used as a backup."
                )
            return _check_library(conn, path)
    except sqlite3.DatabaseError as exc:
        if primary_code(exc) == SQLITE_NOTADB:
            raise LibraryError(f"{path} is not a Readmark library (not an SQLite file).") from exc
        if primary_code(exc) == SQLITE_CORRUPT:
            raise LibraryError(
                f"{path} is damaged ({exc}); it cannot be used as a backup."
            ) from exc
        raise LibraryError(f"{path} cannot be read as a backup ({exc}).") from exc


def copy_library(source: Path, dest: Path, *, check: bool = True) -> Path:
    """Copy the library `source` to `dest` through the backup API: a consistent snapshot, taken
    while other connections go on reading and writing. The copy is a single file (no WAL)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    temporary = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        with _connection(source, read_only=True) as src:
            dst = sqlite3.connect(temporary)
            try:
                src.backup(dst)
                # The copied header says WAL; a backup is one self-contained file.
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        if check:
            check_backup(temporary, full=False)
        os.replace(temporary, dest)
    except sqlite3.DatabaseError as exc:
        temporary.unlink(missing_ok=True)
        raise database_error(dest, exc) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return dest


def _drop_stale_partials(folder: Path) -> None:
    """Remove copies a killed process left half-written (never one another process is making)."""
    if not folder.is_dir():
        return
    cutoff = time.time() - STALE_PARTIAL_S
    for partial in folder.glob(".*.partial"):
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < cutoff:
                partial.unlink()


def list_backups(library: Path) -> list[Path]:
    """The rolling and on-demand backups of `library`, oldest first."""
    folder = backups_dir(library)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if BACKUP_NAME.match(p.name))


def backup_now(library: Path, now: datetime | None = None, keep: int = KEEP_BACKUPS) -> Path:
    """Make a backup in the backups folder now, then keep only the newest `keep`."""
    _drop_stale_partials(backups_dir(library))
    stamp = _now(now).strftime("%Y%m%d-%H%M%S")
    made = copy_library(library, backups_dir(library) / f"library-{stamp}.sqlite3")
    for old in list_backups(library)[:-keep]:
        old.unlink(missing_ok=True)
    return made


def _usable(library: Path) -> bool:
    """Whether `library` is a Readmark library worth backing up (read through SQLite only)."""
    if not library.is_file():
        return False
    try:
        with _connection(library, read_only=True) as conn:
            _check_library(conn, library)
    except (sqlite3.DatabaseError, LibraryError):
        return False  # the command that opens it says what is wrong
    return True


def rolling_backup(
    library: Path, now: datetime | None = None, keep: int = KEEP_BACKUPS
) -> Path | None:
    """The day's backup, unless one was made today; returns it, or None if none was due.

    A backup that fails its check is not kept and removes no older one, so a library that went
    bad cannot push the good backups out.
    """
    today = _now(now).strftime("%Y%m%d")
    if any(BACKUP_NAME.match(p.name).group(1) == today for p in list_backups(library)):  # type: ignore[union-attr]
        return None
    if not _usable(library):
        return None
    return backup_now(library, now, keep)


def restore(library: Path, backup: Path, now: datetime | None = None) -> Restored:
    """Replace the library's content with `backup`, after checking it; the current library is
    first copied aside into the backups folder.

    The content is written through the backup API into the library file, as one write
    transaction: a window or command that has the library open waits for it and then reads the
    restored library; no file is renamed over the live one.
    """
    if backup.resolve() == library.resolve():
        raise LibraryError(f"{backup} is the library itself; choose a backup file.")
    articles = check_backup(backup, full=True)
    aside: Path | None = None
    if library.exists():
        stamp = _now(now).strftime("%Y%m%d-%H%M%S")
        aside = backups_dir(library) / f"{ASIDE_PREFIX}{stamp}.sqlite3"
        try:
            copy_library(library, aside, check=False)
        except (LibraryError, OSError) as exc:
            raise LibraryError(
                f"The current library could not be kept aside ({exc}); nothing was restored. "
                f"If it is damaged beyond copying, move {library} away yourself and run the "
                "restore again."
            ) from exc
    else:
        library.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            _connection(backup, read_only=True) as src,
            _connection(library, read_only=False) as dst,
        ):
            src.backup(dst)
            problems = [str(row[0]) for row in dst.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise database_error(library, exc) from exc
    if problems != ["ok"]:
        raise LibraryError(
            f"The restored library failed its check ({'; '.join(problems[:3])}); the library "
            f"as it was is kept at {aside}."
        )
    return Restored(articles, aside)
