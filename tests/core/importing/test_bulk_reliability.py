"""Bulk import against a local server on 127.0.0.1 that misbehaves on purpose.

Hangs, resets, 404, 429 with Retry-After, 500 then success, redirect loops, 50 MB bodies, gzip
bombs, wrong charsets and binary data: every URL ends added or reported with its reason, and a
run killed with SIGKILL half-way then resumed ends the same, without duplicates.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import os
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from reader.core.importing.fetching import FetchPolicy, fetch_page
from reader.core.importing.job import Progress
from reader.core.importing.runner import import_file
from reader.core.job_owner import list_jobs
from reader.core.library import Library
from reader.core.models import RawPage
from tests.words import WORDS

# What each kind of path does, and how the import must end for it.
EXPECTED = {
    "ok": "added",
    "slow-down": "added",  # 429 with Retry-After, then fine
    "flaky": "added",  # 500, then fine
    "latin1": "added",  # declared UTF-8, sent as cp1252
    "redirect": "existing",  # redirects to an ok page listed earlier
    "hang": "failed",
    "reset": "failed",
    "missing": "failed",
    "loop": "failed",
    "big": "failed",
    "bomb": "failed",
    "binary": "failed",
    "octet": "failed",
    "empty": "failed",
}


def article_html(number: int, title: str | None = None) -> bytes:
    words = [WORDS[(number * 7 + i * 3) % len(WORDS)] for i in range(40)]
    paragraphs = "".join(
        f"<p>Report {number} part {p}: the {' '.join(words[p * 8 : p * 8 + 16])} stood near "
        f"the old road, and people came to see it every season of the year {1900 + number}.</p>"
        for p in range(4)
    )
    return (
        f"<!doctype html><html><head><title>{title or f'Article {number}'}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title or f'Article {number}'}</h1>"
        f"{paragraphs}</article><footer>Footer</footer></body></html>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: MisbehavingServer  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = self.path.split("?")[0].strip("/").split("/")
        kind, number = parts[0], int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        server = self.server
        with server.lock:
            server.hits[self.path] += 1
            server.times.setdefault(self.path, []).append(time.monotonic())
            hits = server.hits[self.path]
            server.active += 1
            server.max_active = max(server.max_active, server.active)
        try:
            if server.delay_s:
                time.sleep(server.delay_s)
            getattr(self, "_" + kind.replace("-", "_"), self._missing)(number, hits)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with server.lock:
                server.active -= 1

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _ok(self, number: int, _hits: int) -> None:
        self._send(200, article_html(number))

    def _missing(self, _number: int, _hits: int) -> None:
        self._send(404, b"<html><body>Not found</body></html>")

    def _slow_down(self, number: int, hits: int) -> None:
        if hits == 1:
            self._send(429, b"slow down", headers={"Retry-After": str(self.server.retry_after_s)})
        else:
            self._send(200, article_html(number))

    def _flaky(self, number: int, hits: int) -> None:
        if hits == 1:
            self._send(500, b"oops")
        else:
            self._send(200, article_html(number))

    def _latin1(self, number: int, _hits: int) -> None:
        body = (
            article_html(number, title=f"Café crème {number}")
            .decode()
            .replace("the old road", "the old road past the café, naïve and déjà vu")
        )
        self._send(200, body.encode("cp1252"))

    def _redirect(self, number: int, _hits: int) -> None:
        self.send_response(301)
        self.send_header("Location", f"/ok/{number}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _hang(self, _number: int, _hits: int) -> None:
        self.server.stopping.wait(self.server.hang_s)

    def _reset(self, _number: int, _hits: int) -> None:
        # SO_LINGER with a zero timeout makes close() send a TCP reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _loop(self, number: int, hits: int) -> None:
        self.send_response(302)
        self.send_header("Location", f"/loop/{number}?n={hits}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _big(self, _number: int, _hits: int) -> None:
        size = 50 * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(size)) if self.server.big_declares else None
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_000 + b"</p>"
        sent = 0
        while sent < size and not self.server.stopping.is_set():
            self.wfile.write(chunk)
            sent += len(chunk)

    def _bomb(self, _number: int, _hits: int) -> None:
        self._send(200, self.server.bomb, headers={"Content-Encoding": "gzip"})

    def _binary(self, number: int, _hits: int) -> None:
        self._send(200, bytes(range(256)) * 64 + bytes([number % 256]))

    def _octet(self, _number: int, _hits: int) -> None:
        self._send(200, b"\x01\x02" * 1000, ctype="application/octet-stream")

    def _empty(self, _number: int, _hits: int) -> None:
        self._send(200, b"<html><body></body></html>")


class MisbehavingServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, retry_after_s: int = 1, hang_s: float = 5.0, delay_s: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.times: dict[str, list[float]] = {}
        self.active = 0
        self.max_active = 0
        self.retry_after_s = retry_after_s
        self.hang_s = hang_s
        self.delay_s = delay_s
        self.big_declares = False
        self.stopping = threading.Event()
        self.bomb = gzip.compress(b"<p>" + b"0" * (50 * 1024 * 1024) + b"</p>", 9)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # resets and dropped clients are what this server is for

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, kind: str, number: int = 0) -> str:
        return f"{self.base}/{kind}/{number}"


@contextmanager
def running_server(**options: object) -> Iterator[MisbehavingServer]:
    server = MisbehavingServer(**options)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


# -- the tests ------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]

# Short limits so misbehaving URLs cost fractions of a second; the rules are the same.
FAST = {
    "workers": 8,
    "per_host": 8,
    "host_delay_s": 0.0,
    "connect_timeout_s": 2.0,
    "read_timeout_s": 0.4,
    "total_timeout_s": 3.0,
    "max_bytes": 2 * 1024 * 1024,
    "max_attempts": 3,
    "timeout_attempts": 2,
    "backoff_s": 0.05,
    "max_wait_s": 2.0,
}


def thousand_urls(server: MisbehavingServer) -> list[str]:
    """1,000 URLs: four of every misbehaving kind, one duplicate line, the rest fine."""
    urls: list[str] = []
    for kind in EXPECTED:
        if kind != "ok":
            urls += [server.url(kind, n) for n in range(4)]
    urls.append(server.url("ok", 2))  # listed twice
    urls += [server.url("ok", n) for n in range(1000 - len(urls))]
    return urls


def expected_status(url: str, seen: set[str]) -> str:
    kind = url.rsplit("/", 2)[-2]
    if url in seen:
        return "existing"
    seen.add(url)
    return EXPECTED[kind]


def outcome(library_path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(library_path) as conn:
        rows = conn.execute(
            "SELECT url, status, reason FROM import_items ORDER BY job_id, seq"
        ).fetchall()
    return [(url, status, reason.split(" (gave up")[0]) for url, status, reason in rows]


def check_library(library_path: Path, urls: list[str]) -> None:
    """Every URL added or reported with a reason, and each page stored exactly once."""
    rows = outcome(library_path)
    assert [url for url, _, _ in rows] == urls
    seen: set[str] = set()
    # A redirect lands on an ok page that may come later in the file; either one adds it.
    for url, status, reason in rows:
        want = expected_status(url, seen)
        if "/redirect/" in url or (want == "added" and "/ok/" in url and status == "existing"):
            assert status in ("added", "existing"), (url, status, reason)
        else:
            assert status == want, (url, status, reason)
        if status == "failed":
            assert reason, url
    with sqlite3.connect(library_path) as conn:
        count, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT canonical_url) FROM articles"
        ).fetchone()
    assert count == distinct
    added_urls = {url for url, status, _ in rows if status == "added"}
    assert count == len(added_urls)


@pytest.mark.slow  # 1,000 URLs, as the import promise is about
def test_thousand_urls_with_misbehaving_ones_finish_and_explain_every_failure(
    tmp_path: Path,
) -> None:
    with running_server(retry_after_s=1, hang_s=2.0) as server:
        urls = thousand_urls(server)
        source = tmp_path / "urls.txt"
        source.write_text("\n".join(urls))
        library = Library(tmp_path / "library.sqlite3")
        progress: list[Progress] = []
        report = import_file(
            library, source, policy=FetchPolicy(**FAST), on_progress=progress.append
        )
        check_library(library.path, urls)
        reasons = {row.url.rsplit("/", 2)[-2]: row.reason for row in report.rows}
        assert "404" in reasons["missing"]
        assert "too long" in reasons["hang"]
        assert "connection" in reasons["reset"]
        assert "redirects" in reasons["loop"]
        assert "larger than" in reasons["big"] and "unpacks to more than" in reasons["bomb"]
        assert "binary" in reasons["binary"] and "not a web page" in reasons["octet"].lower()
        assert "No readable text" in reasons["empty"]
        # 429 waited for the server's Retry-After before asking again; 404 was asked once.
        first, second = server.times[server.url("slow-down", 0)[len(server.base) :]][:2]
        assert second - first >= 0.9
        assert server.hits["/missing/0"] == 1 and server.hits["/flaky/0"] == 2
        # A page that timed out is tried fewer times: each try costs a worker the whole limit.
        assert server.hits["/hang/0"] == FAST["timeout_attempts"]
        # The cp1252 page declared as UTF-8 is not read as broken UTF-8.
        latin = next(r.article_id for r in report.rows if r.url.endswith("/latin1/0"))
        assert library.get(latin).article.title.startswith("Café cr")
        # Progress was reported along the way, ending with every item counted.
        assert progress[-1].done == progress[-1].total == 1000
        assert progress[-1].added == report.added and progress[-1].rate_per_s > 0
        report.save_csv(tmp_path / "report.csv")
        with (tmp_path / "report.csv").open(newline="") as handle:
            saved = list(csv.DictReader(handle))
        assert len(saved) == 1000 and {r["status"] for r in saved} == {
            "added",
            "existing",
            "failed",
        }


IMPORT_SCRIPT = """
import sys
from pathlib import Path
from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.runner import import_file
from reader.core.library import Library
policy = FetchPolicy(**eval(sys.argv[3]))
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


