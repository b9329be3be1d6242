"""Hostile import benchmark: the suite's 300 URLs (tests/hostile_server.py) with the shipped limits.

The server drips one byte a second, stalls two minutes before answering or after the headers,
resets, answers 404/500, asks to wait with 429 and Retry-After, loops redirects, sends 50 MB
and endless bodies and gzip bombs, and sends a large page slowly but steadily. The import runs
with `FetchPolicy()` as shipped (only the address table points the `.test` hosts at 127.0.0.1)
and without entity recognition, so the figure is about fetching and scheduling. It prints the
wall time, the outcome counts and any URL whose outcome is not the expected one.

Run by hand from the checkout (takes a few minutes):
    python tests/bench/bench_hostile_import.py [--workers 8] [--drip-s 1.0] [--stall-s 120]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.job import Progress
from reader.core.importing.runner import import_file
from reader.core.library import Library
from tests.hostile_server import check_outcome, hostile_server, kind_of, loopback_policy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=FetchPolicy().workers)
    parser.add_argument("--drip-s", type=float, default=1.0, help="seconds between dripped bytes")
    parser.add_argument("--stall-s", type=float, default=120.0, help="length of a stall")
    args = parser.parse_args()
    policy = FetchPolicy(workers=args.workers, network=loopback_policy())
    with (
        tempfile.TemporaryDirectory() as folder,
        hostile_server(
            drip_s=args.drip_s,
            stall_s=args.stall_s,
            retry_after_s=5,
            large_pieces=220,  # about 2 MB in 9 KB pieces every 0.2 s: 44 s, past the 30 s base
            large_pause_s=0.2,
        ) as server,
    ):
        urls = server.urls()
        source = Path(folder) / "urls.txt"
        source.write_text("\n".join(urls))
        library = Library(Path(folder) / "library.sqlite3")
        last = [0.0]

        def progress(p: Progress) -> None:
            if p.elapsed_s - last[0] >= 15:
                last[0] = p.elapsed_s
                print(f"  {p.elapsed_s:5.0f} s: {p.done}/{p.total} done", flush=True)

        started = time.monotonic()
        report = import_file(library, source, policy=policy, on_progress=progress)
        elapsed = time.monotonic() - started
        with sqlite3.connect(library.path) as conn:
            rows = conn.execute("SELECT url, status, reason FROM import_items ORDER BY seq")
            problems = check_outcome(list(rows), urls)
        by_kind = Counter((kind_of(row.url), row.status) for row in report.rows)
    print(f"{len(urls)} hostile URLs, shipped limits, {args.workers} workers: {elapsed:.1f} s")
    print(f"  {report.summary()}")
    for (kind, status), number in sorted(by_kind.items()):
        print(f"  {kind:13} {status:9} {number}")
    for problem in problems:
        print(f"  UNEXPECTED {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
