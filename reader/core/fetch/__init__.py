"""Load a source (URL, local file or stdin) into a RawPage, with explicit limits.

Every limit is a named constant: response size on the wire, size after decompression, redirect
count, connect/read time and total time. Compressed bodies are inflated here in bounded steps, so a
small gzip bomb cannot grow past the limit in memory. Every failure is a `LoadError` subclass
whose message names what went wrong in words a person understands.
"""

from __future__ import annotations

import re
import socket
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

from reader import __version__
from reader.core.errors import (
    BlockedAddressError,
    FetchTimeoutError,
    HTTPStatusError,
    LoadError,
    NetworkError,
    NotFoundError,
    ReadmarkError,
    TooLargeError,
    UnsupportedContentError,
)
from reader.core.fetch import guard
from reader.core.fetch.guard import NetworkPolicy
from reader.core.models import RawPage

if TYPE_CHECKING:  # imported on first fetch: a window showing the library needs neither yet
    import requests

MAX_RESPONSE_BYTES = 20 * 1024 * 1024
MAX_DECOMPRESSED_BYTES = 20 * 1024 * 1024
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
# A page has this long from the first byte sent, plus a second for every MIN_BYTES_PER_S bytes
# that arrive, and never more than MAX_TOTAL_TIMEOUT_S: a drip or a stall is cut off, a large
# page that flows gets the time it needs.
TOTAL_TIMEOUT_S = 30.0
MIN_BYTES_PER_S = 64 * 1024
MAX_TOTAL_TIMEOUT_S = 180.0
MAX_REDIRECTS = 10
CHUNK_BYTES = 64 * 1024
READ_BYTES = 8 * 1024  # per read where a read cannot return early (urllib3 before read1)
USER_AGENT = f"Readmark/{__version__} (local-first reader)"

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain", "text/markdown", "text/x-markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}

# Magic numbers of files that are sometimes served as text/html by mistake.
_BINARY_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x00\x00\x00", "a media file"),
    (b"%!PS", "a PostScript document"),
    (b"\x7fELF", "a program"),
)
_HTML_SNIFF = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<!--|<meta|<title|<div|<p\b)", re.IGNORECASE
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def make_session() -> requests.Session:
    """The one HTTP session Readmark uses: our User-Agent and a redirect cap."""
    import requests

    from reader.core.fetch.transport import install

    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = (
        "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1"
    )
    # Only encodings this module can inflate in bounded steps.
    session.headers["Accept-Encoding"] = "gzip, deflate"
    session.max_redirects = MAX_REDIRECTS
    return install(session)


def load(source: str, session: requests.Session | None = None) -> RawPage:
    """Load a URL, a local path or "-" (stdin)."""
    if source == "-":
        return load_stream(sys.stdin.buffer)
    if is_url(source):
        return fetch_url(source, session or make_session())
    if "://" in source[:12]:
        scheme = source.split("://", 1)[0]
        raise UnsupportedContentError(
            f"Readmark opens http and https addresses, not {scheme}: links."
        )
    return load_file(Path(source).expanduser())


def load_stream(stream: BinaryIO) -> RawPage:
    """Read standard input (or any byte stream) up to the size limit; HTML or text is sniffed."""
    try:
        data = stream.read(MAX_RESPONSE_BYTES + 1)
    except OSError as exc:
        raise LoadError(f"Could not read the input: {exc.strerror or exc}") from exc
    if len(data) > MAX_RESPONSE_BYTES:
        raise TooLargeError("The input is larger than 20 MB, the limit.")
    _refuse_binary(data, "The input")
    content_type = "text/html" if _HTML_SNIFF.match(data[:2048]) else "text/plain"
    return RawPage(data=data, content_type=content_type, fetched_at=now_iso())


def load_file(path: Path) -> RawPage:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        content_type = "text/html"
    elif suffix in TEXT_SUFFIXES:
        content_type = "text/plain"
    else:
        raise UnsupportedContentError(
            f"{path.name}: Readmark opens .html, .htm, .xhtml, .txt and .md files."
        )
    try:
        if path.is_dir():
            raise LoadError(f"{path} is a folder, not a file.")
        size = path.stat().st_size
        if size > MAX_RESPONSE_BYTES:
            raise TooLargeError(f"{path.name} is {size // 1_048_576} MB; the limit is 20 MB.")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError(f"No such file: {path}") from exc
    except PermissionError as exc:
        raise LoadError(f"Readmark is not allowed to read {path}.") from exc
    except OSError as exc:
        raise LoadError(f"Could not read {path}: {exc.strerror or exc}") from exc
    _refuse_binary(data, path.name)
    return RawPage(
        data=data, content_type=content_type, path=str(path.resolve()), fetched_at=now_iso()
    )


