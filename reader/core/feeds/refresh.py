"""Refresh feeds: new entries become articles through the usual pipeline.

Work is split into requests the host scheduler (`reader.core.importing.scheduler`) spaces out
per host: a feed's GET (conditional), then one GET per entry whose feed carries only a summary.
Extraction, entities and images run on the workers; every write happens on the thread that
called `refresh`, one short transaction per entry: the article, its entities and images, the
rules' actions and the entry's row in `feed_items` land together or not at all. A feed's
validators (ETag, Last-Modified) are stored only once all its new entries are settled, so a
refresh killed half-way fetches the feed again next time, finds the entries it already saved by
their GUID and saves the rest: nothing lost, nothing doubled.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from reader.core import fetch
from reader.core.errors import FetchTimeoutError, HTTPStatusError, NetworkError, ReadmarkError
from reader.core.extract import extract
from reader.core.feeds import http
from reader.core.feeds.entries import (
    FULL_CONTENT_MIN_WORDS,
    entry_html,
    has_full_content,
    with_entry,
)
from reader.core.feeds.model import Entry, Feed, FeedOutcome, ParsedFeed, Rule
from reader.core.feeds.parse import parse_feed
from reader.core.feeds.rules import SkipError, apply_rules
from reader.core.feeds.service import Feeds, now_iso
from reader.core.fetch.images import HttpImageFetcher, fetch_images
from reader.core.importing.scheduler import HostScheduler
from reader.core.library import Library
from reader.core.models import Article, RawPage
from reader.core.store import feeds as store

ADDED, EXISTING, SKIPPED, FAILED = "added", "existing", "skipped", "failed"

Recognise = Callable[[Article], Any]


@dataclass(frozen=True, slots=True)
class RefreshPolicy:
    workers: int = 6
    per_host: int = 1
    host_delay_s: float = 1.0
    feed_limits: http.Limits = field(default_factory=http.Limits)
    page_limits: http.Limits = field(
        default_factory=lambda: http.Limits(max_bytes=fetch.MAX_RESPONSE_BYTES)
    )
    fetch_images: bool = True
    image_timeout_s: float = 10.0
    images_timeout_s: float = 30.0
    linger_after_s: float = 10.0
    full_content_min_words: int = FULL_CONTENT_MIN_WORDS


@dataclass(slots=True)
class Progress:
    feeds_done: int
    feeds_total: int
    added: int
    failed_feeds: int


# -- tasks -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _FeedState:
    feed: Feed
    outcome: FeedOutcome
    parsed: ParsedFeed | None = None
    validators: tuple[str, str] = ("", "")
    pending: int = 0
    retry_later: bool = False  # an entry failed for a passing reason: fetch the feed fully again


@dataclass(slots=True)
class _Task:
    state: _FeedState
    host: str
    entry: Entry | None = None  # None: the feed's own GET
    page: bool = False  # fetch the entry's page (else build it from the feed's content)


@dataclass(slots=True)
class _Prepared:
    article: Article
    raw: RawPage
    entities: Any = None
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    note: str = ""


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, HTTPStatusError):
        return exc.status == 429 or exc.status >= 500
    if isinstance(exc, http.RedirectLoopError):
        return False
    return isinstance(exc, FetchTimeoutError | NetworkError)


class Refresher:
    """One refresh run over some feeds of a library."""

    def __init__(
        self,
        library: Library,
        policy: RefreshPolicy | None = None,
        *,
        recognise: Recognise | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        session_factory: Callable[[], requests.Session] = fetch.make_session,
    ) -> None:
        self.library = library
        self.feeds = Feeds(library)
        self.policy = policy or RefreshPolicy()
        self.recognise = recognise if recognise is not None else library.recognise
        self.on_progress = on_progress
        self.cancel = cancel or threading.Event()
        self.session_factory = session_factory
        self._local = threading.local()
        self._images: dict[str, tuple[bytes, str]] = {}
        self._rules: list[Rule] = []
        self._waiting: dict[str, list[tuple[_FeedState, Entry]]] = {}
        self._archive_images = library.archive_images and self.policy.fetch_images

    # -- worker side (no database) ---------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self.session_factory()
        return session

    def _work(self, task: _Task) -> Any:
        """The task's result, or the exception it ended with."""
        try:
            if task.entry is None:
                feed = task.state.feed
                answer = http.get(
                    feed.url,
                    self._session(),
                    self.policy.feed_limits,
                    etag=feed.etag,
                    last_modified=feed.last_modified,
                )
                if answer.status == 304:
                    return answer
                return answer, parse_feed(answer.data, answer.url)
            return self._prepare(task)
        except Exception as exc:  # every failure becomes that feed's or that entry's reason
            return exc

    def _prepare(self, task: _Task) -> _Prepared:
        entry = task.entry
        assert entry is not None
        feed_name = task.state.parsed.title if task.state.parsed else ""
        note = ""
        raw: RawPage | None = None
        if task.page:
            try:
                answer = http.get(
                    entry.url,
                    self._session(),
                    self.policy.page_limits,
                    asked_url=task.state.feed.url,
                    accept="text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
                    page=True,
                )
                raw = RawPage(
                    data=answer.data,
                    content_type="text/plain" if answer.mime in fetch.TEXT_TYPES else "text/html",
                    url=answer.url,
                    charset=answer.charset,
                    fetched_at=now_iso(),
                )
                article = extract(raw)
            except Exception as exc:
                if _transient(exc) or not (entry.summary_html or entry.content_html):
                    raise
                note = f"the page could not be read ({exc}); the feed's summary was saved"
                raw = None
        if raw is None:
            raw = RawPage(
                data=entry_html(entry, entry.content_html or entry.summary_html),
                content_type="text/html",
                url=entry.url or None,
                charset="utf-8",
                fetched_at=now_iso(),
            )
            article = extract(raw)
        article = with_entry(article, entry, feed_name, from_feed=not task.page or bool(note))
        entities = self.recognise(article) if self.recognise is not None else None
        images: dict[str, tuple[bytes, str]] = {}
        if self._archive_images:
            fetcher = HttpImageFetcher(
                self._session(),
                network=self.policy.page_limits.network,
                timeout_s=self.policy.image_timeout_s,
                max_timeout_s=self.policy.image_timeout_s,
            )
            images = fetch_images(article, fetcher, total_timeout_s=self.policy.images_timeout_s)
        return _Prepared(article, raw, entities, images, note)

    # -- the run ---------------------------------------------------------------------------

    def run(self, feed_ids: list[int] | None = None) -> list[FeedOutcome]:
        """Refresh the feeds `feed_ids` (default: every live feed); one outcome per feed."""
        if feed_ids is None:
            chosen = [feed for feed in self.feeds.all() if not feed.dead]
        else:
            chosen = [self.feeds.get(feed_id) for feed_id in feed_ids]
        self._rules = self.feeds.rules()
        scheduler: HostScheduler[_Task] = HostScheduler(
            workers=self.policy.workers,
            per_host=self.policy.per_host,
            host_delay_s=self.policy.host_delay_s,
            linger_after_s=self.policy.linger_after_s,
        )
        states = [_FeedState(feed, FeedOutcome(feed.id, feed.name)) for feed in chosen]
        for state in states:
            scheduler.add(http.host_of(state.feed.url), _Task(state, http.host_of(state.feed.url)))
        # The writing Library takes each entry's images from what the worker fetched.
        writer = Library(self.library.path, fetch_image=self._image_for)
        results: queue.Queue[tuple[int, _Task, Any]] = queue.Queue()
        pool = ThreadPoolExecutor(scheduler.threads, thread_name_prefix="readmark-feeds")
        in_flight = 0

        def work(token: int, task: _Task) -> None:
            results.put((token, task, self._work(task)))

        self._done = self._added = self._failed = 0
        self._total = len(states)
        try:
            while not self.cancel.is_set():
                while (ready := scheduler.next()) is not None:
                    token, task = ready
                    pool.submit(work, token, task)
                    in_flight += 1
                for _host, task in scheduler.take_abandoned():
                    self._settle(
                        writer,
                        scheduler,
                        task,
                        NetworkError(f"{task.host} stopped answering; not tried this time."),
                    )
                if in_flight == 0 and scheduler.idle:
                    break
                wake = scheduler.next_wake()
                wait = 0.5 if wake is None else min(0.5, max(0.005, wake - time.monotonic()))
                try:
                    token, task, result = results.get(timeout=wait)
                except queue.Empty:
                    continue
                in_flight -= 1
                scheduler.finished(
                    task.host, token, timed_out=isinstance(result, FetchTimeoutError)
                )
                self._settle(writer, scheduler, task, result)
        finally:
            pool.shutdown(wait=not self.cancel.is_set(), cancel_futures=True)
            writer.close()
        return [state.outcome for state in states]

    def _image_for(self, url: str) -> tuple[bytes, str] | None:
        return self._images.get(url)

    def _progress(self, state: _FeedState) -> None:
        self._done += 1
        self._added += state.outcome.added
        self._failed += int(bool(state.outcome.error))
        if self.on_progress is not None:
            self.on_progress(Progress(self._done, self._total, self._added, self._failed))

    # -- writer side -----------------------------------------------------------------------

    def _settle(
        self, writer: Library, scheduler: HostScheduler[_Task], task: _Task, result: Any
    ) -> None:
        if task.entry is None:
            self._feed_answered(writer, scheduler, task.state, result)
            return
        status, article_id, reason = self._entry_done(writer, task.state, task.entry, result)
        self._one_less(task.state)
        # Entries of other feeds with the same address waited for this one.
        for state, entry in self._waiting.pop(task.entry.url, []) if task.entry.url else []:
            if article_id is not None:
                self._record(state, entry, EXISTING, article_id)
            elif status == "retry":
                state.retry_later = True
            else:
                self._record(state, entry, status, None, reason)
            self._one_less(state)

    def _one_less(self, state: _FeedState) -> None:
        state.pending -= 1
        if state.pending == 0:
            self._feed_finished(state)

    def _feed_answered(
        self, writer: Library, scheduler: HostScheduler[_Task], state: _FeedState, result: Any
    ) -> None:
        feed, outcome = state.feed, state.outcome
        now = now_iso()
        if isinstance(result, BaseException):
            outcome.error = str(result) or type(result).__name__
            values: dict[str, object] = {"checked_at": now, "last_error": outcome.error}
            if isinstance(result, http.GoneError):
                outcome.dead = True
                values["dead"] = 1
                values["last_error"] = f"{result} Readmark no longer checks it."
                outcome.error = str(values["last_error"])
            with store.write(self.library.path) as conn:
                store.update(conn, feed.id, values)
            self._progress(state)
            return
        if isinstance(result, http.Answer):  # 304: nothing changed, nothing else to fetch
            outcome.unchanged = True
            with store.write(self.library.path) as conn:
                store.update(
                    conn, feed.id, {"checked_at": now, "ok_at": now, "last_error": "", "dead": 0}
                )
            self._progress(state)
            return
        answer, parsed = result
        state.parsed = parsed
        state.validators = (answer.etag, answer.last_modified)
        if parsed.warning:
            outcome.notes.append(parsed.warning)
        entries = _unique(parsed.entries)
        with store.read(self.library.path) as conn:
            known = store.known_guids(conn, feed.id, [e.guid for e in entries])
        for entry in entries:
            if entry.guid in known:
                continue
            existing = writer.find_live(entry.url) if entry.url else None
            if existing is not None:
                self._record(state, entry, EXISTING, existing)
                continue
            page = bool(entry.url) and not has_full_content(
                entry, self.policy.full_content_min_words
            )
            host = http.host_of(entry.url) if page else ""
            state.pending += 1
            if entry.url and entry.url in self._waiting:
                self._waiting[entry.url].append((state, entry))  # one fetch for all of them
                continue
            if entry.url:
                self._waiting[entry.url] = []
            scheduler.add(host, _Task(state, host, entry, page))
        if state.pending == 0:
            self._feed_finished(state)

    def _record(
        self,
        state: _FeedState,
        entry: Entry,
        status: str,
        article_id: int | None = None,
        reason: str = "",
    ) -> None:
        with store.write(self.library.path) as conn:
            store.record_item(
                conn, state.feed.id, entry.guid, entry.url, status, now_iso(), article_id, reason
            )
        setattr(state.outcome, status, getattr(state.outcome, status) + 1)

    def _entry_done(
        self, writer: Library, state: _FeedState, entry: Entry, result: Any
    ) -> tuple[str, int | None, str]:
        """Write what the worker made of `entry`: (status, article id, reason)."""
        if isinstance(result, BaseException):
            if _transient(result):
                state.retry_later = True
                state.outcome.notes.append(
                    f"{entry.url or entry.title}: {result}; tried again next time"
                )
                return "retry", None, str(result)
            reason = str(result) or type(result).__name__
            self._record(state, entry, FAILED, None, reason)
            state.outcome.notes.append(f"{entry.url or entry.title}: {reason}")
            return FAILED, None, reason
        prepared: _Prepared = result
        article = prepared.article
        existing = writer.find_live(
            article.canonical_url, article.url, prepared.raw.url, entry.url or None
        )
        if existing is not None:
            self._record(state, entry, EXISTING, existing)
            return EXISTING, existing, ""
        if prepared.note:
            state.outcome.notes.append(f"{entry.url}: {prepared.note}")
        rules = [r for r in self._rules if r.feed_id in (None, state.feed.id)]
        self._images = prepared.images
        status: str = ADDED
        article_id: int | None = None
        try:
            with writer.transaction():
                try:
                    with writer.transaction():
                        article_id = writer.add_article(
                            article, prepared.raw, added_at=now_iso(), unread=True
                        )
                        if prepared.entities is not None:
                            writer.set_entities(
                                article_id,
                                prepared.entities.mentions,
                                prepared.entities.entities,
                                getattr(prepared.entities, "note", ""),
                            )
                        apply_rules(writer, rules, article_id)
                except SkipError:
                    status, article_id = SKIPPED, None
                with store.write(self.library.path) as conn:
                    store.record_item(
                        conn, state.feed.id, entry.guid, entry.url, status, now_iso(), article_id
                    )
        finally:
            self._images = {}
        setattr(state.outcome, status, getattr(state.outcome, status) + 1)
        return status, article_id, ""

    def _feed_finished(self, state: _FeedState) -> None:
        feed, parsed, outcome = state.feed, state.parsed, state.outcome
        now = now_iso()
        values: dict[str, object] = {
            "checked_at": now,
            "ok_at": now,
            "last_error": parsed.warning if parsed else "",
            "dead": 0,
        }
        if not state.retry_later:
            values["etag"], values["last_modified"] = state.validators
        else:
            values["etag"], values["last_modified"] = "", ""
        if parsed is not None:
            if parsed.title and not feed.title:
                values["title"] = parsed.title[:500]
                outcome.name = parsed.title
            if parsed.site_url and not feed.site_url:
                values["site_url"] = parsed.site_url
        with store.write(self.library.path) as conn:
            store.update(conn, feed.id, values)
        self._progress(state)


def _unique(entries: tuple[Entry, ...]) -> list[Entry]:
    """Each GUID once, the first listed kept (feeds repeat entries by mistake)."""
    seen: set[str] = set()
    kept = []
    for entry in entries:
        if entry.guid not in seen:
            seen.add(entry.guid)
            kept.append(entry)
    return kept


def refresh(
    library: Library,
    feed_ids: list[int] | None = None,
    policy: RefreshPolicy | None = None,
    **options: Any,
) -> list[FeedOutcome]:
    """Refresh `feed_ids` (default: every live feed) of `library`; see `Refresher`."""
    return Refresher(library, policy, **options).run(feed_ids)


__all__ = ["FULL_CONTENT_MIN_WORDS", "ReadmarkError", "RefreshPolicy", "Refresher", "refresh"]
