"""An article's images, downloaded when it is saved: capped in size, count and time.

Each image has its own deadline, and all the images of one article share a total one, so a page
full of dripping images costs seconds, not minutes. Images follow the network policy: a page the
person fetched from a local host may use that host's images; every other image must be public.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from reader.core.errors import ReadmarkError
from reader.core.fetch import CONNECT_TIMEOUT_S, READ_TIMEOUT_S, guard, make_session, read_body
from reader.core.fetch.guard import NetworkPolicy
from reader.core.models import Article

if TYPE_CHECKING:
    import requests

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_ARTICLE_IMAGE_BYTES = 25 * 1024 * 1024
MAX_IMAGES_PER_ARTICLE = 60
# One image gets IMAGE_TIMEOUT_S plus a second per IMAGE_MIN_BYTES_PER_S that arrive, at most
# IMAGE_MAX_TIMEOUT_S; all the images of an article together get ARTICLE_IMAGES_TIMEOUT_S.
IMAGE_TIMEOUT_S = 10.0
IMAGE_MIN_BYTES_PER_S = 64 * 1024
IMAGE_MAX_TIMEOUT_S = 30.0
ARTICLE_IMAGES_TIMEOUT_S = 30.0

FetchImage = Callable[[str], "tuple[bytes, str] | None"]


class HttpImageFetcher:
    """Downloads one image over HTTP(S) under a hard deadline; None when it cannot be had.

    Called with `page_url`, the image may come from that page's own host even when the host is
    local (the person asked for the page); `timeout_s` narrows the deadline further.
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        network: NetworkPolicy | None = None,
        timeout_s: float = IMAGE_TIMEOUT_S,
        max_timeout_s: float = IMAGE_MAX_TIMEOUT_S,
        min_bytes_per_s: float = IMAGE_MIN_BYTES_PER_S,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        read_timeout_s: float = READ_TIMEOUT_S,
        max_bytes: int | None = None,
    ) -> None:
        # Made on the first image when none is given: a window that fetches nothing yet never
        # loads `requests`.
        self._session = None if session is None else _installed(session)
        self.network = network or guard.DEFAULT_POLICY
        self.timeout_s = timeout_s
        self.max_timeout_s = max(timeout_s, max_timeout_s)
        self.min_bytes_per_s = min_bytes_per_s
        self.timeouts = (connect_timeout_s, read_timeout_s)
        self.max_bytes = max_bytes

    def session(self) -> requests.Session:
        if self._session is None:
            self._session = make_session()
        return self._session

    def __call__(
        self, url: str, *, page_url: str | None = None, timeout_s: float | None = None
    ) -> tuple[bytes, str] | None:
        budget = self.timeout_s if timeout_s is None else min(self.timeout_s, timeout_s)
        if budget <= 0:
            return None
        hard = min(self.max_timeout_s, timeout_s) if timeout_s is not None else self.max_timeout_s
        deadline = guard.Deadline(budget, hard)
        access = guard.Access(self.network, _host(page_url))
        max_bytes = self.max_bytes or MAX_IMAGE_BYTES
        import requests
        import urllib3.exceptions

        try:
            with guard.guarded(deadline, access):
                found = self._get(url, deadline, max_bytes)
        except (ReadmarkError, requests.exceptions.RequestException, urllib3.exceptions.HTTPError):
            return None
        except (OSError, ValueError):
            return None  # a broken connection or a header urllib3 cannot read
        return None if deadline.expired else found

    def _get(self, url: str, deadline: guard.Deadline, max_bytes: int) -> tuple[bytes, str] | None:
        with self.session().get(url, timeout=self.timeouts, stream=True) as response:
            mime = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if response.status_code >= 400 or not mime.startswith("image/"):
                return None
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                return None
            data = b"".join(read_body(response, deadline, max_bytes, self.min_bytes_per_s, url))
            return data, mime


def _installed(session: requests.Session) -> requests.Session:
    from reader.core.fetch.transport import install

    return install(session)


def http_image_fetcher(session: Any = None, network: NetworkPolicy | None = None) -> FetchImage:
    """A FetchImage that downloads over HTTP(S) with Readmark's limits and network policy."""
    return HttpImageFetcher(session, network=network)


def image_urls(article: Article) -> list[str]:
    """The absolute http(s) addresses of the article's images, each once, in reading order."""
    urls: list[str] = []
    candidates = article.image_sources()
    if article.lead_image:
        candidates.append(article.lead_image)
    for src in candidates:
        try:
            url = urljoin(article.url or "", src or "")
        except ValueError:
            continue  # an address urllib cannot parse is no image anyone can fetch
        if url.startswith(("http://", "https://")) and url not in urls:
            urls.append(url)
    return urls


def fetch_images(
    article: Article,
    fetch_image: FetchImage,
    *,
    total_timeout_s: float = ARTICLE_IMAGES_TIMEOUT_S,
) -> dict[str, tuple[bytes, str]]:
    """Download the article's images within the per-article caps: count, bytes and time.

    An image that cannot be fetched never stops the article; once the time is used up the
    remaining images are left out (the article is saved without them).
    """
    started = time.monotonic()
    images: dict[str, tuple[bytes, str]] = {}
    total = 0
    guarded = isinstance(fetch_image, HttpImageFetcher)
    for url in image_urls(article)[:MAX_IMAGES_PER_ARTICLE]:
        left_s = total_timeout_s - (time.monotonic() - started)
        if left_s <= 0:
            break
        try:
            if guarded:
                found = fetch_image(url, page_url=article.url, timeout_s=left_s)  # type: ignore[call-arg]
            else:
                found = fetch_image(url)
        except (ReadmarkError, OSError, ValueError):
            found = None
        if not found or len(found[0]) > MAX_IMAGE_BYTES:
            continue
        if total + len(found[0]) > MAX_ARTICLE_IMAGE_BYTES:
            break
        total += len(found[0])
        images[url] = found
    return images


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None
