"""One entity per real thing across a library: lists, counts and search operators."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from reader.core.entities import catalog, recognise
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from tests.core.entities.test_recognise import FakeTagger

MODEL_SAYS = [
    ("Barack Obama", "PERSON"),
    ("Obama", "PERSON"),
    ("LONDON", "GPE"),
    ("London", "GPE"),
    ("U.S.", "GPE"),
    ("US", "GPE"),
    ("United States", "GPE"),
    ("Americans", "NORP"),
    ("American", "NORP"),
]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "library.sqlite3")
    yield lib
    lib.close()


def save(
    library: Library, title: str, *paragraphs: str, spans: Sequence[tuple[str, str]] = MODEL_SAYS
) -> int:
    article = Article(
        title=title,
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs),
        url=f"https://news.example/{title.replace(' ', '-')}",
    )
    article_id = library.add_article(article)
    found = recognise(library.get(article_id).article, FakeTagger(spans))
    library.set_entities(article_id, found.mentions, found.entities)
    return article_id


@pytest.fixture
def shelf(library: Library) -> dict[str, int]:
    return {
        "full": save(library, "full", "Barack Obama spoke in London to Americans."),
        "surname": save(library, "surname", "LONDON — Obama said the U.S. would act."),
        "states": save(library, "states", "The United States and one American watched."),
        "us": save(library, "us", "The US economy grew, the paper said."),
    }


def found(library: Library, query: str) -> set[int]:
    return {s.id for s in library.list_articles(filter=query)}


def test_a_surname_search_finds_the_full_name_and_back(
    library: Library, shelf: dict[str, int]
) -> None:
    assert found(library, "person:Obama") == {shelf["full"], shelf["surname"]}
    assert found(library, 'person:"Barack Obama"') == {shelf["full"], shelf["surname"]}


def test_spellings_and_aliases_of_a_country_are_one_place(
    library: Library, shelf: dict[str, int]
) -> None:
    every = {shelf["surname"], shelf["states"], shelf["us"]}
    assert found(library, "place:US") == every
    assert found(library, "place:U.S.") == every
    assert found(library, 'place:"United States"') == every
    assert found(library, "place:london") == {shelf["full"], shelf["surname"]}


def test_two_people_with_one_surname_keep_it_apart(library: Library, shelf: dict[str, int]) -> None:
    other = save(
        library, "michelle", "Michelle Obama wrote a book.", spans=[("Michelle Obama", "PERSON")]
    )
    assert found(library, "person:Obama") == {shelf["surname"]}
    assert found(library, 'person:"Michelle Obama"') == {other}
    assert found(library, 'person:"Barack Obama"') == {shelf["full"]}


def test_the_library_lists_one_entity_per_real_thing(
    library: Library, shelf: dict[str, int]
) -> None:
    entities = {(e.name, e.label): e for e in library.read(catalog.library_entities)}
    obama = entities[("Barack Obama", "PERSON")]
    assert obama.aliases == ("Obama",) and obama.articles == 2 and obama.mentions == 2
    states = entities[("United States", "GPE")]
    # The stored entity keeps the spellings of the last article that used its key.
    assert "US" in states.aliases and states.articles == 3
    assert entities[("London", "GPE")].articles == 2
    american = [e for (name, label), e in entities.items() if label == "NORP"]
    assert len(american) == 1 and american[0].articles == 2
    assert not any(name in ("Obama", "LONDON", "US", "U.S.") for name, _ in entities)
    people = library.read(catalog.library_entities, "PERSON")
    assert [e.name for e in people] == ["Barack Obama"]


def test_an_entity_is_found_by_any_spelling_with_its_articles(
    library: Library, shelf: dict[str, int]
) -> None:
    entity, articles = library.read(catalog.find, "U.S.") or (None, {})
    assert entity is not None and entity.name == "United States"
    assert set(articles) == {shelf["surname"], shelf["states"], shelf["us"]}
    assert library.read(catalog.find, "Nobody At All") is None


def test_an_article_in_the_trash_counts_nowhere(library: Library, shelf: dict[str, int]) -> None:
    library.delete(shelf["us"])
    states = next(e for e in library.read(catalog.library_entities) if e.name == "United States")
    assert states.articles == 2
    assert found(library, "place:US") == {shelf["surname"], shelf["states"]}


def test_a_name_the_library_types_consistently_gets_that_type_in_the_next_article(
    library: Library,
) -> None:
    for n in range(3):
        save(library, f"org {n}", "Zorvane Labs hired staff.", spans=[("Zorvane Labs", "ORG")])
    later = save(library, "person", "Zorvane Labs said no.", spans=[("Zorvane Labs", "PERSON")])
    assert [m.label for m in library.mentions(later)] == ["ORG"]
    # Two articles are no consensus yet, nor is a split library.
    other = [save(library, f"b {n}", "Quillon rose.", spans=[("Quillon", "ORG")]) for n in range(2)]
    third = save(library, "c", "Quillon fell.", spans=[("Quillon", "PERSON")])
    assert [m.label for m in library.mentions(third)] == ["PERSON"]
    assert [m.label for m in library.mentions(other[0])] == ["ORG"]


def test_a_known_place_keeps_the_type_its_article_gives_it(library: Library) -> None:
    for n in range(3):
        save(library, f"j {n}", "Jordan scored twice.", spans=[("Jordan", "PERSON")])
    later = save(library, "country", "They flew to Jordan.", spans=[("Jordan", "GPE")])
    assert [m.label for m in library.mentions(later)] == ["GPE"]
