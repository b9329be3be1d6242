"""Small helpers many core modules share: timestamps and content hashes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path


def now_iso() -> str:
    """Now, in UTC, to the second: the form every date in the library file takes."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The hash of a file's bytes, read a megabyte at a time (an export may be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
