"""What the window asks of the library, in one place.

The `Library` service grows while the app is built against it; this adapter calls its methods
when they exist and otherwise falls back to the smallest behaviour that keeps the window useful
(for example an in-memory entity cache, or a plain SQL listing), so widgets never need to know.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.core.library import ArticleSummary, Library, SavedArticle
from reader.core.models import Entity, Mention

SORTS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "title": "Title",
    "shortest": "Shortest first",
    "longest": "Longest first",
}
_SORT_SQL = {
    "newest": "added_at desc, id desc",
    "oldest": "added_at asc, id asc",
    "title": "title collate nocase asc, id asc",
    "shortest": "word_count asc, id asc",
    "longest": "word_count desc, id desc",
}
# Query prefixes of the store's search language for an entity label.
_ENTITY_PREFIX = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place"}


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


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


class LibraryAccess:
    """The window's view of one `Library`, used on the GUI thread only."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.path: Path = library.path
        self._mentions: dict[int, tuple[list[Mention], list[Entity]]] = {}

    # -- listing --------------------------------------------------------------------------

    def list_page(self, query: str, sort: str, limit: int, offset: int) -> Sequence[ArticleSummary]:
        return list_page(self.library, query, sort, limit, offset)

    def get(self, article_id: int) -> SavedArticle:
        return self.library.get(article_id)

    def count(self) -> int:
        return self.library.count()

    def tags(self) -> list[str]:
        fn = getattr(self.library, "tags", None) or getattr(self.library, "all_tags", None)
        if fn is None:
            return []
        try:
            found = fn()
        except Exception:
            return []
        names = [getattr(t, "name", t) for t in found]
        return [str(n[0] if isinstance(n, tuple) else n) for n in names]

    def top_entities(self, limit: int = 30) -> list[EntityCount]:
        fn = getattr(self.library, "top_entities", None)
        if fn is None:
            return self._cached_top_entities(limit)
        found = fn(limit=limit) if _accepts(fn, "limit") else fn()
        result: list[EntityCount] = []
        for item in list(found)[:limit]:
            result.append(_entity_count(item))
        return result

    def _cached_top_entities(self, limit: int) -> list[EntityCount]:
        counts: dict[str, EntityCount] = {}
        for _mentions, entities in self._mentions.values():
            for entity in entities:
                old = counts.get(entity.key)
                n = old.articles + 1 if old else 1
                counts[entity.key] = EntityCount(entity.key, entity.label, entity.name, n)
        return sorted(counts.values(), key=lambda e: (-e.articles, e.name))[:limit]

    # -- states ---------------------------------------------------------------------------

    def mark_opened(self, article_id: int) -> None:
        self.library.mark_opened(article_id)

    def set_read(self, article_id: int, read: bool) -> None:
        fn = getattr(self.library, "set_read", None)
        if fn is not None:
            fn(article_id, read)
            return
        if read:
            self.library.mark_opened(article_id)
        else:
            self.library.db["articles"].update(article_id, {"opened_at": None})

    def set_favorite(self, article_id: int, favorite: bool) -> None:
        self._set_state("set_favorite", "favorite", article_id, favorite)

    def set_archived(self, article_id: int, archived: bool) -> None:
        self._set_state("set_archived", "archived", article_id, archived)

    def _set_state(self, method: str, column: str, article_id: int, value: bool) -> None:
        fn = getattr(self.library, method, None)
        if fn is not None:
            fn(article_id, value)
        else:
            self.library.db["articles"].update(article_id, {column: int(value)})

    def set_progress(self, article_id: int, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        for name in ("set_progress", "set_read_progress"):
            fn = getattr(self.library, name, None)
            if fn is not None:
                fn(article_id, fraction)
                return
        self.library.db["articles"].update(article_id, {"read_progress": fraction})

    def delete(self, article_id: int) -> bool:
        """Move to the trash; True when `restore` can bring it back."""
        fn = getattr(self.library, "delete", None)
        if fn is not None and hasattr(self.library, "restore"):
            fn(article_id)
            return True
        return False

    def restore(self, article_id: int) -> None:
        self.library.restore(article_id)  # type: ignore[attr-defined]

    def delete_forever(self, article_id: int) -> None:
        fn = getattr(self.library, "delete", None)
        if fn is not None:
            fn(article_id)
        else:
            self.library.db["articles"].delete(article_id)

    # -- entities -------------------------------------------------------------------------

    def stored_entities(self, article_id: int) -> tuple[list[Mention], list[Entity]] | None:
        """Mentions and entities saved for an article, or None if it was never recognised."""
        if article_id in self._mentions:
            return self._mentions[article_id]
        fn_m = getattr(self.library, "mentions", None)
        fn_e = getattr(self.library, "entities", None)
        if fn_m is None:
            return None
        mentions = list(fn_m(article_id))
        if not mentions and not self._recognised(article_id):
            return None
        entities = list(fn_e(article_id)) if fn_e is not None else []
        return mentions, entities

    def _recognised(self, article_id: int) -> bool:
        fn = getattr(self.library, "entities_recognised", None) or getattr(
            self.library, "has_entities", None
        )
        if fn is None:
            return False
        return bool(fn(article_id))

    def save_entities(
        self, article_id: int, mentions: Iterable[Mention], entities: Iterable[Entity]
    ) -> None:
        mentions, entities = list(mentions), list(entities)
        fn = getattr(self.library, "set_entities", None)
        if fn is not None:
            try:
                fn(article_id, mentions, entities)
                return
            except KeyError:
                return  # the article was deleted while it was being recognised
        self._mentions[article_id] = (mentions, entities)

    def articles_mentioning(self, key: str) -> int | None:
        fn = getattr(self.library, "articles_mentioning", None)
        if fn is None:
            found = sum(
                1 for _m, entities in self._mentions.values() if any(e.key == key for e in entities)
            )
            return found or None
        try:
            return len(list(fn(key)))
        except Exception:
            return None

    # -- images ---------------------------------------------------------------------------

    def image_data(self, article_id: int, src: str) -> bytes | None:
        """Bytes of an image archived with the article; never fetched from the network."""
        for name in ("image_data", "image", "get_image"):
            fn = getattr(self.library, name, None)
            if fn is not None:
                try:
                    found = fn(article_id, src)
                except Exception:
                    return None
                if isinstance(found, bytes | bytearray | memoryview):
                    return bytes(found)
                data = getattr(found, "data", None)
                return bytes(data) if data is not None else None
        return None


def _entity_count(item: object) -> EntityCount:
    if isinstance(item, EntityCount):
        return item
    if isinstance(item, tuple):
        if len(item) == 2 and isinstance(item[0], Entity):
            entity, n = item
            return EntityCount(entity.key, entity.label, entity.name, int(n))
        key, label, name, n = item[:4]
        return EntityCount(str(key), str(label), str(name), int(n))
    if isinstance(item, dict):
        return EntityCount(
            str(item.get("key", "")),
            str(item.get("label", "")),
            str(item.get("name", "")),
            int(item.get("articles", item.get("count", 0)) or 0),
        )
    return EntityCount(
        str(getattr(item, "key", "")),
        str(getattr(item, "label", "")),
        str(getattr(item, "name", "")),
        int(getattr(item, "articles", getattr(item, "count", 0)) or 0),
    )


def list_page(
    library: Library, query: str, sort: str, limit: int, offset: int
) -> Sequence[ArticleSummary]:
    """One page of the library list for `query` (the store's search language) and `sort`."""
    query = query.strip()
    search = getattr(library, "search", None)
    if query and search is not None:
        kwargs: dict[str, object] = {"limit": limit, "offset": offset}
        if _accepts(search, "sort"):
            kwargs["sort"] = sort
        return _summaries(library, search(query, **kwargs))
    lister = library.list_articles
    if _accepts(lister, "query") and _accepts(lister, "sort"):
        return lister(limit=limit, offset=offset, query=query, sort=sort)  # type: ignore[call-arg]
    return _fallback_list(library, query, sort, limit, offset)


def _summaries(library: Library, found: object) -> Sequence[ArticleSummary]:
    rows = list(getattr(found, "articles", found))  # type: ignore[call-overload]
    if rows and isinstance(rows[0], int):
        ids = rows
        return [s for s in (_summary_of(library, i) for i in ids) if s is not None]
    return rows


def _summary_of(library: Library, article_id: int) -> ArticleSummary | None:
    found = _fallback_rows(library, "id = ?", [article_id], "id", 1, 0)
    return found[0] if found else None


def _fallback_list(
    library: Library, query: str, sort: str, limit: int, offset: int
) -> list[ArticleSummary]:
    where: list[str] = []
    args: list[object] = []
    for term in _split_query(query):
        lowered = term.lower()
        if lowered == "is:unread":
            where.append("opened_at is null")
        elif lowered in ("is:favorite", "is:favourite"):
            where.append("favorite = 1")
        elif lowered in ("is:archived", "is:archive"):
            where.append("archived = 1")
        elif ":" in term and not term.startswith('"'):
            continue  # operators this listing cannot answer are ignored rather than failing
        else:
            where.append("(title like ? or text like ?)")
            like = "%" + term.strip('"') + "%"
            args += [like, like]
    return _fallback_rows(
        library, " and ".join(where) or "1", args, _SORT_SQL.get(sort, _SORT_SQL["newest"]),
        limit, offset,
    )  # fmt: skip


def _fallback_rows(
    library: Library, where: str, args: list[object], order: str, limit: int, offset: int
) -> list[ArticleSummary]:
    rows = library.db.query(
        "select id, title, site_name, published, added_at, word_count, opened_at, favorite, "
        f"archived from articles where {where} order by {order} limit ? offset ?",
        [*args, limit, offset],
    )
    return [
        ArticleSummary(
            id=int(r["id"]),
            title=str(r["title"]),
            site_name=r["site_name"],
            published=r["published"],
            added_at=str(r["added_at"]),
            word_count=int(r["word_count"] or 0),
            unread=r["opened_at"] is None,
            favorite=bool(r["favorite"]),
            archived=bool(r["archived"]),
        )
        for r in rows
    ]


def _split_query(query: str) -> list[str]:
    terms: list[str] = []
    current = ""
    quoted = False
    for char in query:
        if char == '"':
            quoted = not quoted
            current += char
        elif char.isspace() and not quoted:
            if current:
                terms.append(current)
            current = ""
        else:
            current += char
    if current:
        terms.append(current)
    return terms
