"""Articles as standalone HTML (or XHTML for EPUB): the blocks, highlights as `<mark>`, no scripts.

Everything taken from the article is escaped; links keep only http(s) and mailto addresses;
images point wherever `image_src` says (a file next to the export, an EPUB item, a data: URL),
and an image with no local copy becomes a plain link to where it was, so the result never loads
anything remote.
"""

from __future__ import annotations

import base64
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urljoin

from reader.core.atomic import write_text
from reader.core.library import Library
from reader.core.models import Annotation, Article, Block, BlockKind
from reader.core.textsafe import clean_text

from . import safe
from .tables import table_rows

ImageSrc = Callable[[str], str | None]

STYLE = """
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.6; max-width: 40em;
       margin: 2em auto; padding: 0 1em; color: #222; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; }
h5, h6 { font-size: medium; }
.meta { color: #666; font-size: 0.9em; }
mark { background: #fff2a8; }
mark.green { background: #c9f2c7; } mark.blue { background: #cfe3ff; }
mark.pink { background: #ffd1e6; } mark.purple { background: #e3d4ff; }
blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1em; color: #444; }
pre { white-space: pre-wrap; background: #f5f5f5; padding: 0.5em; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.4em; vertical-align: top; }
th { background: #f3f3f1; text-align: left; }
td img, th img { max-height: 2em; vertical-align: middle; }
.note { color: #555; font-style: italic; margin: 0.2em 0 1em 1em; }
article + article { page-break-before: always; break-before: page; }
"""


@dataclass(frozen=True, slots=True)
class HtmlArticle:
    """An article with what its HTML shows besides the text."""

    article: Article
    annotations: Sequence[Annotation] = ()
    tags: Sequence[str] = ()
    saved: str | None = None


def _segments(block: Block, offset: int, marks: Sequence[Annotation]) -> list[tuple[int, int]]:
    """Cut points inside the block where a format or a highlight starts or ends."""
    points = {0, len(block.text)}
    for inline in block.inlines:
        points.update((max(0, inline.start), min(len(block.text), inline.end)))
    for mark in marks:
        points.update(
            (max(0, mark.start - offset), min(len(block.text), max(0, mark.end - offset)))
        )
    ordered = sorted(p for p in points if 0 <= p <= len(block.text))
    return list(itertools.pairwise(ordered))


class MarkIds:
    """`id`s for highlight marks, each given once in a document (a highlight cut into runs by
    formatting carries its id on the first run) and made of characters an id may hold."""

    def __init__(self) -> None:
        self.given: set[str] = set()
        self.placed: set[tuple[int, str]] = set()
        self.article = 0

    def next_article(self) -> None:
        self.article += 1  # two articles may hold highlights with one id (imported ones)

    def first(self, annotation_id: str) -> str | None:
        """The mark's id the first time it is asked for in this article, None after."""
        key = (self.article, annotation_id)
        if key in self.placed:
            return None
        self.placed.add(key)
        stem = "hl-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", annotation_id).strip("-") or "x")
        candidate, n = stem, 1
        while candidate in self.given:
            n += 1
            candidate = f"{stem}-{n}"
        self.given.add(candidate)
        return candidate


def inline_html(
    block: Block,
    offset: int,
    marks: Sequence[Annotation],
    xhtml: bool,
    base: str | None = None,
    ids: MarkIds | None = None,
) -> str:
    """The block's text with inline formatting and highlights, each run wrapped on its own."""
    ids = ids or MarkIds()
    out: list[str] = []
    for start, end in _segments(block, offset, marks):
        piece = escape(block.text[start:end], quote=False)
        if xhtml:
            piece = piece.replace("\u00a0", "&#160;")
        piece = piece.replace("\n", "<br/>" if xhtml else "<br>")
        linked = False
        for inline in block.inlines:
            if inline.start <= start and end <= inline.end:
                if inline.kind == "em":
                    piece = f"<em>{piece}</em>"
                elif inline.kind == "strong":
                    piece = f"<strong>{piece}</strong>"
                elif inline.kind == "code":
                    piece = f"<code>{piece}</code>"
                elif inline.kind == "link" and not linked:
                    href = safe.safe_link(inline.href, base)
                    if href is not None:
                        piece = f'<a href="{escape(href)}">{piece}</a>'
                        linked = True  # a link inside a link is not HTML
        for mark in marks:
            if mark.start - offset <= start and end <= mark.end - offset and start < end:
                css = "" if mark.color == "yellow" else f' class="{_css_class(mark.color)}"'
                mark_id = ids.first(mark.id)
                id_attribute = f' id="{mark_id}"' if mark_id else ""
                piece = f"<mark{css}{id_attribute}>{piece}</mark>"
        out.append(piece)
    return "".join(out)


