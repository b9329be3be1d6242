"""The `articles` table and what hangs off it: finding, saving, pages, search, trash, stats."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import reader.core.store.annotations as annotation_rows
import reader.core.store.entities as entity_rows
from reader.core.errors import ArticleNotFoundError
from reader.core.models import MATCH_END, MATCH_START, ArticleSummary, SearchHit
from reader.core.query import Where, build_where, parse
from reader.core.store.db import rows, value
from reader.core.store.rows import SUMMARY_COLUMNS, summary, summary_fields
from reader.core.urls import normalise_url

SNIPPET_TOKENS = 24

SORTS: dict[str, str] = {
    "newest": "a.added_at DESC, a.id DESC",
    # In the order articles came into this library (an import keeps each item's own saved date,
    # so "newest" puts 500 just-imported items among the old ones; this puts them on top).
    "recent": "a.id DESC",
    "oldest": "a.added_at ASC, a.id ASC",
    "title": "a.title COLLATE NOCASE ASC, a.id ASC",
    "published": "a.published DESC, a.id DESC",
    "opened": "a.opened_at DESC, a.id DESC",
    "longest": "a.word_count DESC, a.id DESC",
    "shortest": "a.word_count ASC, a.id ASC",
    "progress": "a.read_progress DESC, a.id DESC",
}


# -- saving ---------------------------------------------------------------------------------


def find_by_address(conn: sqlite3.Connection, canonical: str, others: Sequence[str]) -> int | None:
    """The article saved under `canonical` or, failing that, the oldest under `others`."""
    addresses = [canonical, *others]
    marks = ", ".join("?" for _ in addresses)
    found = value(
        conn,
        f"SELECT id FROM articles WHERE canonical_url IN ({marks}) "
        "ORDER BY canonical_url = ? DESC, id LIMIT 1",
        [*addresses, canonical],
    )
    return None if found is None else int(found)


def find_by_content(conn: sqlite3.Connection, content_hash: str) -> int | None:
    """A local file saved before (no URL), recognised by the hash of its bytes."""
    found = value(
        conn,
        "SELECT id FROM articles WHERE content_hash = ? AND canonical_url IS NULL "
        "ORDER BY id LIMIT 1",
        [content_hash],
    )
    return None if found is None else int(found)


def address_taken(conn: sqlite3.Connection, canonical: object, other_than: int) -> bool:
    return bool(
        value(
            conn,
            "SELECT 1 FROM articles WHERE canonical_url = ? AND id <> ?",
            [canonical, other_than],
        )
    )


def insert(conn: sqlite3.Connection, row: dict[str, object]) -> int:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = conn.execute(f"INSERT INTO articles ({columns}) VALUES ({marks})", list(row.values()))
    return int(cursor.lastrowid or 0)


def update(conn: sqlite3.Connection, article_id: int, values: dict[str, object]) -> int:
    """Set `values` (column -> value) on the article; returns how many rows changed (0 or 1)."""
    assignments = ", ".join(f"{column} = ?" for column in values)
    cursor = conn.execute(
        f"UPDATE articles SET {assignments} WHERE id = ?", [*values.values(), article_id]
    )
    return cursor.rowcount


def find_live(conn: sqlite3.Connection, addresses: Iterable[str]) -> int | None:
    """The first live article saved under one of `addresses` (as URL or canonical URL)."""
    for address in addresses:
        found = value(
            conn,
            "SELECT id FROM articles WHERE (canonical_url = ? OR url = ?) AND deleted_at IS NULL "
            "LIMIT 1",
            [address, address],
        )
        if found is not None:
            return int(found)
    return None


def find_live_at(conn: sqlite3.Connection, urls: Iterable[str | None]) -> int | None:
    """A live article saved under any of `urls`, as given or in their normalised form."""
    keys = [key for u in urls if u for key in (normalise_url(u), u.strip())]
    return find_live(conn, dict.fromkeys(k for k in keys if k))


def find_live_oldest(conn: sqlite3.Connection, url: str, canonical: str | None) -> int | None:
    """The oldest live article whose URL is `url` or whose canonical URL is either form."""
    found = value(
        conn,
        "SELECT id FROM articles WHERE deleted_at IS NULL AND "
        "(url = ? OR canonical_url = ? OR canonical_url = ?) ORDER BY id LIMIT 1",
        [url, url, canonical],
    )
    return None if found is None else int(found)


def find_by_uid(conn: sqlite3.Connection, uid: str) -> tuple[int, bool] | None:
    """The article with that identity, in the trash or not: (id, whether it is in the trash)."""
    found = rows(conn, "SELECT id, deleted_at IS NOT NULL FROM articles WHERE uid = ?", [uid])
    return (int(found[0][0]), bool(found[0][1])) if found else None


def find_live_by_content(conn: sqlite3.Connection, content_hash: str) -> int | None:
    """A live article without an address saved from the same bytes."""
    found = value(
        conn,
        "SELECT id FROM articles WHERE content_hash = ? AND canonical_url IS NULL "
        "AND deleted_at IS NULL ORDER BY id LIMIT 1",
        [content_hash],
    )
    return None if found is None else int(found)


# What an export carries as stored, beyond the article and its state (`restore` writes them).
STORED_COLUMNS = (
    "uid",
    "domain",
    "word_count",
    "updated_at",
    "extractor_version",
    "text_hash",
    "content_hash",
    "source",
    "source_type",
    "source_path",
)
# An article that was in the trash when it was exported goes back into it.
RESTORED_COLUMNS = frozenset(
    {*STORED_COLUMNS, "canonical_url", "domain_key", "excerpt", "deleted_at"} - {"uid"}
)


def stored_fields(conn: sqlite3.Connection, article_id: int) -> dict[str, Any]:
    found = rows(
        conn, f"SELECT {', '.join(STORED_COLUMNS)} FROM articles WHERE id = ?", [article_id]
    )
    if not found:
        raise ArticleNotFoundError(f"There is no article {article_id} in the library.")
    return {name: found[0][name] for name in STORED_COLUMNS}


def restore(conn: sqlite3.Connection, article_id: int, values: dict[str, Any]) -> None:
    """Write back stored fields an export carried; only the columns an export may set."""
    unknown = set(values) - RESTORED_COLUMNS
    if unknown:
        raise ValueError(f"not restorable: {', '.join(sorted(unknown))}")
    if values:
        update(conn, article_id, values)


# -- reading one ----------------------------------------------------------------------------


def exists(conn: sqlite3.Connection, article_id: int) -> bool:
    return value(conn, "SELECT 1 FROM articles WHERE id = ?", [article_id]) is not None


def require(conn: sqlite3.Connection, article_id: int) -> None:
    if not exists(conn, article_id):
        raise ArticleNotFoundError(f"There is no article {article_id} in the library.")


def is_live(conn: sqlite3.Connection, article_id: int) -> bool:
    found = value(conn, "SELECT 1 FROM articles WHERE id = ? AND deleted_at IS NULL", [article_id])
    return found is not None


def any_saved(conn: sqlite3.Connection) -> bool:
    return value(conn, "SELECT 1 FROM articles LIMIT 1") is not None


def row(conn: sqlite3.Connection, article_id: int) -> sqlite3.Row | None:
    found = rows(conn, "SELECT * FROM articles WHERE id = ?", [article_id])
    return found[0] if found else None


def text_row(conn: sqlite3.Connection, article_id: int) -> sqlite3.Row | None:
    """The article's text, its hash and its blocks (JSON)."""
    found = rows(conn, "SELECT text, text_hash, content FROM articles WHERE id = ?", [article_id])
    return found[0] if found else None


