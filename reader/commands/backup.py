"""`readmark-cli backup [FILE]` and `readmark-cli restore FILE`: copies of the library, and
putting one back; and what every command does first for the library's safety (the day's
backup, a warning about a synced folder)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.core.errors import LibraryError, ReadmarkError
from reader.core.paths import backups_dir, data_dir, library_path
from reader.core.store.backups import (
    backup_now,
    copy_library,
    list_backups,
    restore,
    rolling_backup,
)
from reader.core.sync_folders import sync_warning

# Commands that change the library: the first of them each day makes the day's backup first.
WRITE_COMMANDS = frozenset(
    {"add", "tag", "archive", "delete", "import", "highlight", "highlights-import"}
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="copy the library (safely, even while it is in use) to FILE or the backups folder",
        description=(
            "Copy the library through SQLite's backup API: the copy is consistent even while "
            "the window or another command is writing. Without FILE the copy goes to the "
            "backups folder beside the library, which keeps the newest seven."
        ),
    )
    backup.add_argument("file", nargs="?", metavar="FILE", help="where to write the copy")
    backup.add_argument("--list", action="store_true", help="list the backups in the folder")
    backup.set_defaults(run=run_backup)

    back = subparsers.add_parser(
        "restore",
        help="replace the library with a backup (the current one is kept aside)",
        description=(
            "Check FILE (SQLite integrity check, a Readmark library, not from a newer version), "
            "copy the current library aside into the backups folder, then copy FILE into place."
        ),
    )
    back.add_argument("file", metavar="FILE", help="a backup made by readmark-cli backup")
    back.set_defaults(run=run_restore)


def _library(args: argparse.Namespace) -> Path:
    return library_path(getattr(args, "data_dir", None))


def run_backup(args: argparse.Namespace) -> int:
    library = _library(args)
    if args.list:
        for path in list_backups(library):
            print(f"{path}\t{path.stat().st_size} bytes")
        return 0
    if not library.is_file():
        raise LibraryError(f"There is no library at {library} to back up.")
    if args.file:
        dest = Path(args.file).expanduser()
        if dest.is_dir():
            dest = dest / library.name
        if dest.exists() and dest.resolve() == library.resolve():
            raise LibraryError("FILE is the library itself; choose another file.")
        made = copy_library(library, dest)
    else:
        made = backup_now(library)
    print(f"library backed up to {made}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    library = _library(args)
    done = restore(library, Path(args.file).expanduser())
    print(f"restored {args.file} ({done.articles} articles) into {library}")
    if done.aside is not None:
        print(f"the library as it was is kept at {done.aside}")
    return 0


def daily_backup(args: argparse.Namespace) -> None:
    """Before a command that writes: the day's backup, if none was made yet. A failure is a
    warning; the command itself goes on."""
    if getattr(args, "command", None) not in WRITE_COMMANDS:
        return
    library = _library(args)
    try:
        rolling_backup(library)
    except (ReadmarkError, OSError) as exc:
        print(
            f"readmark-cli: warning: the daily backup into {backups_dir(library)} was not made: "
            f"{exc}",
            file=sys.stderr,
        )


def warn_if_synced(args: argparse.Namespace) -> None:
    warning = sync_warning(data_dir(getattr(args, "data_dir", None)))
    if warning:
        print(f"readmark-cli: warning: {warning}", file=sys.stderr)
