"""Highlights over a library: they follow every change of their article's text (re-extraction
in the same transaction, or on the next look when another tool changed it)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reader.core import repairing
from reader.core.anchoring import library_reanchor, new_annotation
from reader.core.highlights import current_annotations
from reader.core.library import Library
from reader.core.models import Block, BlockKind
from tests.core.test_anchoring import PARAGRAPHS, _article


def test_reextraction_with_a_changed_extractor_keeps_every_highlight_and_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "floods.txt"
    source.write_text("Floods\n\n" + "\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    library = Library(tmp_path / "lib.sqlite3", reanchor=library_reanchor)
    article_id = library.add_source(str(source))
    text = library.get(article_id).article.text
    quotes = ["highest in forty years", "never seen anything like it", "old bridge", "mud"]
    for index, quote in enumerate(quotes):
        start = text.index(quote)
        mark = new_annotation(text, start, start + len(quote), note=f"note {index}")
        library.add_annotation(article_id, mark)

    original_extract = repairing.extract_logged

    def changed_extractor(raw, kind=None, reading="readmark", compare=False):  # type: ignore[no-untyped-def]
        article, log = original_extract(raw, kind, reading, compare)
        # A newer extractor: a standfirst before the body, straight quotes, a typo fixed badly.
        blocks = [Block(BlockKind.PARAGRAPH, "Listen to this story. 4 min read.")]
        for block in article.blocks:
            changed = block.text.replace("“", '"').replace("”", '"')
            changed = changed.replace("old bridge", "old  bridge").replace("forty", "fourty")
            blocks.append(replace(block, text=changed, inlines=()))
        return replace(article, blocks=tuple(blocks)), log

    monkeypatch.setattr(repairing, "extract_logged", changed_extractor)
    assert library.reextract(article_id)
    new_text = library.get(article_id).article.text
    assert new_text.startswith("Listen to this story.")
    marks = {m.note: m for m in library.annotations(article_id)}
    assert sorted(marks) == [f"note {i}" for i in range(4)]
    assert not any(m.orphaned for m in marks.values())
    for mark in marks.values():
        assert new_text[mark.start : mark.end] == mark.exact
    assert marks["note 0"].exact == "highest in fourty years"
    assert marks["note 1"].exact == "never seen anything like it"
    assert marks["note 2"].exact == "old  bridge"
    assert marks["note 3"].exact == "mud"
    library.close()


def test_highlights_left_behind_by_a_library_without_the_hook_are_placed_on_next_look(
    tmp_path: Path,
) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    article_id = library.add_article(_article(PARAGRAPHS))
    text = library.get(article_id).article.text
    start = text.index("sandbags")
    library.add_annotation(article_id, new_annotation(text, start, start + 8, note="bags"))
    library.add_article(_article(["Breaking: an update.", *PARAGRAPHS]))
    (mark,) = current_annotations(library, article_id)
    new_text = library.get(article_id).article.text
    assert new_text[mark.start : mark.end] == "sandbags" and mark.note == "bags"
    assert library.annotations(article_id)[0].start == mark.start  # saved, not only computed
    library.close()
