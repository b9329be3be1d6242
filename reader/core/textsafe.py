"""The two gates for untrusted text: one for text coming in, one for text going out to a terminal.

Coming in, `clean_text` drops what no reader can see and what breaks XML, YAML and terminals:
C0 controls other than tab and newline, DEL, C1 controls, lone surrogates and Unicode
non-characters. It runs after character references are decoded (`&#x1b;` is a control character
only once the parser has read it), and on block text before `Article.text` is formed, so every
offset into the canonical text stays true.

Going out, `terminal_text` shows any control character that is left (an old library, a file name,
an error message) as a visible escape such as `\\x1b`, so no escape sequence reaches a terminal.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from functools import cache

from reader.core.models import Article, Block, Inline

# U+FDD0..U+FDEF and the last two code points of every plane are non-characters.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_UNSAFE_CLASS = f"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}"
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
# What is removed from text: the unsafe characters, and the CR of a CRLF (a lone CR becomes LF).
_REMOVED = re.compile(f"[{_UNSAFE_CLASS}]|\r(?=\n)")
_C0 = "".join(chr(code) for code in range(0x20))
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff]")  # what json.dumps leaves unescaped


def clean_text(text: str) -> str:
    """`text` without control characters (tab and newline stay), lone surrogates or
    non-characters; CRLF and lone CR become LF."""
    if not _needs_cleaning(text):
        return text
    return _REMOVED.sub("", text).replace("\r", "\n")


def clean_optional(text: str | None) -> str | None:
    return None if text is None else clean_text(text)


def _needs_cleaning(text: str) -> bool:
    return "\r" in text or _UNSAFE.search(text) is not None


def clean_block(block: Block) -> Block:
    """`block` with clean text; its inline ranges are moved to where their characters went."""
    changes: dict[str, object] = {}
    if _needs_cleaning(block.text):
        removed = [m.start() for m in _REMOVED.finditer(block.text)]
        changes["text"] = clean_text(block.text)
        inlines = []
        for inline in block.inlines:
            start = inline.start - bisect_left(removed, inline.start)
            end = inline.end - bisect_left(removed, inline.end)
            if end > start:
                inlines.append(_clean_inline(Inline(start, end, inline.kind, inline.href)))
        changes["inlines"] = tuple(inlines)
    elif any(inline.href and _needs_cleaning(inline.href) for inline in block.inlines):
        changes["inlines"] = tuple(_clean_inline(inline) for inline in block.inlines)
    if block.src is not None and _needs_cleaning(block.src):
        changes["src"] = clean_text(block.src)
    if any(_needs_cleaning(cell) for row in block.rows for cell in row):
        changes["rows"] = tuple(tuple(clean_text(cell) for cell in row) for row in block.rows)
    return replace(block, **changes) if changes else block  # type: ignore[arg-type]


def _clean_inline(inline: Inline) -> Inline:
    if inline.href is None or not _needs_cleaning(inline.href):
        return inline
    return replace(inline, href=clean_text(inline.href))


_ARTICLE_FIELDS = (
    "byline",
    "site_name",
    "section",
    "published",
    "lang",
    "url",
    "canonical_url",
    "lead_image",
    "excerpt",
)


def clean_article(article: Article) -> Article:
    """`article` with clean metadata and blocks; `text` is formed again from the clean blocks."""
    blocks = tuple(clean_block(block) for block in article.blocks)
    changes: dict[str, object] = {}
    if any(new is not old for new, old in zip(blocks, article.blocks, strict=True)):
        changes["blocks"] = blocks
    if _needs_cleaning(article.title):
        changes["title"] = clean_text(article.title)
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        if isinstance(value, str) and _needs_cleaning(value):
            changes[name] = clean_text(value)
    return replace(article, **changes) if changes else article  # type: ignore[arg-type]


def _visible_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"  # a lone surrogate cannot even be encoded for the terminal
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@cache
def _terminal_unsafe(keep: str) -> re.Pattern[str]:
    controls = re.escape("".join(c for c in _C0 if c not in keep))
    return re.compile(f"[{controls}\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")


def terminal_text(text: str, keep: str = "\t\n") -> str:
    """`text` safe to print: control characters other than those in `keep`, lone surrogates and
    non-characters are written as visible escapes (`\\x1b`, `\\ufffe`)."""
    return _terminal_unsafe(keep).sub(_visible_escape, text)


def json_terminal_text(encoded: str) -> str:
    """JSON text from `json.dumps(..., ensure_ascii=False)` with the characters it leaves raw
    (DEL, C1 controls, lone surrogates) written as `\\uXXXX` escapes: still valid, same data."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
