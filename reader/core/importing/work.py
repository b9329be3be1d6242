"""The worker side of a bulk import: fetch, extract, find entities and images for one item.

Runs on the pool's threads and never touches the database; what it finds goes back to the one
writing thread as an `Outcome`, with the seconds each stage took.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from reader.core import fetch
from reader.core.errors import UnsupportedContentError
from reader.core.extract import extract
from reader.core.fetch.images import HttpImageFetcher, fetch_images
from reader.core.importers.items import ImportItem
from reader.core.importers.saving import article_from_export, with_item_metadata
from reader.core.importing.fetching import FetchPolicy
from reader.core.models import Article, RawPage
from reader.core.util import now_iso

Recogniser = Callable[[Article], Any]
Fetcher = Callable[[str, requests.Session, FetchPolicy], RawPage]


@dataclass(slots=True)
class Entry:
    """One pending item of the job and its attempts so far."""

    seq: int
    item: ImportItem
    host: str
    attempts: int = 0
    token: int = 0  # the scheduler's handle on the attempt under way


@dataclass(slots=True)
class Outcome:
    """What a worker found for an entry, or the error that stopped it."""

    entry: Entry
    article: Article | None = None
    raw: RawPage | None = None
    entities: Any = None
    images: dict[str, tuple[bytes, str]] | None = None
    error: BaseException | None = None
    times: tuple[float, float, float] = (0.0, 0.0, 0.0)  # fetch, extract, entities


class Worker:
    """Turns entries into outcomes; one `requests.Session` per pool thread."""

    def __init__(
        self,
        policy: FetchPolicy,
        fetcher: Fetcher,
        recognise: Recogniser | None,
        session_factory: Callable[[], requests.Session],
        archive_images: bool,
    ) -> None:
        self.policy = policy
        self.fetcher = fetcher
        self.recognise = recognise
        self.session_factory = session_factory
        self.archive_images = archive_images
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self.session_factory()
        return session

    def _page(self, item: ImportItem) -> RawPage:
        if item.content_html is not None:
            return RawPage(
                data=item.content_html.encode("utf-8"),
                content_type="text/html",
                url=item.url,
                charset="utf-8",
                fetched_at=now_iso(),
            )
        if not fetch.is_url(item.url):
            raise UnsupportedContentError(f"Not a web address (http or https): {item.url}")
        return self.fetcher(item.url, self._session(), self.policy)

    def __call__(self, entry: Entry) -> Outcome:
        item = entry.item
        started = time.perf_counter()
        fetched = started
        try:
            images: dict[str, tuple[bytes, str]] | None = None
            raw: RawPage | None = None
            if item.article is not None:
                article = article_from_export(item.article)
                images = {}  # the export's own, written as they were by save_item
            else:
                raw = self._page(item)
                fetched = time.perf_counter()
                article = with_item_metadata(extract(raw), item)
            extracted = time.perf_counter()
            entities = self.recognise(article) if self.recognise is not None else None
            done = time.perf_counter()
            if images is None and self.archive_images:
                images = self._images(article)
            images_s = time.perf_counter() - done  # image downloads count as fetching
            return Outcome(
                entry,
                article,
                raw,
                entities,
                images,
                times=(fetched - started + images_s, extracted - fetched, done - extracted),
            )
        except Exception as exc:  # every failure becomes a reason in the report
            return Outcome(entry, error=exc, times=(time.perf_counter() - started, 0.0, 0.0))

    def _images(self, article: Article) -> dict[str, tuple[bytes, str]]:
        """The article's images, downloaded here so the writing thread never waits on them."""
        fetcher = HttpImageFetcher(
            self._session(),
            network=self.policy.network,
            timeout_s=self.policy.image_timeout_s,
            max_timeout_s=self.policy.image_timeout_s,
            connect_timeout_s=self.policy.connect_timeout_s,
            read_timeout_s=self.policy.read_timeout_s,
        )
        return fetch_images(article, fetcher, total_timeout_s=self.policy.images_timeout_s)
