"""Library-level linking, rule by rule: which stored entities are one real thing."""

from __future__ import annotations

from reader.core.entities import grouping
from reader.core.entities.grouping import Known, group, search_keys


def known(*entries: tuple[str, str] | tuple[str, str, int]) -> list[Known]:
    found = []
    for index, entry in enumerate(entries, 1):
        name, label = entry[0], entry[1]
        articles = entry[2] if len(entry) > 2 else 1
        found.append(Known(index, f"{label.lower()}:{name.lower()}", label, name, articles))
    return found


def names(groups: list[grouping.Group]) -> list[tuple[str, list[str]]]:
    return sorted((g.name, sorted(m.name for m in g.members)) for g in groups)


def test_a_place_tagged_two_ways_is_one_place() -> None:
    entities = known(("Sindh", "GPE"), ("Sindh", "LOC"), ("Sindh", "ORG"))
    assert list(grouping.same_name_as_a_place(entities)) == [(1, 2)]


def test_curated_aliases_join_countries_and_bodies_across_place_and_organisation() -> None:
    entities = known(
        ("U.S.", "GPE"), ("United States", "GPE"), ("EU", "ORG"), ("European Union", "GPE")
    )
    assert names(group(entities)) == [
        ("European Union", ["EU", "European Union"]),
        ("United States", ["U.S.", "United States"]),
    ]


def test_a_curated_alias_never_joins_a_person() -> None:
    entities = known(("US", "GPE"), ("Us", "PERSON"))
    assert list(grouping.curated_alias(entities)) == []


def test_plural_and_singular_demonyms_are_one_group() -> None:
    entities = known(("Americans", "NORP"), ("American", "NORP"), ("Texans", "NORP"))
    assert list(grouping.plural_demonym(entities)) == [(2, 1)]


def test_a_surname_joins_the_one_full_name_and_two_people_keep_it_apart() -> None:
    entities = known(("Barack Obama", "PERSON", 3), ("Obama", "PERSON", 2))
    assert names(group(entities)) == [("Barack Obama", ["Barack Obama", "Obama"])]
    entities = known(("Barack Obama", "PERSON"), ("Michelle Obama", "PERSON"), ("Obama", "PERSON"))
    assert len(group(entities)) == 3


def test_a_group_is_named_as_prose_writes_it() -> None:
    shouting = Known(1, "gpe:london", "GPE", "LONDON", 4, ("London",))
    assert group([shouting])[0].name == "London"
    assert group([Known(1, "org:nato", "ORG", "NATO", 2)])[0].name == "NATO"
    alone = Known(1, "gpe:karachi", "GPE", "KARACHI", 1)
    assert group([alone])[0].name == "Karachi"


def test_the_persons_own_merges_join_last() -> None:
    entities = known(("Bill", "PERSON"), ("William Gates", "PERSON"))
    assert len(group(entities)) == 2
    assert names(group(entities, [(2, 1)])) == [("William Gates", ["Bill", "William Gates"])]


def test_aliases_are_every_other_spelling_once() -> None:
    entities = [
        Known(1, "gpe:us", "GPE", "U.S.", 5, ("US",)),
        Known(2, "gpe:united states", "GPE", "United States", 2),
    ]
    only = group(entities)[0]
    assert only.name == "United States"
    assert only.aliases == ["U.S.", "US"]


def test_search_keys_cover_spellings_aliases_and_the_demonyms_other_number() -> None:
    assert "gpe:united states" in search_keys(("GPE",), "U.S.")
    assert "org:eu" in search_keys(("GPE", "LOC", "FAC"), "European Union")
    assert {"norp:american", "norp:americans"} <= set(search_keys(("NORP",), "Americans"))
    assert "person:obama" in search_keys(("PERSON",), "Obama")
    assert "org:obama" in search_keys(("PERSON",), "Obama")
    assert search_keys(("PERSON",), "Jordan") == ["person:jordan"]  # also a country


def test_one_name_typed_two_ways_is_one_thing_unless_a_place_or_a_surname() -> None:
    entities = known(
        ("Twitter", "ORG", 4),
        ("Twitter", "PERSON", 3),
        ("Jordan", "GPE"),
        ("Jordan", "PERSON"),
        ("Taylor", "GPE"),
        ("Nicole Taylor", "PERSON"),
    )
    assert list(grouping.same_name_other_label(entities)) == [(1, 2)]
    twitter = next(g for g in group(entities) if g.name == "Twitter")
    assert twitter.label == "ORG" and len(twitter.members) == 2
