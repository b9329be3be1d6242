"""Plain values that flow through the pipeline: fetched pages, articles, mentions, annotations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class BlockKind(StrEnum):
    """The kinds of block an article body is made of."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    QUOTE = "quote"
    CODE = "code"
    IMAGE = "image"
    TABLE = "table"


@dataclass(frozen=True, slots=True)
class RawPage:
    """Bytes as loaded from a URL, a file or stdin, before any extraction."""

    data: bytes
    content_type: str  # "text/html" or "text/plain" (markdown counts as plain text)
    url: str | None = None  # final URL after redirects; None for local input
    path: str | None = None  # local file path, when loaded from disk
    charset: str | None = None  # declared or detected encoding, if known
    fetched_at: str = ""  # ISO 8601, UTC


@dataclass(frozen=True, slots=True)
class Inline:
    """Inline formatting over a block's text: `kind` is em, strong, code or link."""

    start: int
    end: int
    kind: str
    href: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"start": self.start, "end": self.end, "kind": self.kind}
        if self.href is not None:
            data["href"] = self.href
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Inline:
        return cls(int(data["start"]), int(data["end"]), str(data["kind"]), data.get("href"))


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article. Its `text` is what the block contributes to `Article.text`.

    For an image the text is its caption (possibly empty) and `src` the image URL. A code block
    keeps its lines (its text holds newlines) and `language` names its programming language when
    the page said. A table keeps its cells in `rows` and its first `header_rows` rows are headings;
    its text is each row's cells joined by tabs, rows joined by newlines (cell texts hold neither),
    and its inlines carry offsets into that text: links, and images as empty ranges of kind
    "image" whose `href` is the image URL.
    """

    kind: BlockKind
    text: str
    level: int = 0  # heading level 1-6; list nesting depth for list items
    ordered: bool = False  # list items of a numbered list
    inlines: tuple[Inline, ...] = ()
    src: str | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    language: str | None = None  # code blocks: "c", "python", ...
    header_rows: int = 0  # tables: how many of the first rows are headings
    alt: str | None = None  # images: the page's alternative text, when it differs from the caption

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value, "text": self.text}
        if self.level:
            data["level"] = self.level
        if self.ordered:
            data["ordered"] = True
        if self.inlines:
            data["inlines"] = [inline.to_dict() for inline in self.inlines]
        if self.src is not None:
            data["src"] = self.src
        if self.rows:
            data["rows"] = [list(row) for row in self.rows]
        if self.language:
            data["language"] = self.language
        if self.header_rows:
            data["header_rows"] = self.header_rows
        if self.alt:
            data["alt"] = self.alt
        return data

    def cells(self) -> list[tuple[int, str]]:
        """The pieces of the text that stand alone, with their offsets: a table's cells (a
        name never runs from one cell into the next), else the whole text."""
        if self.kind is not BlockKind.TABLE:
            return [(0, self.text)]
        pieces: list[tuple[int, str]] = []
        offset = 0
        for line in self.text.split("\n"):
            for cell in line.split("\t"):
                if cell.strip():
                    pieces.append((offset, cell))
                offset += len(cell) + 1
        return pieces

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Block:
        return cls(
            kind=BlockKind(data["kind"]),
            text=str(data.get("text", "")),
            level=int(data.get("level", 0)),
            ordered=bool(data.get("ordered", False)),
            inlines=tuple(Inline.from_dict(i) for i in data.get("inlines", ())),
            src=data.get("src"),
            rows=tuple(tuple(str(c) for c in row) for row in data.get("rows", ())),
            language=data.get("language") or None,
            header_rows=int(data.get("header_rows", 0)),
            alt=data.get("alt") or None,
        )


WORDS_PER_MINUTE = 230
# Readers of Chinese and Japanese take in about 400 characters a minute.
CJK_CHARACTERS_PER_MINUTE = 400
_CJK_CHARACTER = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]"
)


def _counts(text: str) -> tuple[int, int]:
    """(words outside CJK scripts, CJK characters) of `text`."""
    if text.isascii():
        return len(text.split()), 0
    characters = len(_CJK_CHARACTER.findall(text))
    if not characters:
        return len(text.split()), 0
    return len(_CJK_CHARACTER.sub(" ", text).split()), characters


def reading_units(text: str) -> int:
    """The length of `text` for comparing readings of one page: its words, each CJK character
    counted as one (those scripts do not separate words)."""
    words, characters = _counts(text)
    return words + characters


@dataclass(frozen=True, slots=True)
class Article:
    """An extracted article: metadata plus blocks.

    `text` is the canonical text: the blocks' texts joined by a newline. Every range in Readmark
    (mentions, highlights, search hits) is a pair of offsets into it.
    """

    title: str
    blocks: tuple[Block, ...]
    byline: str | None = None
    site_name: str | None = None
    section: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    lang: str | None = None  # BCP 47 primary tag, e.g. "en"
    url: str | None = None
    canonical_url: str | None = None
    lead_image: str | None = None
    excerpt: str | None = None
    text: str = field(init=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", "\n".join(block.text for block in self.blocks))

    @property
    def word_count(self) -> int:
        """Words, or words' worth of reading: Chinese, Japanese and Korean put no spaces
        between words, so their characters count at the rate they are read (400 a minute
        against 230 words), and every reading time made from a word count holds for them."""
        words, characters = _counts(self.text)
        return words + round(characters * WORDS_PER_MINUTE / CJK_CHARACTERS_PER_MINUTE)

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    def credits(self) -> list[str]:
        """Byline and site name for a details line, each once: a blog whose author is its
        site ("Haki Benita · Haki Benita") or a site that signs as itself shows one."""
        parts: list[str] = []
        for part in (self.byline, self.site_name):
            key = " ".join((part or "").casefold().split())
            if key and not any(key == " ".join(p.casefold().split()) for p in parts):
                parts.append(part or "")
        return parts

    def image_sources(self) -> list[str]:
        """The addresses of the article's pictures in reading order: picture blocks and the
        pictures inside table cells."""
        sources: list[str] = []
        for block in self.blocks:
            if block.src:
                sources.append(block.src)
            sources.extend(i.href for i in block.inlines if i.kind == "image" and i.href)
        return sources

    def block_starts(self) -> list[int]:
        """Offset in `text` where each block begins."""
        starts: list[int] = []
        offset = 0
        for block in self.blocks:
            starts.append(offset)
            offset += len(block.text) + 1
        return starts


@dataclass(frozen=True, slots=True)
class Mention:
    """A recognised entity occurrence: `text[start:end]` of its article."""

    start: int
    end: int
    label: str  # OntoNotes label: PERSON, ORG, GPE, LOC, NORP, DATE, ...
    entity_key: str


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity of an article; `key` is the normalised name plus label, stable across articles."""

    key: str
    label: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Annotation:
    """A user highlight with an optional note, anchored by position and by quote."""

    id: str
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""
    text_hash: str = ""
    color: str = "yellow"
    note: str = ""
    created_at: str = ""
    updated_at: str = ""
    orphaned: bool = False


