"""Which reading of a page is kept: each rule on its own, then whole pages as people save them."""

from __future__ import annotations

import pytest

from reader.core.extract import extract
from reader.core.extract.choice import Candidates, Declared, Reading, choose, reading
from reader.core.extract.html import DESCRIPTION_NOTICE, NOTICE_PREFIX, WHOLE_PAGE_NOTICE
from reader.core.models import Block, BlockKind, RawPage

PLAIN = Declared(article=False, product=False)
ARTICLE = Declared(article=True, product=False)
PRODUCT = Declared(article=False, product=True)


def words(name: str, count: int) -> Reading:
    return reading(name, [Block(BlockKind.PARAGRAPH, " ".join(["word"] * count))] if count else [])


def pick(ours: int, other: int | None, whole: int, page: Declared) -> tuple[str, str]:
    def whole_reading() -> Reading:
        return words("whole page", whole)

    theirs = None if other is None else words("trafilatura", other)
    chosen, rule = choose(Candidates(words("ours", ours), theirs, page, whole_reading))
    return chosen.name, rule


def test_nothing_found_takes_the_other_reading_then_the_whole_page() -> None:
    assert pick(0, 40, 400, PLAIN) == ("trafilatura", "nothing found")
    assert pick(0, 0, 400, PLAIN) == ("whole page", "nothing found")
    assert pick(0, None, 400, ARTICLE) == ("whole page", "nothing found")


def test_a_product_page_takes_the_other_reading() -> None:
    assert pick(300, 120, 2_000, PRODUCT) == ("trafilatura", "product page")
    assert pick(300, None, 2_000, PRODUCT) == ("ours", "")


def test_a_scattered_page_that_is_no_article_is_read_whole() -> None:
    assert pick(50, 60, 400, PLAIN) == ("whole page", "scattered page")
    assert pick(50, 60, 150, PLAIN)[0] != "whole page"  # not 3x longer than both
    assert pick(50, 60, 4_000, ARTICLE)[0] != "whole page"  # a page that says it is an article
    assert pick(250, 60, 4_000, PLAIN)[0] != "whole page"  # an article in a long page


def test_the_other_reading_wins_only_when_clearly_more_complete() -> None:
    assert pick(100, 111, 200, PLAIN) == ("trafilatura", "more complete")
    assert pick(100, 105, 200, PLAIN) == ("ours", "")
    assert pick(100, 80, 200, PLAIN) == ("ours", "")


def test_the_whole_page_is_made_only_when_a_rule_asks() -> None:
    made: list[int] = []

    def whole_reading() -> Reading:
        made.append(1)
        return words("whole page", 10)

    choose(Candidates(words("ours", 300), words("trafilatura", 310), ARTICLE, whole_reading))
    assert made == []


# -- whole pages ---------------------------------------------------------------------------

POST = (
    "<div class='post'><span class='author'>{author}</span><div class='body'><p>{text}</p>"
    "</div><a href='/reply'>Reply</a></div>"
)
SENTENCE = "I tried the {n} telescope on a clear night and the rings of Saturn were sharp. "


def page(body: str, head: str = "") -> RawPage:
    html = f"<html><head><title>Thread</title>{head}</head><body>{body}</body></html>"
    return RawPage(data=html.encode(), content_type="text/html", url="https://forum.example/t/1")


def notices(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith(NOTICE_PREFIX)]


def test_a_forum_thread_keeps_every_post_in_order_without_the_menus() -> None:
    authors = ["ana", "ben", "chi", "dev", "eli", "fay"]
    posts = "".join(
        POST.format(author=a, text=SENTENCE.format(n=f"model-{i}") * (2 + i % 3))
        for i, a in enumerate(authors)
    )
    menu = "<nav><a href='/'>Home</a><a href='/latest'>Latest posts</a><a href='/top'>Top</a></nav>"
    text = extract(page(f"{menu}<main>{posts}</main><footer>Powered by a forum</footer>")).text
    found = [text.find(f"model-{i}") for i in range(len(authors))]
    assert all(position >= 0 for position in found), text
    assert found == sorted(found)
    assert "Latest posts" not in text and "Powered by" not in text


def test_a_page_with_only_a_description_shows_it_with_a_notice() -> None:
    head = (
        "<meta name='description' content='Howdy all, I am new to astronomy and would love advice "
        "on a first telescope for planets.'>"
    )
    text = extract(page("<div id='app'><noscript>Enable JavaScript.</noscript></div>", head)).text
    assert "new to astronomy" in text
    assert notices(text) == [f"{NOTICE_PREFIX}{DESCRIPTION_NOTICE}"]


def test_a_page_wrapped_in_one_form_keeps_its_text() -> None:
    paragraphs = "".join(f"<p>{SENTENCE.format(n=f'form-{i}')}</p>" for i in range(3))
    table = f"<table><tr><td>{paragraphs}</td></tr></table>"
    body = f"<form id='aspnetForm' action='/page.aspx'>{table}</form>"
    text = extract(page(body)).text
    assert all(f"form-{i}" in text for i in range(3))


@pytest.mark.parametrize("declares", ["ld", "og"])
def test_a_page_that_says_it_is_an_article_is_never_read_whole(declares: str) -> None:
    head = (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle"}</script>'
        if declares == "ld"
        else "<meta property='og:type' content='article'>"
    )
    story = "".join(f"<p>{SENTENCE.format(n=f'story-{i}')}</p>" for i in range(8))
    links = "".join(
        f"<li><a href='/{i}'>Other story number {i} in the list</a></li>" for i in range(60)
    )
    text = extract(page(f"<article>{story}</article><ul>{links}</ul>", head)).text
    assert f"{NOTICE_PREFIX}{WHOLE_PAGE_NOTICE}" not in text
    assert "story-7" in text and "Other story number 30" not in text
