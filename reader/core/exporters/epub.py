"""Articles as an EPUB 3 book, written by hand: mimetype, container, package, nav, one XHTML each.

Archived PNG, JPEG and GIF images go into the book; any other image (never archived, or SVG,
which can carry scripts) becomes a plain link to where it was, so an e-reader never reaches for
the network. The book holds no script, and every text is cleaned of the characters XML refuses.
"""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from reader.core.atomic import replacing
from reader.core.library import Library
from reader.core.textsafe import clean_text

from . import safe
from .html import HtmlArticle, _language, article_section, library_html_item

CSS = """body { font-family: serif; line-height: 1.5; }
h1 { font-size: 1.5em; } .meta { color: #555; font-size: 0.85em; }
mark { background: #fff2a8; } blockquote { margin-left: 1em; font-style: italic; }
img { max-width: 100%; } pre { white-space: pre-wrap; }
"""

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""

# EPUB's core image types, less SVG: an SVG may hold scripts, which make a book "scripted"
# (epubcheck OPF-014) and would run in readers that run them.
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif"}


@dataclass
class BookImages:
    """Archived images placed in the book, named by their content's hash."""

    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # name -> (data, mime)

    def add(self, data: bytes, mime: str) -> str | None:
        if mime not in IMAGE_TYPES:
            return None
        extension = mimetypes.guess_extension(mime) or ".img"
        name = f"images/{hashlib.sha256(data).hexdigest()[:16]}{extension}"
        self.files.setdefault(name, (data, mime))
        return name


def _title(title: str) -> str:
    return safe.one_line(title) or "Untitled"  # a nav entry or a title with no text is invalid


def chapter_xhtml(item: HtmlArticle, body: str) -> str:
    lang = _language(item.article.lang)
    return clean_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{lang}" xml:lang="{lang}">\n<head><meta charset="utf-8"/>'
        f"<title>{escape(_title(item.article.title))}</title>"
        '<link rel="stylesheet" type="text/css" href="style.css"/></head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def nav_xhtml(titles: Sequence[str], book_title: str) -> str:
    entries = "\n".join(
        f'<li><a href="chapter-{n + 1:04d}.xhtml">{escape(_title(title))}</a></li>'
        for n, title in enumerate(titles)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">\n'
        f"<head><title>{escape(_title(book_title))}</title></head>\n<body>\n"
        f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>\n{entries}\n</ol></nav>\n'
        "</body>\n</html>\n"
    )


def package_opf(
    book_title: str, lang: str, author: str | None, chapters: int, images: BookImages
) -> str:
    modified = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    items = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
    ]
    items += [
        f'<item id="c{n:04d}" href="chapter-{n:04d}.xhtml" media-type="application/xhtml+xml"/>'
        for n in range(1, chapters + 1)
    ]
    items += [
        f'<item id="img{n}" href="{escape(name)}" media-type="{mime}"/>'
        for n, (name, (_data, mime)) in enumerate(sorted(images.files.items()))
    ]
    spine = "\n    ".join(f'<itemref idref="c{n:04d}"/>' for n in range(1, chapters + 1))
    author = safe.one_line(author or "")
    creator = f"<dc:creator>{escape(author)}</dc:creator>" if author else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="bookid">\n'
        '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'    <dc:identifier id="bookid">urn:uuid:{uuid.uuid4()}</dc:identifier>\n'
        f"    <dc:title>{escape(_title(book_title))}</dc:title>\n"
        f"    <dc:language>{_language(lang)}</dc:language>\n"
        f"    {creator}\n"
        f'    <meta property="dcterms:modified">{modified}</meta>\n'
        "  </metadata>\n  <manifest>\n    "
        + "\n    ".join(items)
        + f"\n  </manifest>\n  <spine>\n    {spine}\n  </spine>\n</package>\n"
    )


def write_epub(
    dest: Path,
    items: Sequence[HtmlArticle],
    images_for: Sequence[dict[str, tuple[bytes, str]]] | None = None,
    title: str | None = None,
) -> None:
    """Write `items` as one book; `images_for[i]` maps item i's image URLs to (bytes, type)."""
    book_title = title or (items[0].article.title if len(items) == 1 else "Readmark articles")
    images = BookImages()
    chapters: list[str] = []
    for index, item in enumerate(items):
        available = images_for[index] if images_for else {}

        def image_src(src: str, available: dict[str, tuple[bytes, str]] = available) -> str | None:
            found = available.get(src)
            return images.add(*found) if found else None

        chapters.append(chapter_xhtml(item, article_section(item, image_src, xhtml=True)))
    lang = (items[0].article.lang if items else None) or "en"
    author = items[0].article.byline if len(items) == 1 else None
    with replacing(dest) as partial, zipfile.ZipFile(partial, "w") as book:
        # The mimetype entry comes first and uncompressed, as readers check the bytes.
        book.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED)
        deflate = zipfile.ZIP_DEFLATED
        book.writestr("META-INF/container.xml", CONTAINER, deflate)
        opf = package_opf(book_title, lang, author, len(chapters), images)
        book.writestr("OEBPS/content.opf", opf, deflate)
        titles = [item.article.title for item in items]
        book.writestr("OEBPS/nav.xhtml", nav_xhtml(titles, book_title), deflate)
        book.writestr("OEBPS/style.css", CSS, deflate)
        for n, chapter in enumerate(chapters, start=1):
            book.writestr(f"OEBPS/chapter-{n:04d}.xhtml", chapter, deflate)
        for name, (data, _mime) in sorted(images.files.items()):
            book.writestr(f"OEBPS/{name}", data, deflate)


def export_epub(library: Library, dest: Path, article_ids: Iterable[int]) -> int:
    ids = list(article_ids)
    items = [library_html_item(library, article_id) for article_id in ids]
    images = []
    for article_id, item in zip(ids, items, strict=True):
        found: dict[str, tuple[bytes, str]] = {}
        for src in item.article.image_sources():
            if src not in found:
                image = library.image(article_id, src)
                if image is not None:
                    found[src] = image
        images.append(found)
    write_epub(dest, items, images)
    return len(ids)
