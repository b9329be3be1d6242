"""Files that appear whole or not at all: written to a temporary file in the target folder and
renamed into place, so a kill, a full disk or a crash mid-export never leaves a truncated file
where an earlier good one was."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.core.errors import ExportWriteError

PARTIAL_SUFFIX = ".partial"
MAX_TEMPORARY_STEM_BYTES = 255 - len(f".{PARTIAL_SUFFIX}")


def write_error(dest: Path, exc: OSError) -> ExportWriteError:
    reason = (
        "the disk is full"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT)
        else (exc.strerror or str(exc)).lower()
    )
    return ExportWriteError(
        f"Could not write {dest}: {reason}. Nothing was replaced; an earlier {dest.name}, if "
        "there was one, is unchanged."
    )


def ensure_folder(folder: Path) -> None:
    """Create `folder` (and its parents) for an export, or say plainly why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(folder, exc) from exc


@contextmanager
def replacing(dest: Path) -> Iterator[Path]:
    """A fresh temporary path beside `dest` to write to; when the block ends without an error it
    is flushed to disk and renamed over `dest`, otherwise it is removed.

    The temporary file sits in the same folder so the rename stays on one file system (atomic).
    """
    ensure_folder(dest.parent)
    # A fixed name, so what a killed export left is overwritten by the next one rather than piled
    # up; cut so that it fits the file system's 255 bytes even when `dest`'s name uses them all.
    stem = dest.name.encode("utf-8")[:MAX_TEMPORARY_STEM_BYTES].decode("utf-8", errors="ignore")
    temporary = dest.with_name(f".{stem}{PARTIAL_SUFFIX}")
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())  # the rename must not reach the disk before the bytes
        os.replace(temporary, dest)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise write_error(dest, exc) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text(dest: Path, text: str) -> None:
    with replacing(dest) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_bytes(dest: Path, data: bytes) -> None:
    with replacing(dest) as temporary:
        temporary.write_bytes(data)
