"""The person's entity decisions, applied to every recognition: the model never undoes them.

A `Rule` is one decision: merge NAME with OTHER, rename NAME to NEW, retype NAME to a label,
reject NAME (of one label, in one article, or everywhere), add WORDS as an entity of one
article. `curate` runs the active rules, oldest first, over one article's mentions; the store
calls it each time an article's entities are written, so new articles, re-extraction,
imports and idle recognition all go through it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reader.core.models import Entity, Mention

from .linking import normalise

ACTIONS = ("merge", "rename", "retype", "reject", "add")


@dataclass(frozen=True, slots=True)
class Rule:
    """One decision. `name` is as the person typed it; `label` the OntoNotes label it is about
    (or gives, for retype and add; empty: any); `value` the other name (merge), the new name
    (rename) or the new label (retype); `article_uid` limits it to one article."""

    action: str
    name: str
    label: str = ""
    value: str = ""
    article_uid: str = ""
    id: int = 0


@dataclass(slots=True)
class _Work:
    text: str
    mentions: list[Mention]
    entities: dict[str, Entity]


def _key(label: str, name: str) -> str:
    return f"{label.lower()}:{normalise(name)}"


def _matches(work: _Work, mention: Mention, name: str, label: str = "") -> bool:
    """Whether `mention` is of the entity `name` (by the entity's name or the mention's own
    text), of `label` when one is given."""
    if label and mention.label != label:
        return False
    wanted = normalise(name)
    entity = work.entities.get(mention.entity_key)
    if entity is not None and normalise(entity.name) == wanted:
        return True
    if work.text and normalise(work.text[mention.start : mention.end]) == wanted:
        return True
    return mention.entity_key.split(":", 1)[-1] == wanted


def _point(work: _Work, mention: Mention, label: str, name: str) -> Mention:
    """`mention` pointing to the entity (label, name), which is created when new."""
    key = _key(label, name)
    old = work.entities.get(mention.entity_key)
    entity = work.entities.get(key) or Entity(key, label, name)
    surfaces = [*entity.aliases]
    for form in (
        work.text[mention.start : mention.end] if work.text else "",
        old.name if old else "",
    ):
        if form and form != entity.name and form not in surfaces:
            surfaces.append(form)
    work.entities[key] = Entity(key, label, entity.name, tuple(surfaces))
    return Mention(mention.start, mention.end, label, key)


def reject(work: _Work, rule: Rule) -> None:
    """This text is no entity (or no entity of this label)."""
    work.mentions = [m for m in work.mentions if not _matches(work, m, rule.name, rule.label)]


def retype(work: _Work, rule: Rule) -> None:
    """This name has that label."""
    work.mentions = [
        _point(work, m, rule.value, _name_of(work, m))
        if _matches(work, m, rule.name, rule.label)
        else m
        for m in work.mentions
    ]


def rename(work: _Work, rule: Rule) -> None:
    """This entity is called NEW; its mentions keep their own text."""
    work.mentions = [
        _point(work, m, m.label, rule.value) if _matches(work, m, rule.name, rule.label) else m
        for m in work.mentions
    ]


def merge(work: _Work, rule: Rule) -> None:
    """OTHER is NAME: its mentions point to NAME's entity (of NAME's label)."""
    work.mentions = [
        _point(work, m, rule.label or m.label, rule.name) if _matches(work, m, rule.value) else m
        for m in work.mentions
    ]


def add(work: _Work, rule: Rule) -> None:
    """WORDS are an entity of this label wherever the article says them."""
    if not work.text or not rule.name.strip():
        return
    pattern = re.compile(rf"(?<!\w){re.escape(rule.name.strip())}(?!\w)")
    found = [(m.start(), m.end()) for m in pattern.finditer(work.text)]
    if not found:
        return
    kept = [m for m in work.mentions if not any(m.start < e and s < m.end for s, e in found)]
    key = _key(rule.label, rule.name.strip())
    work.entities.setdefault(key, Entity(key, rule.label, rule.name.strip()))
    work.mentions = sorted(
        [*kept, *(Mention(s, e, rule.label, key) for s, e in found)], key=lambda m: m.start
    )


def _name_of(work: _Work, mention: Mention) -> str:
    entity = work.entities.get(mention.entity_key)
    return entity.name if entity is not None else work.text[mention.start : mention.end]


# A label the library agrees on: this many articles outside this one, and this share of them.
AGREED_ARTICLES = 3
AGREED_SHARE = 0.75


def agreed_labels(counts: dict[str, dict[str, int]]) -> dict[str, str]:
    """For each normalised name, the label the library's articles agree on, if they do:
    `counts` is name -> label -> articles. A known place is left alone (it may also be a
    person or a club)."""
    from .grouping import normalised_places

    places = normalised_places()
    agreed: dict[str, str] = {}
    for name, labels in counts.items():
        total = sum(labels.values())
        label, top = max(labels.items(), key=lambda item: item[1])
        if name not in places and total >= AGREED_ARTICLES and top >= AGREED_SHARE * total:
            agreed[name] = label
    return agreed


def with_library_labels(
    text: str, mentions: Sequence[Mention], entities: Sequence[Entity], agreed: dict[str, str]
) -> tuple[list[Mention], list[Entity]]:
    """One type for one name across the library: a name the library's articles consistently
    type one way gets that type here too (the person's rules still come after)."""
    from . import lexicon

    work = _Work(text, list(mentions), {e.key: e for e in entities})
    changed: list[Mention] = []
    for mention in work.mentions:
        name = _name_of(work, mention)
        label = agreed.get(normalise(name))
        if label and mention.label in lexicon.NAME_LABELS and label != mention.label:
            changed.append(_point(work, mention, label, name))
        else:
            changed.append(mention)
    used = {m.entity_key for m in changed}
    return changed, [e for key, e in work.entities.items() if key in used]


APPLY = {"reject": reject, "retype": retype, "rename": rename, "merge": merge, "add": add}


def curate(
    text: str,
    mentions: Sequence[Mention],
    entities: Sequence[Entity],
    rules: Sequence[Rule],
    article_uid: str = "",
) -> tuple[list[Mention], list[Entity]]:
    """The article's mentions and entities with every rule that applies to it, in order."""
    work = _Work(text, list(mentions), {e.key: e for e in entities})
    for rule in rules:
        if rule.article_uid and rule.article_uid != article_uid:
            continue
        APPLY[rule.action](work, rule)
    used = {m.entity_key for m in work.mentions}
    return work.mentions, [e for key, e in work.entities.items() if key in used]
