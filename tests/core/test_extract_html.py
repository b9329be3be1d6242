"""HTML extraction: the article body, our cleanup rules, metadata and safe blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.errors import ExtractionError
from reader.core.extract import extract
from reader.core.models import Article, BlockKind, RawPage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract"
URL = "https://gazette.example/news/river-walk"


def load(name: str, url: str | None = URL) -> Article:
    data = (FIXTURES / name).read_bytes()
    return extract(RawPage(data=data, content_type="text/html", url=url))


def body_kept(article: Article) -> None:
    assert "The city council voted on Tuesday" in article.text
    assert article.text.rstrip().endswith("planting of trees.")
    assert "About us" not in article.text
    assert "Sport" not in article.text


def test_title_drops_the_site_suffix() -> None:
    article = load("share-widget.html")
    assert article.title == "River walk to grow by two miles"
    body_kept(article)


@pytest.mark.parametrize(
    ("fixture", "removed"),
    [
        ("share-widget.html", "Share on Facebook"),
        ("newsletter-promo.html", "morning newsletter"),
        ("related-teaser.html", "Old bridge closes"),
        ("related-section.html", "Old bridge closes"),
        ("copyright-footer.html", "All rights reserved"),
        ("citation-footer.html", "Cite this article"),
    ],
)
def test_cleanup_removes_page_furniture(fixture: str, removed: str) -> None:
    article = load(fixture)
    body_kept(article)
    assert removed not in article.text


def test_a_related_box_is_removed_with_all_its_headlines() -> None:
    article = load("related-section.html")
    body_kept(article)
    for teaser in ("You may also like", "Library extends", "School choir"):
        assert teaser not in article.text


def test_captions_and_credits_are_kept_as_an_image_block() -> None:
    article = load("caption-credit.html")
    images = [b for b in article.blocks if b.kind is BlockKind.IMAGE]
    assert len(images) == 1
    assert images[0].text == "The river walk at dusk. Photo: Jane Roe / Gazette"
    assert images[0].src == "https://gazette.example/img/walk.jpg"
    body_kept(article)


def test_a_caption_in_a_wrapper_with_a_negative_class_name_is_kept() -> None:
    article = load("caption-in-wrapper.html")
    images = [b.text for b in article.blocks if b.kind is BlockKind.IMAGE]
    assert images == ["The river walk at dusk. Photo: Jane Roe / Gazette"]


def test_a_repeated_caption_appears_once() -> None:
    article = load("repeated-caption.html")
    assert article.text.count("Photo: Jane Roe / Gazette") == 1


def test_dateline_stays_in_the_first_paragraph() -> None:
    article = load("dateline.html")
    assert article.blocks[0].text.startswith("RIVERSIDE (Gazette) — The city council voted")


def test_lists_and_quotes_are_kept_with_their_kinds() -> None:
    article = load("list-and-quote.html")
    items = [b.text for b in article.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == [
        "two new footbridges over the canal",
        "a cycle lane along the whole route",
        "public toilets near the boathouse",
    ]
    quotes = [b.text for b in article.blocks if b.kind is BlockKind.QUOTE]
    assert quotes and quotes[0].startswith("“This is the biggest change")


def test_a_short_list_is_not_dropped() -> None:
    article = load("short-list.html")
    items = [b.text for b in article.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == ["bridges", "lanes", "toilets"]


def test_an_article_split_into_several_bodies_is_kept_whole() -> None:
    article = load("split-article.html")
    assert article.text.startswith("The city council voted on Tuesday")
    assert "Residents who spoke at the meeting" in article.text
    assert article.text.rstrip().endswith("which will become a visitor centre.")
    assert "About us" not in article.text


def test_a_short_part_with_the_class_of_the_article_body_joins_it() -> None:
    article = load("same-class-parts.html")
    assert article.text.startswith("The city council voted on Tuesday")
    assert article.text.rstrip().endswith("Public evenings on the design follow in the autumn")
    assert "Weather" not in article.text
    assert "About us" not in article.text


def test_lead_paragraphs_above_a_nested_body_are_kept() -> None:
    article = load("lead-outside-body.html")
    assert article.text.startswith("Opening the meeting, the mayor said")
    assert "The city council voted on Tuesday" in article.text
    assert article.text.rstrip().endswith("planting of trees.")
    assert "About us" not in article.text


def test_a_list_of_links_inside_the_article_is_kept() -> None:
    article = load("linked-list.html")
    items = [b.text for b in article.blocks if b.kind is BlockKind.LIST_ITEM]
    assert len(items) == 3
    assert items[0].startswith("Works order 101")
    body_kept(article)


def test_headings_linking_to_their_own_section_are_kept() -> None:
    article = load("anchor-headings.html")
    headings = [b.text for b in article.blocks if b.kind is BlockKind.HEADING]
    assert headings[:2] == ["The plans", "What residents said"]
    assert headings[2].startswith("Next steps")
    body_kept(article)


def test_a_data_table_keeps_its_introduction_and_notes() -> None:
    article = load("data-table.html")
    assert article.text.startswith("The sections of the new river walk are listed below.")
    assert "A boardwalk across the wet meadows" in article.text
    assert article.text.rstrip().endswith("once the contracts are signed.")
    assert "About us" not in article.text


def test_an_embedded_post_is_kept_as_a_quote() -> None:
    article = load("embedded-post.html")
    quotes = [b.text for b in article.blocks if b.kind is BlockKind.QUOTE]
    assert any(q.startswith("Great news for the riverside") for q in quotes)
    body_kept(article)


def test_the_header_repeated_in_the_body_is_dropped() -> None:
    article = load("header-repeated.html")
    assert article.byline == "Sam Doe"
    assert article.blocks[0].text.startswith("The city council voted")
    assert "By Sam Doe" not in article.text


def test_metadata_from_json_ld_and_meta_tags() -> None:
    article = load("metadata.html")
    assert article.title == "River walk to grow by two miles"
    assert article.byline == "Sam Doe, Ann Lee"
    assert article.site_name == "The Riverside Gazette"
    assert article.published == "2024-05-14T09:30:00Z"
    assert article.lang == "en"
    assert article.canonical_url == "https://gazette.example/news/river-walk"
    assert article.lead_image == "https://gazette.example/img/lead.jpg"


def test_unsafe_content_never_reaches_the_blocks() -> None:
    article = load("unsafe.html")
    for hidden in ("evil script text", "framed text", "form text", "Send", "color:red"):
        assert hidden not in article.text
    paragraph = next(b for b in article.blocks if "council minutes" in b.text)
    links = {paragraph.text[i.start : i.end]: i.href for i in paragraph.inlines if i.kind == "link"}
    assert links == {"full plan": "https://gazette.example/docs/plan.pdf"}


def test_links_are_dropped_when_there_is_no_base_url() -> None:
    article = load("unsafe.html", url=None)
    assert all(i.kind != "link" for b in article.blocks for i in b.inlines)


def test_inline_ranges_point_at_their_text() -> None:
    html = (
        "<html><body><article><p>Some <em>very  important</em> words and a "
        '<a href="https://example.org/x">link  here</a>, then <strong>bold</strong> text '
        "that goes on long enough to be the article body of this small page.</p>"
        "</article></body></html>"
    )
    article = extract(RawPage(data=html.encode(), content_type="text/html"))
    block = article.blocks[0]
    spans = {(block.text[i.start : i.end], i.kind) for i in block.inlines}
    assert spans == {("very important", "em"), ("link here", "link"), ("bold", "strong")}
    assert article.word_count == len(article.text.split())
    assert article.reading_minutes >= 1


def test_headings_tables_and_code_become_typed_blocks() -> None:
    rows = "".join(f"<tr><td>Stop {i}</td><td>{i * 5} min</td></tr>" for i in range(1, 4))
    html = (
        "<html><body><article><h2>Timetable</h2><p>"
        + "The buses run every few minutes along the river during the day. " * 4
        + f"</p><table>{rows}</table><pre>line one\n  line two</pre><p>"
        + "Night buses follow a shorter route and stop at the main square only. " * 4
        + "</p></article></body></html>"
    )
    article = extract(RawPage(data=html.encode(), content_type="text/html"))
    kinds = [b.kind for b in article.blocks]
    assert BlockKind.HEADING in kinds
    table = next(b for b in article.blocks if b.kind is BlockKind.TABLE)
    assert table.rows[0] == ("Stop 1", "5 min")
    code = next(b for b in article.blocks if b.kind is BlockKind.CODE)
    assert code.text == "line one\n  line two"
    assert article.text == "\n".join(b.text for b in article.blocks)


def test_non_english_page_without_declared_charset_has_no_mojibake() -> None:
    text = "<html><head><title>Żółć</title></head><body><p>" + "Zażółć gęślą jaźń. " * 20
    raw = RawPage(data=(text + "</p></body></html>").encode("utf-8"), content_type="text/html")
    assert "Zażółć gęślą jaźń." in extract(raw).text


@pytest.mark.parametrize("data", [b"", b"   ", b"<html><body></body></html>", b"<!-- -->"])
def test_pages_without_text_raise_extraction_error(data: bytes) -> None:
    with pytest.raises(ExtractionError):
        extract(RawPage(data=data, content_type="text/html"))
