"""Rules over the library as it is: each rule's query run once over the articles already saved
(a feed's rule over the articles that feed brought). Skip rules only stop new entries."""

from __future__ import annotations

from reader.core.feeds.model import Rule
from reader.core.feeds.refresh import act
from reader.core.library import Library
from reader.core.store import feeds as store


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
