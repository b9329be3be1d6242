"""One connection manager per process: a connection per (library file, thread), opened once and
reused, and one writer at a time per library file.

A `Library` registers itself as a user of its file; the file is checked and migrated when the
first user in the process opens it, and each thread then gets its own connection, configured
only. Connections stay open while any `Library` of that file is open, so a search in a worker
thread costs no open, no check and no migration, and closing one `Library` never pulls a
connection from under another. When the last one closes (or the process exits, or
`close_all` is called before a restore), every connection of the file is closed, so nothing
holds the file afterwards.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.errors import LibraryError
from reader.core.store.db import BUSY_TIMEOUT_MS, WRITE_ATTEMPTS, Database, open_database

# As long as a writer would wait for SQLite's own lock before it gives up.
WRITER_WAIT_S = BUSY_TIMEOUT_MS / 1000 * WRITE_ATTEMPTS


@dataclass
class _File:
    """The connections of one library file in this process."""

    users: int = 0
    checked: bool = False
    by_thread: dict[int, Database] = field(default_factory=dict)
    writer: threading.RLock = field(default_factory=threading.RLock)


_files: dict[str, _File] = {}
# Guards `_files` and every _File's fields; never held while waiting for SQLite's write lock.
_lock = threading.RLock()
_exit_hook: list[bool] = []


def _key(path: Path) -> str:
    return str(path.absolute())


def acquire(path: Path) -> None:
    """Register a user of the library at `path` and give this thread its connection.

    The first user in the process opens, checks and migrates the file: a file that is not a
    Readmark library raises LibraryError here and nothing stays registered.
    """
    with _lock:
        if not _exit_hook:
            atexit.register(_close_everything)
            _exit_hook.append(True)
        entry = _files.setdefault(_key(path), _File())
        entry.users += 1
        try:
            database(path)
        except BaseException:
            release(path)
            raise


def release(path: Path) -> None:
    """One user fewer; the last one closes every connection of the file."""
    with _lock:
        entry = _files.get(_key(path))
        if entry is None:
            return
        entry.users -= 1
        if entry.users <= 0:
            close_all(path)


def database(path: Path) -> Database:
    """This thread's connection to the library at `path`, opened on first use."""
    thread = threading.get_ident()
    entry = _files.get(_key(path))
    if entry is not None:
        found = entry.by_thread.get(thread)
        if found is not None:
            return found
    with _lock:
        entry = _files.get(_key(path))
        if entry is None or entry.users <= 0:
            raise LibraryError(f"The library at {path} was closed.")
        # A thread id can be reused by a new thread once the old one ended; the connection it
        # left is then simply taken over, never shared by two live threads.
        db = open_database(path, check=not entry.checked)
        entry.checked = True
        entry.by_thread[thread] = db
        return db


def close_all(path: Path) -> None:
    """Close every connection of the library at `path`, in every thread.

    For a restore that replaces the file, and for the end of the process. Libraries of that
    file still open in this process fail on their next use instead of using a stale file.
    """
    with _lock:
        entry = _files.pop(_key(path), None)
        if entry is None:
            return
        for db in entry.by_thread.values():
            with suppress(Exception):  # closing goes on for the other threads' connections
                db.close()


def holds(path: Path) -> bool:
    """Whether this process has the library at `path` open (through a `Library`)."""
    with _lock:
        entry = _files.get(_key(path))
        return entry is not None and entry.users > 0


def open_paths() -> list[Path]:
    """The library files this process holds connections to."""
    with _lock:
        return [Path(key) for key in _files]


@contextmanager
def one_writer(path: Path) -> Iterator[None]:
    """Hold the process's write turn for the library at `path` (re-entrant in one thread).

    SQLite lets one writer in at a time anyway; waiting here instead of in SQLite's busy loop
    lets threads of one process take turns in order, without retry sleeps.
    """
    with _lock:
        entry = _files.get(_key(path))
    if entry is None:
        yield
        return
    if not entry.writer.acquire(timeout=WRITER_WAIT_S):
        raise LibraryError(
            "The library is busy: another part of Readmark kept writing to it for more than a "
            "minute. Try again."
        )
    try:
        yield
    finally:
        entry.writer.release()


def _close_everything() -> None:
    for path in open_paths():
        close_all(path)
