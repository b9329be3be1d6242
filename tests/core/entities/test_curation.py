"""Each kind of entity decision on its own, over one article's mentions."""

from __future__ import annotations

from reader.core.entities import plain_article, recognise
from reader.core.entities.curation import Rule, curate
from reader.core.models import Entity, Mention
from tests.core.entities.test_recognise import FakeTagger

TEXT = "Barack Obama met Evolution in Paris. Obama left Paris for Evolution HQ."
SPANS = [("Barack Obama", "PERSON"), ("Obama", "PERSON"), ("Evolution", "PERSON"), ("Paris", "GPE")]


def recognised() -> tuple[list[Mention], list[Entity]]:
    found = recognise(plain_article(TEXT), FakeTagger(SPANS))
    return list(found.mentions), list(found.entities)


def marks(*rules: Rule, uid: str = "a1") -> list[tuple[str, str, str]]:
    mentions, entities = curate(TEXT, *recognised(), list(rules), uid)
    names = {e.key: e.name for e in entities}
    assert {m.entity_key for m in mentions} == set(names)  # no entity without a mention
    return [(TEXT[m.start : m.end], m.label, names[m.entity_key]) for m in mentions]


def test_without_rules_nothing_changes() -> None:
    assert curate(TEXT, *recognised(), []) == recognised()


def test_reject_everywhere_of_one_type_or_in_one_article() -> None:
    assert ("Evolution", "PERSON", "Evolution") not in marks(Rule("reject", "Evolution"))
    assert len(marks(Rule("reject", "evolution", "ORG"))) == len(marks())
    assert len(marks(Rule("reject", "Evolution", article_uid="other"))) == len(marks())
    assert ("Evolution", "PERSON", "Evolution") not in marks(
        Rule("reject", "Evolution", "PERSON", article_uid="a1")
    )


def test_rejecting_a_person_takes_every_mention_linked_to_them() -> None:
    assert [m for m in marks(Rule("reject", "Barack Obama")) if m[1] == "PERSON"] == [
        ("Evolution", "PERSON", "Evolution"),
        ("Evolution", "PERSON", "Evolution"),
    ]


def test_retype_gives_every_mention_the_new_type() -> None:
    found = marks(Rule("retype", "Evolution", value="ORG"))
    assert [m for m in found if m[0] == "Evolution"] == [("Evolution", "ORG", "Evolution")] * 2


def test_rename_keeps_the_text_and_changes_the_name() -> None:
    found = marks(Rule("rename", "Barack Obama", value="Barack H. Obama"))
    assert ("Obama", "PERSON", "Barack H. Obama") in found
    assert ("Barack Obama", "PERSON", "Barack H. Obama") in found


def test_merge_points_the_other_name_to_the_entity() -> None:
    found = marks(Rule("merge", "Barack Obama", "PERSON", "Evolution"))
    assert ("Evolution", "PERSON", "Barack Obama") in found
    assert all(name != "Evolution" for _, _, name in found)


def test_add_marks_the_words_wherever_the_article_says_them() -> None:
    found = marks(Rule("add", "Evolution HQ", "FAC", article_uid="a1"))
    assert ("Evolution HQ", "FAC", "Evolution HQ") in found
    assert ("Evolution", "PERSON", "Evolution") in found  # the first one stays
    assert marks(Rule("add", "Evolution HQ", "FAC", article_uid="b2")) == marks()


def test_rules_apply_in_order() -> None:
    found = marks(Rule("retype", "Evolution", value="ORG"), Rule("reject", "Evolution", "ORG"))
    assert all(text != "Evolution" for text, _, _ in found)
    found = marks(Rule("reject", "Evolution", "ORG"), Rule("retype", "Evolution", value="ORG"))
    assert ("Evolution", "ORG", "Evolution") in found