@pytest.mark.slow  # 1,000 URLs, as the import promise is about
def test_import_killed_halfway_resumes_to_the_same_result_without_duplicates(
    tmp_path: Path,
) -> None:
    with running_server(retry_after_s=1, hang_s=2.0) as server:
        urls = thousand_urls(server)
        source = tmp_path / "urls.txt"
        source.write_text("\n".join(urls))
        library_path = tmp_path / "library.sqlite3"
        # Slow the server down a little so the kill lands mid-import.
        server.delay_s = 0.01
        process = subprocess.Popen(
            [sys.executable, "-c", IMPORT_SCRIPT, str(library_path), str(source), repr(FAST)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            deadline = time.monotonic() + 60
            while done_count(library_path) < 400 and process.poll() is None:
                assert time.monotonic() < deadline, "the import made no progress"
                time.sleep(0.02)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(10)
        assert process.returncode == -signal.SIGKILL
        halfway = done_count(library_path)
        assert 400 <= halfway < 1000
        server.delay_s = 0.0
        library = Library(library_path)
        # The killed process could not say so; the job is seen as interrupted, not running.
        assert [job.state for job in list_jobs(library)] == ["interrupted"]
        report = import_file(library, source, policy=FetchPolicy(**FAST))
        assert report.job_id == 1  # the same job went on, not a new one
        check_library(library_path, urls)
        # Rows finished before the kill were not fetched again: at most the ones in flight at
        # the kill, the redirects' targets and the duplicate line cost a second request.
        ok_paths = {u[len(server.base) :] for u in urls if "/ok/" in u}
        extra = sum(server.hits[p] for p in ok_paths) - len(ok_paths)
        assert extra <= FAST["workers"] + 4 + 1


def test_cancel_stops_and_a_second_run_finishes_the_job(tmp_path: Path) -> None:
    with running_server(delay_s=0.01) as server:
        urls = [server.url("ok", n) for n in range(60)]
        source = tmp_path / "urls.txt"
        source.write_text("\n".join(urls))
        library = Library(tmp_path / "library.sqlite3")
        cancel = threading.Event()

        def on_progress(progress: Progress) -> None:
            if progress.done >= 10:
                cancel.set()

        policy = FetchPolicy(**{**FAST, "workers": 2, "per_host": 2})
        first = import_file(library, source, policy=policy, on_progress=on_progress, cancel=cancel)
        assert first.cancelled and first.pending > 0 and first.added >= 10
        assert "resume" in first.summary()
        second = import_file(library, source, policy=policy)
        assert not second.cancelled and second.added == 60 and second.pending == 0
        assert library.count() == 60


def test_per_host_limit_and_polite_delay_are_kept(tmp_path: Path) -> None:
    # Measured where the importer starts each request: the server's clock in this same process
    # can be starved of the GIL and see requests bunched together.
    lock = threading.Lock()
    starts: list[float] = []
    active = [0, 0]  # now, most at once

    def watched(url: str, session: requests.Session, policy: FetchPolicy) -> RawPage:
        with lock:
            starts.append(time.monotonic())
            active[0] += 1
            active[1] = max(active)
        try:
            return fetch_page(url, session, policy)
        finally:
            with lock:
                active[0] -= 1

    with running_server(delay_s=0.25) as server:  # longer than the delay: requests overlap
        urls = [server.url("ok", n) for n in range(12)]
        source = tmp_path / "urls.txt"
        source.write_text("\n".join(urls))
        library = Library(tmp_path / "library.sqlite3")
        policy = FetchPolicy(**{**FAST, "workers": 6, "per_host": 2, "host_delay_s": 0.1})
        report = import_file(library, source, policy=policy, fetcher=watched)
    assert report.added == 12
    assert active[1] == 2  # two at once, never more, although six workers were free
    # 0.1 s between requests to the host; thread start-up jitter may eat a little of a gap.
    starts.sort()
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.05
    assert starts[-1] - starts[0] >= 1.0


def test_articles_already_in_the_library_are_not_fetched_again(tmp_path: Path) -> None:
    with running_server() as server:
        library = Library(tmp_path / "library.sqlite3")
        first = tmp_path / "first.txt"
        first.write_text(server.url("ok", 1))
        import_file(library, first, policy=FetchPolicy(**FAST))
        second = tmp_path / "second.txt"
        second.write_text(f"{server.url('ok', 1)}\n{server.url('ok', 2)}\n")
        report = import_file(library, second, policy=FetchPolicy(**FAST))
        assert [row.status for row in report.rows] == ["existing", "added"]
        assert server.hits["/ok/1"] == 1
        assert library.count() == 2


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("3", 3.0), ("", None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_header_forms(value: str, seconds: float | None) -> None:
    from reader.core.importing.fetching import parse_retry_after

    assert parse_retry_after(value) == seconds


def test_rows_that_need_no_request_are_reported_before_the_first_request(tmp_path: Path) -> None:
    """Refused addresses and repeated lines never queue behind a host's polite delay."""
    library_path = tmp_path / "library.sqlite3"
    finished_at_first_request: list[int] = []

    def watched(url: str, session: requests.Session, policy: FetchPolicy) -> RawPage:
        if not finished_at_first_request:
            finished_at_first_request.append(done_count(library_path))
        return fetch_page(url, session, policy)

    with running_server() as server:
        refused = [f"ftp://files.example/{n}" for n in range(200)]
        refused += ["http://[::1", "javascript:alert(1)", "mailto:someone@example.org"]
        lines = [server.url("ok", 1), *refused, server.url("ok", 1), server.url("ok", 2)]
        source = tmp_path / "urls.txt"
        source.write_text("\n".join(lines))
        policy = FetchPolicy(**{**FAST, "per_host": 1, "host_delay_s": 0.5})
        report = import_file(Library(library_path), source, policy=policy, fetcher=watched)
    # Everything but the two real pages was settled before the first request went out.
    assert finished_at_first_request == [len(lines) - 2]
    statuses = Counter(row.status for row in report.rows)
    assert statuses == {"failed": len(refused), "added": 2, "existing": 1}
    reasons = {row.url: row.reason for row in report.rows}
    assert "not a valid web address" in reasons["http://[::1"]
    assert "Not a web address" in reasons["ftp://files.example/7"]