def _refuse_binary(data: bytes, what: str) -> None:
    head = data[:16]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text with a byte order mark
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            raise UnsupportedContentError(f"{what} is {name}, not a web page or text.")
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 10 and b"\x00" in sample:
        raise UnsupportedContentError(f"{what} is binary data, not a web page or text.")


def _mime_and_charset(header: str) -> tuple[str, str | None]:
    mime, _, params = header.partition(";")
    charset = None
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE)
    if match:
        charset = match.group(1).lower()
    return mime.strip().lower(), charset


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:  # an unclosed IPv6 bracket, a bad port: the address itself is named
        return url


def check_url(url: str) -> None:
    """Raise LoadError unless `url` is a web address that can be requested at all."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it is the check: it raises on a port out of range
    except ValueError as exc:
        raise LoadError(f"{url} is not a valid web address ({exc}).") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise LoadError(f"{url} is not a valid web address.")


def _inflate(chunks: Iterator[bytes], encoding: str, url: str) -> Iterator[bytes]:
    """Decompress `chunks` in bounded steps; never holds more than the limit in memory."""
    if encoding in ("", "identity"):
        yield from chunks
        return
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflater = zlib.decompressobj()
    else:
        raise UnsupportedContentError(
            f"{_host(url)} sent the page compressed as {encoding!r}, which Readmark cannot read."
        )
    first = True
    produced = 0
    for chunk in chunks:
        if first and encoding == "deflate" and chunk and (chunk[0] & 0x0F) != 8:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate without a zlib header
        first = False
        data = chunk
        while data:
            try:
                out = inflater.decompress(data, CHUNK_BYTES)
            except zlib.error as exc:
                raise LoadError(f"{_host(url)} sent a damaged compressed page.") from exc
            produced += len(out)
            yield out
            data = inflater.unconsumed_tail
            if inflater.eof:
                return
    if not inflater.eof and produced == 0:
        raise LoadError(f"{_host(url)} sent a damaged compressed page.")
    yield inflater.flush()


def fetch_url(
    url: str,
    session: requests.Session | None = None,
    *,
    timeout: tuple[float, float] | None = None,
    total_timeout_s: float | None = None,
    max_total_timeout_s: float | None = None,
    min_bytes_per_s: float | None = None,
    max_bytes: int | None = None,
    max_decompressed_bytes: int | None = None,
    network: NetworkPolicy | None = None,
) -> RawPage:
    """GET `url` with every limit applied; only a complete, checked body becomes a RawPage.

    Time: the page has `total_timeout_s` from the first byte sent, plus one second for every
    `min_bytes_per_s` bytes that arrive, up to `max_total_timeout_s` whatever happens. A large
    page that flows arrives; a drip, a stall after the headers or an endless body is cut off.
    The person asked for `url`, so it may be on a local address; a redirect may not lead to one.
    """
    check_url(url)
    from reader.core.fetch.transport import install

    session = install(session or make_session())
    timeout = timeout or (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
    total_timeout_s = total_timeout_s or TOTAL_TIMEOUT_S
    max_total_timeout_s = max(total_timeout_s, max_total_timeout_s or MAX_TOTAL_TIMEOUT_S)
    limits = _Limits(
        max_bytes=max_bytes or MAX_RESPONSE_BYTES,
        max_decompressed_bytes=max_decompressed_bytes or MAX_DECOMPRESSED_BYTES,
        min_bytes_per_s=min_bytes_per_s or MIN_BYTES_PER_S,
    )
    host = _host(url)
    deadline = guard.Deadline(total_timeout_s, max_total_timeout_s)
    access = guard.Access(network or guard.DEFAULT_POLICY, host, local_network=True)
    try:
        with guard.guarded(deadline, access):
            page = _get(url, session, timeout, limits, deadline)
    except FetchTimeoutError:
        raise
    except Exception as exc:
        if deadline.expired:
            raise FetchTimeoutError(_too_slow(host, deadline)) from exc
        if isinstance(exc, ReadmarkError):
            raise
        raise _translate(exc, url, host) from exc
    if deadline.expired:  # the watchdog's shutdown can look like a normal end of the body
        raise FetchTimeoutError(_too_slow(host, deadline))
    _refuse_binary(page.data, url)
    return page


@dataclass(frozen=True, slots=True)
class _Limits:
    max_bytes: int
    max_decompressed_bytes: int
    min_bytes_per_s: float


def _too_slow(host: str, deadline: guard.Deadline) -> str:
    if deadline.at >= deadline.hard_at:
        limit_s = deadline.hard_at - deadline.started
        return f"{host} took longer than {limit_s:.0f} s to send the page."
    return (
        f"{host} sent the page too slowly (stopped after {deadline.elapsed():.0f} s); "
        "it may be overloaded or stalling on purpose."
    )


def _get(
    url: str,
    session: requests.Session,
    timeout: tuple[float, float],
    limits: _Limits,
    deadline: guard.Deadline,
) -> RawPage:
    host = _host(url)
    with session.get(url, timeout=timeout, stream=True, allow_redirects=True) as response:
        status = response.status_code
        if status in (404, 410):
            raise NotFoundError(f"The page was not found ({status}): {url}")
        if status >= 400:
            reason = response.reason or "error"
            raise HTTPStatusError(f"{host} answered {status} {reason}: {url}", status)
        mime, charset = _mime_and_charset(response.headers.get("Content-Type", ""))
        mime = mime or "text/html"
        if mime not in HTML_TYPES | TEXT_TYPES:
            raise UnsupportedContentError(
                f"{url} is {mime}, which is not a web page or text; "
                "Readmark opens HTML pages and plain text."
            )
        max_bytes = limits.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise TooLargeError(
                f"{url} is {int(declared) // 1_048_576} MB; the limit is "
                f"{max_bytes // 1_048_576} MB."
            )
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        wire = read_body(response, deadline, max_bytes, limits.min_bytes_per_s, url)
        parts: list[bytes] = []
        total = 0
        for piece in _inflate(wire, encoding, url):
            total += len(piece)
            if total > limits.max_decompressed_bytes:
                raise TooLargeError(
                    f"{url} unpacks to more than "
                    f"{limits.max_decompressed_bytes // 1_048_576} MB, the limit."
                )
            parts.append(piece)
        return RawPage(
            data=b"".join(parts),
            content_type="text/html" if mime in HTML_TYPES else "text/plain",
            url=response.url,
            charset=charset,
            fetched_at=now_iso(),
        )


def read_body(
    response: requests.Response,
    deadline: guard.Deadline,
    max_bytes: int,
    min_bytes_per_s: float,
    url: str,
) -> Iterator[bytes]:
    """The body as it arrives on the wire (still compressed), checked after every read.

    Each read returns what is there rather than waiting for a full chunk, so the deadline is
    looked at as often as data comes; the watchdog covers a read that gets nothing at all.
    """
    raw = response.raw
    read1 = getattr(raw, "read1", None)
    received = 0
    while True:
        if deadline.passed():
            raise FetchTimeoutError(_too_slow(_host(url), deadline))
        if read1 is not None:
            chunk = read1(CHUNK_BYTES, decode_content=False)
        else:
            chunk = raw.read(READ_BYTES, decode_content=False)
        if deadline.expired:
            raise FetchTimeoutError(_too_slow(_host(url), deadline))
        if not chunk:
            return
        received += len(chunk)
        if received > max_bytes:
            raise TooLargeError(f"{url} is larger than {max_bytes // 1_048_576} MB, the limit.")
        deadline.grant(len(chunk) / min_bytes_per_s)
        yield chunk


def _translate(exc: BaseException, url: str, host: str) -> LoadError:
    """A `requests`/`urllib3` failure as the error a person reads."""
    import requests
    import urllib3.exceptions

    from reader.core.fetch.transport import RefusedAddressError

    for cause in _causes(exc):
        if isinstance(cause, RefusedAddressError):
            return BlockedAddressError(cause.reason)
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return NetworkError(
            f"{url} redirects too many times (more than {MAX_REDIRECTS}); it may loop."
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return FetchTimeoutError(f"{host} took too long to answer.")
    if isinstance(exc, requests.exceptions.SSLError):
        return NetworkError(f"The secure connection to {host} failed (TLS certificate).")
    if isinstance(exc, requests.exceptions.ConnectionError):
        if _is_dns_failure(exc):
            return NetworkError(
                f"Could not find the server {host}. Check the address and your connection."
            )
        if _is_timeout(exc):
            return FetchTimeoutError(f"{host} took too long to answer.")
        return NetworkError(f"Could not connect to {host}; the connection failed.")
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return LoadError(f"{url} is not a valid web address.")
    if isinstance(exc, requests.exceptions.RequestException):
        return NetworkError(f"Could not load {url}: {type(exc).__name__}.")
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
        return FetchTimeoutError(f"{host} stopped sending the page.")
    if isinstance(exc, OSError | ValueError | urllib3.exceptions.HTTPError):
        # urllib3 raises these for broken chunked bodies and invalid header values.
        return NetworkError(f"The connection to {host} broke while loading the page.")
    return NetworkError(f"Could not load {url}: {type(exc).__name__}.")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend([current.__cause__, current.__context__])
        stack.extend(arg for arg in current.args if isinstance(arg, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)


def _is_dns_failure(exc: BaseException) -> bool:
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return True
    return False


def _is_timeout(exc: BaseException) -> bool:
    return any(isinstance(cause, (TimeoutError, socket.timeout)) for cause in _causes(exc))
