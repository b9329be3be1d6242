"""The values the feed code passes around; no behaviour beyond small conveniences."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_EVERY_S = 3600


@dataclass(frozen=True, slots=True)
class Feed:
    """One subscription as stored."""

    id: int
    url: str
    title: str = ""
    site_url: str = ""
    folder: str = ""
    every_s: int = DEFAULT_EVERY_S
    etag: str = ""
    last_modified: str = ""
    added_at: str = ""
    checked_at: str = ""  # the last attempt, whatever its outcome
    ok_at: str = ""  # the last attempt that got an answer (new items or 304)
    last_error: str = ""
    dead: bool = False
    unread: int = 0  # unread live articles that came from this feed
    items: int = 0  # entries seen, saved or not

    @property
    def name(self) -> str:
        return self.title or self.url


@dataclass(frozen=True, slots=True)
class Rule:
    """`action` (tag, favourite, archive, skip) on new items matching `query`; `feed_id` None
    means every feed."""

    id: int
    query: str
    action: str
    value: str = ""
    feed_id: int | None = None


ACTIONS = ("tag", "favourite", "archive", "skip")


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed, as the feed describes it."""

    guid: str
    url: str = ""
    title: str = ""
    author: str = ""
    published: str | None = None
    summary_html: str = ""
    content_html: str = ""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str = ""
    site_url: str = ""
    kind: str = ""  # "rss", "atom", "json"
    entries: tuple[Entry, ...] = ()
    warning: str = ""  # the feed had errors but entries could be read


@dataclass(slots=True)
class FeedOutcome:
    """What one refresh did to one feed."""

    feed_id: int
    name: str
    added: int = 0
    existing: int = 0
    skipped: int = 0
    failed: int = 0
    unchanged: bool = False  # answered 304
    error: str = ""
    dead: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def entries(self) -> int:
        return self.added + self.existing + self.skipped + self.failed
