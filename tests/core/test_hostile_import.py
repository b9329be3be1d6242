"""300 URLs on hosts that drip, stall, reset, refuse, loop, flood and bomb: every URL is added or
reported with its reason, and an import killed half-way resumes to the same outcome.

The server's stalls last two minutes and its drips never end; the import's limits are short
here (the rules are the same), so the test takes seconds. `tests/bench/bench_hostile_import.py`
runs the same file with the shipped limits.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.runner import import_file
from reader.core.library import Library
from tests.hostile_server import check_outcome, hostile_server, kind_of, loopback_policy

ROOT = Path(__file__).resolve().parents[2]

SHORT = {
    "workers": 8,
    "per_host": 2,
    "host_delay_s": 0.02,
    "connect_timeout_s": 1.0,
    "read_timeout_s": 0.5,
    "total_timeout_s": 1.5,
    "max_total_timeout_s": 4.0,
    "min_bytes_per_s": 16 * 1024,
    "max_bytes": 2 * 1024 * 1024,
    "max_attempts": 3,
    "timeout_attempts": 2,
    "backoff_s": 0.05,
    "max_wait_s": 2.0,
    "linger_after_s": 0.3,
    "host_timeouts_to_give_up": 3,
}


def rows(library_path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(library_path, timeout=10) as conn:
        return conn.execute(
            "SELECT url, status, reason FROM import_items ORDER BY job_id, seq"
        ).fetchall()


def stored(library_path: Path) -> tuple[int, int]:
    with sqlite3.connect(library_path, timeout=10) as conn:
        count, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT canonical_url) FROM articles"
        ).fetchone()
    return int(count), int(distinct)


def test_three_hundred_hostile_urls_are_each_added_or_explained(tmp_path: Path) -> None:
    with hostile_server() as server:
        urls = server.urls()
        assert len(urls) == 300
        source = tmp_path / "urls.txt"
        source.write_text("\n".join(urls))
        library = Library(tmp_path / "library.sqlite3")
        policy = FetchPolicy(**SHORT, network=loopback_policy())  # type: ignore[arg-type]
        report = import_file(library, source, policy=policy)
        hits = dict(server.hits)
    assert check_outcome(rows(library.path), urls) == []
    assert not report.cancelled and report.pending == 0
    count, distinct = stored(library.path)
    assert count == distinct == report.added
    # The large page arrived whole, although it took longer than the base limit.
    large = next(r for r in report.rows if kind_of(r.url) == "large")
    assert large.article_id is not None
    assert library.get(large.article_id).article.word_count > 20_000
    # A host that never answered was given up, not asked again and again.
    stall_hits = sum(n for path, n in hits.items() if path.startswith("/stall/"))
    assert stall_hits <= 2 * SHORT["host_timeouts_to_give_up"] + SHORT["per_host"]


IMPORT_SCRIPT = """
import sys
from pathlib import Path
from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.runner import import_file
from reader.core.library import Library
from tests.hostile_server import loopback_policy
policy = FetchPolicy(**eval(sys.argv[3]), network=loopback_policy())
import_file(Library(Path(sys.argv[1])), Path(sys.argv[2]), policy=policy)
"""


def done_count(library_path: Path) -> int:
    try:
        with sqlite3.connect(library_path, timeout=5) as conn:
            return int(
                conn.execute(
                    "SELECT count(*) FROM import_items WHERE status != 'pending'"
                ).fetchone()[0]
            )
    except sqlite3.OperationalError:
        return 0  # not created yet


def test_a_hostile_import_killed_half_way_resumes_to_the_same_outcome(tmp_path: Path) -> None:
    with hostile_server() as server:
        urls = server.urls()
        source = tmp_path / "urls.txt"
        source.write_text("\n".join(urls))
        library_path = tmp_path / "library.sqlite3"
        process = subprocess.Popen(
            [sys.executable, "-c", IMPORT_SCRIPT, str(library_path), str(source), repr(SHORT)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            deadline = time.monotonic() + 120
            while done_count(library_path) < 120 and process.poll() is None:
                assert time.monotonic() < deadline, "the import made no progress"
                time.sleep(0.02)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(10)
        assert process.returncode == -signal.SIGKILL
        halfway = done_count(library_path)
        assert 120 <= halfway < 300
        library = Library(library_path)
        policy = FetchPolicy(**SHORT, network=loopback_policy())  # type: ignore[arg-type]
        report = import_file(library, source, policy=policy)
    assert report.job_id == 1  # the same job went on
    assert check_outcome(rows(library_path), urls) == []
    count, distinct = stored(library_path)
    assert count == distinct == report.added
