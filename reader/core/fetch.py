"""Load a source (URL, local file or stdin) into a RawPage, with explicit limits."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import requests

from reader import __version__
from reader.core.errors import (
    FetchTimeoutError,
    HTTPStatusError,
    LoadError,
    NetworkError,
    NotFoundError,
    TooLargeError,
    UnsupportedContentError,
)
from reader.core.models import RawPage

MAX_RESPONSE_BYTES = 20 * 1024 * 1024
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
MAX_REDIRECTS = 10
USER_AGENT = f"Readmark/{__version__} (local-first reader)"

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain", "text/markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def make_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = MAX_REDIRECTS
    return session


def load(source: str, session: requests.Session | None = None) -> RawPage:
    """Load a URL, a local path or "-" (stdin)."""
    if source == "-":
        return RawPage(data=sys.stdin.buffer.read(), content_type="text/html", fetched_at=now_iso())
    if is_url(source):
        return fetch_url(source, session or make_session())
    return load_file(Path(source))


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
        size = path.stat().st_size
        if size > MAX_RESPONSE_BYTES:
            raise TooLargeError(f"{path.name} is {size // 1_048_576} MB; the limit is 20 MB.")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError(f"No such file: {path}") from exc
    except OSError as exc:
        raise LoadError(f"Could not read {path}: {exc.strerror or exc}") from exc
    return RawPage(
        data=data, content_type=content_type, path=str(path.resolve()), fetched_at=now_iso()
    )


def fetch_url(url: str, session: requests.Session) -> RawPage:
    try:
        with session.get(
            url, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S), stream=True, allow_redirects=True
        ) as response:
            if response.status_code in (404, 410):
                raise NotFoundError(f"The page was not found ({response.status_code}): {url}")
            if response.status_code >= 400:
                raise HTTPStatusError(
                    f"The server answered {response.status_code} {response.reason}: {url}",
                    response.status_code,
                )
            mime = response.headers.get("Content-Type", "text/html").split(";")[0].strip().lower()
            if mime not in HTML_TYPES | TEXT_TYPES:
                raise UnsupportedContentError(f"{url} is {mime}, not a web page or text.")
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_content(64 * 1024):
                total += len(chunk)
                if total > MAX_RESPONSE_BYTES:
                    raise TooLargeError(f"{url} is larger than 20 MB.")
                chunks.append(chunk)
            return RawPage(
                data=b"".join(chunks),
                content_type="text/html" if mime in HTML_TYPES else "text/plain",
                url=response.url,
                charset=response.encoding if "charset" in response.headers.get(
                    "Content-Type", ""
                ) else None,
                fetched_at=now_iso(),
            )
    except requests.exceptions.TooManyRedirects as exc:
        raise NetworkError(f"Too many redirects (more than {MAX_REDIRECTS}): {url}") from exc
    except requests.exceptions.Timeout as exc:
        raise FetchTimeoutError(f"The server took too long to answer: {url}") from exc
    except requests.exceptions.ConnectionError as exc:
        raise NetworkError(f"Could not connect to {url}") from exc
    except requests.exceptions.RequestException as exc:
        raise NetworkError(f"Could not load {url}: {exc}") from exc
