"""The library service the GUI and the CLI share: add, get, list, search, tag, trash, re-extract,
entities and annotations, over one SQLite file. A facade: the SQL is in `reader.core.store`."""

from __future__ import annotations

import hashlib
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import reader.core.store.annotations as annotation_rows
from reader.core import fetch
from reader.core.anchoring import library_reanchor
from reader.core.errors import LibraryError
from reader.core.extract import extract
from reader.core.fetch.images import (  # noqa: F401 (re-exported: callers import them from here)
    MAX_ARTICLE_IMAGE_BYTES,
    MAX_IMAGE_BYTES,
    MAX_IMAGES_PER_ARTICLE,
    fetch_images,
    http_image_fetcher,
)
from reader.core.models import (
    MATCH_END,
    MATCH_START,
    Annotation,
    Article,
    ArticleAnnotation,
    ArticleSummary,
    BlockKind,
    Entity,
    EntityCount,
    Mention,
    RawPage,
    SavedArticle,
    SearchHit,
)
from reader.core.query import QueryError
from reader.core.resources import sample_article_path
from reader.core.store import articles, connections, images, jobs, settings
from reader.core.store import entities as entity_rows
from reader.core.store import tags as tag_rows
from reader.core.store.articles import SNIPPET_TOKENS, SORTS
from reader.core.store.db import Connection, Database, reading, reclaim_space, writing
from reader.core.store.entities import UNBOUNDED_ID, UNRECOGNISED_SQL
from reader.core.store.migrations import domain_key
from reader.core.store.rows import (
    SUMMARY_COLUMNS,
    blocks_from_json,
    blocks_to_json,
    row_to_article,
)
from reader.core.textsafe import clean_article, clean_text

__all__ = [
    "MATCH_END",
    "MATCH_START",
    "SNIPPET_TOKENS",
    "SORTS",
    "SUMMARY_COLUMNS",
    "UNBOUNDED_ID",
    "UNRECOGNISED_SQL",
    "ArticleAnnotation",
    "ArticleNotFoundError",
    "ArticleSummary",
    "EntityCount",
    "Library",
    "SavedArticle",
    "SearchHit",
    "article_to_row",
    "blocks_from_json",
    "blocks_to_json",
    "domain_of",
    "http_image_fetcher",
    "normalise_tag",
    "normalise_url",
    "row_to_article",
    "sha256",
]

EXTRACTOR_VERSION = "1"
EXCERPT_CHARS = 280

SETTING_ARCHIVE_IMAGES = "archive_images"

TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "mc_cid", "mc_eid", "igshid", "_hsenc", "_hsmi"}

FetchImage = Callable[[str], "tuple[bytes, str] | None"]
Reanchor = Callable[[str, str, Sequence[Annotation]], Sequence[Annotation]]


class EntityResult(Protocol):
    @property
    def mentions(self) -> Sequence[Mention]: ...

    @property
    def entities(self) -> Sequence[Entity]: ...


Recognise = Callable[[Article], EntityResult]


class ArticleNotFoundError(LibraryError, KeyError):
    """No article with that id (it may have been deleted for good)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def normalise_url(url: str | None) -> str | None:
    """The form two URLs of the same article share: lower-case host, no fragment, no trackers."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # an unclosed IPv6 bracket or a bad port: not a URL to fold
        return url.strip()
    if parts.scheme not in ("http", "https"):
        return url.strip()
    host = (parts.hostname or "").lower()
    if port and not (
        (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMS
    ]
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(query), ""))


def domain_of(url: str | None) -> str | None:
    if not url or not url.startswith(("http://", "https://")):
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return host[4:] if host.startswith("www.") else (host or None)


def normalise_tag(tag: str) -> str:
    tag = clean_text(tag)
    return " ".join(tag.replace(",", " ").split()) if " " in tag.strip() else tag.strip()


# -- rows -----------------------------------------------------------------------------------


def _excerpt(article: Article) -> str:
    if article.excerpt:
        return article.excerpt[:EXCERPT_CHARS]
    for block in article.blocks:
        if block.kind == BlockKind.PARAGRAPH and len(block.text) > 40:
            return block.text[:EXCERPT_CHARS]
    return article.text[:EXCERPT_CHARS]


