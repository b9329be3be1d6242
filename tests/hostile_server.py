"""A local server on 127.0.0.1 that answers as badly as real servers do, for imports to survive.

Every URL is `http://<host>.test:<port>/<kind>/<n>`; a resolver maps every `.test` host to
127.0.0.1, so one server plays many hosts and the importer's per-host rules apply as they would
on the Internet. The kinds and what an import must make of them are in `KINDS`.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from reader.core.fetch.guard import NetworkPolicy
from tests.words import WORDS


@dataclass(frozen=True, slots=True)
class Kind:
    count: int  # URLs of this kind among the 300
    hosts: int  # spread over this many hosts of their own (0: on the ok hosts)
    status: str  # what the import must report: added, failed, or added/existing
    reason: tuple[str, ...] = ()  # one of these appears in the reason of a failed row


NOT_TRIED = "Not tried"
TIMED_OUT = ("too slowly", "too long", "stopped sending", "took longer", NOT_TRIED)
KINDS: dict[str, Kind] = {
    "ok": Kind(190, 30, "added"),
    "slow-down": Kind(8, 2, "added"),  # 429 with Retry-After, then fine
    "flaky": Kind(8, 2, "added"),  # 500, then fine
    "large": Kind(4, 1, "added"),  # a big page that flows steadily, slower than the base limit
    "redirect": Kind(10, 2, "added/existing"),  # to an ok page on another host
    "error": Kind(6, 2, "failed", ("500",)),
    "missing": Kind(8, 2, "failed", ("404",)),
    "drip": Kind(8, 2, "failed", TIMED_OUT),  # a byte at a time, for ever
    "drip-headers": Kind(6, 2, "failed", TIMED_OUT),  # the headers never end
    "stall": Kind(8, 2, "failed", TIMED_OUT),  # two minutes before any answer
    "stall-mixed": Kind(4, 0, "failed", TIMED_OUT),  # the same, on hosts that answer otherwise
    "silent": Kind(6, 2, "failed", TIMED_OUT),  # headers, then two minutes of silence
    "endless": Kind(6, 2, "failed", ("larger than",)),  # a chunked body that never ends
    "reset": Kind(8, 2, "failed", ("connection",)),
    "loop": Kind(6, 2, "failed", ("redirect",)),
    "big": Kind(6, 2, "failed", ("larger than",)),  # 50 MB
    "bomb": Kind(8, 2, "failed", ("unpacks to more than",)),  # gzip: 50 MB from 50 KB
}


def article_html(number: int, paragraphs: int = 4) -> bytes:
    words = [WORDS[(number * 7 + i * 3) % len(WORDS)] for i in range(40)]
    body = "".join(
        f"<p>Report {number} part {p}: the {' '.join(words[p % 3 * 8 : p % 3 * 8 + 16])} stood "
        f"near the old road, and people came to see it every season of {1900 + number}.</p>"
        for p in range(paragraphs)
    )
    return (
        f"<!doctype html><html><head><title>Article {number}</title></head><body><article>"
        f"<h1>Article {number}</h1>{body}</article></body></html>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: HostileServer  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = self.path.split("?")[0].strip("/").split("/")
        kind = parts[0]
        number = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        with self.server.lock:
            self.server.hits[self.path] += 1
            hits = self.server.hits[self.path]
        with suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
            getattr(self, "_" + kind.replace("-", "_"), self._missing)(number, hits)

    def _head(self, status: int, length: int | None, ctype: str = "text/html", **more: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in more.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()

    def _send(self, status: int, body: bytes, **more: str) -> None:
        self._head(status, len(body), **more)
        self.wfile.write(body)

    def _wait(self, seconds: float) -> bool:
        """Sleep unless the server is stopping; True when it is."""
        return self.server.stopping.wait(seconds)

    def _ok(self, number: int, _hits: int) -> None:
        self._send(200, article_html(number))

    def _missing(self, _number: int, _hits: int) -> None:
        self._send(404, b"<html><body>Not found</body></html>")

    def _error(self, _number: int, _hits: int) -> None:
        self._send(500, b"<html><body>Internal error</body></html>")

    def _slow_down(self, number: int, hits: int) -> None:
        if hits == 1:
            self._send(429, b"slow down", Retry_After=str(self.server.retry_after_s))
        else:
            self._ok(number, hits)

    def _flaky(self, number: int, hits: int) -> None:
        if hits == 1:
            self._error(number, hits)
        else:
            self._ok(number, hits)

    def _large(self, number: int, _hits: int) -> None:
        # A long article sent in pieces at a steady pace: longer than the base limit in all.
        piece = article_html(number, paragraphs=1)[: -len(b"</article></body></html>")]
        filler = b"<p>" + b" ".join(w.encode() for w in WORDS) * 60 + b"</p>"
        pieces = [piece] + [filler] * self.server.large_pieces
        tail = b"</article></body></html>"
        self._head(200, sum(map(len, pieces)) + len(tail))
        for chunk in pieces:
            self.wfile.write(chunk)
            self.wfile.flush()
            if self._wait(self.server.large_pause_s):
                return
        self.wfile.write(tail)

    def _redirect(self, number: int, _hits: int) -> None:
        self._head(301, 0, Location=self.server.url("ok", number))

    def _loop(self, number: int, hits: int) -> None:
        self._head(302, 0, Location=f"/loop/{number}?n={hits}")

    def _drip(self, _number: int, _hits: int) -> None:
        self._head(200, 100_000)
        for _ in range(100_000):
            if self._wait(self.server.drip_s):
                return
            self.wfile.write(b"x")
            self.wfile.flush()

    def _drip_headers(self, _number: int, _hits: int) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
        for _ in range(60_000):  # under the line limit: only time can stop it
            if self._wait(self.server.drip_s):
                return
            self.wfile.write(b"y")
            self.wfile.flush()

    def _stall(self, number: int, hits: int) -> None:
        if not self._wait(self.server.stall_s):
            self._ok(number, hits)

    _stall_mixed = _stall

    def _silent(self, number: int, hits: int) -> None:
        body = article_html(number)
        self._head(200, len(body))
        self.wfile.flush()
        if not self._wait(self.server.stall_s):
            self.wfile.write(body)

    def _endless(self, _number: int, _hits: int) -> None:
        self._head(200, None, Transfer_Encoding="chunked")
        piece = b"<p>" + b"endless " * 8000 + b"</p>"
        chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
        while not self.server.stopping.is_set():
            self.wfile.write(chunk)

    def _reset(self, _number: int, _hits: int) -> None:
        # SO_LINGER with a zero timeout makes close() send a TCP reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _big(self, _number: int, _hits: int) -> None:
        size = 50 * 1024 * 1024
        self._head(200, None)
        chunk = b"<p>" + b"x" * 65_000 + b"</p>"
        sent = 0
        while sent < size and not self.server.stopping.is_set():
            self.wfile.write(chunk)
            sent += len(chunk)
        self.close_connection = True

    def _bomb(self, _number: int, _hits: int) -> None:
        self._send(200, self.server.bomb, Content_Encoding="gzip")


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(
        self,
        *,
        drip_s: float,
        stall_s: float,
        retry_after_s: int,
        large_pieces: int,
        large_pause_s: float,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.drip_s = drip_s
        self.stall_s = stall_s
        self.retry_after_s = retry_after_s
        self.large_pieces = large_pieces
        self.large_pause_s = large_pause_s
        self.bomb = gzip.compress(b"<p>" + b"0" * (50 * 1024 * 1024) + b"</p>", 9)
        self.host_of: dict[tuple[str, int], str] = {}

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up are what this server is for

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, kind: str, number: int) -> str:
        host = self.host_of.get((kind, number)) or f"{kind}-0"
        return f"http://{host}.test:{self.port}/{kind}/{number}"

    def urls(self) -> list[str]:
        """The 300 URLs, hostile ones spread through the file as they would be in a real one."""
        by_kind: dict[str, list[str]] = {}
        for kind, spec in KINDS.items():
            hosts = spec.hosts or KINDS["ok"].hosts
            prefix = kind if spec.hosts else "ok"
            for n in range(spec.count):
                self.host_of[(kind, n)] = f"{prefix}-{n % hosts}"
            by_kind[kind] = [self.url(kind, n) for n in range(spec.count)]
        ordered: list[str] = []
        while any(by_kind.values()):
            for kind in KINDS:
                take = 6 if kind == "ok" else 1
                ordered += by_kind[kind][:take]
                del by_kind[kind][:take]
        return ordered


def loopback_policy() -> NetworkPolicy:
    """Every `.test` host is this machine; anything else does not exist."""

    def resolve(host: str, port: int) -> list[str]:
        if host.endswith(".test"):
            return ["127.0.0.1"]
        raise socket.gaierror(socket.EAI_NONAME, "no such host")

    return NetworkPolicy(resolve=resolve)


@contextmanager
def hostile_server(
    *,
    drip_s: float = 0.05,
    stall_s: float = 120.0,
    retry_after_s: int = 1,
    large_pieces: int = 20,
    large_pause_s: float = 0.05,
) -> Iterator[HostileServer]:
    server = HostileServer(
        drip_s=drip_s,
        stall_s=stall_s,
        retry_after_s=retry_after_s,
        large_pieces=large_pieces,
        large_pause_s=large_pause_s,
    )
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


def kind_of(url: str) -> str:
    return url.rsplit("/", 2)[-2]


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[-1]


def check_outcome(rows: list[tuple[str, str, str]], urls: list[str]) -> list[str]:
    """What is wrong with an import's (url, status, reason) rows; empty when all is well."""
    problems = []
    if [url for url, _, _ in rows] != urls:
        problems.append("the rows are not the file's URLs in order")
    # redirect/N answers with ok/N: of the two, whichever is fetched first is added, the other
    # is the same article, already there. Exactly one of each pair is added.
    status_of = {_path(url): status for url, status, _ in rows}
    targets = {path.replace("/redirect/", "/ok/") for path in status_of if "/redirect/" in path}
    for target in sorted(targets):
        pair = [status_of.get(target), status_of.get(target.replace("/ok/", "/redirect/"))]
        if pair.count("added") != 1:
            problems.append(f"{target} and its redirect: {pair}, expected one added")
    for url, status, reason in rows:
        spec = KINDS[kind_of(url)]
        allowed = spec.status.split("/")
        if _path(url) in targets:
            allowed = ["added", "existing"]
        if status not in allowed:
            problems.append(f"{url}: {status} ({reason}), expected {spec.status}")
        elif status == "failed" and not any(word in reason for word in spec.reason):
            problems.append(f"{url}: reason {reason!r} names none of {spec.reason}")
    return problems
