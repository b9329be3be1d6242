"""Clutter and repeats as general rules: a wiki's tagline and upkeep notices, a byline again as
the first paragraph, a heading's "#" permalink, the author who is also the site, a caption
written as a one-item list under its picture."""

from __future__ import annotations

from pathlib import Path

from reader.core.extract import extract
from reader.core.extract.cleanup import clean_blocks
from reader.core.models import Article, Block, BlockKind, RawPage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract" / "clutter"


def load(name: str) -> Article:
    data = (FIXTURES / name).read_bytes()
    return extract(RawPage(data=data, content_type="text/html", url="https://site.example/a"))


def test_a_wikis_tagline_and_upkeep_notices_are_not_the_article() -> None:
    article = load("wiki-notices.html")
    assert "From Wikipedia" not in article.text
    assert "dynamic list" not in article.text
    assert "additional citations" not in article.text
    assert article.text.startswith("The team spent the spring")


def test_heading_permalinks_leave_no_mark() -> None:
    article = load("wiki-notices.html")
    headings = [b.text for b in article.blocks if b.kind is BlockKind.HEADING]
    assert headings == ["Films", "Later films"]
    # A link to another place on the page that says something stays text.
    assert "See the films above for the early ones." in article.text


def test_the_byline_is_not_repeated_as_the_first_paragraph() -> None:
    article = load("byline-repeat.html")
    assert article.byline == "By LISA MASCARO and ERIC TUCKER Associated Press"
    assert article.blocks[0].text.startswith("WASHINGTON (AP)")
    assert "Associated Press\n" not in article.text


def test_an_author_who_is_the_site_is_named_once() -> None:
    blog = Article(title="t", blocks=(), byline="Haki Benita", site_name="Haki Benita")
    assert blog.credits() == ["Haki Benita"]
    news = Article(title="t", blocks=(), byline="Phil Helsel", site_name="NBC News")
    assert news.credits() == ["Phil Helsel", "NBC News"]
    assert Article(title="t", blocks=(), site_name="BBC News").credits() == ["BBC News"]


def test_a_caption_written_as_a_one_item_list_is_the_pictures_caption() -> None:
    # As the Guardian writes them: the picture, then <ul><li><p>caption</p></li></ul>.
    caption = "Kauri Parata, watched by his father Hori Parata, carves a traditional design"
    blocks = [
        Block(BlockKind.PARAGRAPH, "Whales strand on the coast every summer, the elders said."),
        Block(BlockKind.IMAGE, "", src="https://img.example/carving.jpg"),
        Block(BlockKind.LIST_ITEM, caption, level=1),
        Block(BlockKind.PARAGRAPH, "Concrete information on why whales strand remains elusive."),
        Block(BlockKind.IMAGE, "", src="https://img.example/steps.jpg"),
        Block(BlockKind.LIST_ITEM, "First, the tide", level=1),
        Block(BlockKind.LIST_ITEM, "then the sand", level=1),
    ]
    kept = clean_blocks(blocks, "Carving")
    assert [(b.kind, b.text) for b in kept[1:3]] == [
        (BlockKind.IMAGE, caption),
        (BlockKind.PARAGRAPH, "Concrete information on why whales strand remains elusive."),
    ]
    # A real list under a picture stays a list.
    assert [b.kind for b in kept[-3:]] == [
        BlockKind.IMAGE,
        BlockKind.LIST_ITEM,
        BlockKind.LIST_ITEM,
    ]


def test_a_chinese_caption_line_under_a_picture_is_its_caption() -> None:
    # As gmw writes it: the picture, then a paragraph starting 图注 ("caption").
    caption = "图注：巴兹·奥尔德林可能是第二个在月球上行走的人，但他是第一个在月球上喝酒的人"
    blocks = [
        Block(BlockKind.PARAGRAPH, "但是，很快普通人都会有机会向人类最终的边疆出发。"),
        Block(BlockKind.IMAGE, "", src="https://img.example/aldrin.jpg"),
        Block(BlockKind.PARAGRAPH, caption),
        Block(BlockKind.PARAGRAPH, "事实是，历史上酒与太空探险有一种复杂的关系。"),
    ]
    kept = clean_blocks(blocks, "宇航员")
    assert [(b.kind, b.text) for b in kept[1:]] == [
        (BlockKind.IMAGE, caption),
        (BlockKind.PARAGRAPH, "事实是，历史上酒与太空探险有一种复杂的关系。"),
    ]
