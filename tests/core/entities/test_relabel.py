"""Each relabel rule on its own: what it changes, and what it leaves alone."""

from __future__ import annotations

import pytest

from reader.core.entities import relabel as rules
from reader.core.entities.edges import clean_span
from reader.core.entities.relabel import RELABEL_RULES, Candidate, fired, relabel
from reader.core.entities.text import words


def candidate(text: str, surface: str, label: str, *, determiner: bool = False) -> Candidate:
    """`surface` (its first occurrence in `text`) as the rules see it."""
    start = text.index(surface)
    end = start + len(surface)
    found = words(text, start, end)
    if determiner:
        found = found[1:]
    return Candidate(text, start, end, label, tuple(found), start, end)


CASES = [
    # (rule, text, surface, label, expected label or None)
    (rules.time_without_a_clock, "They met on Tuesday.", "Tuesday", "TIME", "DATE"),
    (rules.time_without_a_clock, "They met at 9:30 pm.", "9:30 pm", "TIME", None),
    (rules.time_without_a_clock, "They met at noon.", "noon", "TIME", None),
    (rules.clock_reading, "He won in 2:13:44 flat.", "2:13:44", "CARDINAL", "TIME"),
    (rules.clock_reading, "He won 2,134 votes.", "2,134", "CARDINAL", None),
    (rules.duration_in_hours, "After a nine-hour vigil, they left.", "nine-hour", "DATE", "TIME"),
    (rules.duration_in_hours, "After nine days, they left.", "nine days", "DATE", None),
    (
        rules.year_after_a_preposition,
        "After the 2022 mini-budget, rates rose.",
        "2022",
        "CARDINAL",
        "DATE",
    ),
    (rules.year_after_a_preposition, "Police counted 2022 marchers.", "2022", "CARDINAL", None),
    (
        rules.titled_person,
        "Spokesperson Dmitry Peskov said.",
        "Spokesperson Dmitry Peskov",
        "ORG",
        "PERSON",
    ),
    (
        rules.titled_person,
        "Spokesperson Services Ltd said.",
        "Spokesperson Services Ltd",
        "ORG",
        None,
    ),
    (rules.acronym_is_no_person, "The agency JAXA said.", "JAXA", "PERSON", "ORG"),
    (rules.acronym_is_no_person, "The pilot Jaxa said.", "Jaxa", "PERSON", None),
    (rules.camel_case_is_no_place, "Shares of OpenAI rose.", "OpenAI", "GPE", "ORG"),
    (rules.camel_case_is_no_place, "Shares of McAllen rose.", "McAllen", "GPE", None),
    (rules.lone_institution_word, "They met outside Parliament.", "Parliament", "GPE", "ORG"),
    (rules.lone_institution_word, "They met outside Bristol.", "Bristol", "GPE", None),
    (
        rules.ends_in_an_institution_word,
        "The City of London Police said.",
        "City of London Police",
        "GPE",
        "ORG",
    ),
    (rules.ends_in_an_institution_word, "The City of London said.", "City of London", "GPE", None),
    (
        rules.ends_in_act,
        "The Farm, Food and National Security Act passed.",
        "Farm, Food and National Security Act",
        "ORG",
        "LAW",
    ),
    (rules.ends_in_act, "The Act passed.", "Act", "ORG", None),
    (
        rules.ends_in_a_natural_feature,
        "Near Lesser Slave Lake, fires burn.",
        "Lesser Slave Lake",
        "PERSON",
        "LOC",
    ),
    (
        rules.ends_in_a_natural_feature,
        "Near Lesser Slave Lake, fires burn.",
        "Lesser Slave Lake",
        "GPE",
        None,
    ),
    (
        rules.ends_in_a_building_word,
        "The Julien Dubuque Bridge closed.",
        "Julien Dubuque Bridge",
        "PERSON",
        "FAC",
    ),
    (rules.ends_in_a_building_word, "They walked in Grant Park.", "Grant Park", "GPE", "FAC"),
    (rules.ends_in_a_building_word, "Grant Park said so.", "Grant Park", "PERSON", None),
]


@pytest.mark.parametrize(
    ("rule", "text", "surface", "label", "expected"),
    CASES,
    ids=[f"{c[0].__name__}:{c[2]}:{c[3]}" for c in CASES],
)
def test_each_relabel_rule_alone(rule, text, surface, label, expected) -> None:
    assert rule(candidate(text, surface, label)) == expected


def test_every_rule_in_the_table_is_tested_both_ways() -> None:
    changed = {c[0] for c in CASES if c[4] is not None}
    kept = {c[0] for c in CASES if c[4] is None}
    assert set(RELABEL_RULES) == changed
    assert set(RELABEL_RULES) <= kept
    assert len(set(RELABEL_RULES)) == len(RELABEL_RULES)


def test_a_rule_sees_the_label_the_rules_before_it_gave() -> None:
    # No clock reading: TIME becomes DATE, and then the duration makes it TIME again.
    span = candidate("A ten-minute break followed.", "ten-minute break", "TIME")
    assert relabel(span).label == "TIME"
    assert fired(span) == ["time_without_a_clock", "duration_in_hours"]


def test_the_rules_look_past_a_determiner_at_the_words_of_the_name() -> None:
    text = "They said the Spokesperson Dmitry Peskov was away."
    span = candidate(text, "the Spokesperson Dmitry Peskov", "ORG", determiner=True)
    assert relabel(span).label == "PERSON"
    assert clean_span(text, span.start, span.end, "ORG") == [
        (text.index("Dmitry"), text.index(" was"), "PERSON")
    ]


def test_an_empty_table_leaves_the_label_alone() -> None:
    span = candidate("The agency JAXA said.", "JAXA", "PERSON")
    assert relabel(span, ()).label == "PERSON"
    assert relabel(span).label == "ORG"
