"""The library service the GUI and the CLI share: add, get, list, search, tag, trash, re-extract,
entities and annotations, over one SQLite file. Each thread opens its own `Library`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from sqlite_utils import Database

from reader.core import fetch
from reader.core.errors import LibraryError, ReadmarkError
from reader.core.extract import extract
from reader.core.failures import database_error
from reader.core.migrations import domain_key
from reader.core.models import Annotation, Article, Block, BlockKind, Entity, Mention, RawPage
from reader.core.query import QueryError, Where, build_where, parse
from reader.core.resources import sample_article_path
from reader.core.store import open_database, write_transaction
from reader.core.textsafe import clean_article, clean_text

EXTRACTOR_VERSION = "1"
EXCERPT_CHARS = 280
SNIPPET_TOKENS = 24
# Marks around the matched words in SearchHit.snippet; control characters never occur in text.
MATCH_START = "\x02"
MATCH_END = "\x03"

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_ARTICLE_IMAGE_BYTES = 25 * 1024 * 1024
MAX_IMAGES_PER_ARTICLE = 60
UNBOUNDED_ID = 2**63 - 1  # above every article id
# Articles never recognised, English or of unknown language; the partial index
# `articles_unrecognised` holds exactly the first two conditions.
UNRECOGNISED_SQL = (
    "SELECT id FROM articles WHERE entities_at IS NULL AND deleted_at IS NULL AND id < ? "
    "AND (lang IS NULL OR lang = '' OR lower(lang) = 'en' OR lower(lang) LIKE 'en-%') "
    "ORDER BY id DESC LIMIT ?"
)
SETTING_ARCHIVE_IMAGES = "archive_images"

TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "mc_cid", "mc_eid", "igshid", "_hsenc", "_hsmi"}

SORTS: dict[str, str] = {
    "newest": "a.added_at DESC, a.id DESC",
    "oldest": "a.added_at ASC, a.id ASC",
    "title": "a.title COLLATE NOCASE ASC, a.id ASC",
    "published": "a.published DESC, a.id DESC",
    "opened": "a.opened_at DESC, a.id DESC",
    "longest": "a.word_count DESC, a.id DESC",
    "shortest": "a.word_count ASC, a.id ASC",
    "progress": "a.read_progress DESC, a.id DESC",
}

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


# -- values ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What the library list shows for one article."""

    id: int
    title: str
    site_name: str | None
    published: str | None
    added_at: str
    word_count: int
    unread: bool
    favorite: bool
    archived: bool
    url: str | None = None
    byline: str | None = None
    opened_at: str | None = None
    read_progress: float = 0.0
    excerpt: str | None = None
    tags: tuple[str, ...] = ()
    deleted_at: str | None = None


@dataclass(frozen=True, slots=True)
class SavedArticle:
    """An article as stored, with its library id and state."""

    id: int
    article: Article
    added_at: str
    opened_at: str | None
    read_progress: float
    favorite: bool
    archived: bool
    unread: bool = True
    tags: tuple[str, ...] = ()
    deleted_at: str | None = None
    updated_at: str | None = None
    text_hash: str = ""
    extractor_version: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit(ArticleSummary):
    """A search result: the article's summary plus a snippet with the matched words between
    MATCH_START and MATCH_END, and its rank (lower is better)."""

    snippet: str = ""
    rank: float = 0.0

    def marked_snippet(self, start: str = "[", end: str = "]") -> str:
        return self.snippet.replace(MATCH_START, start).replace(MATCH_END, end)


@dataclass(frozen=True, slots=True)
class EntityCount:
    """An entity with how many articles (or, per article, how many mentions) it has."""

    entity: Entity
    count: int


@dataclass(frozen=True, slots=True)
class ArticleAnnotation:
    """An annotation with the article it belongs to, for lists across the library."""

    article_id: int
    article_title: str
    annotation: Annotation


# -- rows -----------------------------------------------------------------------------------


def blocks_to_json(blocks: Sequence[Block]) -> str:
    """Blocks without their text (the text column has it); "n" is each block's length."""
    items = []
    for block in blocks:
        data = block.to_dict()
        data.pop("text", None)
        data["n"] = len(block.text)
        items.append(data)
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def blocks_from_json(content: str, text: str) -> tuple[Block, ...]:
    blocks = []
    offset = 0
    for data in json.loads(content):
        if "text" not in data:  # version-1 rows keep the text inside each block
            length = int(data.get("n", 0))
            data = {**data, "text": text[offset : offset + length]}
        offset += len(data["text"]) + 1
        blocks.append(Block.from_dict(data))
    return tuple(blocks)


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


