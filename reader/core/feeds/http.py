"""One GET of a feed or of an item's page under the fetch stage's limits, conditional when the
feed gave validators (`ETag`, `Last-Modified`), so an unchanged feed costs one 304 answer.

The deadline, the size caps, bounded decompression and the network policy are the fetch stage's
own (`reader.core.fetch`); what this adds is the request headers, the 304, the validators of the
answer and the feed's content types. A feed the person subscribed to may be on a local host;
its items' pages may be on that same host too, but a public feed cannot send Readmark to a local
address.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from reader.core import fetch
from reader.core.errors import (
    FetchTimeoutError,
    HTTPStatusError,
    NetworkError,
    NotFoundError,
    ReadmarkError,
    TooLargeError,
    UnsupportedContentError,
)
from reader.core.fetch import guard, transport
from reader.core.fetch.guard import NetworkPolicy

MAX_FEED_BYTES = 10 * 1024 * 1024
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)


class GoneError(NotFoundError):
    """410 Gone: the server says the feed was removed for good."""


class RedirectLoopError(NetworkError):
    """More redirects than the limit: usually a circle."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Times and sizes of one request; tests shorten the times."""

    connect_timeout_s: float = fetch.CONNECT_TIMEOUT_S
    read_timeout_s: float = fetch.READ_TIMEOUT_S
    total_timeout_s: float = fetch.TOTAL_TIMEOUT_S
    max_total_timeout_s: float = fetch.MAX_TOTAL_TIMEOUT_S
    min_bytes_per_s: float = fetch.MIN_BYTES_PER_S
    max_bytes: int = MAX_FEED_BYTES
    max_redirects: int = fetch.MAX_REDIRECTS
    network: NetworkPolicy | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    status: int  # 200 or 304
    url: str  # after redirects
    data: bytes = b""
    mime: str = ""
    charset: str | None = None
    etag: str = ""
    last_modified: str = ""


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def get(
    url: str,
    session: requests.Session,
    limits: Limits,
    *,
    asked_url: str | None = None,
    etag: str = "",
    last_modified: str = "",
    accept: str = FEED_ACCEPT,
    page: bool = False,
) -> Answer:
    """GET `url`; `asked_url` is the address the person subscribed to (default: `url`).

    `page=True` fetches an item's page: only HTML or text is taken. Every failure is a
    ReadmarkError whose message says what happened in words a person understands.
    """
    fetch.check_url(url)
    session = transport.install(session)
    session.max_redirects = limits.max_redirects
    host = host_of(url)
    deadline = guard.Deadline(limits.total_timeout_s, limits.max_total_timeout_s)
    access = guard.Access(
        limits.network or guard.DEFAULT_POLICY, host_of(asked_url or url), local_network=False
    )
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with guard.guarded(deadline, access):
            answer = _get(url, session, limits, deadline, headers, page)
    except (FetchTimeoutError, RedirectLoopError):
        raise
    except requests.exceptions.TooManyRedirects as exc:
        raise RedirectLoopError(
            f"{url} redirects too many times (more than {limits.max_redirects}); it may loop."
        ) from exc
    except Exception as exc:
        if deadline.expired:
            raise FetchTimeoutError(_too_slow(host, deadline)) from exc
        if isinstance(exc, ReadmarkError):
            raise
        raise fetch._translate(exc, url, host) from exc
    if deadline.expired:
        raise FetchTimeoutError(_too_slow(host, deadline))
    return answer


def _too_slow(host: str, deadline: guard.Deadline) -> str:
    return f"{host} did not send it in time (stopped after {deadline.elapsed():.0f} s)."


def _get(
    url: str,
    session: requests.Session,
    limits: Limits,
    deadline: guard.Deadline,
    headers: dict[str, str],
    page: bool,
) -> Answer:
    timeout = (limits.connect_timeout_s, limits.read_timeout_s)
    with session.get(
        url, headers=headers, timeout=timeout, stream=True, allow_redirects=True
    ) as response:
        status = response.status_code
        final = response.url or url
        if status == 304:
            return Answer(304, final, etag=headers.get("If-None-Match", ""))
        if status == 410:
            raise GoneError(f"{url} is gone (410): the server says it was removed for good.")
        if status == 404:
            raise NotFoundError(f"{url} was not found (404).")
        if status >= 400:
            raise HTTPStatusError(f"{host_of(url)} answered {status} {response.reason}.", status)
        mime, charset = fetch._mime_and_charset(response.headers.get("Content-Type", ""))
        if page and mime and mime not in fetch.HTML_TYPES | fetch.TEXT_TYPES:
            raise UnsupportedContentError(f"{url} is {mime}, not a web page.")
        max_bytes = limits.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise TooLargeError(
                f"{url} is {int(declared) // 1_048_576} MB; the limit is "
                f"{max_bytes // 1_048_576} MB."
            )
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        wire = fetch.read_body(response, deadline, max_bytes, limits.min_bytes_per_s, url)
        parts: list[bytes] = []
        total = 0
        for piece in fetch._inflate(wire, encoding, url):
            total += len(piece)
            if total > max_bytes:
                raise TooLargeError(
                    f"{url} unpacks to more than {max_bytes // 1_048_576} MB, the limit."
                )
            parts.append(piece)
        return Answer(
            status,
            final,
            b"".join(parts),
            mime,
            charset,
            etag=response.headers.get("ETag", "").strip(),
            last_modified=response.headers.get("Last-Modified", "").strip(),
        )
