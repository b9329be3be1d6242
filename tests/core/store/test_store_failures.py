"""When a write cannot happen the message says why (a full disk, a read-only folder, a search too
long, a file from a newer Readmark), the library is left exactly as it was, and "damaged" is said
only of a file SQLite finds damaged."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.errors import (
    DiskFullError,
    LibraryError,
    NewerLibraryError,
    ReadOnlyLibraryError,
    SearchTooLongError,
)
from reader.core.exporters.library_json import export_json
from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.runner import import_file
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from tests.core.conftest import fill_disk


def story(n: int, words: int = 40) -> Article:
    body = f"Paragraph {n} of a long story about tides and the sea. " * words
    return Article(f"Story {n}", (Block(BlockKind.PARAGRAPH, body),), url=f"https://s.example/{n}")


def big_story(n: int) -> Article:
    # Varied text, so the page cannot be squeezed into a few pages of the search index.
    words = " ".join(f"w{n}x{i:06d}" for i in range(60_000))
    return Article(f"Big {n}", (Block(BlockKind.PARAGRAPH, words),), url=f"https://big.example/{n}")


def make_library(path: Path, count: int = 5) -> None:
    with Library(path) as library:
        for n in range(count):
            library.add_article(story(n))
            library.add_tags(n + 1, ["sea"])


def contents(path: Path) -> list[tuple[object, ...]]:
    """Every row a person could notice, read once all other connections are closed."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT id, title, text FROM articles ORDER BY id").fetchall()
        rows += conn.execute("SELECT article_id, tag_id FROM article_tags ORDER BY 1, 2").fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    return rows


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def cli(data: Path, *args: str) -> Run:
    """readmark-cli as a person runs it, in this process: no library stays open after it."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--data-dir", str(data), *args])
    return Run(code, out.getvalue(), err.getvalue())


# -- a full disk ------------------------------------------------------------------------------


def limit_pages(library: Library, extra: int = 0) -> None:
    """SQLite's page limit: the file may not grow, as on a disk with no space left."""
    pages = library.db.execute("PRAGMA page_count").fetchone()[0]
    library.db.execute(f"PRAGMA max_page_count = {pages + extra}")


def test_a_full_disk_during_add_says_so_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    make_library(path)
    before = path.read_bytes()
    library = Library(path)
    limit_pages(library)
    with pytest.raises(DiskFullError, match="The disk is full") as caught:
        library.add_article(big_story(1))
    assert "damaged" not in str(caught.value) and "restore" not in str(caught.value).lower()
    assert library.count() == 5  # reading goes on
    library.close()
    assert path.read_bytes() == before  # not a byte of the failed write reached the file

    library = Library(path)
    library.add_article(big_story(1))  # space is back: the same write works
    library.close()
    assert [row[1] for row in contents(path)[:6]] == [f"Story {n}" for n in range(5)] + ["Big 1"]


def test_a_full_disk_during_import_stops_it_and_the_rerun_finishes(tmp_path: Path) -> None:
    source = tmp_path / "source.sqlite3"
    with Library(source) as library:
        ids = [library.add_article(big_story(n) if n == 3 else story(n, 400)) for n in range(6)]
        export_json(library, tmp_path / "export.json", ids)
    path = tmp_path / "library.sqlite3"
    make_library(path, count=1)
    library = Library(path)
    limit_pages(library, extra=200)  # room for the job and small articles, not the big one
    policy = FetchPolicy(workers=1)
    with pytest.raises(DiskFullError, match="The disk is full"):
        import_file(library, tmp_path / "export.json", "auto", policy, fetch_images=False)
    library.close()
    titles = [row[1] for row in contents(path) if isinstance(row[1], str)]
    assert "Big 3" not in titles  # no half-saved article
    assert titles[:1] == ["Story 0"]

    library = Library(path)  # space is back: the same import resumes and completes
    report = import_file(library, tmp_path / "export.json", "auto", policy, fetch_images=False)
    library.close()
    assert report.failed == 0
    titles = [row[1] for row in contents(path) if isinstance(row[1], str)]
    assert sorted(titles) == sorted(["Story 0", "Big 3"] + [f"Story {n}" for n in (1, 2, 4, 5)])


