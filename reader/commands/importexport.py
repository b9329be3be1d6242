"""`readmark-cli import FILE` and `readmark-cli export DEST`: bring a library in, take it away."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.commands.common import ProgressLine
from reader.core.errors import ReadmarkError
from reader.core.exporters import EXPORTERS, export, selected_ids
from reader.core.importers import FORMATS
from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.job import ImportReport, Progress, job_statuses
from reader.core.importing.runner import import_file
from reader.core.library import Library
from reader.core.paths import library_path

from .common import one_line, print_json, print_table

IMPORT_FORMATS = ["auto", *FORMATS]
EXPORT_FORMATS = list(EXPORTERS)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import a Pocket, Instapaper, Omnivore, wallabag, bookmarks or URL-list export, or "
        "newsletters (.eml, .mbox or a folder of them); run it again to resume an interrupted "
        "import",
    )
    parser.add_argument(
        "file",
        nargs="?",
        help="the export file (zip, CSV, HTML, JSON or text), .eml, .mbox or a folder",
    )
    parser.add_argument(
        "--jobs",
        action="store_true",
        help="list the import jobs (state and counts, newest first) instead of importing",
    )
    parser.add_argument("--json", action="store_true", help="with --jobs: print them as JSON")
    parser.add_argument("--format", choices=IMPORT_FORMATS, default="auto")
    parser.add_argument("--report", metavar="CSV", help="save the report (one row per URL)")
    parser.add_argument("--workers", type=int, default=8, help="pages fetched at once (8)")
    parser.add_argument("--per-host", type=int, default=2, help="at once from one site (2)")
    parser.add_argument(
        "--delay", type=float, default=1.0, help="seconds between requests to a site"
    )
    parser.add_argument("--no-entities", action="store_true", help="skip entity recognition")
    parser.add_argument("--no-images", action="store_true", help="do not archive images")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.set_defaults(run=run_import)

    parser = subparsers.add_parser(
        "export", help="export the library (or the articles a query selects) to a file or folder"
    )
    parser.add_argument("dest", help="file to write, or folder for --format markdown")
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="json")
    parser.add_argument(
        "--query", metavar="QUERY", help="only articles matching QUERY (the search language)"
    )
    parser.add_argument(
        "--id", type=int, action="append", dest="ids", metavar="ID", help="only this article"
    )
    parser.set_defaults(run=run_export)


def progress_printer(stream: Any = None) -> Callable[[Progress], None]:
    line = ProgressLine(stream)

    def show(progress: Progress) -> None:
        line.show(
            f"{progress.done}/{progress.total}  added {progress.added}  "
            f"already there {progress.existing}  failed {progress.failed}  "
            f"{progress.rate_per_s:.1f}/s",
            final=progress.done >= progress.total,
        )

    return show


def run_jobs(args: argparse.Namespace) -> int:
    """`import --jobs`: every import job with its state and how its items ended."""
    with Library(library_path(args.data_dir)) as library:
        statuses = job_statuses(library)
    if args.json:
        print_json([status.to_dict() for status in statuses])
        return 0
    if not statuses:
        print("No import jobs yet.")
        return 0
    print_table(
        ("id", "state", "added", "existing", "failed", "pending", "total", "started", "file"),
        [
            (
                s.job.id,
                s.job.state,
                s.added,
                s.existing,
                s.failed,
                s.pending,
                s.job.total,
                s.job.created_at,
                s.job.source,
            )
            for s in statuses
        ],
    )
    return 0


def run_import(args: argparse.Namespace) -> int:
    if args.jobs:
        return run_jobs(args)
    if args.json:
        raise ReadmarkError("--json goes with --jobs (the import itself prints a report).")
    if not args.file:
        raise ReadmarkError("Name the file to import (or use --jobs to list the import jobs).")
    from reader.core.importers.mail import is_mail_source

    if is_mail_source(Path(args.file)):
        from reader.commands.feeds import run_mail_import

        return run_mail_import(args)
    recognise = None
    if not args.no_entities:
        from reader.core.entities import recognise
    library = Library(library_path(args.data_dir), recognise=recognise)
    policy = FetchPolicy(
        workers=max(1, args.workers), per_host=max(1, args.per_host), host_delay_s=args.delay
    )
    cancel = threading.Event()
    try:
        report = import_file(
            library,
            Path(args.file),
            args.format,
            policy,
            on_progress=None if args.quiet else progress_printer(),
            cancel=cancel,
            fetch_images=not args.no_images and library.archive_images,
        )
    except KeyboardInterrupt:
        cancel.set()
        print("\nreadmark-cli: stopped; run the same import again to resume.", file=sys.stderr)
        return 130
    finally:
        if not args.quiet:
            sys.stderr.write("\n")
    _print_report(report, args.report)
    library.close()
    return 0


def _print_report(report: ImportReport, csv_path: str | None) -> None:
    for row in report.rows:
        if row.status == "failed":
            # Articles saved from files or text have no URL: their title says which one it is.
            print(f"failed\t{one_line(row.url or row.title)}\t{one_line(row.reason)}")
    print(report.summary())
    if csv_path:
        report.save_csv(Path(csv_path))
        print(f"report saved to {csv_path}")


def run_export(args: argparse.Namespace) -> int:
    library = Library(library_path(args.data_dir))
    try:
        ids = selected_ids(library, args.query, args.ids, args.format)
        count = export(library, args.format, Path(args.dest), ids)
    finally:
        library.close()
    print(f"{count} article{'s' if count != 1 else ''} exported to {args.dest}")
    return 0