def _css_class(color: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "", color) or "yellow"


def _language(lang: str | None) -> str:
    """A language tag as BCP 47 writes it, or "en" for anything else a page claimed."""
    if lang and re.fullmatch(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*", lang):
        return lang
    return "en"


def remote_image_html(block: Block, base: str | None, body: str) -> str:
    """An image with no local copy: a plain link to where it was, so nothing is loaded."""
    href = safe.safe_link(block.src, base, safe.IMAGE_SCHEMES)
    if href is None:
        return f"<figcaption>{body}</figcaption>" if block.text else ""
    label = "Remote image" + (f": {body}" if block.text else "")
    return f'<figcaption><a href="{escape(href)}">{label}</a></figcaption>'


class _Lists:
    """Open lists, nested the way HTML allows: a list inside a list sits inside an item."""

    def __init__(self, parts: list[str]) -> None:
        self.parts = parts
        self.open: list[str] = []  # each open list has one open <li>

    def item(self, depth: int, tag: str, body: str) -> None:
        self.close(depth)
        if len(self.open) == depth and self.open[-1] != tag:
            self.close(depth - 1)
        if len(self.open) == depth:
            self.parts.append("</li>")
        while len(self.open) < depth:
            self.parts.append(f"<{tag}>")
            self.open.append(tag)
            if len(self.open) < depth:
                self.parts.append("<li>")
        self.parts.append(f"<li>{body}")

    def close(self, depth: int = 0) -> None:
        while len(self.open) > depth:
            self.parts.append(f"</li></{self.open.pop()}>")


def blocks_html(
    article: Article,
    annotations: Sequence[Annotation] = (),
    image_src: ImageSrc | None = None,
    xhtml: bool = False,
    ids: MarkIds | None = None,
) -> str:
    placed = [a for a in annotations if not a.orphaned and a.end > a.start]
    ids = ids or MarkIds()
    ids.next_article()
    parts: list[str] = []
    lists = _Lists(parts)
    starts = article.block_starts()
    close = " /" if xhtml else ""
    base = article.url or article.canonical_url
    for block, offset in zip(article.blocks, starts, strict=True):
        marks = [a for a in placed if a.start < offset + len(block.text) and a.end > offset]
        body = inline_html(block, offset, marks, xhtml, base, ids)
        if block.kind is not BlockKind.LIST_ITEM:
            lists.close()
        if block.kind is BlockKind.HEADING:
            level = min(6, max(2, block.level + 1))
            parts.append(f"<h{level}>{body}</h{level}>")
        elif block.kind is BlockKind.LIST_ITEM:
            lists.item(max(1, block.level), "ol" if block.ordered else "ul", body)
        elif block.kind is BlockKind.QUOTE:
            parts.append(f"<blockquote><p>{body}</p></blockquote>")
        elif block.kind is BlockKind.CODE:
            language = re.sub(r"[^\w+#.-]", "", block.language or "")
            css = f' class="language-{language}"' if language else ""
            parts.append(f"<pre><code{css}>{escape(block.text, quote=False)}</code></pre>")
        elif block.kind is BlockKind.IMAGE:
            src = image_src(block.src) if (image_src and block.src) else None
            if src is None:
                parts.append(f"<figure>{remote_image_html(block, base, body)}</figure>")
                continue
            caption = f"<figcaption>{body}</figcaption>" if block.text else ""
            alt = escape(" ".join(block.text.split()))
            parts.append(f'<figure><img src="{escape(src)}" alt="{alt}"{close}>{caption}</figure>')
        elif block.kind is BlockKind.TABLE and (block.text or block.rows):
            parts.append(table_html(block, offset, marks, xhtml, base, ids, image_src))
        else:
            parts.append(f"<p>{body}</p>")
    lists.close()
    return "\n".join(parts)


def table_html(
    block: Block,
    offset: int,
    marks: Sequence[Annotation],
    xhtml: bool,
    base: str | None,
    ids: MarkIds,
    image_src: ImageSrc | None,
) -> str:
    """A table with its heading rows in `<thead>`, links, highlights and pictures in cells."""
    close = " /" if xhtml else ""
    head: list[str] = []
    body: list[str] = []
    for row in table_rows(block):
        cells = []
        for cell in row:
            tag = "th" if cell.header else "td"
            start = offset + cell.offset
            here = [a for a in marks if a.start < start + len(cell.block.text) and a.end > start]
            pictures = "".join(
                f'<img src="{escape(found)}" alt=""{close}>'
                for src in cell.images
                if image_src and (found := image_src(src))
            )
            text = inline_html(cell.block, start, here, xhtml, base, ids)
            cells.append(f"<{tag}>{pictures}{text}</{tag}>")
        (head if row and row[0].header else body).append("<tr>" + "".join(cells) + "</tr>")
    thead = f"<thead>{''.join(head)}</thead>" if head else ""
    return f"<table>{thead}<tbody>{''.join(body)}</tbody></table>"


def article_section(
    item: HtmlArticle,
    image_src: ImageSrc | None = None,
    xhtml: bool = False,
    ids: MarkIds | None = None,
) -> str:
    """One `<article>`: title, a line of metadata, the body, then notes on orphaned highlights."""
    article = item.article
    meta: list[str] = []
    meta.extend(escape(part) for part in article.credits())
    if article.published:
        meta.append(escape(article.published[:10]))
    source = safe.safe_link(article.url, schemes=safe.IMAGE_SCHEMES)
    if source is not None:
        meta.append(f'<a href="{escape(source)}">{escape(article.url or "")}</a>')
    if item.tags:
        meta.append("tags: " + escape(", ".join(item.tags)))
    lang = f' lang="{_language(article.lang)}"' if article.lang else ""
    parts = [f"<article{lang}><h1>{escape(article.title)}</h1>"]
    if meta:
        parts.append(f'<p class="meta">{" · ".join(meta)}</p>')
    parts.append(blocks_html(article, item.annotations, image_src, xhtml, ids))
    noted = [a for a in item.annotations if a.note.strip() or a.orphaned]
    if noted:
        parts.append("<h2>Highlights</h2>")
        for a in noted:
            parts.append(f"<blockquote><p>{escape(a.exact, quote=False)}</p></blockquote>")
            if a.note.strip():
                parts.append(f'<p class="note">{escape(a.note.strip(), quote=False)}</p>')
    parts.append("</article>")
    return "\n".join(parts)


def document_html(
    items: Sequence[HtmlArticle],
    image_srcs: Sequence[ImageSrc | None] | None = None,
    title: str | None = None,
) -> str:
    """A complete HTML page holding `items` one after the other (`image_srcs` one per item)."""
    heading = title or (items[0].article.title if len(items) == 1 else "Readmark articles")
    lang = _language(items[0].article.lang if items else None)
    srcs = list(image_srcs or [None] * len(items))
    ids = MarkIds()  # ids are unique in the whole page, across articles
    body = "\n".join(
        article_section(item, src, ids=ids) for item, src in zip(items, srcs, strict=True)
    )
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(safe.one_line(heading))}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
    return clean_text(page)


def library_html_item(library: Library, article_id: int) -> HtmlArticle:
    saved = library.get(article_id)
    return HtmlArticle(saved.article, library.annotations(article_id), saved.tags, saved.added_at)


def data_url_images(library: Library, article_id: int) -> ImageSrc:
    """Images the library archived, inlined as data: URLs so the file stands alone."""
    base = library.get(article_id).article.url or ""

    def image_src(src: str) -> str | None:
        try:
            found = library.image(article_id, src) or library.image(article_id, urljoin(base, src))
        except ValueError:  # an address that does not parse was never archived
            return None
        if found is None or found[1] not in safe.INLINE_IMAGE_TYPES:
            return None
        data, mime = found
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"

    return image_src


def export_html(library: Library, dest: Path, article_ids: Iterable[int]) -> int:
    """One HTML file holding the articles, with archived images inlined; returns how many."""
    ids = list(article_ids)
    items = [library_html_item(library, article_id) for article_id in ids]
    page = document_html(items, [data_url_images(library, article_id) for article_id in ids])
    write_text(dest, page)
    return len(ids)
