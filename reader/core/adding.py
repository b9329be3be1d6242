"""Adding an article in two halves, so the library file is locked only while rows are written.

`prepare` does the slow part (entities, images, hashing, the row) and touches no database, so it
runs on any thread: a bulk import calls it on its workers. `save` is the short write that follows,
inside the caller's transaction: it finds the article the same address (or the same file) was
saved as, updates or inserts it, and moves its highlights when its text changed.
"""

from __future__ import annotations

import sqlite3
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import reader.core.store.annotations as annotation_rows
from reader.core.errors import ArticleNotFoundError, LibraryError
from reader.core.fetch.images import FetchImage, fetch_images
from reader.core.models import Annotation, Article, Entity, Mention, RawPage
from reader.core.store import articles, images
from reader.core.store import entities as entity_rows
from reader.core.store import tags as tag_rows
from reader.core.store.db import Connection
from reader.core.store.migrations import domain_key
from reader.core.store.rows import article_to_row
from reader.core.textsafe import clean_article
from reader.core.urls import domain_of, normalise_url
from reader.core.util import now_iso, sha256

EXTRACTOR_VERSION = "1"

Reanchor = Callable[[str, str, Sequence[Annotation]], Sequence[Annotation]]
Images = dict[str, tuple[bytes, str]]


class EntityResult(Protocol):
    @property
    def mentions(self) -> Sequence[Mention]: ...

    @property
    def entities(self) -> Sequence[Entity]: ...


