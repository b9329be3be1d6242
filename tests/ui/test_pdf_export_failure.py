"""A PDF export that cannot be written exits non-zero with a message, and an earlier PDF of that
name stays as it was (Qt's PDF writer reports no write errors of its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.library import Library
from tests.conftest import ROOT
from tests.core.conftest import fill_disk, small_disk_in

EARLIER = b"%PDF-1.4 an earlier export the person still needs\n%%EOF\n"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    yield from small_disk_in(tmp_path)


def export_pdf(data: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "reader.cli",
            "--data-dir",
            str(data),
            "export",
            "--format",
            "pdf",
            str(dest),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_pdf_export_onto_a_full_disk_fails_and_keeps_the_earlier_pdf(
    tmp_path: Path, small_disk: Path
) -> None:
    data = tmp_path / "data"
    with Library(data / "library.sqlite3") as library:
        library.ensure_sample()
    dest = small_disk / "all.pdf"
    dest.write_bytes(EARLIER)
    filler = fill_disk(small_disk)
    try:
        done = export_pdf(data, dest)
    finally:
        filler.unlink()
    assert done.returncode == 1, done.stdout
    assert "Could not write" in done.stderr and "Traceback" not in done.stderr
    assert "exported" not in done.stdout
    assert dest.read_bytes() == EARLIER
    assert sorted(p.name for p in small_disk.iterdir()) == ["all.pdf"]
