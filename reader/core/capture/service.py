"""Saving a page the browser sent: the same path as a fetched page, from the HTML the person saw.

The HTML becomes a `RawPage` with the page's own URL, goes through the usual extraction, entity
recognition and image archiving (images fetched now, under the fetcher's network policy), and is
saved with `Library.add_article`, which dedupes by canonical URL. A selection becomes a highlight
anchored in the article's text, written in the same transaction as the article, so a capture
lands whole or not at all. Recognition and images run before the write; the library is locked
only for the time it takes to write the rows.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader.core.anchoring import find_quote, new_annotation
from reader.core.errors import ArticleNotFoundError, ExtractionError, ReadmarkError
from reader.core.extract import extract
from reader.core.fetch.images import fetch_images
from reader.core.library import EntityResult, FetchImage, Library
from reader.core.models import Article, RawPage
from reader.core.textsafe import clean_text

# Entities for an article, or None to save it without (the window's model is not loaded yet).
Recognise = Callable[[Article], "EntityResult | None"]

MAX_TITLE_CHARS = 2_000
MAX_URL_CHARS = 8_000
MAX_SELECTION_CHARS = 50_000
# Captures that extract, recognise and fetch images at the same time; more wait their turn.
CONCURRENT_CAPTURES = 2
CLOSE_WAIT_S = 10.0

log = logging.getLogger(__name__)

HIGHLIGHT_ADDED = "added"
HIGHLIGHT_EXISTS = "exists"
HIGHLIGHT_NOT_FOUND = "not_found"


class CaptureError(ReadmarkError):
    """A capture that cannot be saved; `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400, code: str = "bad_request") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True, slots=True)
class CaptureRequest:
    url: str
    title: str
    html: str
    selection: str | None = None


@dataclass(frozen=True, slots=True)
class CaptureResult:
    id: int
    title: str
    status: str  # "added" or "updated"
    highlight: str | None = None  # HIGHLIGHT_*, or None when no selection was sent
    url: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "title": self.title, "status": self.status}
        if self.highlight is not None:
            data["highlight"] = self.highlight
        return data


def parse_request(data: object) -> CaptureRequest:
    """Check a decoded JSON body; raises CaptureError (400) naming what is wrong."""
    if not isinstance(data, dict):
        raise CaptureError("The request must be a JSON object.")
    url, title, html = data.get("url"), data.get("title", ""), data.get("html")
    selection = data.get("selection")
    if not isinstance(url, str) or not url.strip():
        raise CaptureError('"url" is required: the address of the page.')
    if not isinstance(html, str) or not html.strip():
        raise CaptureError('"html" is required: the page as the browser shows it.')
    if title is None:
        title = ""
    if not isinstance(title, str):
        raise CaptureError('"title" must be a string.')
    if selection is not None and not isinstance(selection, str):
        raise CaptureError('"selection" must be a string.')
    url = url.strip()
    check_page_url(url)
    if selection is not None and len(selection) > MAX_SELECTION_CHARS:
        raise CaptureError(
            f"The selection is longer than {MAX_SELECTION_CHARS:,} characters; "
            "highlight a shorter passage."
        )
    return CaptureRequest(
        url=url,
        title=clean_text(title)[:MAX_TITLE_CHARS].strip(),
        html=html,
        selection=selection if selection and selection.strip() else None,
    )


def check_page_url(url: str) -> None:
    if len(url) > MAX_URL_CHARS:
        raise CaptureError("The page address is too long.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it is the check: it raises on a port out of range
    except ValueError as exc:
        raise CaptureError(f"{url[:200]} is not a valid web address.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "this kind of"
        raise CaptureError(
            f"Readmark saves http and https pages, not {shown} pages.", code="unsupported_url"
        )
    if not parts.hostname:
        raise CaptureError(f"{url[:200]} is not a valid web address.")


def anchor_selection(text: str, selection: str) -> tuple[int, int] | None:
    """Where the browser's selection is in `text`: whitespace may differ (the browser joins
    paragraphs with blank lines, the article with one newline), then a fuzzy search."""
    wanted = " ".join(selection.split())
    if not wanted:
        return None
    collapsed: list[str] = []
    origin: list[int] = []  # collapsed index -> index in text
    space = True  # drop leading whitespace
    for index, char in enumerate(text):
        if char.isspace():
            if not space:
                collapsed.append(" ")
                origin.append(index)
            space = True
        else:
            collapsed.append(char)
            origin.append(index)
            space = False
    found = "".join(collapsed).find(wanted)
    if found >= 0:
        return origin[found], origin[found + len(wanted) - 1] + 1
    return find_quote(text, selection)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Capturer:
    """Saves captures into the library at `path`; safe to call from many threads at once.

    A page that is new to the library is written (with its images and highlight) and answered
    at once; its entities, the slow part of a long page, follow on a worker thread a moment
    later, in their own transaction, unless the article changed meanwhile. A page saved again
    is recognised before its write, as usual, so its old mentions never outlive its old text.
    Entities that could not be stored (the process ended first) are found by the window's
    idle pass, like any article without them.
    """

    def __init__(
        self,
        path: Path,
        *,
        recognise: Recognise | None = None,
        fetch_image: FetchImage | None = None,
        concurrent: int = CONCURRENT_CAPTURES,
        entities_later: bool = True,
    ) -> None:
        self.path = path
        self.recognise = recognise
        self.fetch_image = fetch_image
        self.entities_later = entities_later
        self._turns = threading.BoundedSemaphore(concurrent)
        self._recognising = threading.Lock()  # one recognition at a time: the model is shared
        self._later: queue.Queue[tuple[int, Article] | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()
        self.library = Library(path)  # keeps the process's connections open while serving

    def close(self, wait_s: float = CLOSE_WAIT_S) -> None:
        """Stop; entity work still queued gets `wait_s` to finish (the rest is left for later)."""
        with self._worker_lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            self._later.put(None)
            worker.join(timeout=wait_s)
        self.library.close()

    def wait_idle(self) -> None:
        """Until the entities of every capture so far are stored (for tests and benchmarks)."""
        self._later.join()

    def capture(self, request: CaptureRequest) -> CaptureResult:
        with self._turns:
            article, raw = self._extract(request)
            span = anchor_selection(article.text, request.selection) if request.selection else None
            later = (
                self.entities_later
                and self.recognise is not None
                and self.library.find_live(request.url, article.url, article.canonical_url) is None
            )
            recognised = None if later else self._recognise(article)
            images = self._images(article)
        result = self._save(request, article, raw, recognised, images, span)
        if later:
            self._queue_entities(result.id, article)
        return result

    # -- entities after the answer ----------------------------------------------------------

    def _queue_entities(self, article_id: int, article: Article) -> None:
        with self._worker_lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._recognise_queued, name="readmark-capture-entities", daemon=True
                )
                self._worker.start()
            self._later.put((article_id, article))

    def _recognise_queued(self) -> None:
        while True:
            job = self._later.get()
            try:
                if job is None:
                    return
                self._store_entities(*job)
            except Exception:  # one article's failure must not stop the others
                log.exception("entities of a captured article")
            finally:
                self._later.task_done()

    def _store_entities(self, article_id: int, article: Article) -> None:
        recognised = self._recognise(article)
        if recognised is None:
            return
        # Its own handle: a capturer closed meanwhile (the window closing) does not cut it off.
        with Library(self.path) as library, library.transaction():
            try:
                current = library.get(article_id).article.text
            except ArticleNotFoundError:
                return  # deleted for good meanwhile
            if current != article.text:
                return  # saved again meanwhile: its new text gets its own entities
            library.set_entities(
                article_id,
                recognised.mentions,
                recognised.entities,
                getattr(recognised, "note", ""),
            )

    def _extract(self, request: CaptureRequest) -> tuple[Article, RawPage]:
        raw = RawPage(
            data=request.html.encode("utf-8", errors="replace"),
            content_type="text/html",
            url=request.url,
            charset="utf-8",
            fetched_at=_now(),
        )
        try:
            article = extract(raw)
        except ExtractionError as exc:
            raise CaptureError(str(exc), status=422, code="not_an_article") from exc
        if not article.url:
            article = replace(article, url=request.url)
        if not article.title.strip() and request.title:
            article = replace(article, title=request.title)
        return article, raw

    def _recognise(self, article: Article) -> EntityResult | None:
        if self.recognise is None:
            return None
        with self._recognising:
            return self.recognise(article)

    def _images(self, article: Article) -> dict[str, tuple[bytes, str]]:
        if self.fetch_image is None or not self.library.archive_images:
            return {}
        return fetch_images(article, self.fetch_image)

    def _save(
        self,
        request: CaptureRequest,
        article: Article,
        raw: RawPage,
        recognised: EntityResult | None,
        images: dict[str, tuple[bytes, str]],
        span: tuple[int, int] | None,
    ) -> CaptureResult:
        done: Callable[[Article], EntityResult] | None = None
        if recognised is not None:
            result = recognised

            def done(_article: Article) -> EntityResult:
                return result

        writer = Library(self.path, recognise=done, fetch_image=images.get)
        try:
            with writer.transaction():
                before = writer.find_live(request.url, article.url, article.canonical_url)
                article_id = writer.add_article(article, raw)
                highlight = None
                if request.selection is not None:
                    highlight = self._highlight(writer, article_id, article.text, span)
        finally:
            writer.close()
        status = "updated" if before == article_id else "added"
        return CaptureResult(
            article_id, article.title, status, highlight, article.url or request.url
        )

    @staticmethod
    def _highlight(
        library: Library, article_id: int, text: str, span: tuple[int, int] | None
    ) -> str:
        if span is None:
            return HIGHLIGHT_NOT_FOUND
        start, end = span
        for existing in library.annotations(article_id):
            if existing.start == start and existing.end == end and not existing.orphaned:
                return HIGHLIGHT_EXISTS
        library.add_annotation(article_id, new_annotation(text, start, end))
        return HIGHLIGHT_ADDED