Recognise = Callable[[Article], EntityResult]


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article ready to be written: its row, the other addresses it may have been saved under,
    and what was found for it before the write (entities, archived images)."""

    row: dict[str, object]
    addresses: tuple[str, ...] = ()
    recognised: EntityResult | None = None
    images: Images = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class States:
    """The reading states an add sets; None leaves a state as it is (or the default)."""

    archived: bool | None = None
    favorite: bool | None = None
    unread: bool | None = None


UNCHANGED = States()


def prepare(
    article: Article,
    raw: RawPage | None = None,
    *,
    recognise: Recognise | None = None,
    fetch_image: FetchImage | None = None,
) -> Prepared:
    """Find entities and fetch images for `article` (when given the means), then `assemble`."""
    article = clean_article(article)  # a no-op for what extraction and imports cleaned
    recognised = recognise(article) if recognise else None
    found = fetch_images(article, fetch_image) if fetch_image is not None else {}
    return _assembled(article, raw, recognised, found)


def assemble(
    article: Article,
    raw: RawPage | None = None,
    recognised: EntityResult | None = None,
    found_images: Images | None = None,
) -> Prepared:
    """The row for `article` (and the page it came from) with what was found for it elsewhere."""
    return _assembled(clean_article(article), raw, recognised, found_images)


def _assembled(
    article: Article,
    raw: RawPage | None,
    recognised: EntityResult | None,
    found_images: Images | None,
) -> Prepared:
    row = article_to_row(article)
    if row["canonical_url"] is None and raw is not None and raw.url:
        row["canonical_url"] = normalise_url(raw.url)
        row["domain"] = domain_of(raw.url)
        row["domain_key"] = domain_key(domain_of(raw.url))
    if raw is not None:
        row["source"] = zlib.compress(raw.data, 6)
        row["source_type"] = raw.content_type
        row["source_path"] = raw.path
        row["content_hash"] = sha256(raw.data)
    row["extractor_version"] = EXTRACTOR_VERSION
    row["updated_at"] = now_iso()
    # The page's own URL too: it may have been saved before its canonical URL was known (or
    # from a site that changed it).
    others: list[str] = []
    if row["canonical_url"]:
        for url in (article.url, raw.url if raw is not None else None):
            normalised = normalise_url(url)
            if normalised and normalised != row["canonical_url"] and normalised not in others:
                others.append(normalised)
    return Prepared(row, tuple(others), recognised, dict(found_images or {}))


def save(
    conn: Connection,
    prepared: Prepared,
    *,
    tags: Iterable[str] = (),
    added_at: str | None = None,
    states: States = UNCHANGED,
    uid: str | None = None,
    reanchor: Reanchor | None = None,
) -> int:
    """Write `prepared`; the same URL (or the same local file content) updates, never duplicates.

    A new article gets `uid` (an import brings the one it had) or a fresh one; an article that is
    updated keeps its own, and comes out of the trash.
    """
    row = dict(prepared.row)
    existing = None
    if row["canonical_url"]:
        existing = articles.find_by_address(conn, str(row["canonical_url"]), prepared.addresses)
    elif row.get("content_hash"):
        existing = articles.find_by_content(conn, str(row["content_hash"]))
    for key, value in (
        ("archived", states.archived),
        ("favorite", states.favorite),
        ("unread", states.unread),
    ):
        if value is not None:
            row[key] = int(value)
    if existing is not None:
        article_id = existing
        if articles.address_taken(conn, row["canonical_url"], article_id):
            del row["canonical_url"]  # another article already holds that address
        row["deleted_at"] = None  # adding an article again takes it out of the trash
        if added_at:
            row["added_at"] = added_at
        replace_text(conn, article_id, row, reanchor)
        articles.update(conn, article_id, row)
    else:
        row["added_at"] = added_at or row["updated_at"]
        row["uid"] = uid or str(uuid.uuid4())
        article_id = articles.insert(conn, row)
    if prepared.recognised is not None:
        store_entities(conn, article_id, prepared.recognised)
    if prepared.images:
        images.replace_all(conn, article_id, prepared.images)
    if tags:
        tag_rows.add(conn, article_id, [tag_rows.normalise(tag) for tag in tags])
    return article_id


def store_entities(conn: Connection, article_id: int, recognised: EntityResult) -> None:
    note = getattr(recognised, "note", "")
    entity_rows.store(conn, article_id, recognised.mentions, recognised.entities, now_iso(), note)


def replace_text(
    conn: Connection, article_id: int, row: Mapping[str, object], hook: Reanchor | None
) -> None:
    """Before an article's text changes: move its highlights, or keep the old text for them."""
    old = articles.text_row(conn, article_id)
    assert old is not None  # called for an existing article, inside the write
    old_hash = old["text_hash"] or sha256(old["text"])
    if old_hash == row["text_hash"]:
        return
    # Mentions are offsets into the old text; new ones come with the new text.
    entity_rows.clear(conn, article_id)
    kept = annotation_rows.of_article(conn, article_id)
    if not kept:
        return
    annotation_rows.keep_version(conn, article_id, old_hash, old["text"], old["content"], now_iso())
    if hook is None:
        return
    moved = hook(str(old["text"]), str(row["text"]), kept)
    for annotation in moved:
        annotation_rows.save(conn, article_id, annotation, now_iso())
    annotation_rows.drop_unused_versions(conn, article_id)


def reextracted_row(article: Article) -> dict[str, object]:
    """The row an article extracted again from its stored source writes: it keeps its identity
    (addresses and domain) and its dates."""
    row = article_to_row(article)
    for key in ("canonical_url", "domain", "domain_key", "url"):
        row.pop(key)
    row["extractor_version"] = EXTRACTOR_VERSION
    row["updated_at"] = now_iso()
    return row


def stored_page(article_id: int, stored: sqlite3.Row | None) -> tuple[RawPage, str | None]:
    """The page to extract an article again from (its stored source, if it has one) and the
    hash of the text extracted from it before."""
    if stored is None:
        raise ArticleNotFoundError(f"There is no article {article_id} in the library.")
    if stored["source"] is None:
        raise LibraryError(
            f"Article {article_id} has no stored source to extract again; add it again "
            "from its URL or file instead."
        )
    return page_of(stored), stored["text_hash"]


def page_of(stored: sqlite3.Row) -> RawPage:
    """The page a stored source row holds (its bytes are compressed in the file)."""
    return RawPage(
        data=zlib.decompress(stored["source"]),
        content_type=str(stored["source_type"] or "text/html"),
        url=stored["url"],
        path=stored["source_path"],
    )
