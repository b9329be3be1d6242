"""What every importer yields: one `ImportItem` per saved link, with its state, tags and quotes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from reader.core.textsafe import clean_optional, clean_text


@dataclass(frozen=True, slots=True)
class ImportedHighlight:
    """A highlight brought from another tool: a quote, maybe a note, maybe a known position."""

    quote: str
    note: str = ""
    created_at: str = ""
    color: str = "yellow"
    start: int | None = None  # only formats that keep positions in our own text (Readmark JSON)
    end: int | None = None
    prefix: str = ""
    suffix: str = ""
    orphaned: bool = False
    id: str = ""
    updated_at: str = ""
    text_hash: str = ""  # of the text the position refers to (Readmark JSON)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportedHighlight:
        known = {name: data[name] for name in cls.__slots__ if name in data}
        return cls(**known)


@dataclass(frozen=True, slots=True)
class ImportItem:
    """One link to bring into the library, with everything the source tool knew about it.

    `content_html` is readable HTML the source already holds (Omnivore, wallabag): it is extracted
    as is, never refetched. `article` is a complete saved article (Readmark's own JSON export).
    """

    url: str
    title: str = ""
    added_at: str | None = None  # ISO 8601, UTC
    tags: tuple[str, ...] = ()
    archived: bool = False
    favorite: bool = False
    read_progress: float | None = None  # 0.0 - 1.0
    description: str = ""
    published: str | None = None
    byline: str | None = None
    lang: str | None = None
    highlights: tuple[ImportedHighlight, ...] = ()
    content_html: str | None = None
    article: dict[str, Any] | None = field(default=None, compare=False)
    opened_at: str | None = None
    unread: bool | None = None  # when the source says; else unread unless opened or archived
    uid: str = ""  # the article's identity in the library it came from (Readmark JSON)
    invalid: str = ""  # why the entry cannot be imported; such an item fails at once

    def to_dict(self) -> dict[str, Any]:
        # Not `asdict`: it would deep-copy `article`, a whole saved article with its images.
        data = {name: getattr(self, name) for name in self.__slots__}
        data["tags"] = list(self.tags)
        data["highlights"] = [asdict(mark) for mark in self.highlights]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportItem:
        values = dict(data)
        values["tags"] = tuple(values.get("tags") or ())
        values["highlights"] = tuple(
            ImportedHighlight.from_dict(h) for h in values.get("highlights") or ()
        )
        known = {name: values[name] for name in cls.__slots__ if name in values}
        return cls(**known)


def clean_item(item: ImportItem) -> ImportItem:
    """`item` with its words cleaned as they come in (saved HTML is cleaned when extracted)."""
    marks = tuple(
        replace(
            mark,
            quote=clean_text(mark.quote),
            note=clean_text(mark.note),
            prefix=clean_text(mark.prefix),
            suffix=clean_text(mark.suffix),
        )
        for mark in item.highlights
    )
    return replace(
        item,
        url=clean_text(item.url),
        title=clean_text(item.title),
        tags=tuple(clean_text(tag) for tag in item.tags),
        description=clean_text(item.description),
        byline=clean_optional(item.byline),
        lang=clean_optional(item.lang),
        published=clean_optional(item.published),
        highlights=marks,
    )


def unix_to_iso(value: str | int | float | None) -> str | None:
    """Unix seconds (as text or number) to ISO 8601 UTC; None for empty or nonsense."""
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    if seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None


def iso_to_utc(value: str | None) -> str | None:
    """Any ISO 8601 date (with `Z`, `+0200` or `+02:00`) to ISO 8601 UTC; None if unreadable."""
    if not value:
        return None
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # wallabag writes offsets without a colon (+0200); Python 3.11 reads both forms.
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="seconds")


def clean_tags(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Trimmed, non-empty, first-seen order, case-insensitively unique."""
    seen: set[str] = set()
    tags: list[str] = []
    for value in values:
        tag = " ".join(str(value).split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tuple(tags)
