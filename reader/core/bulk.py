"""Bring many links in at once: a job table that survives a crash, and a polite bulk fetcher.

An import is a *job*: every item of the export file becomes a row of `import_items` before any
network request, and each row's final state (added, already there, failed with a reason) is
written in the same transaction as the article it adds. A run that is killed or cancelled is
resumed by running the job again: finished rows are skipped, so nothing is added twice.

Threads: worker threads fetch, extract and find entities; only the thread that calls
`BulkImporter.run` touches the database (SQLite connections belong to one thread). Scheduling also
happens on that thread: it hands an item to a worker only when the pool has room, the item's host
is under its connection limit and its polite delay has passed, and puts transient failures back
with a backoff (or the server's Retry-After).
"""

from __future__ import annotations

import contextlib
import csv
import email.utils
import hashlib
import json
import os
import queue
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from reader.core import adding, fetch
from reader.core.atomic import replacing
from reader.core.errors import (
    DiskFullError,
    ExtractionError,
    FetchTimeoutError,
    HTTPStatusError,
    LoadError,
    NetworkError,
    ReadmarkError,
    ReadOnlyLibraryError,
    UnsupportedContentError,
)
from reader.core.extract import extract
from reader.core.failures import database_error
from reader.core.fetch.guard import NetworkPolicy
from reader.core.fetch.images import HttpImageFetcher, fetch_images
from reader.core.importers import read_items
from reader.core.importers.items import ImportItem
from reader.core.importers.saving import (
    add_highlights,
    article_from_export,
    find_existing,
    save_item,
    with_item_metadata,
)
from reader.core.importing.scheduler import HostScheduler
from reader.core.job_owner import (
    HEARTBEAT_EVERY_S,
    claim,
    heartbeat,
    mark_interrupted,
    release,
    this_host,
)
from reader.core.library import Library
from reader.core.models import Article, RawPage
from reader.core.store import articles, jobs

ADDED = "added"
EXISTING = "existing"
FAILED = "failed"
PENDING = "pending"

TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
BINARY_SNIFF_BYTES = 4096


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How hard and how politely the bulk fetcher works. Tests shorten every time here."""

    workers: int = 8
    per_host: int = 2
    host_delay_s: float = 1.0  # between two requests to the same host
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0  # silence between two reads
    # A page gets total_timeout_s, plus a second per min_bytes_per_s that arrive, and never more
    # than max_total_timeout_s: a drip is cut off, a large page that flows arrives.
    total_timeout_s: float = fetch.TOTAL_TIMEOUT_S
    max_total_timeout_s: float = fetch.MAX_TOTAL_TIMEOUT_S
    min_bytes_per_s: float = fetch.MIN_BYTES_PER_S
    max_bytes: int = fetch.MAX_RESPONSE_BYTES  # after decompression
    max_redirects: int = fetch.MAX_REDIRECTS
    max_attempts: int = 4
    timeout_attempts: int = 2  # a page that timed out costs a worker the whole deadline
    backoff_s: float = 2.0  # doubled after each transient failure, with jitter
    max_wait_s: float = 60.0  # cap on backoff; a longer Retry-After is reported, not waited
    # Requests running longer than linger_after_s, or on a host that timed out, share
    # slow_workers more threads instead of holding the workers (None: as many as workers).
    linger_after_s: float = 10.0
    slow_workers: int | None = None
    host_timeouts_to_give_up: int = 3  # in a row; the host's other items are then reported
    image_timeout_s: float = 10.0  # per image
    images_timeout_s: float = 30.0  # all the images of one article
    network: NetworkPolicy | None = None  # which addresses may be reached (tests inject one)


class RateLimitedError(HTTPStatusError):
    """429 Too Many Requests; `retry_after_s` is the server's wish, when it said one."""

    def __init__(self, message: str, status: int, retry_after_s: float | None) -> None:
        super().__init__(message, status)
        self.retry_after_s = retry_after_s


