"""A Readmark JSON export restores a library exactly, and a bad entry never stops an import."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from reader.core.anchoring import new_annotation
from reader.core.exporters.library_json import export_json
from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.runner import import_file
from reader.core.library import Library
from reader.core.models import Annotation, Article, Block, BlockKind, Inline, RawPage
from tests.conftest import FIXTURES

from .library_snapshot import assert_same_library, snapshot
from .test_export import tiny_png

COLORS = ("yellow", "green", "blue", "pink", "purple")
NO_WAIT = FetchPolicy(host_delay_s=0)


def article(n: int, from_file: bool, revision: int = 0) -> Article:
    words = f"Entry {n} of the logbook{' (revised)' if revision else ''}"
    return Article(
        title=f"Logbook {n}" if n % 9 else f"Logbook {n} — «unicode» title",
        blocks=(
            Block(BlockKind.HEADING, f"Day {n}", level=2),
            Block(
                BlockKind.PARAGRAPH,
                f"{words}: the wind turned north at dawn and the boats came home early.",
                inlines=(Inline(0, 5, "em"), Inline(6, 8, "link", "https://example.org/x")),
            ),
            Block(BlockKind.IMAGE, f"Harbour {n}", src=f"https://img.example.org/{n}.png"),
            Block(BlockKind.LIST_ITEM, "nets mended", level=1),
            Block(BlockKind.QUOTE, f"Quote {n}: nothing waits for the tide."),
        ),
        byline=None if n % 4 else "Ada Fjord",
        site_name=None if from_file else "Harbour Times",
        published=None if n % 5 else "2024-03-01",
        lang="en" if n % 6 else None,
        url=None if from_file else f"https://example.org/log/{n}",
        excerpt=None if n % 7 else f"A short summary of entry {n}.",
    )


def source_page(n: int, from_file: bool) -> RawPage | None:
    if from_file:
        data = f"Logbook {n}\n\nEntry {n}, saved from a text file.".encode()
        return RawPage(data, "text/plain", path=f"/home/ada/log/{n}.txt")
    if n % 10 == 1:
        return None  # added without a stored source (pasted, or by an older release)
    return RawPage(
        f"<html><p>Entry {n}</p></html>".encode(), "text/html", url=article(n, False).url
    )


def build_library(path: Path, count: int) -> Library:
    """`count` articles, a third saved from files (no URL), with every kind of stored state."""
    png = tiny_png()
    library = Library(path, fetch_image=lambda url: (png + url.encode(), "image/png"))
    for n in range(count):
        if n % 100 == 0:  # a hundred articles per commit: the same rows, built faster
            batch = library.transaction()
            batch.__enter__()
        from_file = n % 3 == 0
        tags = ["logbook", f"week {n % 10}"] + (["Reading"] if n % 4 == 0 else [])
        article_id = library.add_article(
            article(n, from_file),
            source_page(n, from_file),
            tags=tags,
            added_at=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T08:{n % 60:02d}:00+00:00",
        )
        text = library.get(article_id).article.text
        if n % 2 == 0:
            start = text.index("wind")
            library.add_annotation(
                article_id,
                new_annotation(text, start, start + 10, color=COLORS[n % 5], note=f"note {n}"),
            )
        if n % 5 == 0:  # the same words highlighted twice, with different notes
            start = text.index("boats")
            for note in ("first look", "second look"):
                library.add_annotation(
                    article_id, new_annotation(text, start, start + 5, note=note)
                )
        if n % 7 == 0:
            library.add_annotation(
                article_id,
                Annotation(
                    id=f"orphan-{n}",
                    start=0,
                    end=0,
                    exact="words the text lost",
                    orphaned=True,
                    note="kept anyway",
                    created_at="2023-05-01T00:00:00+00:00",
                    updated_at="2023-05-02T00:00:00+00:00",
                ),
            )
        if n % 4 == 0:
            library.set_read(article_id)
        if n % 5 == 0:
            library.set_favorite(article_id)
        if n % 6 == 0:
            library.set_archived(article_id)
        if n % 3 == 1:
            library.set_progress(article_id, n / count)
        if n % 8 == 0:
            library.mark_opened(article_id)
        if n % 50 == 2:
            # Changed text whose highlights were not re-anchored yet: the old text is kept.
            library.reanchor = lambda old, new, annotations: []
            library.add_article(article(n, from_file, revision=1), source_page(n, from_file))
            library.reanchor = None  # type: ignore[assignment]
        if n % 100 == 99 or n == count - 1:
            batch.__exit__(None, None, None)
    return library


def test_a_library_of_1000_articles_is_restored_exactly_and_a_second_import_changes_nothing(
    tmp_path: Path,
) -> None:
    source_path = tmp_path / "source.sqlite3"
    library = build_library(source_path, 1000)
    stats = library.stats()
    assert stats["articles"] == 1000 and stats["images"] == 1000
    kept = library.db.execute("SELECT count(*) FROM text_versions").fetchone()[0]
    assert kept > 0
    dest = tmp_path / "backup.json"
    assert export_json(library, dest) == 1000
    library.close()

    restored_path = tmp_path / "restored.sqlite3"
    restored = Library(restored_path)
    restored.set_setting("archive_images", False)  # the backup's images come back regardless
    report = import_file(restored, dest, policy=NO_WAIT)
    assert (report.added, report.existing, report.failed) == (1000, 0, 0), report.summary()
    assert_same_library(source_path, restored_path)

    before = snapshot(restored_path)
    again = import_file(restored, dest, policy=NO_WAIT)
    assert (again.added, again.existing, again.failed) == (0, 1000, 0)
    assert snapshot(restored_path) == before
    # Search and the re-extraction source work in the restored library.
    assert restored.count("tag:reading") == 250
    assert restored.source(report.rows[0].article_id or 0) is not None
    restored.close()


def test_articles_saved_from_files_each_come_back_with_their_own_highlights(
    tmp_path: Path, sample_path: Path
) -> None:
    library = Library(tmp_path / "source.sqlite3")
    ids = []
    for n in range(20):
        file = tmp_path / f"note-{n}.txt"
        file.write_text(f"Note {n}\n\nThis note number {n} was written on the train home.")
        ids.append(library.add_source(str(file)))
        text = library.get(ids[-1]).article.text
        start = text.index(f"number {n}")
        end = start + len(f"number {n}")
        library.add_annotation(ids[-1], new_annotation(text, start, end, note=f"n{n}"))
    dest = tmp_path / "notes.json"
    export_json(library, dest)
    restored = Library(tmp_path / "restored.sqlite3")
    report = import_file(restored, dest)
    assert (report.added, report.existing) == (20, 0), report.summary()
    for summary in restored.list_articles():
        notes = restored.annotations(summary.id)
        n = summary.title.split()[-1]
        assert [(a.exact, a.note, a.orphaned) for a in notes] == [(f"number {n}", f"n{n}", False)]


def test_a_uid_finds_the_article_even_when_its_address_changed(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    article_id = library.add_article(article(1, False))
    dest = tmp_path / "one.json"
    export_json(library, dest)
    data = json.loads(dest.read_text())
    data["articles"][0]["url"] = data["articles"][0]["canonical_url"] = "https://moved.example/"
    dest.write_text(json.dumps(data))
    library.delete(article_id)
    report = import_file(library, dest)
    assert [(row.status, row.article_id) for row in report.rows] == [("existing", article_id)]
    assert "trash" in report.rows[0].reason
    assert library.count() == 1  # taken out of the trash, not added a second time


def test_an_export_from_before_uids_still_imports(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    library.add_article(article(1, False), tags=["sea"])
    library.add_article(article(2, True))
    dest = tmp_path / "old.json"
    export_json(library, dest)
    data = json.loads(dest.read_text())
    data["readmark_library"] = 1
    for entry in data["articles"]:
        for name in ("uid", "source", "text_versions", "domain", "word_count", "updated_at"):
            entry.pop(name)
    dest.write_text(json.dumps(data))
    restored = Library(tmp_path / "restored.sqlite3")
    report = import_file(restored, dest)
    assert report.added == 2
    uids = [restored.get(row.article_id or 0).uid for row in report.rows]
    assert all(uids) and len(set(uids)) == 2
    assert restored.tags(report.rows[0].article_id) == ["sea"]


MALFORMED = {
    "a highlight position 'abc'": (
        lambda e: e["annotations"].append({"exact": "wind", "start": "abc", "end": 4}),
        "highlight 1: position 'abc'-4 is not two whole numbers",
    ),
    "an image URL that is an object": (
        lambda e: e["images"][0].update(url={"href": "x"}),
        'image 1: URL {"href": "x"} is not an address',
    ),
    "read_progress 'nan'": (
        lambda e: e.update(read_progress="nan"),
        "read_progress is 'nan', not a number from 0 to 1",
    ),
    "read_progress NaN": (
        lambda e: e.update(read_progress=float("nan")),
        "read_progress is NaN, not a number from 0 to 1",
    ),
    "a missing title": (lambda e: e.pop("title"), "it has no title"),
    "tags that are not a list": (
        lambda e: e.update(tags="sea"),
        "tags is 'sea', not a list of names",
    ),
    "a block of no known kind": (
        lambda e: e["blocks"][0].update(kind="marquee"),
        "block 1: kind 'marquee' is not a kind of block",
    ),
    "no blocks": (lambda e: e.update(blocks=[]), "it has no blocks of text"),
    "a state that is not true or false": (
        lambda e: e.update(archived="yes"),
        "archived is 'yes', not true or false",
    ),
    "a date that is not a date": (
        lambda e: e.update(added_at="last Tuesday"),
        "added_at 'last Tuesday' is not a date",
    ),
    "a uid that is a number": (lambda e: e.update(uid=7), "uid is 7, not an identifier"),
    "a source that is not base64": (
        lambda e: e.update(source={"content_type": "text/html", "zlib": "%%%"}),
        "source data is not valid base64",
    ),
}


def test_malformed_entries_are_reported_and_the_good_ones_imported(tmp_path: Path) -> None:
    png = tiny_png()
    library = Library(tmp_path / "source.sqlite3", fetch_image=lambda url: (png, "image/png"))
    count = len(MALFORMED) * 2 + 1
    for n in range(count):
        library.add_article(article(n, n % 3 == 0), source_page(n, n % 3 == 0), tags=["sea"])
    dest = tmp_path / "mixed.json"
    export_json(library, dest)
    data = json.loads(dest.read_text())
    # Every other entry is spoiled in its own way; the others stay good.
    for (spoil, _reason), entry in zip(MALFORMED.values(), data["articles"][1::2], strict=False):
        spoil(entry)
    data["articles"].append("not an article at all")
    dest.write_text(json.dumps(data))

    restored = Library(tmp_path / "restored.sqlite3")
    report = import_file(restored, dest)
    failed = [row for row in report.rows if row.status == "failed"]
    expected = [f"entry {2 * i + 2}: {reason}" for i, (_s, reason) in enumerate(MALFORMED.values())]
    expected.append(f"entry {len(data['articles'])}: 'not an article at all' is not an article")
    assert [row.reason for row in failed] == expected
    assert report.added == count - len(MALFORMED)
    assert restored.count() == count - len(MALFORMED)
    assert restored.db.execute("SELECT state FROM import_jobs").fetchall() == [("done",)]
    # The same file again: the good ones are there, the bad ones reported again, nothing stuck.
    again = import_file(restored, dest)
    assert (again.added, again.existing, again.failed) == (0, report.added, len(expected))


def test_a_damaged_row_in_an_interrupted_job_does_not_block_the_resume(tmp_path: Path) -> None:
    library = Library(tmp_path / "source.sqlite3")
    for n in range(3):
        library.add_article(article(n, True), source_page(n, True))
    dest = tmp_path / "three.json"
    export_json(library, dest)
    restored = Library(tmp_path / "restored.sqlite3")
    from reader.core.importing.job import prepare_import
    from reader.core.importing.runner import BulkImporter

    job = prepare_import(restored, dest)
    restored.db.execute(
        'UPDATE import_items SET item = \'{"url": 1, "highlights": 5}\' WHERE seq = 1'
    )
    report = BulkImporter(restored).run(job)
    assert [row.status for row in report.rows] == ["added", "failed", "added"]
    assert "cannot be read" in report.rows[1].reason


def test_an_old_library_gets_uids_that_stay(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    shutil.copy(FIXTURES / "db" / "v1.sqlite3", path)
    with Library(path) as library:
        uids = {s.id: library.get(s.id).uid for s in library.list_articles()}
        new_id = library.add_article(article(5, True))
        uids[new_id] = library.get(new_id).uid
    assert len(uids) == 3 and all(uids.values()) and len(set(uids.values())) == 3
    with Library(path) as library:
        assert {i: library.get(i).uid for i in uids} == uids
    conn = sqlite3.connect(path)
    try:
        # Any other way a row arrives gets an identity too.
        conn.execute(
            "INSERT INTO articles(title, content, text, added_at) VALUES ('t', '[]', '', 'now')"
        )
        (uid,) = conn.execute("SELECT uid FROM articles WHERE title = 't'").fetchone()
        assert len(uid) == 36 and uid[14] == "4"
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE articles SET uid = ? WHERE title = 't'", [uids[new_id]])
    finally:
        conn.close()


def test_articles_in_the_trash_travel_in_the_backup_and_come_back_in_the_trash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader import cli
    from reader.core.paths import library_path

    source_path = library_path()
    library = Library(source_path)
    ids = [
        library.add_article(article(n, n % 2 == 0), source_page(n, n % 2 == 0)) for n in range(6)
    ]
    text = library.get(ids[1]).article.text
    start = text.index("wind")
    library.add_annotation(ids[1], new_annotation(text, start, start + 4, note="in the bin"))
    library.delete(ids[0])  # saved from a file
    library.delete(ids[1])  # saved from a URL, with a highlight
    trashed = sorted(library.get(i).article.title for i in ids[:2])
    library.close()
    dest = tmp_path / "backup.json"
    assert cli.main(["export", str(dest)]) == 0  # the CLI's whole-library backup
    assert "6 articles exported" in capsys.readouterr().out

    restored_path = tmp_path / "restored.sqlite3"
    restored = Library(restored_path)
    report = import_file(restored, dest, policy=NO_WAIT)
    assert (report.added, report.existing, report.failed) == (6, 0, 0), report.summary()
    assert restored.count() == 4
    assert sorted(summary.title for summary in restored.trash()) == trashed
    assert_same_library(source_path, restored_path)

    before = snapshot(restored_path)
    again = import_file(restored, dest, policy=NO_WAIT)
    assert (again.added, again.existing, again.failed) == (0, 6, 0)
    assert snapshot(restored_path) == before  # still in the trash, not taken out of it
    restored.close()