def row_to_article(row: sqlite3.Row | dict[str, Any]) -> Article:
    return Article(
        title=str(row["title"]),
        blocks=blocks_from_json(str(row["content"]), str(row["text"])),
        byline=row["byline"],
        site_name=row["site_name"],
        section=row["section"],
        published=row["published"],
        lang=row["lang"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        lead_image=row["lead_image"],
        excerpt=row["excerpt"],
    )


SUMMARY_COLUMNS = (
    "a.id, a.title, a.site_name, a.published, a.added_at, a.word_count, a.unread, a.favorite, "
    "a.archived, a.url, a.byline, a.opened_at, a.read_progress, a.excerpt, a.deleted_at, "
    "(SELECT group_concat(t.name, char(31)) FROM article_tags at2 JOIN tags t "
    "ON t.id = at2.tag_id WHERE at2.article_id = a.id) AS tag_names"
)


def _summary(row: sqlite3.Row) -> ArticleSummary:
    return ArticleSummary(**_summary_fields(row))


def _summary_fields(row: sqlite3.Row) -> dict[str, Any]:
    tags = tuple(sorted(row["tag_names"].split("\x1f"), key=str.lower)) if row["tag_names"] else ()
    return dict(
        id=int(row["id"]),
        title=str(row["title"]),
        site_name=row["site_name"],
        published=row["published"],
        added_at=str(row["added_at"]),
        word_count=int(row["word_count"] or 0),
        unread=bool(row["unread"]),
        favorite=bool(row["favorite"]),
        archived=bool(row["archived"]),
        url=row["url"],
        byline=row["byline"],
        opened_at=row["opened_at"],
        read_progress=float(row["read_progress"] or 0.0),
        excerpt=row["excerpt"],
        tags=tags,
        deleted_at=row["deleted_at"],
    )


def _annotation(row: sqlite3.Row) -> Annotation:
    return Annotation(
        id=str(row["id"]),
        start=int(row["start"]),
        end=int(row["end"]),
        exact=str(row["exact"]),
        prefix=str(row["prefix"]),
        suffix=str(row["suffix"]),
        text_hash=str(row["text_hash"]),
        color=str(row["color"]),
        note=str(row["note"]),
        created_at=str(row["created_at"]),
        updated_at=str(row["updated_at"]),
        orphaned=bool(row["orphaned"]),
    )


def _entity(row: sqlite3.Row) -> Entity:
    return Entity(
        key=str(row["key"]),
        label=str(row["label"]),
        name=str(row["name"]),
        aliases=tuple(json.loads(row["aliases"] or "[]")),
    )


def http_image_fetcher(session: Any = None) -> FetchImage:
    """A FetchImage that downloads over HTTP(S) with Readmark's timeouts and a size cap."""
    import requests

    http = session or fetch.make_session()

    def fetch_image(url: str) -> tuple[bytes, str] | None:
        try:
            with http.get(
                url, timeout=(fetch.CONNECT_TIMEOUT_S, fetch.READ_TIMEOUT_S), stream=True
            ) as response:
                mime = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if response.status_code >= 400 or not mime.startswith("image/"):
                    return None
                chunks: list[bytes] = []
                total = 0
                for chunk in response.iter_content(64 * 1024):
                    total += len(chunk)
                    if total > MAX_IMAGE_BYTES:
                        return None
                    chunks.append(chunk)
                return b"".join(chunks), mime
        except requests.exceptions.RequestException:
            return None

    return fetch_image


# -- the service ----------------------------------------------------------------------------


class Library:
    """One library file. Each thread that uses the library opens its own `Library`.

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
        if reanchor is None:
            # Highlights follow every change of an article's text, whoever changes it.
            from reader.core.annotations import library_reanchor

            reanchor = library_reanchor
        self.reanchor = reanchor
        self.db: Database = open_database(path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        cursor = self.db.conn.cursor()
        cursor.row_factory = sqlite3.Row
        try:
            return list(cursor.execute(sql, list(params)))
        except sqlite3.DatabaseError as exc:
            raise _database_error(self.path, exc) from exc
        finally:
            cursor.close()

    def _value(self, sql: str, params: Sequence[object] = ()) -> Any:
        rows = self._rows(sql, params)
        return rows[0][0] if rows else None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            with write_transaction(self.db):
                yield self.db.conn
        except sqlite3.DatabaseError as exc:
            raise _database_error(self.path, exc) from exc

    def _require(self, article_id: int) -> None:
        if self._value("SELECT 1 FROM articles WHERE id = ?", [article_id]) is None:
            raise ArticleNotFoundError(f"There is no article {article_id} in the library.")

    # -- settings ---------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        value = self._value("SELECT value FROM settings WHERE key = ?", [key])
        return default if value is None else json.loads(value)

    def set_setting(self, key: str, value: Any) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value)],
            )

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
    ) -> int:
        """Save `article`; the same URL (or the same local file content) updates, never duplicates.

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
        images = self._fetch_images(article)
        now = _now()
        row["updated_at"] = now
        states = {"archived": archived, "favorite": favorite, "unread": unread}
        with self._write() as conn:
            existing = None
            if row["canonical_url"]:
                # The page's own URL too: it may have been saved before its canonical URL was
                # known (or from a site that changed it).
                addresses = [row["canonical_url"]]
                for url in (article.url, raw.url if raw is not None else None):
                    if (normalised := normalise_url(url)) and normalised not in addresses:
                        addresses.append(normalised)
                marks = ", ".join("?" for _ in addresses)
                existing = self._value(
                    f"SELECT id FROM articles WHERE canonical_url IN ({marks}) "
                    "ORDER BY canonical_url = ? DESC, id LIMIT 1",
                    [*addresses, row["canonical_url"]],
                )
            elif row.get("content_hash"):
                existing = self._value(
                    "SELECT id FROM articles WHERE content_hash = ? AND canonical_url IS NULL "
                    "ORDER BY id LIMIT 1",
                    [row["content_hash"]],
                )
            for key, value in states.items():
                if value is not None:
                    row[key] = int(value)
            if existing is not None:
                article_id = int(existing)
                if self._value(
                    "SELECT 1 FROM articles WHERE canonical_url = ? AND id <> ?",
                    [row["canonical_url"], article_id],
                ):
                    del row["canonical_url"]  # another article already holds that address
                row["deleted_at"] = None  # adding an article again takes it out of the trash
                if added_at:
                    row["added_at"] = added_at
                self._replace_text(article_id, row, self.reanchor)
                _update(conn, article_id, row)
            else:
                row["added_at"] = added_at or now
                columns = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                cursor = conn.execute(
                    f"INSERT INTO articles ({columns}) VALUES ({marks})", list(row.values())
                )
                article_id = int(cursor.lastrowid or 0)
            if recognised is not None:
                self._store_entities(conn, article_id, recognised.mentions, recognised.entities)
            if images:
                conn.execute("DELETE FROM images WHERE article_id = ?", [article_id])
                conn.executemany(
                    "INSERT INTO images(article_id, url, content_type, data) VALUES (?, ?, ?, ?)",
                    [(article_id, url, mime, data) for url, (data, mime) in images.items()],
                )
            if tags:
                self._add_tags(conn, article_id, tags)
        return article_id

    def _fetch_images(self, article: Article) -> dict[str, tuple[bytes, str]]:
        if self.fetch_image is None or not self.archive_images:
            return {}
        urls: list[str] = []
        candidates = [block.src for block in article.blocks if block.src]
        if article.lead_image:
            candidates.append(article.lead_image)
        for src in candidates:
            url = urljoin(article.url or "", src or "")
            if url.startswith(("http://", "https://")) and url not in urls:
                urls.append(url)
        images: dict[str, tuple[bytes, str]] = {}
        total = 0
        for url in urls[:MAX_IMAGES_PER_ARTICLE]:
            try:
                found = self.fetch_image(url)
            except (ReadmarkError, OSError, ValueError):
                found = None  # an image that cannot be fetched never stops the article
            if not found or len(found[0]) > MAX_IMAGE_BYTES:
                continue
            if total + len(found[0]) > MAX_ARTICLE_IMAGE_BYTES:
                break
            total += len(found[0])
            images[url] = found
        return images

    def ensure_sample(self) -> int | None:
        """On a library that never held an article, add the bundled sample; returns its id."""
        if self._value("SELECT 1 FROM articles LIMIT 1") is not None:
            return None
        return self.add_source(str(sample_article_path()))

    # -- text changes -----------------------------------------------------------------------

    def _replace_text(self, article_id: int, row: dict[str, object], hook: Reanchor | None) -> None:
        """Before an article's text changes: move its highlights, or keep the old text."""
        old = self._rows(
            "SELECT text, text_hash, content FROM articles WHERE id = ?", [article_id]
        )[0]
        old_hash = old["text_hash"] or sha256(old["text"])
        if old_hash == row["text_hash"]:
            return
        conn = self.db.conn
        # Mentions are offsets into the old text; new ones come with the new text.
        self._clear_entities(conn, article_id)
        annotations = self.annotations(article_id)
        if not annotations:
            return
        conn.execute(
            "INSERT OR IGNORE INTO text_versions(article_id, text_hash, text, content, saved_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [article_id, old_hash, old["text"], old["content"], _now()],
        )
        if hook is None:
            return
        moved = hook(str(old["text"]), str(row["text"]), annotations)
        for annotation in moved:
            self._save_annotation(conn, article_id, annotation)
        # The old version stays only while some highlight still refers to it.
        conn.execute(
            "DELETE FROM text_versions WHERE article_id = ? AND text_hash NOT IN "
            "(SELECT text_hash FROM annotations WHERE article_id = ?)",
            [article_id, article_id],
        )

    def reextract(self, article_id: int, reanchor: Reanchor | None = None) -> bool:
        """Extract the article again from its stored source; True if its text changed.

        Highlights are moved by `reanchor` (or the library's) in the same transaction; without
        one, the old text is kept (`old_text`) so they can be re-anchored later.
        """
        rows = self._rows(
            "SELECT source, source_type, source_path, url, text_hash FROM articles WHERE id = ?",
            [article_id],
        )
        if not rows:
            raise ArticleNotFoundError(f"There is no article {article_id} in the library.")
        stored = rows[0]
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
            self._replace_text(article_id, row, reanchor or self.reanchor)
            _update(conn, article_id, row)
            if recognised is not None:
                self._store_entities(conn, article_id, recognised.mentions, recognised.entities)
        return changed

    def old_text(self, article_id: int, text_hash: str) -> str | None:
        """The text an article had when its hash was `text_hash`, if still kept."""
        if self._value("SELECT text_hash FROM articles WHERE id = ?", [article_id]) == text_hash:
            return self._value("SELECT text FROM articles WHERE id = ?", [article_id])  # type: ignore[no-any-return]
        return self._value(  # type: ignore[no-any-return]
            "SELECT text FROM text_versions WHERE article_id = ? AND text_hash = ?",
            [article_id, text_hash],
        )

    def source(self, article_id: int) -> RawPage | None:
        rows = self._rows(
            "SELECT source, source_type, source_path, url FROM articles WHERE id = ?",
            [article_id],
        )
        if not rows or rows[0]["source"] is None:
            return None
        row = rows[0]
        return RawPage(
            data=zlib.decompress(row["source"]),
            content_type=str(row["source_type"] or "text/html"),
            url=row["url"],
            path=row["source_path"],
        )

    # -- reading ----------------------------------------------------------------------------

    def count(self, filter: str | None = None) -> int:
        """Articles outside the trash (matching `filter`, a search query, when given)."""
        if not filter:
            return int(self._value("SELECT count(*) FROM articles WHERE deleted_at IS NULL"))
        where = self._filter_where(filter)
        return int(
            self._value(f"SELECT count(*) FROM articles a WHERE {where.sql()}", where.params)
        )

    def get(self, article_id: int) -> SavedArticle:
        rows = self._rows("SELECT * FROM articles WHERE id = ?", [article_id])
        if not rows:
            raise ArticleNotFoundError(f"There is no article {article_id} in the library.")
        row = rows[0]
        return SavedArticle(
            id=int(row["id"]),
            article=row_to_article(row),
            added_at=str(row["added_at"]),
            opened_at=row["opened_at"],
            read_progress=float(row["read_progress"] or 0.0),
            favorite=bool(row["favorite"]),
            archived=bool(row["archived"]),
            unread=bool(row["unread"]),
            tags=tuple(self.tags(article_id)),
            deleted_at=row["deleted_at"],
            updated_at=row["updated_at"],
            text_hash=str(row["text_hash"] or ""),
            extractor_version=row["extractor_version"],
        )

    def _filter_where(self, filter: str | None) -> Where:
        query = parse(filter or "")
        where = build_where(query)
        if query.has_text:
            expression = query.match_expression()
            if expression is not None:
                where.add(
                    "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
                    expression,
                )
            else:
                where.add(
                    "a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
                    query.exclude_expression(),
                )
        return where

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
        return [
            _summary(row) for row in self._page(self._filter_where(filter), sort, limit, offset)
        ]

    def _page(self, where: Where, sort: str, limit: int, offset: int) -> list[sqlite3.Row]:
        return self._rows(*self._page_statement(where, sort, limit, offset))

    @staticmethod
    def _page_statement(
        where: Where, sort: str, limit: int, offset: int
    ) -> tuple[str, list[object]]:
        # The page's ids first, then their summaries: the tag names are looked up for the rows
        # shown, not for every row a filter matches before sorting.
        order = SORTS[sort]
        return (
            f"WITH page AS (SELECT a.id FROM articles a WHERE {where.sql()} "
            f"ORDER BY {order} LIMIT ? OFFSET ?) "
            f"SELECT {SUMMARY_COLUMNS} FROM page JOIN articles a ON a.id = page.id "
            f"ORDER BY {order}",
            [*where.params, limit, offset],
        )

    @staticmethod
    def _search_statement(
        expression: str, where: Where, limit: int, offset: int
    ) -> tuple[str, list[object]]:
        # FTS5 returns rows in rank order itself (ORDER BY rank), so the join, the filters and
        # the snippet only touch rows until the page is full.
        return (
            f"SELECT {SUMMARY_COLUMNS}, "
            f"snippet(articles_fts, -1, '{MATCH_START}', '{MATCH_END}', '…', {SNIPPET_TOKENS}) "
            "AS snippet, articles_fts.rank AS rank "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            f"WHERE articles_fts MATCH ? AND {where.sql()} "
            "ORDER BY articles_fts.rank LIMIT ? OFFSET ?",
            [expression, *where.params, limit, offset],
        )

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        """Articles matching `query`, best first, each with a snippet around the matches."""
        parsed = parse(query)
        expression = parsed.match_expression()
        if expression is None:
            # Filters only (or only exclusions): the newest matching articles, no ranking.
            rows = self._page(self._filter_where(query), "newest", limit, offset)
            return [SearchHit(**_summary_fields(row), snippet=row["excerpt"] or "") for row in rows]
        rows = self._rows(*self._search_statement(expression, build_where(parsed), limit, offset))
        return [
            SearchHit(
                **_summary_fields(row), snippet=str(row["snippet"] or ""), rank=float(row["rank"])
            )
            for row in rows
        ]

    def last_opened_id(self) -> int | None:
        found = self._value(
            "SELECT id FROM articles WHERE deleted_at IS NULL AND opened_at IS NOT NULL "
            "ORDER BY opened_at DESC, id DESC LIMIT 1"
        )
        if found is None:
            found = self._value(
                "SELECT id FROM articles a WHERE deleted_at IS NULL "
                "ORDER BY added_at DESC, id DESC LIMIT 1"
            )
        return None if found is None else int(found)

    # -- states -----------------------------------------------------------------------------

    def _set(self, article_id: int, values: dict[str, object]) -> None:
        with self._write() as conn:
            cursor = _update(conn, article_id, values)
            if cursor.rowcount == 0:
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

    # -- tags -------------------------------------------------------------------------------

    def tags(self, article_id: int | None = None) -> list[str]:
        """The article's tags; without an article, every tag in the library."""
        if article_id is None:
            return [name for name, _count in self.all_tags()]
        rows = self._rows(
            "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            "WHERE at.article_id = ? ORDER BY t.name COLLATE NOCASE",
            [article_id],
        )
        return [str(row[0]) for row in rows]

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag with the number of articles outside the trash that carry it."""
        rows = self._rows(
            "SELECT t.name, (SELECT count(*) FROM article_tags at JOIN articles a "
            "ON a.id = at.article_id WHERE at.tag_id = t.id AND a.deleted_at IS NULL) "
            "FROM tags t ORDER BY t.name COLLATE NOCASE"
        )
        return [(str(row[0]), int(row[1])) for row in rows]

    def _add_tags(self, conn: sqlite3.Connection, article_id: int, tags: Iterable[str]) -> None:
        for tag in tags:
            name = normalise_tag(tag)
            if not name:
                continue
            conn.execute("INSERT INTO tags(name) VALUES (?) ON CONFLICT DO NOTHING", [name])
            conn.execute(
                "INSERT OR IGNORE INTO article_tags(article_id, tag_id) "
                "SELECT ?, id FROM tags WHERE name = ?",
                [article_id, name],
            )

    def add_tags(self, article_id: int, tags: Iterable[str]) -> None:
        with self._write() as conn:
            self._require(article_id)
            self._add_tags(conn, article_id, tags)

    def remove_tags(self, article_id: int, tags: Iterable[str]) -> None:
        with self._write() as conn:
            for tag in tags:
                conn.execute(
                    "DELETE FROM article_tags WHERE article_id = ? AND tag_id IN "
                    "(SELECT id FROM tags WHERE name = ?)",
                    [article_id, normalise_tag(tag)],
                )
            conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM article_tags)")

    def set_tags(self, article_id: int, tags: Iterable[str]) -> None:
        with self._write() as conn:
            self._require(article_id)
            conn.execute("DELETE FROM article_tags WHERE article_id = ?", [article_id])
            self._add_tags(conn, article_id, tags)
            conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM article_tags)")

    # -- trash ------------------------------------------------------------------------------

    def delete(self, article_id: int) -> None:
        """Move an article to the trash; `restore` brings it back, `empty_trash` ends it."""
        self._set(article_id, {"deleted_at": _now()})

    def restore(self, article_id: int) -> None:
        self._set(article_id, {"deleted_at": None})

    def trash(self, limit: int = 200, offset: int = 0) -> list[ArticleSummary]:
        rows = self._rows(
            f"SELECT {SUMMARY_COLUMNS} FROM articles a WHERE deleted_at IS NOT NULL "
            "ORDER BY deleted_at DESC, id DESC LIMIT ? OFFSET ?",
            [limit, offset],
        )
        return [_summary(row) for row in rows]

    def empty_trash(self) -> int:
        """Delete the articles in the trash for good; returns how many."""
        with self._write() as conn:
            ids = [
                int(row[0])
                for row in conn.execute("SELECT id FROM articles WHERE deleted_at IS NOT NULL")
            ]
            for article_id in ids:
                self._purge(conn, article_id)
            conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM article_tags)")
            conn.execute(
                "DELETE FROM entities WHERE article_count <= 0 AND id NOT IN "
                "(SELECT entity_id FROM article_entities)"
            )
        return len(ids)

    def _purge(self, conn: sqlite3.Connection, article_id: int) -> None:
        # Children first, while the article row exists: their triggers keep the entity counts
        # and the search index exact.
        self._clear_entities(conn, article_id)
        conn.execute("DELETE FROM annotations WHERE article_id = ?", [article_id])
        for table in ("article_tags", "images", "text_versions"):
            conn.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
        conn.execute("DELETE FROM articles WHERE id = ?", [article_id])

    # -- entities ---------------------------------------------------------------------------

    def _clear_entities(self, conn: sqlite3.Connection, article_id: int) -> None:
        conn.execute("UPDATE articles SET entities_at = NULL WHERE id = ?", [article_id])
        conn.execute("DELETE FROM mentions WHERE article_id = ?", [article_id])
        conn.execute("DELETE FROM article_entities WHERE article_id = ?", [article_id])

    def _store_entities(
        self,
        conn: sqlite3.Connection,
        article_id: int,
        mentions: Sequence[Mention],
        entities: Sequence[Entity],
    ) -> None:
        self._clear_entities(conn, article_id)
        conn.execute("UPDATE articles SET entities_at = ? WHERE id = ?", [_now(), article_id])
        known = {entity.key: entity for entity in entities}
        for mention in mentions:
            if mention.entity_key not in known:
                known[mention.entity_key] = Entity(
                    key=mention.entity_key, label=mention.label, name=mention.entity_key
                )
        ids: dict[str, int] = {}
        for entity in known.values():
            row = conn.execute(
                "INSERT INTO entities(key, label, name, aliases) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET label = excluded.label, name = excluded.name, "
                "aliases = excluded.aliases RETURNING id",
                [entity.key, entity.label, entity.name, json.dumps(list(entity.aliases))],
            ).fetchone()
            ids[entity.key] = int(row[0])
        conn.executemany(
            'INSERT INTO mentions(article_id, start, "end", label, entity_id) '
            "VALUES (?, ?, ?, ?, ?)",
            [(article_id, m.start, m.end, m.label, ids[m.entity_key]) for m in mentions],
        )
        counts: dict[int, int] = {}
        for mention in mentions:
            entity_id = ids[mention.entity_key]
            counts[entity_id] = counts.get(entity_id, 0) + 1
        conn.executemany(
            "INSERT INTO article_entities(entity_id, article_id, mentions) VALUES (?, ?, ?)",
            [(entity_id, article_id, count) for entity_id, count in counts.items()],
        )

    def set_entities(
        self, article_id: int, mentions: Sequence[Mention], entities: Sequence[Entity]
    ) -> None:
        """Replace the article's mentions and entity links in one transaction."""
        with self._write() as conn:
            self._require(article_id)
            self._store_entities(conn, article_id, mentions, entities)

    def has_entities(self, article_id: int) -> bool:
        """Whether entities were recognised for the article's current text (maybe none found)."""
        found = self._value("SELECT entities_at FROM articles WHERE id = ?", [article_id])
        return found is not None

    def unrecognised(self, limit: int = 20, before: int | None = None) -> list[int]:
        """Ids of articles outside the trash whose entities were never recognised, newest first.

        Only English articles or those of unknown language (entities are English-only); `before`
        continues a walk below that id. Uses the `articles_unrecognised` partial index.
        """
        rows = self._rows(UNRECOGNISED_SQL, [before if before is not None else UNBOUNDED_ID, limit])
        return [int(row[0]) for row in rows]

    def mentions(self, article_id: int) -> list[Mention]:
        rows = self._rows(
            'SELECT m.start, m."end", m.label, e.key FROM mentions m '
            "JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? ORDER BY m.start",
            [article_id],
        )
        return [Mention(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows]

    def entities(self, article_id: int) -> list[Entity]:
        """The article's entities, most mentioned first."""
        return [item.entity for item in self.entity_counts(article_id)]

    def entity_counts(self, article_id: int) -> list[EntityCount]:
        """The article's entities with their number of mentions in it, most mentioned first."""
        rows = self._rows(
            "SELECT e.key, e.label, e.name, e.aliases, ae.mentions FROM article_entities ae "
            "JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id = ? "
            "ORDER BY ae.mentions DESC, e.name COLLATE NOCASE",
            [article_id],
        )
        return [EntityCount(_entity(row), int(row["mentions"])) for row in rows]

    def articles_mentioning(
        self, entity_key: str, limit: int = 200, offset: int = 0
    ) -> list[ArticleSummary]:
        """Articles outside the trash that mention the entity, the most recently saved first.

        Walks the (entity, article) index backwards, so a page costs the same for an entity in
        ten articles or in ten thousand.
        """
        rows = self._rows(
            f"SELECT {SUMMARY_COLUMNS} FROM article_entities ae "
            "JOIN articles a ON a.id = ae.article_id "
            "WHERE ae.entity_id = (SELECT id FROM entities WHERE key = ?) "
            "AND a.deleted_at IS NULL ORDER BY ae.article_id DESC LIMIT ? OFFSET ?",
            [entity_key, limit, offset],
        )
        return [_summary(row) for row in rows]

    def top_entities(self, label: str | None = None, limit: int = 50) -> list[EntityCount]:
        """Entities by the number of articles (outside the trash) that mention them."""
        if label is None:
            rows = self._rows(
                "SELECT key, label, name, aliases, article_count FROM entities "
                "WHERE article_count > 0 ORDER BY article_count DESC LIMIT ?",
                [limit],
            )
        else:
            rows = self._rows(
                "SELECT key, label, name, aliases, article_count FROM entities "
                "WHERE label = ? AND article_count > 0 ORDER BY article_count DESC LIMIT ?",
                [label, limit],
            )
        return [EntityCount(_entity(row), int(row["article_count"])) for row in rows]

    # -- annotations ------------------------------------------------------------------------

    def _save_annotation(
        self, conn: sqlite3.Connection, article_id: int, annotation: Annotation
    ) -> None:
        now = _now()
        conn.execute(
            'INSERT INTO annotations(id, article_id, start, "end", exact, prefix, suffix, '
            "text_hash, color, note, created_at, updated_at, orphaned) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            'start = excluded.start, "end" = excluded."end", exact = excluded.exact, '
            "prefix = excluded.prefix, suffix = excluded.suffix, "
            "text_hash = excluded.text_hash, color = excluded.color, note = excluded.note, "
            "updated_at = excluded.updated_at, orphaned = excluded.orphaned",
            [
                annotation.id,
                article_id,
                annotation.start,
                annotation.end,
                annotation.exact,
                annotation.prefix,
                annotation.suffix,
                annotation.text_hash,
                annotation.color,
                annotation.note,
                annotation.created_at or now,
                annotation.updated_at or now,
                int(annotation.orphaned),
            ],
        )

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
            current = self._value("SELECT text_hash FROM articles WHERE id = ?", [article_id])
            annotation = replace(annotation, text_hash=str(current or ""))
        annotation = replace(
            annotation,
            created_at=annotation.created_at or now,
            updated_at=annotation.updated_at or now,
        )
        with self._write() as conn:
            self._require(article_id)
            if self._value("SELECT 1 FROM annotations WHERE id = ?", [annotation.id]):
                raise LibraryError(f"An annotation with id {annotation.id} already exists.")
            self._save_annotation(conn, article_id, annotation)
        return annotation

    def update_annotation(self, annotation: Annotation) -> Annotation:
        """Save changes to an existing annotation (note, colour, position...)."""
        annotation = replace(annotation, note=clean_text(annotation.note), updated_at=_now())
        with self._write() as conn:
            article_id = self._value(
                "SELECT article_id FROM annotations WHERE id = ?", [annotation.id]
            )
            if article_id is None:
                raise LibraryError(f"There is no annotation {annotation.id}.")
            self._save_annotation(conn, int(article_id), annotation)
            self._drop_unused_versions(conn, int(article_id))
        return annotation

    def delete_annotation(self, annotation_id: str) -> None:
        with self._write() as conn:
            article_id = self._value(
                "SELECT article_id FROM annotations WHERE id = ?", [annotation_id]
            )
            conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
            if article_id is not None:
                self._drop_unused_versions(conn, int(article_id))

    def _drop_unused_versions(self, conn: sqlite3.Connection, article_id: int) -> None:
        conn.execute(
            "DELETE FROM text_versions WHERE article_id = ? AND text_hash NOT IN "
            "(SELECT text_hash FROM annotations WHERE article_id = ?)",
            [article_id, article_id],
        )

    def annotations(self, article_id: int) -> list[Annotation]:
        rows = self._rows(
            "SELECT * FROM annotations WHERE article_id = ? ORDER BY start, id", [article_id]
        )
        return [_annotation(row) for row in rows]

    def all_annotations(
        self, query: str | None = None, limit: int = 500
    ) -> list[ArticleAnnotation]:
        """Annotations across the library, latest first; `query` filters on quote and note."""
        sql = (
            "SELECT n.*, a.title AS article_title FROM annotations n "
            "JOIN articles a ON a.id = n.article_id WHERE a.deleted_at IS NULL"
        )
        params: list[object] = []
        if query:
            pattern = (
                "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            sql += " AND (n.note LIKE ? ESCAPE '\\' OR n.exact LIKE ? ESCAPE '\\')"
            params += [pattern, pattern]
        sql += " ORDER BY n.updated_at DESC, n.id LIMIT ?"
        rows = self._rows(sql, [*params, limit])
        return [
            ArticleAnnotation(int(row["article_id"]), str(row["article_title"]), _annotation(row))
            for row in rows
        ]

    # -- images -----------------------------------------------------------------------------

    def image(self, article_id: int, url: str) -> tuple[bytes, str] | None:
        """An archived image as (bytes, content type), or None if it was not archived.

        `url` is a block's `src`, absolute or relative to the article's URL.
        """
        base = self._value("SELECT url FROM articles WHERE id = ?", [article_id]) or ""
        rows = self._rows(
            "SELECT data, content_type FROM images WHERE article_id = ? AND url IN (?, ?)",
            [article_id, url, urljoin(str(base), url)],
        )
        return (bytes(rows[0][0]), str(rows[0][1])) if rows else None

    def image_data(self, article_id: int, url: str) -> bytes | None:
        found = self.image(article_id, url)
        return found[0] if found else None

    def image_urls(self, article_id: int) -> list[str]:
        rows = self._rows("SELECT url FROM images WHERE article_id = ? ORDER BY url", [article_id])
        return [str(row[0]) for row in rows]

    # -- statistics -------------------------------------------------------------------------

    def stats(self) -> dict[str, int | float]:
        row = self._rows(
            "SELECT count(*) AS articles, coalesce(sum(unread), 0) AS unread, "
            "coalesce(sum(archived), 0) AS archived, coalesce(sum(favorite), 0) AS favorite, "
            "coalesce(sum(word_count), 0) AS words FROM articles WHERE deleted_at IS NULL"
        )[0]
        stats: dict[str, int | float] = {key: int(row[key]) for key in row.keys()}  # noqa: SIM118
        stats["trash"] = int(
            self._value("SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL")
        )
        for table in ("tags", "annotations", "images"):
            stats[table] = int(self._value(f"SELECT count(*) FROM {table}"))
        stats["entities"] = int(
            self._value("SELECT count(*) FROM entities WHERE article_count > 0")
        )
        page_size = int(self._value("PRAGMA page_size"))
        pages = int(self._value("PRAGMA page_count")) - int(self._value("PRAGMA freelist_count"))
        stats["file_bytes"] = page_size * pages
        total = stats["articles"] + stats["trash"]
        stats["bytes_per_article"] = round(stats["file_bytes"] / total) if total else 0
        return stats


def _update(conn: sqlite3.Connection, article_id: int, values: dict[str, object]) -> sqlite3.Cursor:
    assignments = ", ".join(f"{column} = ?" for column in values)
    return conn.execute(
        f"UPDATE articles SET {assignments} WHERE id = ?", [*values.values(), article_id]
    )


def _database_error(path: Path, exc: sqlite3.DatabaseError) -> LibraryError:
    return database_error(path, exc)
