"""Hostile markup loses no text silently: HTML5 void elements, deep nesting, endless attributes."""

from __future__ import annotations

import pytest

from reader.core.extract.decode import decode_bytes
from reader.core.extract.html import NOTICE_PREFIX, article_from_html
from reader.core.extract.repair import MAX_ATTRIBUTES, MAX_NESTING, repair_markup

FILLER = "<p>" + "The council met on Monday to discuss the plan with the mayor. " * 4 + "</p>"


def _page(middle: str) -> str:
    body = f"{FILLER}{middle}{FILLER}<p>The closing line.</p>"
    return f"<html><body><article>{body}</article></body></html>"


def _notices(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith(NOTICE_PREFIX)]


@pytest.mark.parametrize("tag", ["embed", "source", "track", "wbr", "param"])
def test_text_after_an_html5_void_element_is_kept(tag: str) -> None:
    article = article_from_html(_page(f"<p>Before it. <{tag} src='clip.mp4'> After it, kept.</p>"))
    assert "Before it. After it, kept." in article.text
    assert article.text.count("The council met") == 8
    assert "The closing line." in article.text
    assert not _notices(article.text)


def test_text_below_300_nested_elements_is_kept_and_the_article_says_it_was_flattened() -> None:
    deep = "<div>" * 300 + "<p>Three hundred levels down.</p>" + "</div>" * 300
    article = article_from_html(_page(deep))
    assert "Three hundred levels down." in article.text
    assert "The closing line." in article.text
    [notice] = _notices(article.text)
    assert f"nested more than {MAX_NESTING} levels deep" in notice


def test_nesting_of_ordinary_pages_is_left_alone() -> None:
    # Paragraphs and list items the parser closes itself do not count as nesting.
    middle = "<ul>" + "<li>An item of the long list" * 400 + "</ul>" + "<p>Unclosed" * 400
    markup = _page(middle)
    assert repair_markup(markup)[0] == markup


def test_an_element_with_endless_attributes_is_cut_to_a_few_and_its_text_kept() -> None:
    attributes = " ".join(f'data-a{i}="v"' for i in range(20_000))
    article = article_from_html(_page(f"<p {attributes}>The text of the crowded element.</p>"))
    assert "The text of the crowded element." in article.text
    assert "The closing line." in article.text
    [notice] = _notices(article.text)
    assert f"more than {MAX_ATTRIBUTES} attributes" in notice
    assert f"{20_000 - MAX_ATTRIBUTES:,} attributes were left out" in notice


def test_tags_inside_scripts_do_not_count_and_a_tag_inside_an_attribute_survives() -> None:
    script = "<script>" + "document.write('<div>');" * 500 + "</script>"
    markup = _page(script + '<p title="a > b">Kept.</p>')
    assert repair_markup(markup)[0] == markup


@pytest.mark.parametrize("charset", ["utf-7", "UTF-7", "utf-32", "utf-16", "cp037"])
def test_a_charset_that_reads_ascii_differently_is_never_honoured(charset: str) -> None:
    page = (
        f'<html><head><meta charset="{charset}"></head><body><article>{FILLER}'
        "<p>Plain +ADw-script+AD4-alert(1)+ADw-/script+AD4- text.</p></article></body></html>"
    ).encode("ascii")
    assert decode_bytes(page) == page.decode("ascii")
    assert decode_bytes(page, header_charset=charset) == page.decode("ascii")
    article = article_from_html(decode_bytes(page))
    assert "+ADw-script+AD4-alert(1)" in article.text
    assert "<script>" not in article.text


def test_scanning_a_two_megabyte_tag_holds_no_more_than_a_few_copies_of_it() -> None:
    import tracemalloc

    markup = _page("<p " + " ".join(f'a{i}="v"' for i in range(200_000)) + ">Kept.</p>")
    tracemalloc.start()
    try:
        repaired, repairs = repair_markup(markup)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert repairs.attributes == 200_000 - MAX_ATTRIBUTES
    assert "Kept." in repaired
    assert peak < 12 * len(markup)  # the strings of the attributes, not a stack per character
