"""The writing side of a bulk import: every item's end, written on the one thread that writes.

An item already in the library gains the file's tags and highlights; a new one is saved with what
its worker found (`adding.assemble`, then `save_item`) in the same transaction as its job row.
"""

from __future__ import annotations

import json

from reader.core import adding
from reader.core.errors import ExtractionError, ReadmarkError
from reader.core.importers.items import ImportItem
from reader.core.importers.saving import add_highlights, find_existing, save_item
from reader.core.importing.fetching import refusal, request_host
from reader.core.importing.job import ADDED, EXISTING, FAILED
from reader.core.importing.work import Entry, Outcome
from reader.core.library import Library
from reader.core.store import articles, jobs


def finish(
    library: Library,
    job_id: int,
    seq: int,
    status: str,
    reason: str = "",
    article_id: int | None = None,
) -> None:
    library.write(jobs.finish_item, job_id, seq, status, reason, article_id)


def settle_without_request(library: Library, job_id: int, seq: int, data: str) -> Entry | str:
    """A pending row ended here when it needs no request: unreadable, an address no request
    could load, or already in the library (the status is returned). Else its entry to fetch."""
    try:
        item = ImportItem.from_dict(json.loads(data))
    except (ValueError, TypeError, AttributeError) as exc:
        # A damaged row fails on its own; the resume goes on past it.
        finish(library, job_id, seq, FAILED, f"the saved item cannot be read: {exc}")
        return FAILED
    needs_fetch = item.content_html is None and item.article is None
    host = request_host(item.url) if needs_fetch else ""
    if needs_fetch and host is None:
        finish(library, job_id, seq, FAILED, refusal(item.url))
        return FAILED
    found = None if item.article is not None else find_existing(library, item.url)
    if found is not None:
        library.add_tags(found, item.tags)
        add_states(library, found, item)
        if item.highlights:
            text = library.get(found).article.text
            add_highlights(library, found, text, item.highlights)
        finish(library, job_id, seq, EXISTING, "already in the library", found)
        return EXISTING
    return Entry(seq, item, host or "")


def store(library: Library, job_id: int, outcome: Outcome) -> str:
    """Save what a worker found for an entry, or add to the article it turned out to be."""
    entry, article = outcome.entry, outcome.article
    assert article is not None
    item = entry.item
    raw_url = outcome.raw.url if outcome.raw is not None else None
    with library.transaction():
        # The article's own identity first: many articles have no URL to be known by.
        reason = "already in the library"
        existing: int | None = None
        by_uid = library.read(articles.find_by_uid, item.uid) if item.uid else None
        if by_uid is not None:
            existing, in_trash = by_uid
            if in_trash and (item.article or {}).get("deleted_at"):
                reason = "already in the library, in the trash as in the file"
            elif in_trash:
                library.restore(existing)
                reason = "already in the library, in the trash: taken out of it"
        if existing is None:
            existing = find_existing(
                library,
                item.url,
                raw_url,
                article.url,
                article.canonical_url,
                content_hash=_content_hash(item),
            )
        if existing is not None:
            library.add_tags(existing, item.tags)
            add_states(library, existing, item)
            text = library.get(existing).article.text
            add_highlights(library, existing, text, item.highlights)
            finish(library, job_id, entry.seq, EXISTING, reason, existing)
            return EXISTING
        # Entities and images were found on a worker; an export's own images are written by
        # save_item, as they were.
        found = outcome.images if item.article is None else None
        prepared = adding.assemble(article, outcome.raw, outcome.entities, found)
        article_id = save_item(library, item, prepared)
        finish(library, job_id, entry.seq, ADDED, "", article_id)
    return ADDED


def add_states(library: Library, article_id: int, item: ImportItem) -> None:
    """An article already there is archived or made a favourite when the file says so (Pocket's
    `status=archive`); a state is only ever added, so nothing the person did since is undone.
    Readmark's own files carry their states exactly and are left to their importer."""
    if item.article is not None:
        return
    if item.archived:
        library.set_archived(article_id, True)
    if item.favorite:
        library.set_favorite(article_id, True)


def _content_hash(item: ImportItem) -> str:
    value = (item.article or {}).get("content_hash")
    return value if isinstance(value, str) else ""


def describe(exc: BaseException) -> str:
    """The reason a person reads in the report."""
    if isinstance(exc, ReadmarkError):
        return str(exc) or type(exc).__name__
    if isinstance(exc, ExtractionError):
        return str(exc)
    return f"Unexpected error: {type(exc).__name__}: {exc}"[:300]