def source_row(conn: sqlite3.Connection, article_id: int) -> sqlite3.Row | None:
    """The stored source bytes (compressed), how to read them, and the text hash."""
    found = rows(
        conn,
        "SELECT source, source_type, source_path, url, text_hash FROM articles WHERE id = ?",
        [article_id],
    )
    return found[0] if found else None


def text_hash(conn: sqlite3.Connection, article_id: int) -> Any:
    return value(conn, "SELECT text_hash FROM articles WHERE id = ?", [article_id])


def text(conn: sqlite3.Connection, article_id: int) -> Any:
    return value(conn, "SELECT text FROM articles WHERE id = ?", [article_id])


# -- lists and search -----------------------------------------------------------------------


def filter_where(filter: str | None) -> Where:
    """The WHERE clause (over `articles a`) of a search query used as a filter."""
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


def count_matching(conn: sqlite3.Connection, filter: str | None) -> int:
    """Articles outside the trash matching `filter` (a search query), or all of them."""
    return count_where(conn, filter_where(filter)) if filter else count_live(conn)


def count_live(conn: sqlite3.Connection) -> int:
    return int(value(conn, "SELECT count(*) FROM articles WHERE deleted_at IS NULL"))


def count_where(conn: sqlite3.Connection, where: Where) -> int:
    return int(value(conn, f"SELECT count(*) FROM articles a WHERE {where.sql()}", where.params))


