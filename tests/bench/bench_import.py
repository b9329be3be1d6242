"""Bulk import benchmark: a 1,000-URL import from a local server, the worker pool against a single
worker in the same run, and where the time goes (fetch, extract, entities, store).

The server on 127.0.0.1 serves the real pages of the extraction test set (their canonical links
removed so each URL is its own article) after a simulated network latency. All URLs share one
host, so the per-host limit is raised to the worker count and the polite delay is off.

Run by hand from the checkout:
    python tests/bench/bench_import.py [--urls 1000] [--workers 8] [--latency-ms 40]
                                       [--no-entities]
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.job import ImportReport, prepare_import
from reader.core.importing.runner import BulkImporter
from reader.core.library import Library

CASES = Path(__file__).resolve().parents[3] / "shared" / "extract-cases" / "scrapinghub-dev"
_CANONICAL = re.compile(rb'rel=["\']?canonical|property=["\']og:url', re.IGNORECASE)


def load_pages() -> list[bytes]:
    pages = []
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        data = gzip.decompress((case / "page.html.gz").read_bytes())
        pages.append(_CANONICAL.sub(b'rel="x-removed', data))
    return pages


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    pages: ClassVar[list[bytes]] = []
    latency_s = 0.0

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        number = int(self.path.rsplit("/", 1)[-1])
        time.sleep(self.latency_s)
        body = self.pages[number % len(self.pages)]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def run(
    urls_file: Path, folder: Path, workers: int, recognise: object
) -> tuple[float, ImportReport, BulkImporter]:
    library = Library(folder / "library.sqlite3", recognise=recognise)  # type: ignore[arg-type]
    policy = FetchPolicy(workers=workers, per_host=workers, host_delay_s=0.0, max_attempts=2)
    job = prepare_import(library, urls_file, "urls")
    importer = BulkImporter(library, policy)
    started = time.perf_counter()
    report = importer.run(job)
    elapsed = time.perf_counter() - started
    library.close()
    return elapsed, report, importer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--no-entities", action="store_true")
    args = parser.parse_args()

    recognise = None
    if not args.no_entities:
        from reader.core.entities import recognise
        from reader.core.extract import extract
        from reader.core.models import RawPage

        warm = time.perf_counter()
        recognise(extract(RawPage(load_pages()[0], "text/html", url="http://x/")))
        print(f"entity model loaded in {time.perf_counter() - warm:.1f} s (not counted)")

    _Handler.pages = load_pages()
    _Handler.latency_s = args.latency_ms / 1000
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        urls_file = Path(tmp) / "urls.txt"
        urls_file.write_text("\n".join(f"{base}/page/{n}" for n in range(args.urls)))
        for workers in (args.workers, 1):
            folder = Path(tmp) / f"w{workers}"
            folder.mkdir()
            elapsed, report, importer = run(urls_file, folder, workers, recognise)
            results[workers] = elapsed
            times = importer.times
            done = report.added + report.existing + report.failed
            print(
                f"\n{workers} worker{'s' if workers > 1 else ''}: {done} URLs in {elapsed:.1f} s = "
                f"{report.added / elapsed:.1f} articles/s "
                f"({report.added} added, {report.existing} already there, {report.failed} failed)"
            )
            busy = times.fetch_s + times.extract_s + times.entities_s + times.store_s
            for name, seconds in (
                ("fetch", times.fetch_s),
                ("extract", times.extract_s),
                ("entities", times.entities_s),
                ("store", times.store_s),
            ):
                print(
                    f"  {name:9s} {seconds:7.1f} s summed over workers  "
                    f"{1000 * seconds / max(1, done):6.1f} ms/URL  {100 * seconds / busy:5.1f} %"
                )
            failures = {row.reason for row in report.rows if row.status == "failed"}
            if failures:
                print("  failures:", "; ".join(sorted(failures))[:300])
    server.shutdown()
    ratio = results[1] / results[args.workers]
    print(f"\n{args.workers} workers are {ratio:.2f}x faster than 1 worker (same URLs, same run)")
    print(
        "Per-stage seconds are summed over workers: with several workers they include waiting "
        "for the GIL and for the one entity model, so read the 1-worker breakdown as the cost "
        "of each stage. Store runs on the one writing thread."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
