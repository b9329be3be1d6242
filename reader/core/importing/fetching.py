"""How a bulk import fetches: its policy (workers, per-host limits, timeouts, retries) and one
polite GET that tells apart what is worth another try (timeouts, 429, 5xx) from what is not."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from reader.core import fetch
from reader.core.errors import (
    FetchTimeoutError,
    HTTPStatusError,
    LoadError,
    NetworkError,
    UnsupportedContentError,
)
from reader.core.fetch.guard import NetworkPolicy
from reader.core.models import RawPage

TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
BINARY_SNIFF_BYTES = 4096


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How hard and how politely the bulk fetcher works. Tests shorten every time here."""

    workers: int = 8
    per_host: int = 2
    host_delay_s: float = 1.0  # between two requests to the same host
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0  # silence between two reads
    # A page gets total_timeout_s, plus a second per min_bytes_per_s that arrive, and never more
    # than max_total_timeout_s: a drip is cut off, a large page that flows arrives.
    total_timeout_s: float = fetch.TOTAL_TIMEOUT_S
    max_total_timeout_s: float = fetch.MAX_TOTAL_TIMEOUT_S
    min_bytes_per_s: float = fetch.MIN_BYTES_PER_S
    max_bytes: int = fetch.MAX_RESPONSE_BYTES  # after decompression
    max_redirects: int = fetch.MAX_REDIRECTS
    max_attempts: int = 4
    timeout_attempts: int = 2  # a page that timed out costs a worker the whole deadline
    backoff_s: float = 2.0  # doubled after each transient failure, with jitter
    max_wait_s: float = 60.0  # cap on backoff; a longer Retry-After is reported, not waited
    # Requests running longer than linger_after_s, or on a host that timed out, share
    # slow_workers more threads instead of holding the workers (None: as many as workers).
    linger_after_s: float = 10.0
    slow_workers: int | None = None
    host_timeouts_to_give_up: int = 3  # in a row; the host's other items are then reported
    image_timeout_s: float = 10.0  # per image
    images_timeout_s: float = 30.0  # all the images of one article
    network: NetworkPolicy | None = None  # which addresses may be reached (tests inject one)


class RateLimitedError(HTTPStatusError):
    """429 Too Many Requests; `retry_after_s` is the server's wish, when it said one."""

    def __init__(self, message: str, status: int, retry_after_s: float | None) -> None:
        super().__init__(message, status)
        self.retry_after_s = retry_after_s


class RedirectLoopError(LoadError):
    """The URL redirects more than the limit allows (usually in a circle)."""


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def fetch_page(url: str, session: requests.Session, policy: FetchPolicy) -> RawPage:
    """GET `url` through the fetch stage under the policy's limits, telling apart what to retry.

    Adds to `fetch.fetch_url`: the server's Retry-After on 429, a redirect loop as a permanent
    failure, and a stricter refusal of binary bodies (any NUL byte near the start).
    """
    if not fetch.is_url(url):
        raise UnsupportedContentError(f"Not a web address (http or https): {url}")
    session.max_redirects = policy.max_redirects
    retry_after: list[str | None] = []

    def remember(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        if response.status_code == 429:
            retry_after.append(response.headers.get("Retry-After"))

    hooks = session.hooks.setdefault("response", [])
    hooks.append(remember)
    try:
        raw = fetch.fetch_url(
            url,
            session,
            timeout=(policy.connect_timeout_s, policy.read_timeout_s),
            total_timeout_s=policy.total_timeout_s,
            max_total_timeout_s=policy.max_total_timeout_s,
            min_bytes_per_s=policy.min_bytes_per_s,
            max_bytes=policy.max_bytes,
            max_decompressed_bytes=policy.max_bytes,
            network=policy.network,
        )
    except HTTPStatusError as exc:
        if exc.status == 429:
            wait = parse_retry_after(retry_after[-1] if retry_after else None)
            raise RateLimitedError(str(exc), exc.status, wait) from exc
        raise
    except NetworkError as exc:
        if isinstance(exc.__cause__, requests.exceptions.TooManyRedirects):
            raise RedirectLoopError(
                f"Too many redirects (more than {policy.max_redirects}); it may loop: {url}"
            ) from exc
        raise
    finally:
        hooks.remove(remember)
    if b"\x00" in raw.data[:BINARY_SNIFF_BYTES]:
        raise UnsupportedContentError(f"{url} is binary data, not a web page or text.")
    return raw


def request_host(url: str) -> str | None:
    """The host a request for `url` would go to; None when no request could load it."""
    if not fetch.is_url(url):
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:  # an unclosed IPv6 bracket, a port that is not a number
        return None


def refusal(url: str) -> str:
    """Why `url` is reported without a request (see `request_host`)."""
    if not fetch.is_url(url):
        return f"Not a web address (http or https): {url}"
    return f"{url} is not a valid web address."


def is_transient(exc: BaseException) -> bool:
    """Worth another try later: timeouts, dropped connections, 429 and 5xx answers."""
    if isinstance(exc, HTTPStatusError):
        return exc.status in TRANSIENT_STATUSES or exc.status >= 500
    if isinstance(exc, RedirectLoopError):
        return False
    return isinstance(exc, FetchTimeoutError | NetworkError)
