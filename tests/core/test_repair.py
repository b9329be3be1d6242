"""Repairing an article that came out wrong: extracting again with a reading one chooses, the
log of why a reading was kept, and the library keeping the source, the highlights and the
entities through it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from reader.cli import main
from reader.core import repairing
from reader.core.errors import ExtractionError, LibraryError
from reader.core.extract import extract, extract_logged
from reader.core.library import Library
from reader.core.models import Annotation, Article, Entity, Mention, RawPage
from tests.repair_pages import ARTICLE, MENU, SIDEBAR, page

RAW = RawPage(data=page(), content_type="text/html", url="https://river.example/severn")


def test_the_usual_reading_keeps_the_article_and_the_whole_page_its_sidebar_too() -> None:
    usual = extract(RAW).text
    whole = extract(RAW, reading="whole page").text
    assert ARTICLE[2] in usual and SIDEBAR[0] not in usual
    assert ARTICLE[2] in whole and all(note in whole for note in SIDEBAR)
    assert MENU not in whole  # the whole page is still read without its menus
    assert SIDEBAR[0] not in extract(RAW, reading="readability").text
    assert ARTICLE[2] in extract(RAW, reading="trafilatura").text


def test_a_reading_may_be_named_the_way_a_person_types_it() -> None:
    assert extract(RAW, reading="Whole-Page").text == extract(RAW, reading="whole page").text
    with pytest.raises(ValueError, match="no reading 'best'"):
        extract(RAW, reading="best")


def test_the_log_says_which_reading_was_kept_why_and_how_long_the_others_are() -> None:
    _article, log = extract_logged(RAW, compare=True)
    words = dict(log.words)
    assert log.reading == "readability" and log.rule == ""
    assert "no rule preferred another" in log.reason
    assert set(words) == {"readability", "trafilatura", "whole page"}
    assert words["whole page"] > words["readability"] > 0  # type: ignore[operator]
    lines = "\n".join(log.lines())
    assert "Reading kept: readability" in lines and "whole page: " in lines
    # what the kept reading left out of the page, named by its start: the sidebar's notes
    left = [start for start, _words in log.left_out]
    assert any(start.startswith("Sidebar note:") for start in left)
    assert not any(start.startswith(ARTICLE[1][:40]) for start in left)
    assert "Left out of the page" in lines

    _article, asked = extract_logged(RAW, reading="whole page")
    assert (asked.reading, asked.rule, asked.asked) == ("whole page", "asked for", "whole page")
    # without `compare`, a reading nothing needed is not made and the log says so: a page
    # that says it is an article and reads as one is left to readability alone
    said = RawPage(data=page(article=True), content_type="text/html")
    _article, quick = extract_logged(said)
    assert "not made" in "\n".join(quick.lines())


def test_a_reading_that_finds_nothing_is_an_error_not_an_empty_article() -> None:
    bare = RawPage(data=b"<html><body><nav>Home</nav></body></html>", content_type="text/html")
    with pytest.raises(ExtractionError, match="whole page reading found no text"):
        extract(bare, reading="whole page")
    text = RawPage(data=b"Tide tables\n\nThe bore rises twice a day.\n", content_type="text/plain")
    with pytest.raises(ExtractionError, match="only one reading"):
        extract(text, reading="trafilatura")
    assert extract_logged(text)[1].rule == "plain text"


@dataclass
class Found:
    mentions: list[Mention]
    entities: list[Entity]


def recognise(article: Article) -> Found:
    """Finds each "Sidebar" as a place: only the whole page has any."""
    place = Entity("sidebar|GPE", "GPE", "Sidebar")
    text, mentions, at = article.text, [], article.text.find("Sidebar")
    while at >= 0:
        mentions.append(Mention(at, at + 7, "GPE", place.key))
        at = text.find("Sidebar", at + 1)
    return Found(mentions, [place] if mentions else [])


def test_extracting_again_keeps_the_source_moves_highlights_and_finds_entities_again(
    tmp_path: Path,
) -> None:
    with Library(tmp_path / "library.sqlite3", recognise=recognise) as library:
        article_id = library.add_article(extract(RAW), RAW)
        text = library.get(article_id).article.text
        start = text.index("surfers ride it")
        library.add_annotation(
            article_id, Annotation(id="h1", start=start, end=start + 15, exact="surfers ride it")
        )
        assert library.mentions(article_id) == []

        assert library.reextract(article_id, reading="whole page") is True
        new_text = library.get(article_id).article.text
        assert SIDEBAR[3] in new_text
        [highlight] = library.annotations(article_id)
        assert new_text[highlight.start : highlight.end] == "surfers ride it"
        assert len(library.mentions(article_id)) == len(SIDEBAR)
        assert library.source(article_id).data == RAW.data  # type: ignore[union-attr]

        done = repairing.reextract(library, article_id, "readmark")
        assert done.changed and done.log.reading == "readability"
        assert SIDEBAR[3] not in library.get(article_id).article.text
        assert library.mentions(article_id) == []
        [highlight] = library.annotations(article_id)
        back = library.get(article_id).article.text
        assert back[highlight.start : highlight.end] == "surfers ride it"

        log = repairing.extraction_log(library, article_id, "trafilatura")
        assert log.reading == "trafilatura" and all(n is not None for _, n in log.words)


def test_the_command_line_extracts_again_with_a_reading_and_prints_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Library(tmp_path / "library.sqlite3") as library:
        article_id = library.add_article(extract(RAW), RAW)
    base = ["--data-dir", str(tmp_path)]
    assert (
        main([*base, "reextract", str(article_id), "--reading", "whole-page", "--no-entities"]) == 0
    )
    assert "Text changed" in capsys.readouterr().out
    with Library(tmp_path / "library.sqlite3") as library:
        assert SIDEBAR[5] in library.get(article_id).article.text
    assert main([*base, "extraction-log", str(article_id), "--json"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert log["reading"] == "readability" and log["words"]["whole page"] > 0
    assert main([*base, "extraction-log", str(article_id)]) == 0
    assert "Why: " in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([*base, "reextract", str(article_id), "--reading", "best"])


def test_the_original_is_shown_with_its_text_and_nothing_that_loads_or_runs() -> None:
    remote = (
        "<img src='http://127.0.0.1:9/p.png' alt='The bore'><p style='background:url(http://127.0.0.1:9/b)'"
        " onclick='x()'>Styled <a href='javascript:x()'>link</a><custom-tag>kept</custom-tag>"
        "</p><script>alert('ran')</script><iframe src='file:///etc/passwd'></iframe>"
        "<table><tr><td colspan='2' width='9'>cell</td></tr></table><p hidden>secret</p>"
    )
    shown = repairing.original_html(RawPage(data=page(remote), content_type="text/html"))
    for gone in ("<img", "<script", "alert", "<iframe", "style=", "onclick", "href", "secret"):
        assert gone not in shown
    assert "Styled link" in shown and "kept" in shown and MENU in shown and SIDEBAR[2] in shown
    assert '<td colspan="2">cell</td>' in shown
    assert "<i>[Picture: The bore]</i>" in shown  # a picture is named, not shown
    text = RawPage(data=b"a <b>bold</b> claim", content_type="text/plain")
    assert repairing.original_html(text) == "<pre>a &lt;b&gt;bold&lt;/b&gt; claim</pre>"


def test_edited_text_keeps_the_blocks_left_alone_and_the_kind_of_those_changed() -> None:
    from reader.core.models import Block, BlockKind

    blocks = (
        Block(BlockKind.HEADING, "Tides", level=2),
        Block(BlockKind.IMAGE, "", src="https://river.example/bore.jpg"),
        Block(BlockKind.PARAGRAPH, "The bore rises twice a day."),
        Block(BlockKind.LIST_ITEM, "Spring tides are highest."),
        Block(BlockKind.PARAGRAPH, "Subscribe to our newsletter!"),
    )
    text = repairing.editable_text(blocks)
    assert text.split("\n\n") == [b.text for b in blocks if b.text]
    edited = text.replace("Subscribe to our newsletter!", "").replace(
        "Spring tides are highest.", "Spring tides are the highest."
    )
    edited += "\n\nA note of my own."
    after = repairing.edited_blocks(blocks, edited)
    assert [(b.kind, b.text) for b in after] == [
        (BlockKind.HEADING, "Tides"),
        (BlockKind.IMAGE, ""),
        (BlockKind.PARAGRAPH, "The bore rises twice a day."),
        (BlockKind.LIST_ITEM, "Spring tides are the highest."),
        (BlockKind.PARAGRAPH, "A note of my own."),
    ]
    assert after[0] is blocks[0] and after[1] is blocks[1]  # untouched blocks kept whole


def test_editing_the_text_keeps_the_source_and_the_highlights(tmp_path: Path) -> None:
    with Library(tmp_path / "library.sqlite3", recognise=recognise) as library:
        article_id = library.add_article(extract(RAW), RAW)
        text = library.get(article_id).article.text
        start = text.index("surfers ride it")
        library.add_annotation(
            article_id, Annotation(id="h1", start=start, end=start + 15, exact="surfers ride it")
        )
        editable = repairing.editable_text(library.get(article_id).article.blocks)
        edited = editable.replace(ARTICLE[0], "Sidebar: my own first line.")
        assert repairing.edit_text(library, article_id, edited) is True
        new_text = library.get(article_id).article.text
        assert "my own first line" in new_text and ARTICLE[0] not in new_text
        [highlight] = library.annotations(article_id)
        assert new_text[highlight.start : highlight.end] == "surfers ride it"
        assert len(library.mentions(article_id)) == 1  # entities found again in the new text
        assert library.source(article_id).data == RAW.data  # type: ignore[union-attr]
        assert repairing.edit_text(library, article_id, edited) is False  # nothing to change
        with pytest.raises(LibraryError, match="without text"):
            repairing.edit_text(library, article_id, " \n\n ")
        assert library.get(article_id).article.text == new_text
