"""What the window asks of the library, in one place, in the words the widgets use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.core.library import ArticleNotFoundError, ArticleSummary, Library, SavedArticle
from reader.core.models import Entity, Mention
from reader.ui.theme import group_of

SORTS = {
    "newest": "Newest first",
    "recent": "Recently added",
    "relevance": "Best match",
    "oldest": "Oldest first",
    "published": "Published",
    "title": "Title",
    "shortest": "Shortest first",
    "longest": "Longest first",
    "opened": "Recently opened",
    "progress": "Furthest read",
}
# Query prefixes of the search language for an entity label.
_ENTITY_PREFIX = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place"}
TOOLTIP_COUNT_CAP = 1000
# Dates and numbers are shared by everything; as library filters they say nothing.
FILTERLESS_GROUPS = frozenset({"TIME", "NUMBER"})


@dataclass(frozen=True, slots=True)
class EntityCount:
    """An entity with the number of library articles that mention it."""

    key: str
    label: str
    name: str
    articles: int


def quote_term(value: str) -> str:
    return '"' + value.replace('"', " ").strip() + '"'


def entity_query(label: str, name: str) -> str:
    """The search query that finds the articles mentioning an entity."""
    prefix = _ENTITY_PREFIX.get(label)
    if prefix:
        return f"{prefix}:{quote_term(name)}"
    return quote_term(name)


def list_page(
    library: Library, query: str, sort: str, limit: int, offset: int
) -> Sequence[ArticleSummary]:
    """One page of the library list for `query` (the search language) and `sort`; "relevance"
    ranks the search words' matches first (without words it is the newest first)."""
    if sort == "relevance":
        if query.strip():
            return library.search(query, limit, offset)
        sort = "newest"
    return library.list_articles(limit, offset, filter=query.strip() or None, sort=sort)


class LibraryAccess:
    """The window's view of one `Library`, used on the GUI thread only."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.path: Path = library.path

    def list_page(self, query: str, sort: str, limit: int, offset: int) -> Sequence[ArticleSummary]:
        return list_page(self.library, query, sort, limit, offset)

    def get(self, article_id: int) -> SavedArticle:
        return self.library.get(article_id)

    def tags(self) -> list[str]:
        return [name for name, count in self.library.all_tags() if count]

    def top_entities(self, limit: int = 30) -> list[EntityCount]:
        """The entities most articles mention: names, not dates or numbers."""
        found = [
            EntityCount(item.entity.key, item.entity.label, item.entity.name, item.count)
            for item in self.library.top_entities(limit=limit * 4)
            if group_of(item.entity.label) not in FILTERLESS_GROUPS
        ]
        return found[:limit]

    # -- states ---------------------------------------------------------------------------

    def mark_opened(self, article_id: int) -> None:
        self.library.mark_opened(article_id)

    def set_read(self, article_id: int, read: bool) -> None:
        self.library.set_read(article_id, read)

    def set_favorite(self, article_id: int, favorite: bool) -> None:
        self.library.set_favorite(article_id, favorite)

    def set_archived(self, article_id: int, archived: bool) -> None:
        self.library.set_archived(article_id, archived)

    def set_progress(self, article_id: int, fraction: float) -> None:
        self.library.set_progress(article_id, fraction)

    def delete(self, article_id: int) -> None:
        """Move to the trash; `restore` brings it back."""
        self.library.delete(article_id)

    def restore(self, article_id: int) -> None:
        self.library.restore(article_id)

    # -- entities -------------------------------------------------------------------------

    def stored_entities(self, article_id: int) -> tuple[list[Mention], list[Entity]] | None:
        """Mentions and entities saved for an article, or None if it was never recognised."""
        if not self.library.has_entities(article_id):
            return None
        return self.library.mentions(article_id), self.library.entities(article_id)

    def save_entities(
        self, article_id: int, mentions: Iterable[Mention], entities: Iterable[Entity]
    ) -> None:
        try:
            self.library.set_entities(article_id, list(mentions), list(entities))
        except ArticleNotFoundError:
            return  # deleted for good while it was being recognised

    def articles_mentioning(self, key: str) -> int:
        return len(self.library.articles_mentioning(key, limit=TOOLTIP_COUNT_CAP))

    # -- images ---------------------------------------------------------------------------

    def image_data(self, article_id: int, src: str) -> bytes | None:
        """Bytes of an image archived with the article; never fetched from the network."""
        return self.library.image_data(article_id, src)
