"""Each split rule on its own, and the cuts every span gets (line breaks, spaced dashes)."""

from __future__ import annotations

from reader.core.entities import splits
from reader.core.entities.splits import SPLIT_RULES, merge_dates, split_at_dashes


def parts(rule: splits.SplitRule, text: str, surface: str, label: str) -> list[str] | None:
    start = text.index(surface)
    found = rule(text, start, start + len(surface), label, text.count)
    return None if found is None else [f"{text[s:e]}/{label}" for s, e, label in found]


def test_two_firms_are_two_when_one_is_also_named_alone_or_an_acronym() -> None:
    text = "Goldman Sachs and ING advised. ING said little."
    assert parts(splits.two_firms, text, "Goldman Sachs and ING", "ORG") == [
        "Goldman Sachs/ORG",
        "ING/ORG",
    ]
    text = "Marks and Spencer reported."
    assert parts(splits.two_firms, text, "Marks and Spencer", "ORG") is None


def test_a_period_to_a_month_is_a_length_and_a_month() -> None:
    text = "Prices rose in the 12 months to February."
    assert parts(splits.period_to_a_month, text, "the 12 months to February", "DATE") == [
        "the 12 months/DATE",
        "February/DATE",
    ]
    assert parts(splits.period_to_a_month, text, "the 12 months to February", "ORG") is None


def test_a_score_is_two_numbers() -> None:
    text = "The Senate voted 68 to 31."
    assert parts(splits.score, text, "68 to 31", "DATE") == ["68/CARDINAL", "31/CARDINAL"]
    assert parts(splits.score, text, "68 to 31", "CARDINAL") is None


def test_a_town_and_its_county_are_two_places_and_a_list_of_firms_stays_firms() -> None:
    text = "It happened in Guildford, Surrey."
    assert parts(splits.place_list, text, "Guildford, Surrey", "ORG") == [
        "Guildford/GPE",
        "Surrey/GPE",
    ]
    text = "Alphabet, Meta and others."
    assert parts(splits.place_list, text, "Alphabet, Meta", "ORG") == ["Alphabet/ORG", "Meta/ORG"]
    text = "Acme, Inc. said."
    assert parts(splits.place_list, text, "Acme, Inc", "ORG") is None


def test_the_split_rules_are_all_tested_and_in_order() -> None:
    assert (
        splits.two_firms,
        splits.period_to_a_month,
        splits.score,
        splits.place_list,
    ) == SPLIT_RULES


def test_every_span_is_cut_at_line_breaks_and_spaced_dashes() -> None:
    text = "AMSTERDAM — Veldhoven\nEindhoven"
    cut = list(split_at_dashes(text, [(0, len(text), "GPE")]))
    assert [text[s:e] for s, e, _ in cut] == ["AMSTERDAM", "Veldhoven", "Eindhoven"]


def test_a_date_ends_at_a_clause() -> None:
    text = "late Tuesday, ending months of talks"
    cut = list(split_at_dashes(text, [(0, len(text), "DATE")]))
    assert [text[s:e] for s, e, _ in cut] == ["late Tuesday"]


def test_a_range_of_dates_is_one_and_a_day_and_its_evening_one_time() -> None:
    text = "from 2026 to 2030 and Tuesday evening"
    spans = [(5, 9, "DATE"), (13, 17, "DATE"), (22, 29, "DATE"), (30, 37, "TIME")]
    assert merge_dates(text, spans) == [(5, 17, "DATE"), (22, 37, "TIME")]
