"""Each context rule on its own: the words around a name settle its label."""

from __future__ import annotations

from reader.core.entities import evidence
from reader.core.entities.evidence import CONTEXT_RULES, club_votes, context_votes
from reader.core.entities.text import Span


def spans_of(text: str, *marked: tuple[str, str]) -> list[Span]:
    return [(text.index(s), text.index(s) + len(s), label) for s, label in marked]


def found(rule: evidence.ContextRule, text: str, spans: list[Span], tails=None) -> list[str]:
    return [f"{text[s:e]}/{label}" for s, e, label in rule(text, spans, tails or {})]


def test_patterns_name_places_and_organisations() -> None:
    text = "In the city of Larkana, the newspaper Dawn and Beijing-based Acme met near Dadu."
    assert found(evidence.named_by_a_pattern, text, []) == [
        "Larkana/GPE",
        "Dawn/ORG",
        "Beijing/GPE",
        "Dadu/GPE",
    ]


def test_a_weak_cue_never_labels_a_pronoun_or_a_known_place() -> None:
    text = "They met near London. She liked shares in Them."
    assert found(evidence.named_by_a_pattern, text, []) == []


def test_a_party_and_place_tag_is_a_place() -> None:
    text = "Sen. Brandon Creighton, R-Conroe, spoke."
    assert found(evidence.party_and_place, text, []) == ["Conroe/GPE"]


def test_an_appositive_makes_a_person_unless_the_words_say_otherwise() -> None:
    text = "Ayesha Siddiqui, who led it, and Kelvin Kiptum of Kenya ran; Friday March, 42, came."
    assert found(evidence.person_appositive, text, []) == [
        "Ayesha Siddiqui/PERSON",
        "Kelvin Kiptum/PERSON",
    ]


def test_a_short_form_after_a_name_shares_its_label() -> None:
    text = "The Supplemental Nutrition Assistance Program, or SNAP, and McDonald's (MCD) rose."
    spans = spans_of(
        text, ("Supplemental Nutrition Assistance Program", "ORG"), ("McDonald", "ORG")
    )
    assert found(evidence.short_form_after, text, spans) == ["SNAP/ORG", "MCD/ORG"]
    # After a place, "(X)" is its short form only as its initials.
    text = "Travel to Iowa (IA) and Ohio (XX)."
    spans = spans_of(text, ("Iowa", "GPE"), ("Ohio", "GPE"))
    assert found(evidence.short_form_after, text, spans) == []


def test_a_lone_name_after_in_is_a_place_and_so_is_the_name_listed_with_it() -> None:
    text = "Floods spread to Larkana and Dadu."
    spans = spans_of(text, ("Larkana", "PERSON"), ("Dadu", "PERSON"))
    assert found(evidence.place_after_a_locative, text, spans) == ["Larkana/GPE", "Dadu/GPE"]
    # A surname the article introduced is no place, nor is what is listed with it.
    assert found(evidence.place_after_a_locative, text, spans, {"Larkana": ["A Larkana"]}) == []


def test_a_lone_name_listed_after_places_is_a_place() -> None:
    text = "Auckland, Christchurch and Hamilton flooded."
    spans = spans_of(text, ("Auckland", "GPE"), ("Christchurch", "GPE"), ("Hamilton", "PERSON"))
    assert found(evidence.listed_after_places, text, spans) == ["Hamilton/GPE"]


def test_a_place_before_its_region_is_a_place() -> None:
    text = "EDMONTON, Alberta — It rained in East Palestine, Ohio."
    spans = spans_of(
        text,
        ("EDMONTON", "ORG"),
        ("Alberta", "GPE"),
        ("East Palestine", "LOC"),
        ("Ohio", "GPE"),
    )
    assert found(evidence.place_before_its_region, text, spans) == [
        "EDMONTON/GPE",
        "East Palestine/GPE",
    ]


def test_context_votes_are_the_rules_in_table_order() -> None:
    text = "Floods spread to Larkana and Dadu, the newspaper Dawn said."
    spans = spans_of(text, ("Larkana", "PERSON"), ("Dadu", "PERSON"))
    expected = [s for rule in CONTEXT_RULES for s in rule(text, spans, {})]
    assert context_votes(text, spans, {}) == expected
    assert [text[s:e] for s, e, _ in expected] == ["Dawn", "Larkana", "Dadu"]


def test_club_cues_count_only_in_a_match_report() -> None:
    report = (
        "Ipswich Town beat Feyenoord in the cup match. The striker scored two goals "
        "and the fans sang all season."
    )
    spans = spans_of(report, ("Ipswich Town", "ORG"))
    assert {report[s:e] for s, e, _ in club_votes(report, spans, {})} >= {
        "Ipswich Town",
        "Feyenoord",
    }
    assert club_votes("Ipswich Town beat Feyenoord at chess.", spans, {}) == []
