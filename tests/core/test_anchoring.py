"""Highlights: the re-anchoring cascade, re-extraction, exports, JSON-LD import and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader import cli
from reader.core.anchoring import (
    edit_budget,
    find_quote,
    in_text_order,
    locate,
    new_annotation,
    reanchor,
    reattach,
)
from reader.core.exporters import markdown, webannotation
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind, Entity
from reader.core.paths import library_path

TEXT = (
    "The river rose in spring. The mayor said the river rose faster than ever.\n"
    "Boats were tied to the old bridge, and the river rose again in June."
)


def test_a_highlight_on_unchanged_text_stays_by_position() -> None:
    mark = new_annotation(TEXT, 4, 15, note="flood")
    match = locate(mark, TEXT)
    assert match is not None and match.method == "position"
    assert reanchor(mark, TEXT) is mark


def test_context_picks_the_right_repeat_of_a_quote() -> None:
    second = TEXT.index("the river rose faster") + 4
    mark = new_annotation(TEXT, second, second + len("river rose"))
    # The same words occur three times; shift everything so the position is no help.
    shifted = "Updated. " + TEXT.replace("in spring", "in early spring")
    moved = reanchor(mark, shifted)
    assert not moved.orphaned
    assert shifted[moved.start - 10 : moved.start] == "the mayor said the "[-10:]
    assert shifted[moved.start : moved.end + len(" faster")] == "river rose faster"


def test_a_slightly_reworded_quote_is_found_by_fuzzy_search() -> None:
    start = TEXT.index("Boats were tied")
    mark = new_annotation(TEXT, start, start + len("Boats were tied to the old bridge"))
    edited = TEXT.replace("tied to the old bridge", "tied to the old brigde")
    match = locate(mark, edited)
    assert match is not None and match.method == "fuzzy"
    assert edited[match.start : match.end] == "Boats were tied to the old brigde"


def test_a_vanished_quote_becomes_an_orphan_that_can_be_attached_again() -> None:
    start = TEXT.index("old bridge")
    mark = new_annotation(TEXT, start, start + len("old bridge"), note="keep me")
    rewritten = "Boats were moored at the harbour wall."
    orphan = reanchor(mark, rewritten)
    assert orphan.orphaned and orphan.note == "keep me" and orphan.exact == "old bridge"
    assert in_text_order([orphan, new_annotation(rewritten, 0, 5)])[-1] is orphan
    attached = reattach(orphan, rewritten, rewritten.index("harbour"), len(rewritten) - 1)
    assert not attached.orphaned and attached.exact == "harbour wall" and attached.id == mark.id


def test_edit_budget_grows_with_the_quote_and_short_quotes_need_exact_words() -> None:
    assert edit_budget(3) == 0
    assert edit_budget(40) == 10
    mayor = TEXT.index("mayor")
    assert find_quote(TEXT, "mayer") == (mayor, mayor + 5)  # one typo in five letters
    assert find_quote(TEXT, "fox") is None
    assert find_quote(TEXT, "Tha") is None  # three letters: no typo allowed


def test_find_quote_prefers_the_occurrence_near_the_hint() -> None:
    last = TEXT.rindex("river rose")
    assert find_quote(TEXT, "river rose", hint=last) == (last, last + len("river rose"))


# -- a library ------------------------------------------------------------------------------


def _article(blocks: list[str], title: str = "Floods") -> Article:
    return Article(
        title=title,
        blocks=tuple(Block(BlockKind.PARAGRAPH, text) for text in blocks),
        url="https://example.org/floods",
        site_name="Example News",
        byline="A. Writer",
        published="2024-05-01",
    )


PARAGRAPHS = [
    "The river rose in spring, the highest in forty years.",
    "“We have never seen anything like it,” the mayor said on Tuesday.",
    "Boats were tied to the old bridge while volunteers filled sandbags.",
    "By June the water had gone, leaving mud in every cellar of the town.",
]


# -- exports --------------------------------------------------------------------------------


def _item() -> markdown.ExportItem:
    article = _article(PARAGRAPHS)
    text = article.text
    start = text.index("old bridge")
    marks = [
        new_annotation(text, start, start + 10, note="Where *everyone* met.", annotation_id="b1"),
        new_annotation(text, 4, 9, annotation_id="a1", color="green"),
    ]
    return markdown.ExportItem(
        article=article,
        annotations=marks,
        saved="2024-05-02T10:00:00+00:00",
        tags=["weather", "local news"],
        entities=[Entity("tuesday|DATE", "DATE", "Tuesday")],
        article_id=7,
    )


def test_markdown_export_has_front_matter_text_and_highlights_with_stable_ids() -> None:
    item = _item()
    text = markdown.article_markdown(item)
    head, body = text.split("\n---\n", 1)
    assert head.startswith('---\ntitle: "Floods"\nurl: "https://example.org/floods"')
    assert 'site: "Example News"' in head and 'author: "A. Writer"' in head
    assert 'published: "2024-05-01"' in head and "saved:" in head
    assert 'tags: ["weather", "local news"]' in head
    assert 'DATE: ["Tuesday"]' in head
    assert "the mayor said on Tuesday" in body
    highlights = body.split("## Highlights", 1)[1]
    # In text order: "river" (a1) comes before "old bridge" (b1).
    assert highlights.index("> river") < highlights.index("> old bridge")
    assert "^hl-b1\n\nWhere *everyone* met." in highlights
    assert markdown.article_markdown(item) == text  # the same export twice is the same file
    assert markdown.file_name(item) == "Floods (7).md"


def test_jsonld_export_reads_back_the_same_highlights() -> None:
    item = _item()
    doc = webannotation.collection((a, "https://example.org/floods") for a in item.annotations)
    doc = json.loads(json.dumps(doc))
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    first = doc["first"]["items"][0]
    assert first["type"] == "Annotation"
    kinds = [s["type"] for s in first["target"]["selector"]]
    assert kinds == ["TextQuoteSelector", "TextPositionSelector"]
    assert first["body"][0] == {
        "type": "TextualBody",
        "value": "Where *everyone* met.",
        "format": "text/markdown",
    }
    back = webannotation.from_jsonld(doc)
    assert [(t.annotation.id, t.annotation.exact, t.annotation.note) for t in back] == [
        (a.id, a.exact, a.note) for a in item.annotations
    ]
    assert [t.annotation.color for t in back] == ["yellow", "green"]
    assert back[0].annotation.start == item.annotations[0].start


def test_jsonld_from_another_tool_is_imported_and_anchored(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    article_id = library.add_article(_article(PARAGRAPHS))
    other_tool = [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "https://annotations.example/a/42",
            "type": "Annotation",
            "body": {"type": "TextualBody", "value": "sandbags!"},
            "target": {
                "source": "https://example.org/floods",
                "selector": {"type": "TextQuoteSelector", "exact": "volunteers filled sandbags"},
            },
        },
        {
            "type": "Annotation",
            "target": {
                "source": "https://example.org/floods",
                "selector": {"type": "TextQuoteSelector", "exact": "a sentence nobody wrote"},
            },
        },
        {
            "type": "Annotation",
            "target": {
                "source": "https://elsewhere.example/",
                "selector": {"type": "TextQuoteSelector", "exact": "anything"},
            },
        },
    ]
    report = webannotation.import_annotations(library, webannotation.from_jsonld(other_tool))
    assert (report.added, report.orphaned) == (2, 1)
    assert report.missing_sources == ("https://elsewhere.example/",)
    marks = library.annotations(article_id)
    placed = next(m for m in marks if not m.orphaned)
    assert placed.note == "sandbags!" and placed.id == "42"
    text = library.get(article_id).article.text
    assert text[placed.start : placed.end] == "volunteers filled sandbags"
    # Importing the same file again updates, never duplicates.
    again = webannotation.import_annotations(library, webannotation.from_jsonld(other_tool))
    assert (again.added, again.updated) == (0, 2)
    assert len(library.annotations(article_id)) == 2
    library.close()


def test_jsonld_that_is_not_annotations_is_refused() -> None:
    with pytest.raises(webannotation.AnnotationFormatError):
        webannotation.from_jsonld({"title": "a bookmark list"})


# -- the command line -----------------------------------------------------------------------


def test_cli_highlight_list_export_and_import_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = Library(library_path())
    article_id = library.add_article(_article(PARAGRAPHS))
    library.close()
    assert cli.main(["highlight", str(article_id), "--quote", "old bridge", "--note", "meet"]) == 0
    assert cli.main(["highlight", str(article_id), "--quote", "the mayor", "--color", "pink"]) == 0
    assert cli.main(["highlight", str(article_id), "--quote", "no such words here"]) == 1
    capsys.readouterr()

    assert cli.main(["highlights", str(article_id)]) == 0
    listed = capsys.readouterr().out
    assert listed.index("> the mayor") < listed.index("> old bridge\n\n^hl-")
    assert cli.main(["highlights", "--format", "json", "--search", "meet"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(h["exact"], h["note"]) for h in found] == [("old bridge", "meet")]

    assert cli.main(["highlights", "--format", "jsonld"]) == 0
    exported = tmp_path / "marks.jsonld"
    exported.write_text(capsys.readouterr().out, encoding="utf-8")
    assert cli.main(["highlights-import", str(exported)]) == 0
    assert "0 added, 2 updated" in capsys.readouterr().out

    out = tmp_path / "md"
    assert cli.main(["export-markdown", str(out)]) == 0
    (written,) = out.glob("*.md")
    assert "> old bridge" in written.read_text(encoding="utf-8")


def test_a_short_quote_does_not_stick_to_a_coincidence_at_its_old_position() -> None:
    text = "Notes. AI researchers met. AI was everywhere."
    mark = new_annotation(text, 7, 9)
    # A new standfirst puts another "AI" exactly at the old position.
    shifted = "Today: AI news. " + text
    assert shifted[7:9] == "AI"
    moved = reanchor(mark, shifted)
    assert shifted[moved.start : moved.end + len(" researchers")] == "AI researchers"


def test_exports_place_highlights_whose_text_changed_behind_their_back(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")  # no re-anchoring hook, like a bulk import
    article_id = library.add_article(_article(PARAGRAPHS))
    text = library.get(article_id).article.text
    for quote in ("sandbags", "mud in every cellar"):
        start = text.index(quote)
        library.add_annotation(article_id, new_annotation(text, start, start + len(quote)))
    changed = [p.replace("mud in every cellar", "silt") for p in PARAGRAPHS]
    library.add_article(_article(["Updated at noon.", *changed]))

    (written,) = markdown.export_markdown(library, tmp_path / "md")
    exported = written.read_text(encoding="utf-8")
    assert "> mud in every cellar\n\n^hl-" in exported
    assert "*(no longer found in the article's current text)*" in exported
    doc = webannotation.library_document(library)
    positions = {
        item["target"]["selector"][0]["exact"]: item["target"]["selector"][1:]
        for item in doc["first"]["items"]
    }
    new_text = library.get(article_id).article.text
    ((where,),) = [positions["sandbags"]]
    assert new_text[where["start"] : where["end"]] == "sandbags"
    assert positions["mud in every cellar"] == []  # an orphan has no position to give
    library.close()
