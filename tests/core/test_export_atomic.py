"""Exports appear whole or not at all: a full disk or a failure half-way leaves the earlier file
exactly as it was, no temporary file behind, and the command exits with a message."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.atomic import PARTIAL_SUFFIX
from reader.core.errors import ExportWriteError
from reader.core.exporters import library_json
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from tests.core.conftest import fill_disk

EARLIER = b"an earlier export the person still needs\n"


def cli(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = main(list(args))
    return code, err.getvalue()


def make_library(data: Path) -> None:
    with Library(data / "library.sqlite3") as library:
        for n in range(3):
            body = f"Paragraph {n} about rivers and tides. " * 300
            article = Article(f"Story {n}", (Block(BlockKind.PARAGRAPH, body),))
            library.add_article(article)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(PARTIAL_SUFFIX))


# (format, file name, the file inside DEST that already holds an earlier export)
FORMATS = [
    ("json", "out.json", None),
    ("html", "out.html", None),
    ("epub", "out.epub", None),
    ("markdown", "notes", "Story 0 (1).md"),
]


@pytest.mark.parametrize(("fmt", "name", "inner"), FORMATS, ids=[f[0] for f in FORMATS])
def test_an_export_onto_a_full_disk_leaves_the_earlier_file_whole(
    tmp_path: Path, small_disk: Path, fmt: str, name: str, inner: str | None
) -> None:
    data = tmp_path / "data"
    make_library(data)
    dest = small_disk / name
    earlier = dest / inner if inner else dest
    earlier.parent.mkdir(parents=True, exist_ok=True)
    earlier.write_bytes(EARLIER)
    filler = fill_disk(small_disk)
    try:
        code, err = cli("--data-dir", str(data), "export", str(dest), "--format", fmt)
    finally:
        filler.unlink()
    assert code == 1
    assert "the disk is full" in err and "unchanged" in err and "Traceback" not in err
    assert earlier.read_bytes() == EARLIER
    assert leftovers(small_disk) == []
    assert cli("--data-dir", str(data), "export", str(dest), "--format", fmt)[0] == 0
    assert earlier.read_bytes() != EARLIER  # with space back, the export replaces it


def test_an_import_report_onto_a_full_disk_says_so(tmp_path: Path, small_disk: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("not a web address\n", encoding="utf-8")
    report = small_disk / "report.csv"
    report.write_bytes(EARLIER)
    filler = fill_disk(small_disk)
    try:
        code, err = cli("--data-dir", str(tmp_path / "data"), "import", str(listing), "--quiet",
                        "--report", str(report))  # fmt: skip
    finally:
        filler.unlink()
    assert code == 1 and "the disk is full" in err
    assert report.read_bytes() == EARLIER and leftovers(small_disk) == []


def test_an_export_that_fails_half_way_leaves_the_earlier_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    make_library(data)
    dest = tmp_path / "out.json"
    dest.write_bytes(EARLIER)
    real = library_json.article_entry
    calls = []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise ExportWriteError("the second article could not be read")
        return real(*args, **kwargs)

    monkeypatch.setattr(library_json, "article_entry", failing)
    code, err = cli("--data-dir", str(data), "export", str(dest))
    assert code == 1 and "second article" in err
    assert dest.read_bytes() == EARLIER
    assert leftovers(tmp_path) == []


def test_an_export_to_a_folder_that_cannot_exist_is_a_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_library(data)
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    for fmt in ("json", "html", "epub", "markdown"):
        code, err = cli("--data-dir", str(data), "export", str(tmp_path / "a-file" / "x"),
                        "--format", fmt)  # fmt: skip
        assert code == 1 and "Could not write" in err, (fmt, err)