# -- stored views: what the library hands back ----------------------------------------------

# Marks around the matched words in SearchHit.snippet; control characters never occur in text.
MATCH_START = "\x02"
MATCH_END = "\x03"


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What the library list shows for one article."""

    id: int
    title: str
    site_name: str | None
    published: str | None
    added_at: str
    word_count: int
    unread: bool
    favorite: bool
    archived: bool
    url: str | None = None
    byline: str | None = None
    opened_at: str | None = None
    read_progress: float = 0.0
    excerpt: str | None = None
    tags: tuple[str, ...] = ()
    deleted_at: str | None = None


@dataclass(frozen=True, slots=True)
class SavedArticle:
    """An article as stored, with its library id and state."""

    id: int
    article: Article
    added_at: str
    opened_at: str | None
    read_progress: float
    favorite: bool
    archived: bool
    unread: bool = True
    tags: tuple[str, ...] = ()
    deleted_at: str | None = None
    updated_at: str | None = None
    text_hash: str = ""
    extractor_version: str | None = None
    uid: str = ""  # the article's own identity, kept by export and import; the id is local


@dataclass(frozen=True, slots=True)
class SearchHit(ArticleSummary):
    """A search result: the article's summary plus a snippet with the matched words between
    MATCH_START and MATCH_END, and its rank (lower is better)."""

    snippet: str = ""
    rank: float = 0.0

    def marked_snippet(self, start: str = "[", end: str = "]") -> str:
        return self.snippet.replace(MATCH_START, start).replace(MATCH_END, end)


@dataclass(frozen=True, slots=True)
class EntityCount:
    """An entity with how many articles (or, per article, how many mentions) it has."""

    entity: Entity
    count: int


@dataclass(frozen=True, slots=True)
class ArticleAnnotation:
    """An annotation with the article it belongs to, for lists across the library."""

    article_id: int
    article_title: str
    annotation: Annotation
