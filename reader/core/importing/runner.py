"""Running an import job: a worker pool fetches, the calling thread schedules and writes.

Only the thread that calls `BulkImporter.run` touches the database. It hands an item to a worker
when the pool has room, the item's host is under its connection limit and its polite delay has
passed (`HostScheduler`), puts transient failures back with a backoff (or the server's
Retry-After), and writes each item's end (`writing`). Its hooks (fetcher, recogniser, session
factory, progress) are constructor arguments; the library's own hooks are never touched.
"""

from __future__ import annotations

import contextlib
import queue
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from reader.core import fetch
from reader.core.errors import DiskFullError, FetchTimeoutError, ReadOnlyLibraryError
from reader.core.failures import database_error
from reader.core.importing import writing
from reader.core.importing.fetching import FetchPolicy, fetch_page, is_transient
from reader.core.importing.job import (
    ADDED,
    EXISTING,
    FAILED,
    PENDING,
    ImportReport,
    Progress,
    StageTimes,
    job_report,
    prepare_import,
)
from reader.core.importing.scheduler import HostScheduler
from reader.core.importing.work import Entry, Fetcher, Outcome, Recogniser, Worker
from reader.core.job_owner import HEARTBEAT_EVERY_S, claim, heartbeat, release
from reader.core.library import Library
from reader.core.store import jobs
from reader.core.util import now_iso

WAIT_AT_MOST_S = 0.2  # the loop looks at cancel, the heartbeat and progress this often


