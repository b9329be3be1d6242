"""What went wrong with the library file, said plainly.

SQLite reports a full disk, a read-only folder, an over-long search and real damage through
different result codes; each becomes a message that says what happened and what to do. Telling a
person to restore a backup when the library is fine would make them replace it with an older copy,
so "damaged" is kept for SQLITE_CORRUPT and SQLITE_NOTADB.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from reader.core.errors import (
    DamagedLibraryError,
    DiskFullError,
    LibraryError,
    ReadOnlyLibraryError,
    SearchTooLongError,
)
from reader.core.paths import backups_dir

# Primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_TOOBIG = 18
SQLITE_NOTADB = 26
SQLITE_READONLY_DBMOVED = SQLITE_READONLY | (4 << 8)

# SQLite's own words for a statement over one of its limits; all come as plain SQLITE_ERROR.
TOO_LONG_MARKERS = (
    "too many sql variables",
    "expression tree is too large",
    "parser stack overflow",
    "too many terms in compound select",
    "too many arguments on function",
    "pattern too complex",
    "statement too long",
)


def primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def folder_is_read_only(path: Path) -> bool:
    """Whether the library's folder refuses new files (the -wal and -shm SQLite needs).

    `os.access` asks the kernel, so it also sees a read-only mount or an immutable folder,
    which file permissions do not show to root.
    """
    folder = path.parent
    return folder.is_dir() and not os.access(folder, os.W_OK)


def file_is_read_only(path: Path) -> bool:
    return path.is_file() and not os.access(path, os.W_OK)


def disk_full(path: Path) -> DiskFullError:
    return DiskFullError(
        f"The disk is full: the change was not saved, and the library is as it was. "
        f"Free some space on the disk that holds {path.parent} and try again."
    )


def read_only(path: Path) -> ReadOnlyLibraryError:
    where = (
        f"The folder {path.parent} is read-only"
        if folder_is_read_only(path) or not file_is_read_only(path)
        else f"The library file {path} is read-only"
    )
    return ReadOnlyLibraryError(
        f"{where} (reading still works): the change was not saved. Make it writable, or choose "
        "another data folder with --data-dir."
    )


def search_too_long(detail: object) -> SearchTooLongError:
    return SearchTooLongError(
        f"This search is too long for the library ({detail}). Use fewer filters or words; "
        "the library is fine and was not changed."
    )


def damaged(path: Path, detail: object, *, opening: bool = False) -> DamagedLibraryError:
    head = f"cannot be opened: it is damaged ({detail})" if opening else f"is damaged ({detail})"
    return DamagedLibraryError(
        f"The library at {path} {head}. It was left untouched. Restore a backup with "
        f"`readmark-cli restore FILE` (Readmark keeps daily backups in {backups_dir(path)}); "
        "the damaged file is kept aside when you do."
    )


def is_too_long(exc: sqlite3.Error) -> bool:
    message = str(exc).lower()
    return primary_code(exc) == SQLITE_TOOBIG or any(m in message for m in TOO_LONG_MARKERS)


def database_error(path: Path, exc: sqlite3.Error, *, opening: bool = False) -> LibraryError:
    """The message for an SQLite error met while using (or, with `opening`, opening) `path`."""
    code = primary_code(exc)
    message = str(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in message.lower():
        return LibraryError(
            "The library is busy: another Readmark window or command kept it locked. Try again."
        )
    if isinstance(exc, sqlite3.IntegrityError):
        return LibraryError(f"The library refused the change: {exc}.")
    if code == SQLITE_FULL:
        return disk_full(path)
    if getattr(exc, "sqlite_errorcode", None) == SQLITE_READONLY_DBMOVED:
        return LibraryError(
            f"The library file {path} was moved or deleted while Readmark had it open; nothing "
            "more was saved. Close Readmark and open the library where it is now."
        )
    if code == SQLITE_READONLY:
        return read_only(path)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged(path, exc, opening=opening)
    if is_too_long(exc):
        return search_too_long(exc)
    if code == SQLITE_IOERR:
        return LibraryError(
            f"The disk could not read or write the library at {path} ({exc}); the change was "
            "not saved. Check the disk (or its connection, for a network or USB drive) and try "
            "again."
        )
    if opening:
        return LibraryError(
            f"The library at {path} cannot be opened ({exc}). It was left untouched; choose "
            "another data folder with --data-dir."
        )
    return LibraryError(f"The library could not do that ({exc}); nothing was changed.")