def test_a_really_full_disk_during_add_and_import(small_disk: Path, tmp_path: Path) -> None:
    path = small_disk / "library.sqlite3"
    make_library(path, count=2)
    with Library(tmp_path / "source.sqlite3") as source:
        ids = [source.add_article(big_story(n)) for n in (10, 11)]
        export_json(source, tmp_path / "export.json", ids)
    before = contents(path)
    library = Library(path)
    filler = fill_disk(small_disk)
    try:
        with pytest.raises(DiskFullError, match="The disk is full"):
            library.add_article(big_story(1))
        with pytest.raises(LibraryError, match="The disk is full"):
            import_file(library, tmp_path / "export.json", "auto", FetchPolicy(workers=1))
        assert library.count() == 2
    finally:
        filler.unlink()
    library.add_article(big_story(1))
    report = import_file(library, tmp_path / "export.json", "auto", FetchPolicy(workers=1))
    library.close()
    assert report.failed == 0
    after = contents(path)
    assert after[:2] == before[:2]
    titles = {row[1] for row in after if isinstance(row[1], str)}
    assert {"Big 1", "Big 10", "Big 11"} <= titles


# -- a read-only folder -----------------------------------------------------------------------


def test_a_read_only_folder_still_reads_and_says_why_a_write_fails(
    tmp_path: Path, read_only_folder
) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    path = data / "library.sqlite3"
    make_library(path)
    before = path.read_bytes()
    folder = read_only_folder(data)
    folder.lock()
    with Library(path) as library:
        assert library.count() == 5
        assert library.get(2).article.title == "Story 1"
        assert [hit.id for hit in library.search("tides", limit=3)]
        with pytest.raises(ReadOnlyLibraryError, match=r"read-only \(reading still works\)"):
            library.add_tags(1, ["new"])
    listed = cli(data, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 5
    tagged = cli(data, "tag", "1", "new")
    assert tagged.returncode == 1
    assert "read-only (reading still works)" in tagged.stderr
    assert "Traceback" not in tagged.stderr and "damaged" not in tagged.stderr
    folder.unlock()
    assert path.read_bytes() == before
    assert sorted(p.name for p in data.iterdir()) == ["library.sqlite3"]


# -- files this version must not touch ------------------------------------------------------


def not_sqlite(path: Path) -> None:
    path.write_bytes(b"My shopping list: eggs, milk\n" * 200)


def truncated(path: Path) -> None:
    make_library(path, count=30)
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data[: len(data) // 3])


def from_a_newer_readmark(path: Path) -> None:
    make_library(path)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('readmark', 'm900_from_the_future', '2031-01-01')"
    )
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")  # one file, as a copied library would be
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (not_sqlite, "not a Readmark library"),
        (truncated, "damaged"),
        (from_a_newer_readmark, "newer version of Readmark"),
    ],
    ids=["not-sqlite", "truncated", "newer"],
)
def test_a_file_this_version_cannot_use_gets_a_message_and_stays_byte_identical(
    tmp_path: Path, make, message: str
) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    path = data / "library.sqlite3"
    make(path)
    before = path.read_bytes()
    for args in (["stats"], ["tag", "3", "x"], ["add", "--no-entities", str(tmp_path / "a.txt")]):
        (tmp_path / "a.txt").write_text("A note\n\nSome words about the sea.", encoding="utf-8")
        done = cli(data, *args)
        assert done.returncode == 1, (args, done.stdout)
        assert message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    if message == "damaged":
        assert "readmark-cli restore" in done.stderr and "backups" in done.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in data.iterdir()) == ["library.sqlite3"]


def test_a_library_from_a_newer_readmark_is_refused_in_process(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    from_a_newer_readmark(path)
    before = path.read_bytes()
    with pytest.raises(NewerLibraryError, match="m900_from_the_future"):
        Library(path)
    assert path.read_bytes() == before


# -- a search too long ------------------------------------------------------------------------


def test_a_search_with_1200_tag_filters_is_too_long_not_damage(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    make_library(path)
    query = " ".join(f"tag:t{n}" for n in range(1200))
    with Library(path) as library:
        with pytest.raises(SearchTooLongError, match="This search is too long") as caught:
            library.list_articles(20, 0, filter=query)
        assert "damaged" not in str(caught.value)
        with pytest.raises(SearchTooLongError):
            library.search("sea " + query)
        assert library.count("tag:sea") == 5  # the library answers the next search
