"""Repairing an article that came out wrong, from the page it was saved from.

The stored source is never changed: extracting again (with a reading one asks for) replaces the
article's text, moves its highlights and finds its entities again; the extraction log and the
original page are read from the same source and write nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from reader.core import adding
from reader.core.adding import EntityResult, Reanchor, Recognise
from reader.core.extract import extract_logged
from reader.core.extract.log import READMARK, ExtractionLog
from reader.core.models import RawPage
from reader.core.store import articles
from reader.core.store.db import Connection

R = TypeVar("R")


class Library(Protocol):
    """What repairing needs of `reader.core.library.Library` (which calls it)."""

    @property
    def recognise(self) -> Recognise | None: ...

    @property
    def reanchor(self) -> Reanchor | None: ...

    def read(self, fn: Callable[..., R], *args: Any) -> R: ...

    def write(self, fn: Callable[..., R], *args: Any) -> R: ...


@dataclass(frozen=True, slots=True)
class Reextracted:
    changed: bool  # whether the article's text changed
    log: ExtractionLog


def reextract(
    library: Library,
    article_id: int,
    reading: str = READMARK,
    reanchor: Reanchor | None = None,
) -> Reextracted:
    """Extract the article again from its stored source with `reading`; highlights are moved
    by `reanchor` (or the library's) in the same transaction, entities are found again."""
    page, old_hash = adding.stored_page(article_id, library.read(articles.source_row, article_id))
    article, log = extract_logged(page, reading=reading)
    row = adding.reextracted_row(article)
    recognised = library.recognise(article) if library.recognise else None
    library.write(_replace, article_id, row, reanchor or library.reanchor, recognised)
    return Reextracted(changed=bool(row["text_hash"] != old_hash), log=log)


def _replace(
    conn: Connection,
    article_id: int,
    row: Mapping[str, object],
    reanchor: Reanchor | None,
    recognised: EntityResult | None,
) -> None:
    adding.replace_text(conn, article_id, row, reanchor)
    articles.update(conn, article_id, dict(row))
    if recognised is not None:
        adding.store_entities(conn, article_id, recognised)


def extraction_log(library: Library, article_id: int, reading: str = READMARK) -> ExtractionLog:
    """What extracting the article again with `reading` keeps and why, with every reading's
    length; nothing is written."""
    return extract_logged(original(library, article_id), reading=reading, compare=True)[1]


def original(library: Library, article_id: int) -> RawPage:
    """The page the article was saved from, as it was stored."""
    page, _hash = adding.stored_page(article_id, library.read(articles.source_row, article_id))
    return page
