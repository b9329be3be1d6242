"""Fixtures for the store's failure tests: a small real disk that fills up, a folder that cannot
be written even by root."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

SMALL_DISK_BYTES = 24 * 1024 * 1024


def _run(*command: str) -> bool:
    try:
        done = subprocess.run(command, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def small_disk_in(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of SMALL_DISK_BYTES: writes on it really meet ENOSPC."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if not _run("mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK_BYTES}", "tmpfs", str(mount)):
        pytest.skip("mounting a tmpfs is not allowed here (needs root with CAP_SYS_ADMIN)")
    try:
        yield mount
    finally:
        _run("umount", "-l", str(mount))


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    yield from small_disk_in(tmp_path)


def fill_disk(folder: Path) -> Path:
    """Fill the disk holding `folder` to the last byte; returns the filler to delete."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as out:
        for size in (64 * 1024, 4096, 512, 1):  # then the last bytes the big chunks left
            try:
                while out.write(b"\0" * size):
                    pass
            except OSError:
                pass
    return filler


class ReadOnlyFolder:
    """Makes a folder read-only in a way root cannot ignore: `chattr +i`, or else a read-only
    bind mount of it onto itself."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.undo: list[tuple[str, ...]] = []

    def lock(self) -> None:
        if _run("chattr", "+i", str(self.folder)):
            self.undo.append(("chattr", "-i", str(self.folder)))
        elif _run("mount", "--bind", str(self.folder), str(self.folder)):
            self.undo.append(("umount", "-l", str(self.folder)))
            if not _run("mount", "-o", "remount,ro,bind", str(self.folder)):
                self.unlock()
        if os.access(self.folder, os.W_OK):
            self.unlock()
            pytest.skip("no way to make a folder read-only for root here (chattr, bind mount)")

    def unlock(self) -> None:
        while self.undo:
            _run(*self.undo.pop())


@pytest.fixture
def read_only_folder() -> Iterator[type[ReadOnlyFolder]]:
    made: list[ReadOnlyFolder] = []

    class Tracked(ReadOnlyFolder):
        def __init__(self, folder: Path) -> None:
            super().__init__(folder)
            made.append(self)

    yield Tracked
    for folder in made:
        folder.unlock()
