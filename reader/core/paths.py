"""Where Readmark keeps its data: platformdirs, overridden by --data-dir or READMARK_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Readmark"
LIBRARY_FILE = "library.sqlite3"
BACKUPS_FOLDER = "backups"


def data_dir(override: str | Path | None = None) -> Path:
    if override:
        return Path(override).expanduser()
    env = os.environ.get("READMARK_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def library_path(override: str | Path | None = None) -> Path:
    return data_dir(override) / LIBRARY_FILE


def backups_dir(library: Path) -> Path:
    """Where the rolling backups of the library file `library` are kept."""
    return library.parent / BACKUPS_FOLDER