def page_statement(where: Where, sort: str, limit: int, offset: int) -> tuple[str, list[object]]:
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


def search_statement(
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


def page(
    conn: sqlite3.Connection, where: Where, sort: str, limit: int, offset: int
) -> list[ArticleSummary]:
    return [summary(found) for found in rows(conn, *page_statement(where, sort, limit, offset))]


def search(conn: sqlite3.Connection, query: str, limit: int, offset: int) -> list[SearchHit]:
    """Articles matching `query`, best first, each with a snippet around the matches."""
    parsed = parse(query)
    expression = parsed.match_expression()
    if expression is None:
        # Filters only (or only exclusions): the newest matching articles, no ranking.
        statement = page_statement(filter_where(query), "newest", limit, offset)
        return [
            SearchHit(**summary_fields(found), snippet=found["excerpt"] or "")
            for found in rows(conn, *statement)
        ]
    statement = search_statement(expression, build_where(parsed), limit, offset)
    return [
        SearchHit(
            **summary_fields(found), snippet=str(found["snippet"] or ""), rank=float(found["rank"])
        )
        for found in rows(conn, *statement)
    ]


def last_opened(conn: sqlite3.Connection) -> int | None:
    found = value(
        conn,
        "SELECT id FROM articles WHERE deleted_at IS NULL AND opened_at IS NOT NULL "
        "ORDER BY opened_at DESC, id DESC LIMIT 1",
    )
    if found is None:
        found = value(
            conn,
            "SELECT id FROM articles a WHERE deleted_at IS NULL "
            "ORDER BY added_at DESC, id DESC LIMIT 1",
        )
    return None if found is None else int(found)


def live_ids(conn: sqlite3.Connection) -> list[int]:
    """Every article outside the trash, by id."""
    found = rows(conn, "SELECT id FROM articles WHERE deleted_at IS NULL ORDER BY id")
    return [int(each[0]) for each in found]


# -- trash ----------------------------------------------------------------------------------


def trash_page(conn: sqlite3.Connection, limit: int, offset: int) -> list[ArticleSummary]:
    found = rows(
        conn,
        f"SELECT {SUMMARY_COLUMNS} FROM articles a WHERE deleted_at IS NOT NULL "
        "ORDER BY deleted_at DESC, id DESC LIMIT ? OFFSET ?",
        [limit, offset],
    )
    return [summary(each) for each in found]


def trashed_ids(conn: sqlite3.Connection) -> list[int]:
    found = rows(conn, "SELECT id FROM articles WHERE deleted_at IS NOT NULL")
    return [int(each[0]) for each in found]


def purge_trash(conn: sqlite3.Connection) -> int:
    """Delete every article in the trash for good; returns how many."""
    ids = trashed_ids(conn)
    for article_id in ids:
        purge(conn, article_id)
    return len(ids)


def purge(conn: sqlite3.Connection, article_id: int) -> None:
    """Delete the article for good; call inside a write transaction."""
    # Children first, while the article row exists: their triggers keep the entity counts
    # and the search index exact.
    entity_rows.clear(conn, article_id)
    annotation_rows.delete_for_article(conn, article_id)
    for table in ("article_tags", "images", "text_versions"):
        conn.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
    conn.execute("DELETE FROM articles WHERE id = ?", [article_id])


# -- statistics -----------------------------------------------------------------------------


def stats(conn: sqlite3.Connection) -> dict[str, int | float]:
    totals = rows(
        conn,
        "SELECT count(*) AS articles, coalesce(sum(unread), 0) AS unread, "
        "coalesce(sum(archived), 0) AS archived, coalesce(sum(favorite), 0) AS favorite, "
        "coalesce(sum(word_count), 0) AS words FROM articles WHERE deleted_at IS NULL",
    )[0]
    result: dict[str, int | float] = {key: int(totals[key]) for key in totals.keys()}  # noqa: SIM118
    result["trash"] = int(value(conn, "SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL"))
    for table in ("tags", "annotations", "images"):
        result[table] = int(value(conn, f"SELECT count(*) FROM {table}"))
    result["entities"] = entity_rows.count_in_use(conn)
    page_size = int(value(conn, "PRAGMA page_size"))
    pages = int(value(conn, "PRAGMA page_count")) - int(value(conn, "PRAGMA freelist_count"))
    result["file_bytes"] = page_size * pages
    total = result["articles"] + result["trash"]
    result["bytes_per_article"] = round(result["file_bytes"] / total) if total else 0
    return result
