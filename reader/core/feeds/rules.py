"""Rules: a search-language query and an action (tag, favourite, archive, skip).

On a new entry they run inside the entry's own transaction (`apply_rules`); over the library as
it is, each rule's query runs once over the articles already saved, a feed's rule over the
articles that feed brought (`run_rules`). Skip rules only stop new entries."""

from __future__ import annotations

from reader.core.feeds.model import Rule
from reader.core.library import Library
from reader.core.store import feeds as store


class SkipError(Exception):
    """A skip rule matched: the savepoint around the new article is rolled back."""


def apply_rules(library: Library, rules: list[Rule], article_id: int) -> list[Rule]:
    """Run `rules` on one article inside the caller's transaction; the ones that matched.

    A matching skip rule raises `SkipError` before any other action is taken.
    """
    if not rules:
        return []
    with store.read(library.path) as conn:
        matched = [rule for rule in rules if store.matching(conn, rule.query, [article_id])]
    if any(rule.action == "skip" for rule in matched):
        raise SkipError
    for rule in matched:
        act(library, rule, article_id)
    return matched


def act(library: Library, rule: Rule, article_id: int) -> None:
    if rule.action == "tag":
        library.add_tags(article_id, [rule.value])
    elif rule.action == "favourite":
        library.set_favorite(article_id, True)
    elif rule.action == "archive":
        library.set_archived(article_id, True)


def run_rules(library: Library, rules: list[Rule]) -> dict[int, int]:
    """Apply `rules` to the existing library; the number of articles each rule acted on."""
    counts: dict[int, int] = {}
    with library.transaction():
        for rule in rules:
            if rule.action == "skip":
                counts[rule.id] = 0
                continue
            with store.read(library.path) as conn:
                among = None if rule.feed_id is None else store.feed_article_ids(conn, rule.feed_id)
                ids = store.matching(conn, rule.query, among)
            for article_id in ids:
                act(library, rule, article_id)
            counts[rule.id] = len(ids)
    return counts
