"""The old import path of the bulk import, kept for one release: it lives in
`reader.core.importing` now (job, fetching, scheduler, work, writing, runner)."""

from __future__ import annotations

from reader.core.importing.fetching import FetchPolicy, fetch_page, parse_retry_after
from reader.core.importing.job import ImportReport, Progress, ReportRow, prepare_import
from reader.core.importing.runner import BulkImporter, import_file

__all__ = [
    "BulkImporter",
    "FetchPolicy",
    "ImportReport",
    "Progress",
    "ReportRow",
    "fetch_page",
    "import_file",
    "parse_retry_after",
    "prepare_import",
]
