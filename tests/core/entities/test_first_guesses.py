"""Better first guesses outside news: products, units, code, headings and link words."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.entities import recognise
from reader.core.entities.blocks import Ranges
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind, Inline
from tests.core.entities.test_recognise import FakeTagger, marked, run


def test_known_software_is_a_product_whatever_the_model_said() -> None:
    text = "Emscripten compiles C++.\nWe used Emscripten and Kotlin.\nKotlin is fast."
    assert run(text, [("Emscripten", "PERSON"), ("Kotlin", "ORG")]) == [
        ("Emscripten", "PRODUCT"),
        ("Emscripten", "PRODUCT"),
        ("Kotlin", "PRODUCT"),
        ("Kotlin", "PRODUCT"),
    ]


def test_known_software_the_model_missed_is_found() -> None:
    assert run("The app runs on iOS and on Android.", []) == [
        ("iOS", "PRODUCT"),
        ("Android", "PRODUCT"),
    ]


def test_the_words_around_a_name_say_it_is_software() -> None:
    text = "The tool is written in Zorblang. Install Quaxit first. Frobnic version 2 shipped."
    assert run(text, [("Zorblang", "PERSON"), ("Quaxit", "ORG")]) == [
        ("Zorblang", "PRODUCT"),
        ("Quaxit", "PRODUCT"),
        ("Frobnic", "PRODUCT"),
    ]


def test_a_day_or_a_nationality_after_a_software_cue_is_no_product() -> None:
    text = "The service runs on Monday. It was built with Chinese money."
    assert ("Monday", "PRODUCT") not in run(text, [("Monday", "DATE")])
    assert all(label != "PRODUCT" for _, label in run(text, [("Chinese", "NORP")]))


def test_units_of_computing_are_quantities() -> None:
    text = "It has 16 GB of memory, a 3.5GHz chip and up to 120Hz."
    assert run(text, [("16", "CARDINAL"), ("120Hz", "CARDINAL")]) == [
        ("16 GB", "QUANTITY"),
        ("3.5GHz", "QUANTITY"),
        ("up to 120Hz", "QUANTITY"),
    ]


def article(*blocks: Block) -> Article:
    return Article(title="", blocks=blocks)


def test_nothing_is_recognised_inside_code() -> None:
    prose = "Run SELECT with Barack Obama in London."
    code_at = prose.index("SELECT")
    doc = article(
        Block(BlockKind.PARAGRAPH, prose, inlines=(Inline(code_at, code_at + 6, "code"),)),
        Block(BlockKind.CODE, "SELECT name FROM WINDOW WHERE London"),
    )
    tagger = FakeTagger(
        [("SELECT", "GPE"), ("WINDOW", "ORG"), ("Barack Obama", "PERSON"), ("London", "GPE")]
    )
    assert marked(doc.text, recognise(doc, tagger)) == [
        ("Barack Obama", "PERSON"),
        ("London", "GPE"),
    ]


def test_a_lone_heading_or_link_word_is_no_name_unless_prose_writes_it_so() -> None:
    body = "Read the guide on Reuse, or ask Zorvane, who wrote it. Zorvane said so."
    link_at = body.index("Reuse")
    zorvane_at = body.index("Zorvane")
    doc = article(
        Block(BlockKind.HEADING, "Managing", level=2),
        Block(BlockKind.HEADING, "Zorvane", level=2),
        Block(
            BlockKind.PARAGRAPH,
            body,
            inlines=(
                Inline(link_at, link_at + 5, "link", "https://example.com/reuse"),
                Inline(zorvane_at, zorvane_at + 7, "link", "https://example.com/z"),
            ),
        ),
    )
    tagger = FakeTagger([("Managing", "PERSON"), ("Reuse", "PERSON"), ("Zorvane", "PERSON")])
    assert marked(doc.text, recognise(doc, tagger)) == [("Zorvane", "PERSON")] * 3


def test_ranges_answer_inside_and_touching() -> None:
    ranges = Ranges([(10, 20), (15, 30), (40, 45)])
    assert ranges.holds(12, 30) and not ranges.holds(28, 41)
    assert ranges.touches(29, 35) and not ranges.touches(30, 40) and ranges.touches(44, 50)
    assert not Ranges([])


@pytest.fixture
def library(tmp_path: Path):
    lib = Library(tmp_path / "library.sqlite3")
    yield lib
    lib.close()


def test_product_search_operator_finds_articles_naming_the_product(library: Library) -> None:
    tagger = FakeTagger([])
    doc = article(Block(BlockKind.PARAGRAPH, "The port to Kotlin took a week."))
    found = recognise(doc, tagger)
    other = library.add_article(article(Block(BlockKind.PARAGRAPH, "A river in spring.")))
    article_id = library.add_article(doc)
    library.set_entities(article_id, found.mentions, found.entities)
    assert [s.id for s in library.list_articles(filter="product:kotlin")] == [article_id]
    assert other not in [s.id for s in library.list_articles(filter="product:kotlin")]


def test_generic_technical_acronyms_are_no_names() -> None:
    text = "The API talks to IoT devices over USB-C. Acme makes GPUs."
    spans = [("API", "ORG"), ("IoT", "ORG"), ("USB-C", "ORG"), ("GPUs", "ORG"), ("Acme", "ORG")]
    assert run(text, spans) == [("Acme", "ORG")]


def test_a_number_after_a_hash_is_a_post_number_not_an_amount() -> None:
    text = "Zorvane\n#1\nHello there, 2 days later.\nMira\n#2"
    assert run(text, [("1", "MONEY"), ("2", "CARDINAL"), ("2 days", "DATE")]) == [
        ("2 days later", "DATE")
    ]


def test_a_line_of_words_the_article_writes_in_lower_case_is_a_heading() -> None:
    text = "Creating Types\nWe cover creating types from types.\nMira Zorvane\nmira.zorvane@ex.com"
    assert run(text, [("Creating Types", "PERSON"), ("Mira Zorvane", "PERSON")]) == [
        ("Mira Zorvane", "PERSON")
    ]


def test_a_user_name_is_no_person_or_place_but_a_model_number_stays_a_product() -> None:
    text = "skier8390 wrote that cloud_8f8f owns an RX7800XT. Mira Zorvane agreed."
    spans = [
        ("skier8390", "GPE"),
        ("cloud_8f8f", "PERSON"),
        ("RX7800XT", "PRODUCT"),
        ("Mira Zorvane", "PERSON"),
    ]
    assert run(text, spans) == [("RX7800XT", "PRODUCT"), ("Mira Zorvane", "PERSON")]
