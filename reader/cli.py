"""readmark-cli: the library from a terminal. Each command lives in `reader/commands/`."""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Sequence

from reader import __version__
from reader.commands.common import terminal_streams
from reader.core.errors import ReadmarkError
from reader.core.textsafe import terminal_text

# One module per command (or group of commands); each has `register(subparsers)`, which adds its
# parsers and sets `run=function(args) -> int` on them.
COMMAND_MODULES = [
    "reader.commands.extract",
    "reader.commands.entities",
    "reader.commands.entity",
    "reader.commands.highlights",
    "reader.commands.library",
    "reader.commands.importexport",
    "reader.commands.backup",
    "reader.commands.serve",
    "reader.commands.feeds",
    "reader.commands.repair",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readmark-cli",
        description="Readmark from the command line: extract, save, search and export articles.",
    )
    parser.add_argument("--version", action="version", version=f"readmark {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="library folder (default: the user data folder, or $READMARK_DATA_DIR)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    with terminal_streams():
        try:
            from reader.commands.backup import daily_backup, warn_if_synced

            warn_if_synced(args)
            daily_backup(args)
            return int(args.run(args) or 0)
        except ReadmarkError as exc:
            print(f"readmark-cli: {terminal_text(str(exc))}", file=sys.stderr)
            return 1
        except sqlite3.Error as exc:
            # A statement outside the library's own methods (an import's bookkeeping, say) met a
            # full disk or a read-only folder: say which, not a traceback.
            from reader.core.failures import database_error
            from reader.core.paths import library_path

            message = database_error(library_path(args.data_dir), exc)
            print(f"readmark-cli: {terminal_text(str(message))}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0


if __name__ == "__main__":
    sys.exit(main())
