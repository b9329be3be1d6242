"""Read an uploaded zip without trusting it: no path traversal, caps on entries and sizes."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from reader.core.errors import LoadError, TooLargeError

from .encoding import decode_export

MAX_ZIP_ENTRIES = 20_000
MAX_ENTRY_BYTES = 50 * 1024 * 1024
# Everything read from one archive is held in memory (and written to the import's job), so the
# cap is what an import may cost in memory, not what a disk could take.
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# Exports of web pages compress about 5 to 10 times; a zip bomb hundreds of times. An entry
# that inflates past this ratio (beyond a small allowance) is refused while it is read.
MAX_RATIO = 100
_RATIO_ALLOWANCE_BYTES = 1024 * 1024
READ_CHUNK_BYTES = 256 * 1024


class UnsafeArchiveError(LoadError):
    """The archive is malformed, too large once unpacked, or tries to escape its folder."""


def safe_member_name(name: str) -> str | None:
    """The entry's path if it stays inside the archive, else None (absolute, `..`, drive)."""
    name = name.replace("\\", "/")
    if not name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = PurePosixPath(name).parts
    if any(part == ".." for part in parts):
        return None
    return "/".join(part for part in parts if part not in ("", "."))


class SafeZip:
    """A zip opened for reading whole entries into memory, each under a size cap.

    Nothing is ever written to disk, so a hostile name cannot land anywhere; such entries are
    listed in `skipped` and cannot be read. Sizes are counted while decompressing, since the
    sizes a zip declares can lie.
    """

    def __init__(
        self,
        path: Path,
        max_entries: int = MAX_ZIP_ENTRIES,
        max_entry_bytes: int = MAX_ENTRY_BYTES,
        max_total_bytes: int = MAX_TOTAL_BYTES,
    ) -> None:
        self.path = path
        self.max_entry_bytes = max_entry_bytes
        self.max_total_bytes = max_total_bytes
        self._read_total = 0
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise UnsafeArchiveError(f"{path.name} is not a readable zip file: {exc}") from exc
        infos = self._zip.infolist()
        if len(infos) > max_entries:
            self._zip.close()
            raise UnsafeArchiveError(
                f"{path.name} holds {len(infos)} files; the limit is {max_entries}."
            )
        self._declared = sum(info.file_size for info in infos)
        self._packed = sum(info.compress_size for info in infos)
        self._members: dict[str, zipfile.ZipInfo] = {}
        self.skipped: list[str] = []
        for info in infos:
            if info.is_dir():
                continue
            safe = safe_member_name(info.filename)
            if safe is None:
                self.skipped.append(info.filename)
                continue
            self._members.setdefault(safe, info)

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def _too_large(self) -> str:
        return (
            f"{self.path.name} unpacks to more than {self.max_total_bytes // 1_048_576} MB "
            f"or more than {MAX_RATIO} times its packed size; it was not imported."
        )

    def names(self) -> list[str]:
        return sorted(self._members)

    def read(self, name: str) -> bytes:
        info = self._members.get(name)
        if info is None:
            raise KeyError(name)
        if info.file_size > self.max_entry_bytes:
            raise TooLargeError(f"{name} in {self.path.name} is too large to import.")
        if self._declared > self.max_total_bytes or (
            self._declared > MAX_RATIO * self._packed + _RATIO_ALLOWANCE_BYTES
        ):
            # Refused from what the archive says about itself, before anything is inflated.
            raise TooLargeError(self._too_large())
        chunks: list[bytes] = []
        size = 0
        # The sizes in the directory can lie; the bytes actually inflated cannot.
        ratio_limit = MAX_RATIO * info.compress_size + _RATIO_ALLOWANCE_BYTES
        try:
            with self._zip.open(info) as handle:
                while chunk := handle.read(READ_CHUNK_BYTES):
                    size += len(chunk)
                    self._read_total += len(chunk)
                    if size > self.max_entry_bytes:
                        raise TooLargeError(f"{name} in {self.path.name} is too large to import.")
                    if self._read_total > self.max_total_bytes or size > ratio_limit:
                        raise TooLargeError(self._too_large())
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise UnsafeArchiveError(f"{name} in {self.path.name} is damaged: {exc}") from exc
        return b"".join(chunks)

    def read_text(self, name: str) -> str:
        return decode_export(self.read(name))
