"""Libraries written by earlier releases open with the current code and keep every article."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.migrations import migrations
from tests.conftest import FIXTURES

OLD_LIBRARIES = sorted((FIXTURES / "db").glob("v*.sqlite3"))


def schema(path: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return {
            (str(kind), str(name))
            for kind, name in conn.execute("SELECT type, name FROM sqlite_master")
            if not str(name).startswith("sqlite_autoindex")
        }
    finally:
        conn.close()


def test_there_is_a_library_file_from_version_1() -> None:
    assert [p.name for p in OLD_LIBRARIES][:1] == ["v1.sqlite3"]


@pytest.mark.parametrize("old", OLD_LIBRARIES, ids=lambda p: p.stem)
def test_an_old_library_upgrades_and_keeps_its_articles(old: Path, tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    shutil.copy(old, path)
    with Library(path) as library:
        titles = {s.title: s for s in library.list_articles()}
        assert "Tide tables of the Severn estuary" in titles
        assert len(titles) >= 2
        tides = library.get(titles["Tide tables of the Severn estuary"].id)
        assert tides.article.text.startswith("Tide tables\nThe Severn bore rises")
        assert tides.article.blocks[1].inlines  # formatting survived
        source = library.source(tides.id)
        assert source is not None and source.data.startswith(b"<html>")
        assert tides.favorite and not tides.unread and tides.read_progress == 0.5
        sample = titles[next(t for t in titles if t.startswith("Kremlin"))]
        assert sample.unread
        # the upgraded library is fully usable: search, tags, re-adding dedupes
        assert [hit.id for hit in library.search("severn bore")] == [tides.id]
        library.add_tags(tides.id, ["rivers"])
        assert library.count("tag:rivers") == 1
        assert library.add_article(tides.article) == tides.id
        # a local file saved by version 1 is recognised by its content: adding it again updates it
        saved_source = library.source(sample.id)
        assert saved_source is not None
        copy = tmp_path / "same-file-elsewhere.txt"
        copy.write_bytes(saved_source.data)
        assert library.add_source(str(copy)) == sample.id
        assert library.count() == len(titles)
        assert [s.title for s in library.list_articles(filter="site:news.example.org")] == [
            "Tide tables of the Severn estuary"
        ]
        applied = [m.name for m in migrations.applied(library.db)]
    assert applied == [m.name for m in migrations._migrations]
    fresh = tmp_path / "fresh.sqlite3"
    Library(fresh).close()
    assert schema(path) == schema(fresh)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_opening_an_upgraded_library_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    shutil.copy(OLD_LIBRARIES[0], path)
    Library(path).close()
    before = schema(path)
    with Library(path) as library:
        assert migrations.pending(library.db) == []
    assert schema(path) == before
