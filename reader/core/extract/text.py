"""Plain-text input: a note stays whole; a dump of a whole web page is decluttered."""

from __future__ import annotations

import re

from reader.core.models import Article, Block, BlockKind

_TITLE_SEPARATORS = re.compile(r"\s+[|\u2013\u2014-]\s+")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; inner line breaks become spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text):
        joined = " ".join(line.strip() for line in chunk.splitlines() if line.strip())
        if joined:
            paragraphs.append(joined)
    return paragraphs


def extract_text(text: str, url: str | None = None) -> Article:
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        return Article(title="", blocks=(), url=url)
    title_line = paragraphs[0]
    parts = _TITLE_SEPARATORS.split(title_line)
    title = parts[0].strip()
    section = parts[1].strip() if len(parts) >= 3 else None
    site = parts[-1].strip() if len(parts) >= 2 else None
    body = [p for p in paragraphs[1:] if p != title]
    if not body:
        body, title = paragraphs, title_line[:120]
    blocks = tuple(Block(BlockKind.PARAGRAPH, p) for p in body)
    return Article(title=title, blocks=blocks, site_name=site, section=section, url=url)
