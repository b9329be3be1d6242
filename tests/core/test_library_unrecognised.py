"""Articles whose entities were never recognised: listed newest first, from an index."""

from __future__ import annotations

from pathlib import Path

from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind, Mention
from reader.core.store.entities import UNBOUNDED_ID, UNRECOGNISED_SQL


def note(title: str, lang: str | None = None) -> Article:
    return Article(
        title=title, blocks=(Block(BlockKind.PARAGRAPH, f"{title} in Paris."),), lang=lang
    )


def test_lists_english_and_unknown_articles_never_recognised(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        plain = library.add_article(note("Plain"))
        english = library.add_article(note("English", "en-GB"))
        french = library.add_article(note("French", "fr"))
        done = library.add_article(note("Done", "en"))
        library.set_entities(done, [Mention(5, 10, "GPE", "gpe:paris")], [])
        trashed = library.add_article(note("Trashed", "en"))
        library.delete(trashed)
        assert library.unrecognised() == [english, plain]
        assert library.unrecognised(limit=1) == [english]
        assert library.unrecognised(before=english) == [plain]
        library.set_entities(english, [], [])  # recognised, nothing found: not listed again
        assert library.unrecognised() == [plain]
        library.restore(trashed)
        assert library.unrecognised() == [trashed, plain]
        assert french not in library.unrecognised(limit=100)


def test_the_listing_reads_the_index_not_the_table(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_article(note("One"))
        plan = library.db.conn.execute(
            "EXPLAIN QUERY PLAN " + UNRECOGNISED_SQL, [UNBOUNDED_ID, 20]
        ).fetchall()
    details = " ".join(str(row[-1]) for row in plan)
    assert "USING INDEX articles_unrecognised" in details
    assert "TEMP B-TREE" not in details
