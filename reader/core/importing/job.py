"""An import as a *job*: its items recorded before any request, and the values a run reports.

Every item of the export file becomes a row of `import_items` before the first request, and each
row's final state (added, already there, failed with a reason) is written in the same
transaction as the article it adds. A run that is killed or cancelled is resumed by running the
job again: finished rows are skipped, so nothing is added twice.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from reader.core.atomic import replacing
from reader.core.importers import detect_format, read_items
from reader.core.importers.items import ImportItem, clean_tags
from reader.core.job_owner import JobInfo, list_jobs, mark_interrupted, this_host
from reader.core.library import Library
from reader.core.store import jobs
from reader.core.urls import normalise_url
from reader.core.util import file_sha256, now_iso

ADDED = "added"
EXISTING = "existing"
FAILED = "failed"
PENDING = "pending"


def merge_duplicates(items: list[ImportItem]) -> tuple[list[ImportItem], set[int]]:
    """Items listed more than once (same URL) folded into their first listing.

    The first listing gains the later ones' tags and highlights (a bookmark filed in two folders
    keeps both as tags); returns the items and the positions of the later listings.
    """
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
    digest = file_sha256(path)
    mark_interrupted(library)  # a job whose process was killed is resumed, not left "running"
    resumable = unfinished_job(library, digest)
    if resumable is not None:
        return resumable
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


@dataclass(frozen=True, slots=True)
class JobStatus:
    """One import job with how its items ended so far (`pending`: not tried yet)."""

    job: JobInfo
    added: int
    existing: int
    failed: int
    pending: int

    def to_dict(self) -> dict[str, Any]:
        counts = {name: getattr(self, name) for name in (ADDED, EXISTING, FAILED, PENDING)}
        return {**asdict(self.job), **counts}


def job_statuses(library: Library) -> list[JobStatus]:
    """Every import job, newest first, with its counts; jobs whose process ended are marked
    interrupted first, so none says "running" without running."""
    infos = list_jobs(library)
    counts = library.read(jobs.counts_by_job)
    return [
        JobStatus(
            info,
            *(counts.get(info.id, {}).get(name, 0) for name in (ADDED, EXISTING, FAILED, PENDING)),
        )
        for info in infos
    ]