def article_to_row(article: Article) -> dict[str, object]:
    canonical = normalise_url(article.canonical_url or article.url)
    return {
        "url": article.url,
        "canonical_url": canonical,
        "domain": domain_of(article.url or canonical),
        "domain_key": domain_key(domain_of(article.url or canonical)),
        "title": article.title,
        "byline": article.byline,
        "site_name": article.site_name,
        "section": article.section,
        "published": article.published,
        "lang": article.lang,
        "excerpt": _excerpt(article),
        "lead_image": article.lead_image,
        "word_count": article.word_count,
        "content": blocks_to_json(article.blocks),
        "text": article.text,
        "text_hash": sha256(article.text),
    }


# -- the service ----------------------------------------------------------------------------


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

    @contextmanager
    def transaction(self) -> Iterator[Library]:
        """One write transaction around several library calls: all of them land, or none."""
        with self._write():
            yield self

    def _require(self, article_id: int) -> None:
        with self._read() as conn:
            if not articles.exists(conn, article_id):
                raise ArticleNotFoundError(f"There is no article {article_id} in the library.")

    # -- settings ---------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        with self._read() as conn:
            return settings.get(conn, key, default)

    def set_setting(self, key: str, value: Any) -> None:
        with self._write() as conn:
            settings.put(conn, key, value)

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

        A new article gets `uid` (an import brings the one it had) or a fresh one; an article
        that is updated keeps its own.

        Entities are recognised and images fetched before the write, so the library is locked
        only for the time it takes to write the rows.
        """
        article = clean_article(article)  # a no-op for what extraction and imports cleaned
        row = article_to_row(article)
        if row["canonical_url"] is None and raw is not None and raw.url:
            row["canonical_url"] = normalise_url(raw.url)
            row["domain"] = domain_of(raw.url)
            row["domain_key"] = domain_key(row["domain"])  # type: ignore[arg-type]
        if raw is not None:
            row["source"] = zlib.compress(raw.data, 6)
            row["source_type"] = raw.content_type
            row["source_path"] = raw.path
            row["content_hash"] = sha256(raw.data)
        row["extractor_version"] = EXTRACTOR_VERSION
        recognised = self.recognise(article) if self.recognise else None
        found_images = self._fetch_images(article)
        now = _now()
        row["updated_at"] = now
        states = {"archived": archived, "favorite": favorite, "unread": unread}
        with self._write() as conn:
            existing = None
            if row["canonical_url"]:
                # The page's own URL too: it may have been saved before its canonical URL was
                # known (or from a site that changed it).
                others: list[str] = []
                for url in (article.url, raw.url if raw is not None else None):
                    normalised = normalise_url(url)
                    if (
                        normalised
                        and normalised != row["canonical_url"]
                        and normalised not in others
                    ):
                        others.append(normalised)
                existing = articles.find_by_address(conn, str(row["canonical_url"]), others)
            elif row.get("content_hash"):
                existing = articles.find_by_content(conn, str(row["content_hash"]))
            for key, value in states.items():
                if value is not None:
                    row[key] = int(value)
            if existing is not None:
                article_id = existing
                if articles.address_taken(conn, row["canonical_url"], article_id):
                    del row["canonical_url"]  # another article already holds that address
                row["deleted_at"] = None  # adding an article again takes it out of the trash
                if added_at:
                    row["added_at"] = added_at
                self._replace_text(conn, article_id, row, self.reanchor)
                articles.update(conn, article_id, row)
            else:
                row["added_at"] = added_at or now
                row["uid"] = uid or str(uuid.uuid4())
                article_id = articles.insert(conn, row)
            if recognised is not None:
                entity_rows.store(
                    conn,
                    article_id,
                    recognised.mentions,
                    recognised.entities,
                    _now(),
                    getattr(recognised, "note", ""),
                )
            if found_images:
                images.replace_all(conn, article_id, found_images)
            if tags:
                tag_rows.add(conn, article_id, [normalise_tag(tag) for tag in tags])
        return article_id

    def _fetch_images(self, article: Article) -> dict[str, tuple[bytes, str]]:
        if self.fetch_image is None or not self.archive_images:
            return {}
        return fetch_images(article, self.fetch_image)

    def ensure_sample(self) -> int | None:
        """On a library that never held an article, add the bundled sample; returns its id."""
        with self._read() as conn:
            if articles.any_saved(conn):
                return None
        return self.add_source(str(sample_article_path()))

    # -- text changes -----------------------------------------------------------------------

    def _replace_text(
        self, conn: Connection, article_id: int, row: dict[str, object], hook: Reanchor | None
    ) -> None:
        """Before an article's text changes: move its highlights, or keep the old text."""
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
        annotation_rows.keep_version(
            conn, article_id, old_hash, old["text"], old["content"], _now()
        )
        if hook is None:
            return
        moved = hook(str(old["text"]), str(row["text"]), kept)
        for annotation in moved:
            annotation_rows.save(conn, article_id, annotation, _now())
        annotation_rows.drop_unused_versions(conn, article_id)

    def reextract(self, article_id: int, reanchor: Reanchor | None = None) -> bool:
        """Extract the article again from its stored source; True if its text changed.

        Highlights are moved by `reanchor` (or the library's) in the same transaction; without
        one, the old text is kept (`old_text`) so they can be re-anchored later.
        """
        with self._read() as conn:
            stored = articles.source_row(conn, article_id)
        if stored is None:
            raise ArticleNotFoundError(f"There is no article {article_id} in the library.")
        if stored["source"] is None:
            raise LibraryError(
                f"Article {article_id} has no stored source to extract again; add it again "
                "from its URL or file instead."
            )
        raw = RawPage(
            data=zlib.decompress(stored["source"]),
            content_type=str(stored["source_type"] or "text/html"),
            url=stored["url"],
            path=stored["source_path"],
        )
        article = extract(raw)
        row = article_to_row(article)
        for key in ("canonical_url", "domain", "domain_key", "url"):
            row.pop(key)  # the article keeps its identity
        row["extractor_version"] = EXTRACTOR_VERSION
        row["updated_at"] = _now()
        recognised = self.recognise(article) if self.recognise else None
        changed = bool(row["text_hash"] != stored["text_hash"])
        with self._write() as conn:
            self._replace_text(conn, article_id, row, reanchor or self.reanchor)
            articles.update(conn, article_id, row)
            if recognised is not None:
                entity_rows.store(
                    conn,
                    article_id,
                    recognised.mentions,
                    recognised.entities,
                    _now(),
                    getattr(recognised, "note", ""),
                )
        return changed

    def old_text(self, article_id: int, text_hash: str) -> str | None:
        """The text an article had when its hash was `text_hash`, if still kept."""
        with self._read() as conn:
            if articles.text_hash(conn, article_id) == text_hash:
                return articles.text(conn, article_id)  # type: ignore[no-any-return]
            return annotation_rows.version_text(conn, article_id, text_hash)

    def source(self, article_id: int) -> RawPage | None:
        with self._read() as conn:
            row = articles.source_row(conn, article_id)
        if row is None or row["source"] is None:
            return None
        return RawPage(
            data=zlib.decompress(row["source"]),
            content_type=str(row["source_type"] or "text/html"),
            url=row["url"],
            path=row["source_path"],
        )

    # -- reading ----------------------------------------------------------------------------

    def count(self, filter: str | None = None) -> int:
        """Articles outside the trash (matching `filter`, a search query, when given)."""
        with self._read() as conn:
            if not filter:
                return articles.count_live(conn)
            return articles.count_where(conn, articles.filter_where(filter))

    def get(self, article_id: int) -> SavedArticle:
        with self._read() as conn:
            row = articles.row(conn, article_id)
            if row is None:
                raise ArticleNotFoundError(f"There is no article {article_id} in the library.")
            return SavedArticle(
                id=int(row["id"]),
                article=row_to_article(row),
                added_at=str(row["added_at"]),
                opened_at=row["opened_at"],
                read_progress=float(row["read_progress"] or 0.0),
                favorite=bool(row["favorite"]),
                archived=bool(row["archived"]),
                unread=bool(row["unread"]),
                tags=tuple(tag_rows.of_article(conn, article_id)),
                deleted_at=row["deleted_at"],
                updated_at=row["updated_at"],
                text_hash=str(row["text_hash"] or ""),
                extractor_version=row["extractor_version"],
                uid=str(row["uid"] or ""),
            )

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
        with self._read() as conn:
            return articles.page(conn, where, sort, limit, offset)

    # The statements themselves, for the tests that check their query plans.
    _page_statement = staticmethod(articles.page_statement)
    _search_statement = staticmethod(articles.search_statement)

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        """Articles matching `query`, best first, each with a snippet around the matches."""
        with self._read() as conn:
            return articles.search(conn, query, limit, offset)

    def last_opened_id(self) -> int | None:
        with self._read() as conn:
            return articles.last_opened(conn)

    def live_ids(self) -> list[int]:
        """Every article outside the trash, by id."""
        with self._read() as conn:
            return articles.live_ids(conn)

    def find_live(self, *urls: str | None) -> int | None:
        """The id of a live article saved under any of `urls` (as URL or canonical URL)."""
        keys = [key for u in urls if u for key in (normalise_url(u), u.strip())]
        with self._read() as conn:
            return articles.find_live(conn, dict.fromkeys(k for k in keys if k))

    def address_taken(self, canonical_url: str, other_than: int) -> bool:
        """Whether an article other than `other_than` is saved under that canonical URL."""
        with self._read() as conn:
            return articles.address_taken(conn, canonical_url, other_than)

    def find_by_uid(self, uid: str) -> tuple[int, bool] | None:
        """The article with that identity, in the trash or not: (id, whether in the trash)."""
        if not uid:
            return None
        with self._read() as conn:
            return articles.find_by_uid(conn, uid)

    def find_live_by_content(self, content_hash: str) -> int | None:
        """A live article without an address saved from the same bytes (`content_hash`)."""
        with self._read() as conn:
            return articles.find_live_by_content(conn, content_hash)

    def stored_fields(self, article_id: int) -> dict[str, Any]:
        """The columns an export carries as stored (uid, source, hashes, dates...)."""
        with self._read() as conn:
            found = articles.stored_fields(conn, article_id)
        if found is None:
            raise ArticleNotFoundError(f"There is no article {article_id} in the library.")
        return found

    def restore_stored(
        self,
        article_id: int,
        values: dict[str, Any],
        found_images: dict[str, tuple[bytes, str]],
        versions: Sequence[dict[str, str]],
    ) -> None:
        """Write back what an export carried as stored: columns, archived images, old texts."""
        with self._write() as conn:
            articles.restore(conn, article_id, values)
            if found_images:
                images.replace_all(conn, article_id, found_images)
            for version in versions:
                annotation_rows.keep_version(
                    conn,
                    article_id,
                    version["text_hash"],
                    version["text"],
                    version["content"],
                    version["saved_at"],
                )

    def text_versions(self, article_id: int) -> list[dict[str, str]]:
        """Earlier texts kept while highlights still refer to them (hash, text, blocks, date)."""
        with self._read() as conn:
            return annotation_rows.versions(conn, article_id)

    def find_by_source(self, url: str) -> int | None:
        """The oldest live article whose URL, or canonical URL, is `url`."""
        with self._read() as conn:
            return articles.find_live_oldest(conn, url, normalise_url(url))

    def is_live(self, article_id: int) -> bool:
        """Whether the article exists and is outside the trash."""
        with self._read() as conn:
            return articles.is_live(conn, article_id)

    def text_and_hash(self, article_id: int) -> tuple[str, str | None] | None:
        """The article's current text and its stored hash, or None for an unknown id."""
        with self._read() as conn:
            row = articles.text_row(conn, article_id)
        return None if row is None else (str(row["text"]), row["text_hash"])

    # -- states -----------------------------------------------------------------------------

    def _set(self, article_id: int, values: dict[str, object]) -> None:
        with self._write() as conn:
            if articles.update(conn, article_id, values) == 0:
                raise ArticleNotFoundError(f"There is no article {article_id} in the library.")

    def mark_opened(self, article_id: int) -> None:
        self._set(article_id, {"opened_at": _now(), "unread": 0})

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

    def set_reading_state(
        self, article_id: int, *, progress: float | None = None, opened_at: str | None = None
    ) -> None:
        """Set an imported article's progress and when it was last opened, as far as known."""
        values: dict[str, object] = {}
        if progress is not None:
            values["read_progress"] = min(1.0, max(0.0, float(progress)))
        if opened_at:
            values["opened_at"] = opened_at
        if values:
            with self._write() as conn:
                articles.update(conn, article_id, values)

    # -- tags -------------------------------------------------------------------------------

    def tags(self, article_id: int | None = None) -> list[str]:
        """The article's tags; without an article, every tag in the library."""
        if article_id is None:
            return [name for name, _count in self.all_tags()]
        with self._read() as conn:
            return tag_rows.of_article(conn, article_id)

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag with the number of articles outside the trash that carry it."""
        with self._read() as conn:
            return tag_rows.with_counts(conn)

    def add_tags(self, article_id: int, tags: Iterable[str]) -> None:
        with self._write() as conn:
            self._require(article_id)
            tag_rows.add(conn, article_id, [normalise_tag(tag) for tag in tags])

    def remove_tags(self, article_id: int, tags: Iterable[str]) -> None:
        with self._write() as conn:
            tag_rows.remove(conn, article_id, [normalise_tag(tag) for tag in tags])
            tag_rows.drop_unused(conn)

    def set_tags(self, article_id: int, tags: Iterable[str]) -> None:
        with self._write() as conn:
            self._require(article_id)
            tag_rows.clear(conn, article_id)
            tag_rows.add(conn, article_id, [normalise_tag(tag) for tag in tags])
            tag_rows.drop_unused(conn)

    # -- trash ------------------------------------------------------------------------------

    def delete(self, article_id: int) -> None:
        """Move an article to the trash; `restore` brings it back, `empty_trash` ends it."""
        self._set(article_id, {"deleted_at": _now()})

    def restore(self, article_id: int) -> None:
        self._set(article_id, {"deleted_at": None})

    def trash(self, limit: int = 200, offset: int = 0) -> list[ArticleSummary]:
        with self._read() as conn:
            return articles.trash_page(conn, limit, offset)

    def empty_trash(self) -> int:
        """Delete the articles in the trash for good; returns how many."""
        with self._write() as conn:
            ids = articles.trashed_ids(conn)
            for article_id in ids:
                articles.purge(conn, article_id)
            tag_rows.drop_unused(conn)
            entity_rows.drop_unused(conn)
        self.reclaim_space()
        return len(ids)

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
            self._require(article_id)
            entity_rows.store(conn, article_id, mentions, entities, _now(), note)

    def entities_note(self, article_id: int) -> str:
        """Why the article's entities are incomplete; empty when they cover the whole article."""
        with self._read() as conn:
            return entity_rows.note(conn, article_id)

    def has_entities(self, article_id: int) -> bool:
        """Whether entities were recognised for the article's current text (maybe none found)."""
        with self._read() as conn:
            return entity_rows.recognised_at(conn, article_id) is not None

    def unrecognised(self, limit: int = 20, before: int | None = None) -> list[int]:
        """Ids of articles outside the trash whose entities were never recognised, newest first.

        Only English articles or those of unknown language (entities are English-only); `before`
        continues a walk below that id. Uses the `articles_unrecognised` partial index.
        """
        with self._read() as conn:
            return entity_rows.unrecognised(conn, before, limit)

    def mentions(self, article_id: int) -> list[Mention]:
        with self._read() as conn:
            return entity_rows.mentions(conn, article_id)

    def entities(self, article_id: int) -> list[Entity]:
        """The article's entities, most mentioned first."""
        return [item.entity for item in self.entity_counts(article_id)]

    def entity_counts(self, article_id: int) -> list[EntityCount]:
        """The article's entities with their number of mentions in it, most mentioned first."""
        with self._read() as conn:
            return entity_rows.counts_in_article(conn, article_id)

    def articles_mentioning(
        self, entity_key: str, limit: int = 200, offset: int = 0
    ) -> list[ArticleSummary]:
        """Articles outside the trash that mention the entity, the most recently saved first."""
        with self._read() as conn:
            return entity_rows.articles_mentioning(conn, entity_key, limit, offset)

    def top_entities(self, label: str | None = None, limit: int = 50) -> list[EntityCount]:
        """Entities by the number of articles (outside the trash) that mention them."""
        with self._read() as conn:
            return entity_rows.top(conn, label, limit)

    # -- annotations ------------------------------------------------------------------------

    def add_annotation(self, article_id: int, annotation: Annotation) -> Annotation:
        """Store a new annotation; empty dates and text hash are filled in. Returns it as saved."""
        now = _now()
        annotation = replace(annotation, note=clean_text(annotation.note))
        if annotation.orphaned:  # an anchored quote is the article's own (clean) text
            annotation = replace(
                annotation,
                exact=clean_text(annotation.exact),
                prefix=clean_text(annotation.prefix),
                suffix=clean_text(annotation.suffix),
            )
        if not annotation.text_hash:
            with self._read() as conn:
                current = articles.text_hash(conn, article_id)
            annotation = replace(annotation, text_hash=str(current or ""))
        annotation = replace(
            annotation,
            created_at=annotation.created_at or now,
            updated_at=annotation.updated_at or now,
        )
        with self._write() as conn:
            self._require(article_id)
            if annotation_rows.exists(conn, annotation.id):
                raise LibraryError(f"An annotation with id {annotation.id} already exists.")
            annotation_rows.save(conn, article_id, annotation, _now())
        return annotation

    def update_annotation(self, annotation: Annotation) -> Annotation:
        """Save changes to an existing annotation (note, colour, position...)."""
        annotation = replace(annotation, note=clean_text(annotation.note), updated_at=_now())
        with self._write() as conn:
            article_id = annotation_rows.article_of(conn, annotation.id)
            if article_id is None:
                raise LibraryError(f"There is no annotation {annotation.id}.")
            annotation_rows.save(conn, article_id, annotation, _now())
            annotation_rows.drop_unused_versions(conn, article_id)
        return annotation

    def delete_annotation(self, annotation_id: str) -> None:
        with self._write() as conn:
            article_id = annotation_rows.article_of(conn, annotation_id)
            annotation_rows.delete(conn, annotation_id)
            if article_id is not None:
                annotation_rows.drop_unused_versions(conn, article_id)

    def annotation_exists(self, annotation_id: str) -> bool:
        """Whether some article already has an annotation with this id."""
        with self._read() as conn:
            return annotation_rows.exists(conn, annotation_id)

    def annotations(self, article_id: int) -> list[Annotation]:
        with self._read() as conn:
            return annotation_rows.of_article(conn, article_id)

    def annotations_in_saved_order(self, article_id: int) -> list[Annotation]:
        """The article's annotations in the order they were first saved (an export keeps it,
        so the notes search joins in that order come back the same)."""
        with self._read() as conn:
            order = annotation_rows.ids_in_saved_order(conn, article_id)
            by_id = {a.id: a for a in annotation_rows.of_article(conn, article_id)}
        return [by_id[annotation_id] for annotation_id in order if annotation_id in by_id]

    def all_annotations(
        self, query: str | None = None, limit: int = 500
    ) -> list[ArticleAnnotation]:
        """Annotations across the library, latest first; `query` filters on quote and note."""
        with self._read() as conn:
            return annotation_rows.across_library(conn, query, limit)

    def annotated_ids(self) -> list[int]:
        """Articles outside the trash that have annotations, by id."""
        with self._read() as conn:
            return annotation_rows.live_article_ids(conn)

    def stale_annotated_ids(self) -> list[int]:
        """Articles whose text changed since some of their highlights were placed."""
        with self._read() as conn:
            return annotation_rows.stale_article_ids(conn)

    # -- images -----------------------------------------------------------------------------

    def image(self, article_id: int, url: str) -> tuple[bytes, str] | None:
        """An archived image as (bytes, content type), or None if it was not archived.

        `url` is a block's `src`, absolute or relative to the article's URL.
        """
        with self._read() as conn:
            return images.find(conn, article_id, url)

    def image_data(self, article_id: int, url: str) -> bytes | None:
        found = self.image(article_id, url)
        return found[0] if found else None

    def image_urls(self, article_id: int) -> list[str]:
        with self._read() as conn:
            return images.urls(conn, article_id)

    def images(self, article_id: int) -> list[tuple[str, str, bytes]]:
        """Every archived image of the article as (url, content type, bytes), by URL."""
        with self._read() as conn:
            return images.for_article(conn, article_id)

    # -- import jobs ------------------------------------------------------------------------

    def create_job(
        self,
        source: str,
        source_hash: str,
        fmt: str,
        total: int,
        items: Iterable[tuple[int, str, str, str, str]],
        owner: tuple[int, str] | None = None,
    ) -> int:
        """A running import job and its items (seq, url, item JSON, status, reason), run by
        `owner` (pid, host)."""
        with self._write() as conn:
            return jobs.create(conn, source, source_hash, fmt, _now(), total, items, owner)

    def jobs(self) -> list[dict[str, Any]]:
        """Every import job, newest first, as its columns (see `reader.core.job_owner`)."""
        with self._read() as conn:
            return [dict(row) for row in jobs.all_jobs(conn)]

    def running_jobs(self) -> list[tuple[int, int | None, str | None, str | None]]:
        """(id, owner pid, owner host, heartbeat) of the jobs that say they are running."""
        with self._read() as conn:
            return jobs.running(conn)

    def interrupt_job(
        self, job_id: int, pid: int | None, host: str | None, heartbeat: str | None
    ) -> bool:
        """Mark the job interrupted, if its owner and heartbeat are still those given."""
        with self._write() as conn:
            return jobs.interrupt(conn, job_id, pid, host, heartbeat)

    def take_job(self, job_id: int, pid: int, host: str) -> tuple[int | None, str | None] | None:
        """Make (pid, host) the job's owner unless another owner runs it; returns that other
        owner, or None once taken."""
        with self._write() as conn:
            found = jobs.owner(conn, job_id)
            if found is None:
                raise LibraryError(f"There is no import job {job_id}.")
            state, owner_pid, owner_host = found
            if state == "running" and (owner_pid, owner_host) != (pid, host):
                return owner_pid, owner_host
            jobs.take(conn, job_id, pid, host, _now())
            return None

    def job_heartbeat(self, job_id: int, pid: int, host: str) -> bool:
        """Say the owner still runs the job; False if the job is no longer its own."""
        with self._write() as conn:
            return jobs.beat(conn, job_id, pid, host, _now())

    def release_job(
        self, job_id: int, pid: int, host: str, state: str, finished_at: str | None = None
    ) -> None:
        with self._write() as conn:
            jobs.release(conn, job_id, pid, host, state, finished_at)

    def unfinished_job(self, source_hash: str) -> int | None:
        with self._read() as conn:
            return jobs.unfinished(conn, source_hash)

    def job_items(self, job_id: int) -> list[tuple[str, str, str, int | None, str]]:
        """(url, status, reason, article id, item JSON) of every item, in file order."""
        with self._read() as conn:
            return jobs.item_rows(conn, job_id)

    def job_item_count(self, job_id: int) -> int:
        with self._read() as conn:
            return jobs.item_count(conn, job_id)

    def job_status_counts(self, job_id: int) -> dict[str, int]:
        with self._read() as conn:
            return jobs.status_counts(conn, job_id)

    def job_items_with_status(self, job_id: int, status: str) -> list[tuple[int, str]]:
        with self._read() as conn:
            return jobs.items_with_status(conn, job_id, status)

    def finish_job_item(
        self, job_id: int, seq: int, status: str, reason: str = "", article_id: int | None = None
    ) -> None:
        with self._write() as conn:
            jobs.finish_item(conn, job_id, seq, status, reason, article_id)

    def set_job_state(self, job_id: int, state: str, finished_at: str | None = None) -> None:
        with self._write() as conn:
            jobs.set_state(conn, job_id, state, finished_at)

    def forget_imported_pages(self, job_id: int, statuses: Sequence[str]) -> None:
        """Drop the pages a finished job's items carried and give their space back: the page
        is now the article's (or was refused), and keeping it twice kept the file large."""
        with self._write() as conn:
            jobs.forget_pages(conn, job_id, statuses)
        self.reclaim_space()

    # -- statistics -------------------------------------------------------------------------

    def stats(self) -> dict[str, int | float]:
        with self._read() as conn:
            return articles.stats(conn)