class RedirectLoopError(LoadError):
    """The URL redirects more than the limit allows (usually in a circle)."""


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def fetch_page(url: str, session: requests.Session, policy: FetchPolicy) -> RawPage:
    """GET `url` through the fetch stage under the policy's limits, telling apart what to retry.

    Adds to `fetch.fetch_url`: the server's Retry-After on 429, a redirect loop as a permanent
    failure, and a stricter refusal of binary bodies (any NUL byte near the start).
    """
    if not fetch.is_url(url):
        raise UnsupportedContentError(f"Not a web address (http or https): {url}")
    session.max_redirects = policy.max_redirects
    retry_after: list[str | None] = []

    def remember(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        if response.status_code == 429:
            retry_after.append(response.headers.get("Retry-After"))

    hooks = session.hooks.setdefault("response", [])
    hooks.append(remember)
    try:
        raw = fetch.fetch_url(
            url,
            session,
            timeout=(policy.connect_timeout_s, policy.read_timeout_s),
            total_timeout_s=policy.total_timeout_s,
            max_total_timeout_s=policy.max_total_timeout_s,
            min_bytes_per_s=policy.min_bytes_per_s,
            max_bytes=policy.max_bytes,
            max_decompressed_bytes=policy.max_bytes,
            network=policy.network,
        )
    except HTTPStatusError as exc:
        if exc.status == 429:
            wait = parse_retry_after(retry_after[-1] if retry_after else None)
            raise RateLimitedError(str(exc), exc.status, wait) from exc
        raise
    except NetworkError as exc:
        if isinstance(exc.__cause__, requests.exceptions.TooManyRedirects):
            raise RedirectLoopError(
                f"Too many redirects (more than {policy.max_redirects}); it may loop: {url}"
            ) from exc
        raise
    finally:
        hooks.remove(remember)
    if b"\x00" in raw.data[:BINARY_SNIFF_BYTES]:
        raise UnsupportedContentError(f"{url} is binary data, not a web page or text.")
    return raw


def request_host(url: str) -> str | None:
    """The host a request for `url` would go to; None when no request could load it."""
    if not fetch.is_url(url):
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:  # an unclosed IPv6 bracket, a port that is not a number
        return None


def refusal(url: str) -> str:
    """Why `url` is reported without a request (see `request_host`)."""
    if not fetch.is_url(url):
        return f"Not a web address (http or https): {url}"
    return f"{url} is not a valid web address."


def is_transient(exc: BaseException) -> bool:
    """Worth another try later: timeouts, dropped connections, 429 and 5xx answers."""
    if isinstance(exc, HTTPStatusError):
        return exc.status in TRANSIENT_STATUSES or exc.status >= 500
    if isinstance(exc, RedirectLoopError):
        return False
    return isinstance(exc, FetchTimeoutError | NetworkError)


# -- the job table ------------------------------------------------------------------------------


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def merge_duplicates(items: list[ImportItem]) -> tuple[list[ImportItem], set[int]]:
    """Items listed more than once (same URL) folded into their first listing.

    The first listing gains the later ones' tags and highlights (a bookmark filed in two folders
    keeps both as tags); returns the items and the positions of the later listings.
    """
    from dataclasses import replace

    from reader.core.importers.items import clean_tags
    from reader.core.urls import normalise_url

    first: dict[str, int] = {}
    merged = list(items)
    repeats: set[int] = set()
    for index, item in enumerate(items):
        if item.invalid or not (item.uid or item.url):
            continue  # entries without an identity or a URL (saved from files) are each their own
        key = f"uid:{item.uid}" if item.uid else f"url:{normalise_url(item.url) or item.url}"
        if key not in first:
            first[key] = index
            continue
        repeats.add(index)
        kept = merged[first[key]]
        merged[first[key]] = replace(
            kept,
            tags=clean_tags([*kept.tags, *item.tags]),
            highlights=(*kept.highlights, *item.highlights),
            favorite=kept.favorite or item.favorite,
        )
    return merged, repeats


def create_job(
    library: Library, source: str, fmt: str, items: list[ImportItem], source_hash: str = ""
) -> int:
    """Record a job and all its items in one transaction; returns the job id.

    Every item starts pending, except repeated listings of a URL and entries that cannot be
    imported, which are reported at once. The job is this process's until it runs.
    """
    merged, repeats = merge_duplicates(items)
    return library.write(
        jobs.create,
        source,
        source_hash,
        fmt,
        now_iso(),
        len(items),
        [
            (
                seq,
                item.url,
                json.dumps(
                    {"url": item.url, "title": item.title}
                    if seq in repeats or item.invalid
                    else item.to_dict(),
                    ensure_ascii=False,
                ),
                *_first_status(item, seq in repeats),
            )
            for seq, item in enumerate(merged)
        ],
        owner=(os.getpid(), this_host()),
    )


def _first_status(item: ImportItem, repeated: bool) -> tuple[str, str]:
    if item.invalid:
        return FAILED, item.invalid
    if repeated:
        return EXISTING, "listed more than once in the file"
    return PENDING, ""


def unfinished_job(library: Library, source_hash: str) -> int | None:
    """The latest job for the same file that did not finish, to resume instead of restarting."""
    return library.read(jobs.unfinished, source_hash)


def prepare_import(library: Library, path: Path, fmt: str = "auto") -> int:
    """The job for importing `path`: the unfinished one for this file, or a new one."""
    digest = file_digest(path)
    mark_interrupted(library)  # a job whose process was killed is resumed, not left "running"
    resumable = unfinished_job(library, digest)
    if resumable is not None:
        return resumable
    from reader.core.importers import detect_format

    fmt = detect_format(path) if fmt == "auto" else fmt
    items = read_items(path, fmt)
    return create_job(library, str(path), fmt, items, digest)


@dataclass(frozen=True, slots=True)
class ReportRow:
    url: str
    status: str  # added, existing, failed, pending (cancelled before it was tried)
    reason: str
    article_id: int | None
    title: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What a job did with every item of the file."""

    job_id: int
    rows: tuple[ReportRow, ...]
    cancelled: bool = False

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def added(self) -> int:
        return self.count(ADDED)

    @property
    def existing(self) -> int:
        return self.count(EXISTING)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    @property
    def pending(self) -> int:
        return self.count(PENDING)

    def summary(self) -> str:
        text = f"{self.added} added, {self.existing} already there, {self.failed} failed"
        if self.pending:
            text += f", {self.pending} not tried yet (run the import again to resume)"
        return text

    def save_csv(self, path: Path) -> None:
        with replacing(path) as partial, partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["url", "status", "reason", "article_id", "title"])
            for row in self.rows:
                cells = [row.url, row.status, row.reason, str(row.article_id or ""), row.title]
                writer.writerow([spreadsheet_safe(cell) for cell in cells])


# A spreadsheet runs a cell that starts with one of these as a formula (a title "=HYPERLINK(...)"
# from an imported page would become a live link or worse).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """`cell` as text a spreadsheet shows as it is: a leading quote disarms a formula."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def job_report(library: Library, job_id: int, cancelled: bool = False) -> ImportReport:
    rows = library.read(jobs.item_rows, job_id)
    return ImportReport(
        job_id=job_id,
        rows=tuple(
            ReportRow(url, status, reason or "", article_id, json.loads(item).get("title") or "")
            for url, status, reason, article_id, item in rows
        ),
        cancelled=cancelled,
    )


# -- running a job --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """Counts so far; `rate_per_s` is items finished per second in this run."""

    total: int
    done: int
    added: int
    existing: int
    failed: int
    elapsed_s: float
    rate_per_s: float
    current: str = ""

    @property
    def remaining(self) -> int:
        return self.total - self.done


@dataclass(slots=True)
class StageTimes:
    """Seconds spent per pipeline stage over a run (summed over workers)."""

    fetch_s: float = 0.0
    extract_s: float = 0.0
    entities_s: float = 0.0
    store_s: float = 0.0


@dataclass(slots=True)
class _Entry:
    seq: int
    item: ImportItem
    host: str
    attempts: int = 0
    token: int = 0  # the scheduler's handle on the attempt under way


@dataclass(slots=True)
class _Outcome:
    entry: _Entry
    article: Article | None = None
    raw: RawPage | None = None
    entities: Any = None
    images: dict[str, tuple[bytes, str]] | None = None
    error: BaseException | None = None
    times: tuple[float, float, float] = (0.0, 0.0, 0.0)


Recogniser = Callable[[Article], Any]
Fetcher = Callable[[str, requests.Session, FetchPolicy], RawPage]


@dataclass
class BulkImporter:
    """Runs import jobs against the library file at `library_path`.

    `recognise` finds entities on the workers (default: the library's own recogniser).
    `cancel` stops dispatching new items; what is in flight is dropped and stays pending.
    """

    library: Library
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    on_progress: Callable[[Progress], None] | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    fetcher: Fetcher = fetch_page
    recognise: Recogniser | None = None
    session_factory: Callable[[], requests.Session] = fetch.make_session
    times: StageTimes = field(default_factory=StageTimes)
    progress_interval_s: float = 0.1
    fetch_images: bool = False  # archive each article's images, fetched on the workers

    def __post_init__(self) -> None:
        self._local = threading.local()
        self._archive_images = False  # read from the library when a run starts
        if self.recognise is None:
            # Find entities on the workers, in parallel, rather than on the writing thread.
            self.recognise = self.library.recognise

    # -- worker side (no database) --------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self.session_factory()
        return session

    def _work(self, entry: _Entry) -> _Outcome:
        item = entry.item
        started = time.perf_counter()
        fetched = extracted = started
        try:
            images: dict[str, tuple[bytes, str]] | None = None
            if item.article is not None:
                article = article_from_export(item.article)
                raw = None
                images = {}  # the export's own, written as they were by save_item
            else:
                if item.content_html is not None:
                    raw = RawPage(
                        data=item.content_html.encode("utf-8"),
                        content_type="text/html",
                        url=item.url,
                        charset="utf-8",
                        fetched_at=now_iso(),
                    )
                elif not fetch.is_url(item.url):
                    raise UnsupportedContentError(f"Not a web address (http or https): {item.url}")
                else:
                    raw = self.fetcher(item.url, self._session(), self.policy)
                fetched = time.perf_counter()
                article = with_item_metadata(extract(raw), item)
            extracted = time.perf_counter()
            entities = self.recognise(article) if self.recognise is not None else None
            done = time.perf_counter()
            if images is None and self._archive_images:
                images = self._images(article)
            images_s = time.perf_counter() - done  # image downloads count as fetching
            return _Outcome(
                entry,
                article,
                raw,
                entities,
                images,
                times=(fetched - started + images_s, extracted - fetched, done - extracted),
            )
        except Exception as exc:  # every failure becomes a reason in the report
            return _Outcome(entry, error=exc, times=(time.perf_counter() - started, 0.0, 0.0))

    def _work_into(self, entry: _Entry, results: queue.Queue[_Outcome]) -> None:
        results.put(self._work(entry))

    def _images(self, article: Article) -> dict[str, tuple[bytes, str]]:
        """The article's images, downloaded here so the writing thread never waits on them."""
        fetcher = HttpImageFetcher(
            self._session(),
            network=self.policy.network,
            timeout_s=self.policy.image_timeout_s,
            max_timeout_s=self.policy.image_timeout_s,
            connect_timeout_s=self.policy.connect_timeout_s,
            read_timeout_s=self.policy.read_timeout_s,
        )
        return fetch_images(article, fetcher, total_timeout_s=self.policy.images_timeout_s)

    # -- writer side -----------------------------------------------------------------------

    def _finish(
        self, job_id: int, seq: int, status: str, reason: str = "", article_id: int | None = None
    ) -> None:
        self.library.write(jobs.finish_item, job_id, seq, status, reason, article_id)

    def _store(self, job_id: int, outcome: _Outcome) -> str:
        entry, article = outcome.entry, outcome.article
        assert article is not None
        item = entry.item
        raw_url = outcome.raw.url if outcome.raw is not None else None
        with self.library.transaction():
            # The article's own identity first: many articles have no URL to be known by.
            reason = "already in the library"
            existing: int | None = None
            by_uid = self.library.read(articles.find_by_uid, item.uid) if item.uid else None
            if by_uid is not None:
                existing, in_trash = by_uid
                if in_trash:
                    self.library.restore(existing)
                    reason = "already in the library, in the trash: taken out of it"
            if existing is None:
                existing = find_existing(
                    self.library,
                    item.url,
                    raw_url,
                    article.url,
                    article.canonical_url,
                    content_hash=_content_hash(item),
                )
            if existing is not None:
                self.library.add_tags(existing, item.tags)
                text = self.library.get(existing).article.text
                add_highlights(self.library, existing, text, item.highlights)
                self._finish(job_id, entry.seq, EXISTING, reason, existing)
                return EXISTING
            # Entities and images were found on a worker; an export's own images are written
            # by save_item, as they were.
            found = outcome.images if item.article is None else None
            prepared = adding.assemble(article, outcome.raw, outcome.entities, found)
            article_id = save_item(self.library, item, prepared)
            self._finish(job_id, entry.seq, ADDED, "", article_id)
        return ADDED

    def run(self, job_id: int) -> ImportReport:
        """Work through the job's pending items; returns the report of the whole job."""
        # The library's setting decides, as for an article added by hand.
        self._archive_images = self.fetch_images and self.library.archive_images
        total = self.library.read(jobs.item_count, job_id)
        counts = {ADDED: 0, EXISTING: 0, FAILED: 0}
        for status, number in self.library.read(jobs.status_counts, job_id).items():
            if status in counts:
                counts[status] = number
        claim(self.library, job_id)
        try:
            return self._run_claimed(job_id, total, counts)
        except BaseException:
            # Stopped by an error or Ctrl-C: resumable, and never left saying "running".
            with contextlib.suppress(Exception):
                release(self.library, job_id, "interrupted")
            raise

    def _run_claimed(self, job_id: int, total: int, counts: dict[str, int]) -> ImportReport:
        started = time.monotonic()
        last_beat = started
        lost = False  # another process took the job over (this one looked dead)

        def beat() -> None:
            nonlocal last_beat, lost
            if time.monotonic() - last_beat >= HEARTBEAT_EVERY_S:
                last_beat = time.monotonic()
                lost = lost or not heartbeat(self.library, job_id)

        done_this_run = 0
        last_report = 0.0
        current = ""

        def report(force: bool = False) -> None:
            nonlocal last_report
            now = time.monotonic()
            if self.on_progress is None or (
                not force and now - last_report < self.progress_interval_s
            ):
                return
            last_report = now
            elapsed = now - started
            self.on_progress(
                Progress(
                    total=total,
                    done=sum(counts.values()),
                    added=counts[ADDED],
                    existing=counts[EXISTING],
                    failed=counts[FAILED],
                    elapsed_s=elapsed,
                    rate_per_s=done_this_run / elapsed if elapsed > 0 else 0.0,
                    current=current,
                )
            )

        # Rows that need no request are settled here, in one transaction: items already in the
        # library, and addresses no request could load. None waits for a host's politeness.
        entries: list[_Entry] = []
        pending_rows = self.library.read(jobs.items_with_status, job_id, PENDING)
        with self.library.transaction():
            for seq, data in pending_rows:
                try:
                    item = ImportItem.from_dict(json.loads(data))
                except (ValueError, TypeError, AttributeError) as exc:
                    # A damaged row fails on its own; the resume goes on past it.
                    self._finish(job_id, seq, FAILED, f"the saved item cannot be read: {exc}")
                    counts[FAILED] += 1
                    done_this_run += 1
                    continue
                needs_fetch = item.content_html is None and item.article is None
                host = request_host(item.url) if needs_fetch else ""
                if needs_fetch and host is None:
                    self._finish(job_id, seq, FAILED, refusal(item.url))
                    counts[FAILED] += 1
                    done_this_run += 1
                    continue
                found = None if item.article is not None else find_existing(self.library, item.url)
                if found is not None:
                    self.library.add_tags(found, item.tags)
                    if item.highlights:
                        text = self.library.get(found).article.text
                        add_highlights(self.library, found, text, item.highlights)
                    self._finish(job_id, seq, EXISTING, "already in the library", found)
                    counts[EXISTING] += 1
                    done_this_run += 1
                    continue
                entries.append(_Entry(seq, item, host or ""))
        report(force=True)

        policy = self.policy
        scheduler: HostScheduler[_Entry] = HostScheduler(
            workers=policy.workers,
            per_host=policy.per_host,
            host_delay_s=policy.host_delay_s,
            slow_workers=policy.slow_workers,
            linger_after_s=policy.linger_after_s,
            give_up_after=policy.host_timeouts_to_give_up,
        )
        for entry in entries:
            scheduler.add(entry.host, entry)
        results: queue.Queue[_Outcome] = queue.Queue()
        pool = ThreadPoolExecutor(
            max_workers=scheduler.threads, thread_name_prefix="readmark-import"
        )

        def start_ready() -> None:
            while (started := scheduler.next()) is not None:
                token, entry = started
                entry.token = token
                entry.attempts += 1
                pool.submit(self._work_into, entry, results)

        def finish_abandoned() -> None:
            nonlocal done_this_run
            for host, entry in scheduler.take_abandoned():
                times = scheduler.timeouts_in_a_row(host)
                reason = (
                    f"Not tried: {host} did not answer in time {times} times in a row, "
                    "so its other pages were left out (run the import again later)."
                )
                self._finish(job_id, entry.seq, FAILED, reason)
                counts[FAILED] += 1
                done_this_run += 1

        cancelled = False
        try:
            while True:
                beat()
                if self.cancel.is_set() or lost:
                    cancelled = True
                    break
                start_ready()
                finish_abandoned()
                if scheduler.idle:
                    break
                timeout = 0.2
                wake = scheduler.next_wake()
                if wake is not None:
                    timeout = min(timeout, max(0.0, wake - time.monotonic()))
                try:
                    outcome = results.get(timeout=timeout)
                except queue.Empty:
                    report()
                    continue
                entry = outcome.entry
                error = outcome.error
                timed_out = isinstance(error, FetchTimeoutError)
                scheduler.finished(entry.host, entry.token, timed_out=timed_out)
                current = entry.item.url
                fetch_s, extract_s, entities_s = outcome.times
                self.times.fetch_s += fetch_s
                self.times.extract_s += extract_s
                self.times.entities_s += entities_s
                tries = policy.timeout_attempts if timed_out else policy.max_attempts
                retry_after = getattr(error, "retry_after_s", None)
                too_long = retry_after is not None and retry_after > policy.max_wait_s
                retrying = error is not None and is_transient(error) and not too_long
                if retrying and entry.attempts < tries:
                    now = time.monotonic()
                    wait = policy.backoff_s * (2 ** (entry.attempts - 1))
                    wait *= 1.0 + random.random() * 0.25
                    if retry_after is not None:
                        wait = max(wait, retry_after)
                        if entry.host:
                            scheduler.hold(entry.host, now + retry_after)
                    scheduler.retry(entry.host, entry, now + min(wait, policy.max_wait_s))
                    continue
                store_started = time.perf_counter()
                if error is not None:
                    reason = describe(error)
                    if too_long:
                        reason += (
                            f" (the server asked to wait {retry_after:.0f} s, longer than an "
                            "import waits; run the import again later)"
                        )
                    elif is_transient(error):
                        reason += f" (gave up after {entry.attempts} tries)"
                    self._finish(job_id, entry.seq, FAILED, reason)
                    status = FAILED
                else:
                    try:
                        status = self._store(job_id, outcome)
                    except (DiskFullError, ReadOnlyLibraryError):
                        # Every later entry would fail the same way and be marked failed for
                        # good; stopping keeps them pending for the resume.
                        raise
                    except Exception as exc:
                        # One bad entry never stops the rest: its transaction was rolled back
                        # and only its report row stays.
                        self._finish(job_id, entry.seq, FAILED, describe(exc))
                        status = FAILED
                self.times.store_s += time.perf_counter() - store_started
                counts[status] += 1
                done_this_run += 1
                report()
        except KeyboardInterrupt:
            cancelled = True  # leave at once; the job stays resumable
            raise
        finally:
            pool.shutdown(wait=not cancelled, cancel_futures=True)
        if lost:
            pass  # the process that took the job over reports its end
        elif not cancelled:
            release(self.library, job_id, "done", now_iso())
            self.library.write(jobs.forget_pages, job_id, (ADDED, EXISTING))
            self.library.reclaim_space()
        else:
            release(self.library, job_id, "cancelled")
        report(force=True)
        return job_report(self.library, job_id, cancelled=cancelled)


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


def import_file(
    library: Library,
    path: Path,
    fmt: str = "auto",
    policy: FetchPolicy | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    **options: Any,
) -> ImportReport:
    """Import `path` into `library`, resuming an unfinished import of the same file."""
    try:
        job_id = prepare_import(library, path, fmt)
        importer = BulkImporter(
            library,
            policy or FetchPolicy(),
            on_progress=on_progress,
            cancel=cancel or threading.Event(),
            **options,
        )
        return importer.run(job_id)
    except sqlite3.Error as exc:  # the job's own bookkeeping met a full disk, say
        raise database_error(library.path, exc) from exc
