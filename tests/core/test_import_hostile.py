"""Hostile import files are refused before memory grows; large deletes give the disk space back."""

from __future__ import annotations

import json
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from reader.core.errors import LoadError
from reader.core.importers import detect_format, read_items
from reader.core.importers.safezip import SafeZip
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from reader.core.store import db as store_db

INFLATED_BYTES = 12 * 1024 * 1024


def _omnivore_bomb(path: Path) -> Path:
    metadata = [{"id": "a", "slug": "a", "url": "https://example.org/a", "title": "A"}]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata_0_to_1.json", json.dumps(metadata))
        with archive.open("content/a.html", "w") as entry:
            chunk = b" " * (1024 * 1024)
            for _ in range(INFLATED_BYTES // len(chunk)):
                entry.write(chunk)
    return path


def _peak_bytes(action) -> int:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_an_omnivore_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = _omnivore_bomb(tmp_path / "omnivore.zip")
    assert path.stat().st_size < INFLATED_BYTES // 100

    def read() -> None:
        with pytest.raises(LoadError, match="unpacks to more than") as raised:
            read_items(path)
        assert "not imported" in str(raised.value)

    assert _peak_bytes(read) < 4 * 1024 * 1024


def test_a_zip_that_lies_about_its_sizes_is_stopped_while_it_inflates(tmp_path: Path) -> None:
    path = _omnivore_bomb(tmp_path / "omnivore.zip")
    with SafeZip(path) as archive:
        archive._declared = 0  # the directory claims nothing: only the real bytes tell
        peak = _peak_bytes(lambda: _expect_refused(archive))
    assert peak < 8 * 1024 * 1024


def _expect_refused(archive: SafeZip) -> None:
    with pytest.raises(LoadError, match="times its packed size"):
        archive.read("content/a.html")


def test_emptying_a_large_trash_shrinks_the_library_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "RECLAIM_MIN_BYTES", 1024 * 1024)
    path = tmp_path / "library.sqlite3"
    paragraph = "A long paragraph of an article that nobody wants any more. " * 500
    with Library(path) as library:
        ids = [
            library.add_article(
                Article(
                    title=f"Article {n}",
                    blocks=(Block(BlockKind.PARAGRAPH, f"{n} {paragraph}"),) * 10,
                    url=f"https://example.org/{n}",
                )
            )
            for n in range(12)
        ]
        library.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        full = os.stat(path).st_size
        for article_id in ids:
            library.delete(article_id)
        assert library.empty_trash() == len(ids)
        assert os.stat(path).st_size < full // 3
        assert library.list_articles(50) == []


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_pocket_csv_saved_as_utf16_is_read_as_pocket(tmp_path: Path, encoding: str) -> None:
    original = (FIXTURES / "pocket_single.csv").read_text("utf-8")
    path = tmp_path / "pocket.csv"
    path.write_bytes(original.encode(encoding))
    assert detect_format(path) == "pocket"
    expected = read_items(FIXTURES / "pocket_single.csv")
    assert [item.url for item in read_items(path)] == [item.url for item in expected]


def test_a_bookmark_after_deeply_nested_folders_is_kept(tmp_path: Path) -> None:
    depth = 3000
    folders = "".join(f"<DT><H3>Folder {n}</H3><DL><p>" for n in range(depth))
    closing = "</DL><p>" * depth
    path = tmp_path / "bookmarks.html"
    path.write_text(
        f"<DL><p>{folders}<DT><A HREF='https://deep.example/'>Deep</A>{closing}"
        "<DT><A HREF='https://after.example/'>After</A></DL>"
    )
    assert detect_format(path) == "bookmarks"
    items = read_items(path)
    assert [item.url for item in items] == ["https://deep.example/", "https://after.example/"]
    assert items[1].tags == ()
