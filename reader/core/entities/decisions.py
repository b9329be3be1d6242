"""Making and undoing entity decisions on a library: store the rule, then bring every article
it touches in line at once (later recognitions apply it on their own, in the store).

A new rule is applied to the stored mentions of the articles it is about. Undoing a rule
cannot restore what it removed from the stored mentions, so the articles it may have touched
(those whose text says the name) are recognised again with the rules left in force.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from reader.core.library import Library
from reader.core.store import articles, entity_rules
from reader.core.store import entities as entity_rows

from .catalog import find
from .curation import Rule

Recognise = Callable[[int], None]  # recognise one article again (by id) and store the result


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def uid_of(library: Library, article_id: int) -> str:
    """The article's uid, which names it in a rule; KeyError-like error when it is unknown."""
    library.get(article_id)  # raises ArticleNotFoundError for a wrong id
    return library.read(entity_rules.uid_of, article_id)


def articles_of(library: Library, names: Iterable[str]) -> set[int]:
    """The articles that mention any of `names` (any spelling of their library entities)."""
    found: set[int] = set()
    for name in names:
        entity = library.read(find, name)
        if entity is not None:
            found |= set(entity[1])
    return found


def articles_saying(library: Library, names: Iterable[str]) -> set[int]:
    """The articles whose text says any of `names`."""
    found: set[int] = set()
    for name in names:
        words = name.replace('"', " ").strip()
        if words:
            offset = 0
            while page := library.search(f'"{words}"', limit=500, offset=offset):
                found |= {hit.id for hit in page}
                offset += len(page)
    return found


def _touched(library: Library, rule: Rule) -> set[int]:
    if rule.article_uid:
        found = library.read(articles.find_by_uid, rule.article_uid)
        return {found[0]} if found else set()
    names = [rule.value] if rule.action == "merge" else [rule.name]
    return articles_of(library, names)


def restore(library: Library, article_ids: Iterable[int]) -> int:
    """Write each article's stored mentions again, so the rules in force apply to them."""
    count = 0
    for article_id in sorted(set(article_ids)):
        mentions = library.mentions(article_id)
        entities = library.entities(article_id)
        note = library.read(entity_rows.note, article_id)
        library.set_entities(article_id, mentions, entities, note)
        count += 1
    return count


def decide(library: Library, rule: Rule) -> int:
    """Store `rule` and apply it to the stored articles it touches; returns how many."""
    touched = _touched(library, rule)
    library.write(entity_rules.add, rule, _now())
    return restore(library, touched)


def undo(library: Library, recognise_again: Recognise) -> tuple[Rule | None, int]:
    """Undo the newest rule; the articles it may have touched are recognised again. Returns the
    rule undone (None when there was none) and how many articles were recognised again."""
    rule = library.write(entity_rules.undo_last, _now())
    if rule is None:
        return None, 0
    names = [rule.name, rule.value] if rule.action in ("merge", "rename") else [rule.name]
    if rule.article_uid:
        touched = _touched(library, rule)
    else:
        touched = articles_saying(library, names) | articles_of(library, names)
    for article_id in sorted(touched):
        recognise_again(article_id)
    return rule, len(touched)


def library_rules(library: Library) -> list[dict[str, str]]:
    """The rules in force as plain values (for the library export)."""
    return library.read(entity_rules.every)