@dataclass
class _Run:
    """One run's counts and clocks, and what it reports as progress."""

    job_id: int
    total: int
    counts: dict[str, int]
    on_progress: Callable[[Progress], None] | None
    interval_s: float
    started: float = field(default_factory=time.monotonic)
    done: int = 0  # items finished in this run
    current: str = ""
    lost: bool = False  # another process took the job over (this one looked dead)
    cancelled: bool = False
    _last_beat: float = field(default_factory=time.monotonic)
    _last_report: float = 0.0

    def ended(self, status: str) -> None:
        self.counts[status] += 1
        self.done += 1

    def beat(self, library: Library) -> None:
        if time.monotonic() - self._last_beat >= HEARTBEAT_EVERY_S:
            self._last_beat = time.monotonic()
            self.lost = self.lost or not heartbeat(library, self.job_id)

    def report(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.on_progress is None or (not force and now - self._last_report < self.interval_s):
            return
        self._last_report = now
        elapsed = now - self.started
        self.on_progress(
            Progress(
                total=self.total,
                done=sum(self.counts.values()),
                added=self.counts[ADDED],
                existing=self.counts[EXISTING],
                failed=self.counts[FAILED],
                elapsed_s=elapsed,
                rate_per_s=self.done / elapsed if elapsed > 0 else 0.0,
                current=self.current,
            )
        )


@dataclass
class BulkImporter:
    """Runs import jobs against `library`.

    `recognise` finds entities on the workers (default: the library's own recogniser).
    `cancel` stops dispatching new items; what is in flight is dropped and stays pending.
    `fetch_images` archives each article's images, fetched on the workers, when the library's
    `archive_images` setting allows it.
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
    fetch_images: bool = False

    def __post_init__(self) -> None:
        if self.recognise is None:
            # Find entities on the workers, in parallel, rather than on the writing thread.
            self.recognise = self.library.recognise

    def run(self, job_id: int) -> ImportReport:
        """Work through the job's pending items; returns the report of the whole job."""
        counts = {ADDED: 0, EXISTING: 0, FAILED: 0}
        for status, number in self.library.read(jobs.status_counts, job_id).items():
            if status in counts:
                counts[status] = number
        total = self.library.read(jobs.item_count, job_id)
        run = _Run(job_id, total, counts, self.on_progress, self.progress_interval_s)
        claim(self.library, job_id)
        try:
            self._settle_and_fetch(run)
            self._end(run)
            return job_report(self.library, job_id, cancelled=run.cancelled)
        except BaseException:
            # Stopped by an error or Ctrl-C: resumable, and never left saying "running".
            with contextlib.suppress(Exception):
                release(self.library, job_id, "interrupted")
            raise

    def _end(self, run: _Run) -> None:
        if run.lost:
            pass  # the process that took the job over reports its end
        elif not run.cancelled:
            release(self.library, run.job_id, "done", now_iso())
            # The pages are now the articles' (or were refused): keeping them twice kept the
            # file large.
            self.library.write(jobs.forget_pages, run.job_id, (ADDED, EXISTING))
            self.library.reclaim_space()
        else:
            release(self.library, run.job_id, "cancelled")
        run.report(force=True)

    def _settle_and_fetch(self, run: _Run) -> None:
        # Rows that need no request are settled first, in one transaction: items already in
        # the library, and addresses no request could load. None waits for a host's politeness.
        entries: list[Entry] = []
        pending = self.library.read(jobs.items_with_status, run.job_id, PENDING)
        with self.library.transaction():
            for seq, data in pending:
                settled = writing.settle_without_request(self.library, run.job_id, seq, data)
                if isinstance(settled, Entry):
                    entries.append(settled)
                else:
                    run.ended(settled)
        run.report(force=True)
        scheduler: HostScheduler[Entry] = HostScheduler(
            workers=self.policy.workers,
            per_host=self.policy.per_host,
            host_delay_s=self.policy.host_delay_s,
            slow_workers=self.policy.slow_workers,
            linger_after_s=self.policy.linger_after_s,
            give_up_after=self.policy.host_timeouts_to_give_up,
        )
        for entry in entries:
            scheduler.add(entry.host, entry)
        # The library's setting decides, as for an article added by hand.
        archive = self.fetch_images and self.library.archive_images
        worker = Worker(self.policy, self.fetcher, self.recognise, self.session_factory, archive)
        pool = ThreadPoolExecutor(
            max_workers=scheduler.threads, thread_name_prefix="readmark-import"
        )
        try:
            self._loop(run, scheduler, worker, pool)
        except KeyboardInterrupt:
            run.cancelled = True  # leave at once; the job stays resumable
            raise
        finally:
            pool.shutdown(wait=not run.cancelled, cancel_futures=True)

    def _loop(
        self,
        run: _Run,
        scheduler: HostScheduler[Entry],
        worker: Worker,
        pool: ThreadPoolExecutor,
    ) -> None:
        results: queue.Queue[Outcome] = queue.Queue()
        while True:
            run.beat(self.library)
            if self.cancel.is_set() or run.lost:
                run.cancelled = True
                return
            while (started := scheduler.next()) is not None:
                entry = started[1]
                entry.token = started[0]
                entry.attempts += 1
                pool.submit(lambda e: results.put(worker(e)), entry)
            self._finish_abandoned(run, scheduler)
            if scheduler.idle:
                return
            timeout = WAIT_AT_MOST_S
            wake = scheduler.next_wake()
            if wake is not None:
                timeout = min(timeout, max(0.0, wake - time.monotonic()))
            try:
                outcome = results.get(timeout=timeout)
            except queue.Empty:
                run.report()
                continue
            self._handle(run, scheduler, outcome)

    def _finish_abandoned(self, run: _Run, scheduler: HostScheduler[Entry]) -> None:
        for host, entry in scheduler.take_abandoned():
            times = scheduler.timeouts_in_a_row(host)
            reason = (
                f"Not tried: {host} did not answer in time {times} times in a row, "
                "so its other pages were left out (run the import again later)."
            )
            writing.finish(self.library, run.job_id, entry.seq, FAILED, reason)
            run.ended(FAILED)

    def _handle(self, run: _Run, scheduler: HostScheduler[Entry], outcome: Outcome) -> None:
        """An outcome back from a worker: another try later, or the item's end."""
        entry, error, policy = outcome.entry, outcome.error, self.policy
        timed_out = isinstance(error, FetchTimeoutError)
        scheduler.finished(entry.host, entry.token, timed_out=timed_out)
        run.current = entry.item.url
        fetch_s, extract_s, entities_s = outcome.times
        self.times.fetch_s += fetch_s
        self.times.extract_s += extract_s
        self.times.entities_s += entities_s
        tries = policy.timeout_attempts if timed_out else policy.max_attempts
        retry_after = getattr(error, "retry_after_s", None)
        too_long = retry_after is not None and retry_after > policy.max_wait_s
        if error is not None and is_transient(error) and not too_long and entry.attempts < tries:
            now = time.monotonic()
            wait = policy.backoff_s * (2 ** (entry.attempts - 1))
            wait *= 1.0 + random.random() * 0.25
            if retry_after is not None:
                wait = max(wait, retry_after)
                if entry.host:
                    scheduler.hold(entry.host, now + retry_after)
            scheduler.retry(entry.host, entry, now + min(wait, policy.max_wait_s))
            return
        store_started = time.perf_counter()
        if error is not None:
            reason = _failure(error, entry.attempts, retry_after if too_long else None)
            writing.finish(self.library, run.job_id, entry.seq, FAILED, reason)
            status = FAILED
        else:
            status = self._store(run.job_id, outcome)
        self.times.store_s += time.perf_counter() - store_started
        run.ended(status)
        run.report()

    def _store(self, job_id: int, outcome: Outcome) -> str:
        try:
            return writing.store(self.library, job_id, outcome)
        except (DiskFullError, ReadOnlyLibraryError):
            # Every later entry would fail the same way and be marked failed for good;
            # stopping keeps them pending for the resume.
            raise
        except Exception as exc:
            # One bad entry never stops the rest: its transaction was rolled back and only its
            # report row stays.
            writing.finish(self.library, job_id, outcome.entry.seq, FAILED, writing.describe(exc))
            return FAILED


def _failure(error: BaseException, attempts: int, waited_too_long_s: float | None) -> str:
    """The report's reason for an item that failed for good."""
    reason = writing.describe(error)
    if waited_too_long_s is not None:
        return reason + (
            f" (the server asked to wait {waited_too_long_s:.0f} s, longer than an "
            "import waits; run the import again later)"
        )
    if is_transient(error):
        reason += f" (gave up after {attempts} tries)"
    return reason


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
