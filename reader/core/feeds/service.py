"""Subscriptions and rules over a `Library`: add (by feed or page address), list, change,
remove. Refreshing is `reader.core.feeds.refresh`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core import fetch
from reader.core.errors import ReadmarkError
from reader.core.feeds.model import ACTIONS, DEFAULT_EVERY_S, Feed, ParsedFeed, Rule
from reader.core.feeds.parse import FeedFormatError, discover, looks_like_html, parse_feed
from reader.core.library import Library, normalise_tag
from reader.core.query import parse as parse_query
from reader.core.store import feeds as store

if TYPE_CHECKING:  # fetching loads `requests`; the window lists feeds long before it fetches
    import requests

    from reader.core.feeds import http


class FeedError(ReadmarkError):
    """A feed operation that cannot be done; the message says why."""


class FeedNotFoundError(FeedError):
    pass


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def clean_folder(folder: str | None) -> str:
    return " ".join((folder or "").split())[:200]


class Feeds:
    """The subscriptions of one library."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.path: Path = library.path

    # -- reading ---------------------------------------------------------------------------

    def all(self) -> list[Feed]:
        with store.read(self.path) as conn:
            return store.all_feeds(conn)

    def get(self, feed_id: int) -> Feed:
        with store.read(self.path) as conn:
            found = store.get(conn, feed_id)
        if found is None:
            raise FeedNotFoundError(f"There is no feed {feed_id}; `readmark-cli feeds list`.")
        return found

    def find(self, url: str) -> Feed | None:
        with store.read(self.path) as conn:
            return store.by_url(conn, url.strip())

    def folders(self) -> list[tuple[str, int]]:
        """Each folder ("" for feeds in none) with its unread count."""
        with store.read(self.path) as conn:
            return store.folder_unread(conn)

    def article_ids(self, feed_id: int) -> list[int]:
        with store.read(self.path) as conn:
            return store.feed_article_ids(conn, feed_id)

    def due(self, now: datetime | None = None) -> list[Feed]:
        """Live feeds whose interval has passed since they were last checked."""
        moment = now or datetime.now(UTC)
        due = []
        for feed in self.all():
            if feed.dead:
                continue
            if not feed.checked_at:
                due.append(feed)
                continue
            try:
                checked = datetime.fromisoformat(feed.checked_at)
            except ValueError:
                due.append(feed)
                continue
            if (moment - checked).total_seconds() >= feed.every_s:
                due.append(feed)
        return due

    # -- subscribing -----------------------------------------------------------------------

    def subscribe(
        self,
        url: str,
        *,
        title: str = "",
        folder: str = "",
        every_s: int = DEFAULT_EVERY_S,
        site_url: str = "",
    ) -> tuple[Feed, bool]:
        """Store a subscription without fetching it; (feed, whether it is new)."""
        url = url.strip()
        fetch.check_url(url)
        with store.write(self.path) as conn:
            existing = store.by_url(conn, url)
            if existing is not None:
                return existing, False
            feed_id = store.insert(
                conn,
                {
                    "url": url,
                    "title": " ".join(title.split())[:500],
                    "site_url": site_url,
                    "folder": clean_folder(folder),
                    "every_s": int(every_s),
                    "added_at": now_iso(),
                },
            )
            found = store.get(conn, feed_id)
        assert found is not None
        return found, True

    def add(
        self,
        url: str,
        *,
        folder: str = "",
        every_s: int = DEFAULT_EVERY_S,
        session: requests.Session | None = None,
        limits: http.Limits | None = None,
    ) -> tuple[Feed, bool]:
        """Subscribe to the feed at `url`, or to the feed the page at `url` names.

        The feed is fetched and read first, so an address that is no feed is refused with the
        reason; its entries arrive with the next refresh.
        """
        from reader.core.feeds import http

        url = url.strip()
        existing = self.find(url)
        if existing is not None:
            return existing, False
        limits = limits or http.Limits()
        session = session or fetch.make_session()
        answer = http.get(url, session, limits)
        feed_url = url
        if looks_like_html(answer.data) or answer.mime in fetch.HTML_TYPES:
            found = discover(answer.data, answer.url)
            if not found:
                raise FeedFormatError(
                    f'{url} is a web page that names no feed (no <link rel="alternate"> to '
                    "RSS, Atom or JSON Feed)."
                )
            feed_url = found[0]
            existing = self.find(feed_url)
            if existing is not None:
                return existing, False
            answer = http.get(feed_url, session, limits, asked_url=url)
        parsed: ParsedFeed = parse_feed(answer.data, answer.url)
        return self.subscribe(
            feed_url,
            title=parsed.title,
            folder=folder,
            every_s=every_s,
            site_url=parsed.site_url,
        )

    def change(
        self,
        feed_id: int,
        *,
        title: str | None = None,
        folder: str | None = None,
        every_s: int | None = None,
    ) -> Feed:
        values: dict[str, object] = {}
        if title is not None:
            values["title"] = " ".join(title.split())[:500]
        if folder is not None:
            values["folder"] = clean_folder(folder)
        if every_s is not None:
            values["every_s"] = int(every_s)
        self.get(feed_id)
        with store.write(self.path) as conn:
            store.update(conn, feed_id, values)
        return self.get(feed_id)

    def remove(self, feed_id: int) -> Feed:
        """Unsubscribe; the articles the feed brought stay in the library."""
        feed = self.get(feed_id)
        with store.write(self.path) as conn:
            store.delete(conn, feed_id)
        return feed

    # -- rules -----------------------------------------------------------------------------

    def rules(self) -> list[Rule]:
        with store.read(self.path) as conn:
            return store.rules(conn)

    def add_rule(
        self, query: str, action: str, value: str = "", feed_id: int | None = None
    ) -> Rule:
        action = {"favorite": "favourite"}.get(action, action)
        if action not in ACTIONS:
            raise FeedError(f"Unknown action {action!r}; use one of: {', '.join(ACTIONS)}.")
        parse_query(query)  # a query that cannot be read is refused now, not at refresh
        if not query.strip():
            raise FeedError('A rule needs a query (use the search language, e.g. org:"ACME").')
        if action == "tag":
            value = normalise_tag(value)
            if not value:
                raise FeedError("A tag rule needs the tag to add.")
        else:
            value = ""
        if feed_id is not None:
            self.get(feed_id)
        with store.write(self.path) as conn:
            rule_id = store.add_rule(conn, feed_id, query.strip(), action, value, now_iso())
        return Rule(rule_id, query.strip(), action, value, feed_id)

    def remove_rule(self, rule_id: int) -> None:
        with store.write(self.path) as conn:
            if not store.delete_rule(conn, rule_id):
                raise FeedError(f"There is no rule {rule_id}; `readmark-cli feeds rule list`.")
