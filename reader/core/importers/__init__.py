"""Read the files other tools export into `ImportItem`s; `detect_format` picks the reader.

The registry: each format is a module of this package with `parse(path) -> list[ImportItem]`,
named in `FORMATS` with the label menus show and the file endings its exports have (the CLI's
choices, the Import dialog's list and its file filter are read from here), plus a rule in
`detect_format` when its files can be told apart by their contents.
"""

from __future__ import annotations

import csv
import importlib
import json
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import LoadError

from .encoding import decode_export
from .items import ImportedHighlight, ImportItem, clean_item


@dataclass(frozen=True, slots=True)
class ImportFormat:
    """How a format is offered: its name in menus and the file name endings its exports have."""

    label: str
    suffixes: tuple[str, ...]


FORMATS: dict[str, ImportFormat] = {
    "pocket": ImportFormat("Pocket (zip, CSV or ril_export.html)", (".zip", ".csv", ".html")),
    "instapaper": ImportFormat("Instapaper CSV", (".csv",)),
    "omnivore": ImportFormat("Omnivore zip", (".zip",)),
    "wallabag": ImportFormat("wallabag JSON", (".json",)),
    "bookmarks": ImportFormat("Bookmarks (browser, Pinboard, Shaarli)", (".html", ".htm")),
    "urls": ImportFormat("List of URLs, one a line", (".txt",)),
    "readmark": ImportFormat("Readmark JSON export", (".json",)),
}
MAX_IMPORT_FILE_BYTES = 512 * 1024 * 1024


class ImportFormatError(LoadError):
    """The file is not in a format Readmark can import, or not in the one asked for."""


def file_filter() -> str:
    """A file dialog's filter for every format's exports, then all files."""
    suffixes = dict.fromkeys(s for fmt in FORMATS.values() for s in fmt.suffixes)
    return f"Exports ({' '.join('*' + s for s in suffixes)});;All files (*)"


def detect_format(path: Path) -> str:
    """Guess the export format from the file's first bytes and structure."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if head.startswith(b"PK"):
        from .safezip import SafeZip

        with SafeZip(path) as archive:
            names = archive.names()
        if any(n.rsplit("/", 1)[-1].startswith("metadata_") for n in names):
            return "omnivore"
        if any(n.rsplit("/", 1)[-1].startswith("part_") for n in names):
            return "pocket"
        raise ImportFormatError(
            f"{path.name}: a zip that is neither a Pocket nor an Omnivore export."
        )
    text = decode_export(head).lstrip()
    lowered = text.lower()
    if text.startswith(("{", "[")):
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ImportFormatError(f"{path.name} is not valid JSON: {exc}") from exc
        except RecursionError as exc:
            raise ImportFormatError(
                f"{path.name}: JSON nested too deeply to be an export."
            ) from exc
        if isinstance(data, dict) and "readmark_library" in data:
            return "readmark"
        if isinstance(data, list):
            return "wallabag"
        raise ImportFormatError(f"{path.name}: JSON that Readmark does not know how to import.")
    squeezed = lowered.replace(" ", "")
    # Deep folders can push the first link past the bytes looked at; folders alone say enough.
    if (
        "netscape-bookmark-file" in lowered
        or "<dt><a" in squeezed
        or (squeezed.startswith("<dl") and "<dt><h3" in squeezed)
    ):
        return "bookmarks"
    if lowered.startswith("<") and ("time_added" in lowered or "ril_export" in lowered):
        return "pocket"
    first_line = lowered.splitlines()[0] if lowered else ""
    if "time_added" in first_line and "url" in first_line:
        return "pocket"
    if "url" in first_line and "folder" in first_line:
        return "instapaper"
    return "urls"


def read_items(path: Path, fmt: str = "auto") -> list[ImportItem]:
    """Every item in the export at `path`, in file order."""
    if not path.is_file():
        raise LoadError(f"No such file: {path}")
    if path.stat().st_size > MAX_IMPORT_FILE_BYTES:
        raise LoadError(f"{path.name} is larger than {MAX_IMPORT_FILE_BYTES // 1_048_576} MB.")
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt not in FORMATS:
        raise ImportFormatError(
            f"Unknown import format {fmt!r}; choose one of {', '.join(FORMATS)}."
        )
    module = importlib.import_module(f"{__name__}.{fmt}")
    try:
        items: list[ImportItem] = module.parse(path)
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise ImportFormatError(f"{path.name} could not be read as {fmt}: {exc}") from exc
    except RecursionError as exc:
        raise ImportFormatError(
            f"{path.name} could not be read as {fmt}: its JSON is nested too deeply."
        ) from exc
    except csv.Error as exc:
        # The csv module refuses cells over its limit (128 KB) rather than holding them.
        too_long = "field larger than field limit" in str(exc)
        reason = f"a cell is longer than {csv.field_size_limit() // 1024} KB" if too_long else exc
        raise ImportFormatError(f"{path.name} could not be read as {fmt}: {reason}.") from exc
    return [clean_item(item) for item in items]


__all__ = [
    "FORMATS",
    "ImportFormat",
    "ImportFormatError",
    "ImportItem",
    "ImportedHighlight",
    "detect_format",
    "file_filter",
    "read_items",
]
