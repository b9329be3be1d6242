"""The library service the GUI and the CLI share, over one SQLite file: a facade whose SQL is in
`reader.core.store` and whose add pipeline is `reader.core.adding`. A store function the facade
does not wrap is handed over with `read(fn, ...)` / `write(fn, ...)`, never a connection."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import reader.core.store.annotations as annotation_rows
from reader.core import adding, fetch, repairing
from reader.core.adding import UNCHANGED, EntityResult, Prepared, Reanchor, Recognise, States
from reader.core.anchoring import library_reanchor, stored_form
from reader.core.errors import ArticleNotFoundError, LibraryError
from reader.core.extract import extract
from reader.core.fetch.images import FetchImage, http_image_fetcher
from reader.core.models import (
    Annotation,
    Article,
    ArticleAnnotation,
    ArticleSummary,
    Entity,
    EntityCount,
    Mention,
    RawPage,
    SavedArticle,
    SearchHit,
)
from reader.core.query import QueryError
from reader.core.resources import sample_article_path
from reader.core.store import articles, connections, images, settings
from reader.core.store import entities as entity_rows
from reader.core.store import tags as tag_rows
from reader.core.store.articles import SORTS
from reader.core.store.db import Connection, Database, reading, reclaim_space, writing
from reader.core.store.rows import saved_article
from reader.core.textsafe import clean_text
from reader.core.urls import normalise_url
from reader.core.util import now_iso

# Names the GUI and the CLI import from here, as library terms.
__all__ = [
    "SORTS",
    "ArticleNotFoundError",
    "ArticleSummary",
    "EntityResult",
    "FetchImage",
    "Library",
    "Recognise",
    "SavedArticle",
    "SearchHit",
    "http_image_fetcher",
    "normalise_tag",
]
normalise_tag = tag_rows.normalise

SETTING_ARCHIVE_IMAGES = "archive_images"

P = ParamSpec("P")
R = TypeVar("R")


class Library:
    """One library file, usable from any thread (each thread has its own connection).

    `recognise(article)` finds entities when an article is added or re-extracted;
    `fetch_image(url)` returns `(bytes, content type)` or None, and is how images are archived
    when an article is saved (the `archive_images` setting turns it off); `reanchor(old_text,
    new_text, annotations)` moves highlights when an article's text changes.
    """

    def __init__(
        self,
        path: Path,
        *,
        recognise: Recognise | None = None,
        fetch_image: FetchImage | None = None,
        reanchor: Reanchor | None = None,
    ) -> None:
        self.path = path
        self.recognise = recognise
        self.fetch_image = fetch_image
        # Highlights follow every change of an article's text, whoever changes it.
        self.reanchor = reanchor or library_reanchor
        self._closed = False
        connections.acquire(path)

    @property
    def db(self) -> Database:
        """This thread's connection: a `Library` may be used from any thread, each thread
        reading and writing through its own connection."""
        if self._closed:
            raise LibraryError("This library was closed.")
        return connections.database(self.path)

    def close(self) -> None:
        """Done with the library; the connections stay open while other users of the file
        remain in this process."""
        if not self._closed:
            self._closed = True
            connections.release(self.path)

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------

    def _read(self) -> AbstractContextManager[Connection]:
        return reading(self.db, self.path)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with connections.one_writer(self.path), writing(self.db, self.path) as conn:
            yield conn

    def read(self, fn: Callable[Concatenate[Connection, P], R], *args: P.args, **kw: P.kwargs) -> R:
        """`fn(connection, ...)` on this thread's connection: a store function the facade does
        not wrap (the import job table, say), called the way the facade calls its own."""
        with self._read() as conn:
            return fn(conn, *args, **kw)

    def write(
        self, fn: Callable[Concatenate[Connection, P], R], *args: P.args, **kw: P.kwargs
    ) -> R:
        """`fn(connection, ...)` inside a write transaction (or the caller's `transaction`)."""
        with self._write() as conn:
            return fn(conn, *args, **kw)

    @contextmanager
    def transaction(self) -> Iterator[Library]:
        """One write transaction around several library calls: all of them land, or none."""
        with self._write():
            yield self

    # -- settings ---------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        return self.read(settings.get, key, default)

    def set_setting(self, key: str, value: Any) -> None:
        self.write(settings.put, key, value)

    @property
    def archive_images(self) -> bool:
        return bool(self.setting(SETTING_ARCHIVE_IMAGES, True))

    # -- adding -----------------------------------------------------------------------------

    def add_source(self, source: str, kind: str | None = None, **options: Any) -> int:
        """Load, extract and save `source` (URL or path); returns the article id."""
        raw = fetch.load(source)
        article = extract(raw, kind=kind)
        return self.add_article(article, raw, **options)

    def add_article(
        self,
        article: Article,
        raw: RawPage | None = None,
        *,
        tags: Iterable[str] = (),
        added_at: str | None = None,
        archived: bool | None = None,
        favorite: bool | None = None,
        unread: bool | None = None,
        uid: str | None = None,
    ) -> int:
        """Save `article`; the same URL (or the same local file content) updates, never duplicates.

        Entities are recognised and images fetched before the write (`adding.prepare`), so the
        library is locked only for the time it takes to write the rows (`save`).
        """
        fetch_image = (
            self.fetch_image if self.fetch_image is not None and self.archive_images else None
        )
        prepared = adding.prepare(article, raw, recognise=self.recognise, fetch_image=fetch_image)
        states = States(archived=archived, favorite=favorite, unread=unread)
        return self.save(prepared, tags=tags, added_at=added_at, states=states, uid=uid)

    def save(
        self,
        prepared: Prepared,
        *,
        tags: Iterable[str] = (),
        added_at: str | None = None,
        states: States = UNCHANGED,
        uid: str | None = None,
    ) -> int:
        """Write an article `adding.prepare` made ready (on any thread); returns its id. A new
        article gets `uid` (an import brings the one it had) or a fresh one; an updated one
        keeps its own."""
        with self._write() as conn:
            return adding.save(
                conn,
                prepared,
                tags=tags,
                added_at=added_at,
                states=states,
                uid=uid,
                reanchor=self.reanchor,
            )

    def ensure_sample(self) -> int | None:
        """On a library that never held an article, add the bundled sample; returns its id."""
        with self._read() as conn:
            if articles.any_saved(conn):
                return None
        return self.add_source(str(sample_article_path()))

    # -- text changes -----------------------------------------------------------------------

    def reextract(
        self, article_id: int, reanchor: Reanchor | None = None, reading: str = "readmark"
    ) -> bool:
        """Extract the article again from its stored source (with `reading`, one of
        `extract.READINGS`); True if its text changed. Highlights are moved by `reanchor` (or
        the library's) in the same transaction; without one, the old text is kept (`old_text`)
        so they can be re-anchored later. Entities are found again (`repairing.reextract`)."""
        return repairing.reextract(self, article_id, reading, reanchor).changed

    def old_text(self, article_id: int, text_hash: str) -> str | None:
        """The text an article had when its hash was `text_hash`, if still kept."""
        with self._read() as conn:
            if articles.text_hash(conn, article_id) == text_hash:
                return articles.text(conn, article_id)  # type: ignore[no-any-return]
            return annotation_rows.version_text(conn, article_id, text_hash)

    def source(self, article_id: int) -> RawPage | None:
        with self._read() as conn:
            row = articles.source_row(conn, article_id)
        return None if row is None or row["source"] is None else adding.page_of(row)

    # -- reading ----------------------------------------------------------------------------

    def count(self, filter: str | None = None) -> int:
        """Articles outside the trash (matching `filter`, a search query, when given)."""
        return self.read(articles.count_matching, filter)

    def get(self, article_id: int) -> SavedArticle:
        with self._read() as conn:
            row = articles.row(conn, article_id)
            if row is None:
                raise ArticleNotFoundError(f"There is no article {article_id} in the library.")
            return saved_article(row, tag_rows.of_article(conn, article_id))

    def list_articles(
        self,
        limit: int = 200,
        offset: int = 0,
        *,
        filter: str | None = None,
        sort: str = "newest",
    ) -> list[ArticleSummary]:
        """A page of the library. `filter` is a search query (tag:, is:, words...)."""
        if sort not in SORTS:
            raise QueryError(f"Unknown sort {sort!r}; use one of: {', '.join(SORTS)}.")
        where = articles.filter_where(filter)
        return self.read(articles.page, where, sort, limit, offset)

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        """Articles matching `query`, best first, each with a snippet around the matches."""
        return self.read(articles.search, query, limit, offset)

    def last_opened_id(self) -> int | None:
        return self.read(articles.last_opened)

    def live_ids(self) -> list[int]:
        """Every article outside the trash, by id."""
        return self.read(articles.live_ids)

    def find_live(self, *urls: str | None) -> int | None:
        """The id of a live article saved under any of `urls` (as URL or canonical URL)."""
        return self.read(articles.find_live_at, urls)

    def find_live_by_content(self, content_hash: str) -> int | None:
        """A live article without an address saved from the same bytes (`content_hash`)."""
        return self.read(articles.find_live_by_content, content_hash)

    def stored_fields(self, article_id: int) -> dict[str, Any]:
        """The columns an export carries as stored (uid, source, hashes, dates...)."""
        return self.read(articles.stored_fields, article_id)

    def text_versions(self, article_id: int) -> list[dict[str, str]]:
        """Earlier texts kept while highlights still refer to them (hash, text, blocks, date)."""
        return self.read(annotation_rows.versions, article_id)

    def find_by_source(self, url: str) -> int | None:
        """The oldest live article whose URL, or canonical URL, is `url`."""
        return self.read(articles.find_live_oldest, url, normalise_url(url))

    def is_live(self, article_id: int) -> bool:
        """Whether the article exists and is outside the trash."""
        return self.read(articles.is_live, article_id)

    # -- states -----------------------------------------------------------------------------

    def _set(self, article_id: int, values: dict[str, object]) -> None:
        with self._write() as conn:
            if articles.update(conn, article_id, values) == 0:
                raise ArticleNotFoundError(f"There is no article {article_id} in the library.")

    def mark_opened(self, article_id: int) -> None:
        self._set(article_id, {"opened_at": now_iso(), "unread": 0})

    def set_unread(self, article_id: int, unread: bool = True) -> None:
        self._set(article_id, {"unread": int(unread)})

    def set_read(self, article_id: int, read: bool = True) -> None:
        self.set_unread(article_id, not read)

    def set_archived(self, article_id: int, archived: bool = True) -> None:
        self._set(article_id, {"archived": int(archived)})

    def set_favorite(self, article_id: int, favorite: bool = True) -> None:
        self._set(article_id, {"favorite": int(favorite)})

    def set_progress(self, article_id: int, progress: float) -> None:
        """Reading progress from 0.0 (start) to 1.0 (end)."""
        self._set(article_id, {"read_progress": min(1.0, max(0.0, float(progress)))})

    # -- tags -------------------------------------------------------------------------------

    def tags(self, article_id: int | None = None) -> list[str]:
        """The article's tags; without an article, every tag in the library."""
        if article_id is None:
            return [name for name, _count in self.all_tags()]
        return self.read(tag_rows.of_article, article_id)

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag with the number of articles outside the trash that carry it."""
        return self.read(tag_rows.with_counts)

    def add_tags(self, article_id: int, tags: Iterable[str]) -> None:
        self.write(tag_rows.add_to, article_id, tags)

    def remove_tags(self, article_id: int, tags: Iterable[str]) -> None:
        self.write(tag_rows.remove_from, article_id, tags)

    def set_tags(self, article_id: int, tags: Iterable[str]) -> None:
        self.write(tag_rows.replace_on, article_id, tags)

    # -- trash ------------------------------------------------------------------------------

    def delete(self, article_id: int) -> None:
        """Move an article to the trash; `restore` brings it back, `empty_trash` ends it."""
        self._set(article_id, {"deleted_at": now_iso()})

    def restore(self, article_id: int) -> None:
        self._set(article_id, {"deleted_at": None})

    def trash(self, limit: int = 200, offset: int = 0) -> list[ArticleSummary]:
        return self.read(articles.trash_page, limit, offset)

    def empty_trash(self) -> int:
        """Delete the articles in the trash for good; returns how many."""
        with self._write() as conn:
            count = articles.purge_trash(conn)
            tag_rows.drop_unused(conn)
            entity_rows.drop_unused(conn)
        self.reclaim_space()
        return count

    def reclaim_space(self) -> bool:
        """Shrink the file when deletes left much free space in it (see `store.db`)."""
        return reclaim_space(self.db)

    # -- entities ---------------------------------------------------------------------------

    def set_entities(
        self,
        article_id: int,
        mentions: Sequence[Mention],
        entities: Sequence[Entity],
        note: str = "",
    ) -> None:
        """Replace the article's mentions and entity links in one transaction; `note` says why
        they cover only part of the article, if they do."""
        with self._write() as conn:
            articles.require(conn, article_id)
            entity_rows.store(conn, article_id, mentions, entities, now_iso(), note)

    def entities_note(self, article_id: int) -> str:
        """Why the article's entities are incomplete; empty when they cover the whole article."""
        return self.read(entity_rows.note, article_id)

    def has_entities(self, article_id: int) -> bool:
        """Whether entities were recognised for the article's current text (maybe none found)."""
        return self.read(entity_rows.recognised_at, article_id) is not None

    def unrecognised(self, limit: int = 20, before: int | None = None) -> list[int]:
        """Ids of articles outside the trash whose entities were never recognised, newest first.

        Only English articles or those of unknown language (entities are English-only); `before`
        continues a walk below that id. Uses the `articles_unrecognised` partial index.
        """
        return self.read(entity_rows.unrecognised, before, limit)

    def mentions(self, article_id: int) -> list[Mention]:
        return self.read(entity_rows.mentions, article_id)

    def entities(self, article_id: int) -> list[Entity]:
        """The article's entities, most mentioned first."""
        return [item.entity for item in self.entity_counts(article_id)]

    def entity_counts(self, article_id: int) -> list[EntityCount]:
        """The article's entities with their number of mentions in it, most mentioned first."""
        return self.read(entity_rows.counts_in_article, article_id)

    def articles_mentioning(
        self, entity_key: str, limit: int = 200, offset: int = 0
    ) -> list[ArticleSummary]:
        """Articles outside the trash that mention the entity, the most recently saved first."""
        return self.read(entity_rows.articles_mentioning, entity_key, limit, offset)

    def top_entities(self, label: str | None = None, limit: int = 50) -> list[EntityCount]:
        """Entities by the number of articles (outside the trash) that mention them."""
        return self.read(entity_rows.top, label, limit)

    # -- annotations ------------------------------------------------------------------------

    def add_annotation(self, article_id: int, annotation: Annotation) -> Annotation:
        """Store a new annotation; empty dates and text hash are filled in. Returns it as saved."""
        digest = annotation.text_hash or str(self.read(articles.text_hash, article_id) or "")
        annotation = stored_form(annotation, digest, now_iso())
        with self._write() as conn:
            articles.require(conn, article_id)
            if annotation_rows.exists(conn, annotation.id):
                raise LibraryError(f"An annotation with id {annotation.id} already exists.")
            annotation_rows.save(conn, article_id, annotation, now_iso())
        return annotation

    def update_annotation(self, annotation: Annotation) -> Annotation:
        """Save changes to an existing annotation (note, colour, position...)."""
        annotation = replace(annotation, note=clean_text(annotation.note), updated_at=now_iso())
        self.write(annotation_rows.update, annotation, now_iso())
        return annotation

    def delete_annotation(self, annotation_id: str) -> None:
        self.write(annotation_rows.delete_one, annotation_id)

    def annotation_exists(self, annotation_id: str) -> bool:
        """Whether some article already has an annotation with this id."""
        return self.read(annotation_rows.exists, annotation_id)

    def annotations(self, article_id: int) -> list[Annotation]:
        return self.read(annotation_rows.of_article, article_id)

    def annotations_in_saved_order(self, article_id: int) -> list[Annotation]:
        """The article's annotations in the order they were first saved (an export keeps it,
        so the notes search joins in that order come back the same)."""
        return self.read(annotation_rows.in_saved_order, article_id)

    def all_annotations(
        self, query: str | None = None, limit: int = 500
    ) -> list[ArticleAnnotation]:
        """Annotations across the library, latest first; `query` filters on quote and note."""
        return self.read(annotation_rows.across_library, query, limit)

    def annotated_ids(self) -> list[int]:
        """Articles outside the trash that have annotations, by id."""
        return self.read(annotation_rows.live_article_ids)

    # -- images -----------------------------------------------------------------------------

    def image(self, article_id: int, url: str) -> tuple[bytes, str] | None:
        """An archived image as (bytes, content type), or None if it was not archived.

        `url` is a block's `src`, absolute or relative to the article's URL.
        """
        return self.read(images.find, article_id, url)

    def image_data(self, article_id: int, url: str) -> bytes | None:
        found = self.image(article_id, url)
        return found[0] if found else None

    def image_urls(self, article_id: int) -> list[str]:
        return self.read(images.urls, article_id)

    def images(self, article_id: int) -> list[tuple[str, str, bytes]]:
        """Every archived image of the article as (url, content type, bytes), by URL."""
        return self.read(images.for_article, article_id)

    # -- statistics -------------------------------------------------------------------------

    def stats(self) -> dict[str, int | float]:
        return self.read(articles.stats)
