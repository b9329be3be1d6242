"""The search language: what people type finds what they mean, and a mistake gets a message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind, Entity, Mention
from reader.core.query import QueryError, parse, parse_date


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "library.sqlite3")
    yield lib  # type: ignore[misc]
    lib.close()


def add(library: Library, title: str, body: str, url: str, **options: object) -> int:
    article = Article(
        title=title,
        blocks=(Block(BlockKind.PARAGRAPH, body),),
        url=url,
        site_name=options.pop("site_name", None),  # type: ignore[arg-type]
        byline=options.pop("byline", None),  # type: ignore[arg-type]
    )
    return library.add_article(article, **options)  # type: ignore[arg-type]


@pytest.fixture
def shelf(library: Library) -> dict[str, int]:
    ids = {
        "talks": add(
            library,
            "Peace talks in Istanbul",
            "Negotiators met in Istanbul on Friday. The talks ended without a deal.",
            "https://www.world.example/talks",
            tags=["politics"],
            added_at="2024-05-10T09:00:00+00:00",
        ),
        "river": add(
            library,
            "The river that runs backwards",
            "Twice a day the Severn bore pushes the river upstream past Gloucester.",
            "https://rivers.example/severn",
            site_name="Rivers Weekly",
            byline="Mary Jones",
            tags=["nature", "long read"],
            added_at="2024-06-01T09:00:00+00:00",
        ),
        "bakery": add(
            library,
            "Bread at dawn",
            "The bakery in Istanbul opens at five; the river of customers never stops.",
            "https://food.example/bread",
            added_at="2023-12-31T23:00:00+00:00",
        ),
    }
    library.set_favorite(ids["river"])
    library.set_archived(ids["bakery"])
    library.mark_opened(ids["talks"])
    erdogan = Entity("erdogan|PERSON", "PERSON", "Recep Erdogan")
    istanbul = Entity("istanbul|GPE", "GPE", "Istanbul")
    un = Entity("un|ORG", "ORG", "United Nations")
    library.set_entities(
        ids["talks"],
        [Mention(0, 1, "PERSON", erdogan.key), Mention(2, 3, "GPE", istanbul.key)],
        [erdogan, istanbul],
    )
    library.set_entities(ids["bakery"], [Mention(0, 1, "ORG", un.key)], [un])
    return ids


def found(library: Library, query: str) -> set[str]:
    names = {
        "Peace talks in Istanbul": "talks",
        "The river that runs backwards": "river",
        "Bread at dawn": "bakery",
    }
    return {names[hit.title] for hit in library.search(query)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("istanbul", {"talks", "bakery"}),
        ("ISTANBUL river", {"bakery"}),
        ('"river upstream"', {"river"}),
        ('"upstream river"', set()),
        ("istanbul -bakery", {"talks"}),
        ("-istanbul", {"river"}),
        ("talk", {"talks"}),  # stemming: talk finds talks
        ("negoti*", {"talks"}),
        ("bread OR backwards", {"river", "bakery"}),
        ("tag:nature", {"river"}),
        ('tag:"long read"', {"river"}),
        ("-tag:politics", {"river", "bakery"}),
        ("site:world.example", {"talks"}),
        ("site:https://www.world.example/x", {"talks"}),
        ('site:"Rivers Weekly"', {"river"}),
        ("site:example", {"talks", "river", "bakery"}),  # subdomains belong to their site
        ("site:ample", set()),
        ("is:unread", {"river", "bakery"}),
        ("is:read", {"talks"}),
        ("is:archived", {"bakery"}),
        ("is:favorite", {"river"}),
        ("is:favourite river", {"river"}),
        ('person:"recep erdogan"', {"talks"}),
        ('org:"United Nations"', {"bakery"}),
        ("place:istanbul", {"talks"}),
        ("place:istanbul river", set()),
        ("before:2024", {"bakery"}),
        ("after:2024-05", {"river"}),
        ("after:2024-05-09 before:2024-05-11", {"talks"}),
        ("title:river", {"river"}),
        ("by:jones", {"river"}),
        ("gloucester is:favorite tag:nature site:rivers.example", {"river"}),
        ("", {"talks", "river", "bakery"}),
        ("- & *", {"talks", "river", "bakery"}),
    ],
)
def test_queries_find_what_they_say(
    library: Library, shelf: dict[str, int], query: str, expected: set[str]
) -> None:
    assert found(library, query) == expected


def test_results_are_ranked_and_title_matches_come_first(
    library: Library, shelf: dict[str, int]
) -> None:
    hits = library.search("river")
    assert [hit.id for hit in hits] == [shelf["river"], shelf["bakery"]]
    assert hits[0].rank <= hits[1].rank
    assert "[river]" in hits[1].marked_snippet().lower()


def test_search_pages(library: Library, shelf: dict[str, int]) -> None:
    first = library.search("istanbul", limit=1)
    second = library.search("istanbul", limit=1, offset=1)
    assert len(first) == len(second) == 1 and first[0].id != second[0].id


def test_trashed_articles_are_found_only_with_is_trash(
    library: Library, shelf: dict[str, int]
) -> None:
    library.delete(shelf["talks"])
    assert found(library, "istanbul") == {"bakery"}
    assert found(library, "istanbul is:trash") == {"talks"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unclosed phrase', "quote is not closed"),
        ("colour:red", "Unknown filter colour:"),
        ("tag:", "tag: needs a value"),
        ('tag:""', "tag: needs a value"),
        ("is:lost", "is:lost is not a state"),
        ("before:yesterday-ish", "is not a date"),
        ("after:2024-02-30", "not a real date"),
        ("title:", "needs a word"),
    ],
)
def test_malformed_queries_say_what_is_wrong(library: Library, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        library.search(query)
    with pytest.raises(QueryError, match=message):
        library.list_articles(filter=query)


def test_unknown_sort_is_a_clear_error(library: Library) -> None:
    with pytest.raises(QueryError, match="Unknown sort"):
        library.list_articles(sort="colour")


def test_relative_and_partial_dates() -> None:
    today = date(2024, 3, 10)
    assert parse_date("2024-02", "after", today) == "2024-03-01"
    assert parse_date("2024-12", "after", today) == "2025-01-01"
    assert parse_date("2024", "before", today) == "2024-01-01"
    assert parse_date("7d", "after", today) == "2024-03-03"
    assert parse_date("today", "after", today) == "2024-03-11"
    assert parse_date("yesterday", "before", today) == "2024-03-09"


def test_parsed_query_keeps_phrases_and_exclusions_apart() -> None:
    query = parse('"peace talks" -moscow kyiv OR kiev')
    assert query.match_expression() == '("peace talks" AND ("kyiv" OR "kiev")) NOT ("moscow")'


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list('ab -:"*()^+~.tagis\\OR\u00e9')), max_size=30))
def test_no_query_ever_surfaces_an_sql_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.getbasetemp() / "hypothesis.sqlite3"
    with Library(path) as library:
        if library.count() == 0:
            add(library, "ab tag", "a b is OR", "https://x.example/")
        try:
            library.search(text)
            library.list_articles(filter=text)
        except QueryError:
            pass
