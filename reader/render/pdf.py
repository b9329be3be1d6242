"""Articles as PDF through Qt's own QTextDocument and QPdfWriter (no browser engine).

Qt lays a text document out in fixed-point units that stop at 2**23 device pixels (QFIXED_MAX):
at 300 dpi that is 2,722 A4 pages, after which `QTextDocument.print_` silently leaves the rest
out. So each article is laid out as a document of its own, an article too long for one is cut
into parts that each fit, and the pages are painted here; an export either holds every block of
every article or fails with a message.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
)

from reader.core.atomic import replacing
from reader.core.errors import ExportWriteError, ReadmarkError
from reader.core.exporters.html import document_html, library_html_item
from reader.core.library import Library
from reader.render.inert import InertDocument

PDF_RESOLUTION_DPI = 300
MARGINS_MM = 18.0
# Qt's layout height limit in device pixels, and the share of it a document may fill before it is
# cut: the block that crosses the line and everything after it move to a new document.
QT_LAYOUT_LIMIT_PX = 2**23 - 1
LAYOUT_SHARE = 0.9
FOOTER_MM = 9.0
PAGE_NUMBER_PT = 8.5


class PdfExportError(ReadmarkError):
    """The PDF could not be made complete; nothing was written."""


def ensure_gui_application() -> QGuiApplication | None:
    """Text layout needs a QGuiApplication; the CLI makes an offscreen one when none exists."""
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return QGuiApplication([])
    return None


def _page_layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(MARGINS_MM, MARGINS_MM, MARGINS_MM, MARGINS_MM),
        QPageLayout.Unit.Millimeter,
    )


class _Pages:
    """The writer, its painter and the documents laid out on its pages."""

    def __init__(self, path: Path, title: str, dest: Path | None = None) -> None:
        self.writer = QPdfWriter(str(path))
        self.writer.setResolution(PDF_RESOLUTION_DPI)
        self.writer.setTitle(title)
        self.writer.setCreator("Readmark")
        self.writer.setPageLayout(_page_layout())
        # The foot of each page holds its number, below the text, so a number never lands in
        # the middle of a paragraph or a code block that runs on to the next page.
        self.footer = self.writer.resolution() * FOOTER_MM / 25.4
        self.size = QSizeF(self.writer.width(), self.writer.height() - self.footer)
        self.painter = QPainter(self.writer)
        if not self.painter.isActive():
            raise PdfExportError(f"Cannot write a PDF to {dest or path}.")
        self.count = 0

    def document(self, images: dict[str, QImage]) -> QTextDocument:
        document = InertDocument()  # archived images are added below; nothing else is loaded
        document.documentLayout().setPaintDevice(self.writer)
        document.setPageSize(self.size)
        for key, image in images.items():
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(key), image)
        return document

    def paint(self, document: QTextDocument) -> None:
        height = self.size.height()
        for number in range(document.pageCount()):
            if self.count and not self.writer.newPage():
                raise PdfExportError("The PDF could not take another page (is the disk full?).")
            self.painter.save()
            self.painter.translate(0, -number * height)
            document.drawContents(
                self.painter, QRectF(0, number * height, self.size.width(), height)
            )
            self.painter.restore()
            self.count += 1
            self._number(self.count)

    def _number(self, page: int) -> None:
        font = QFont("serif")
        font.setPointSizeF(PAGE_NUMBER_PT)
        self.painter.save()
        self.painter.setFont(font)
        self.painter.setPen(QColor("#777777"))
        foot = QRectF(0, self.size.height(), self.size.width(), self.footer)
        self.painter.drawText(foot, int(Qt.AlignmentFlag.AlignCenter), str(page))
        self.painter.restore()

    def finish(self) -> None:
        self.painter.end()


def _cut_block(document: QTextDocument) -> QTextBlock | None:
    """The first block that crosses the share of Qt's limit or was not laid out at all; None when
    the whole document fits."""
    layout = document.documentLayout()
    line = QT_LAYOUT_LIMIT_PX * LAYOUT_SHARE
    if layout.documentSize().height() < line:
        return None
    block = document.begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        unlaid = block.length() > 1 and block.layout().lineCount() == 0
        if unlaid or rect.bottom() > line:
            return block
        block = block.next()
    return None


def _laid_out_parts(pages: _Pages, html: str, images: dict[str, QImage]) -> list[QTextDocument]:
    """`html` as documents that each fit under Qt's layout limit, in order."""
    document = pages.document(images)
    document.setHtml(html)
    parts: list[QTextDocument] = []
    while True:
        cut = _cut_block(document)
        if cut is None:
            parts.append(document)
            return parts
        if cut.position() == 0:
            raise PdfExportError(
                "One paragraph is too long to lay out on PDF pages "
                f"(more than {int(QT_LAYOUT_LIMIT_PX * LAYOUT_SHARE // pages.size.height())} "
                "pages); nothing was exported. Export it as HTML or EPUB instead."
            )
        cursor = QTextCursor(document)
        cursor.setPosition(cut.position())
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        rest = QTextDocumentFragment(cursor)
        cursor.removeSelectedText()
        parts.append(document)
        document = pages.document(images)
        QTextCursor(document).insertFragment(rest)


def export_pdf(library: Library, dest: Path, article_ids: Iterable[int]) -> int:
    """Lay the articles out on A4 pages, archived images included; returns how many."""
    owned = ensure_gui_application()
    try:
        return _export(library, dest, list(article_ids))
    finally:
        del owned


def _export(library: Library, dest: Path, ids: list[int]) -> int:
    items = [library_html_item(library, article_id) for article_id in ids]
    title = items[0].article.title if len(items) == 1 else "Readmark articles"
    with replacing(dest) as partial:
        pages = _Pages(partial, title, dest)
        try:
            for article_id, item in zip(ids, items, strict=True):
                images: dict[str, QImage] = {}
                html = document_html([item], [_image_src(library, article_id, images)], title=title)
                for part in _laid_out_parts(pages, html, images):
                    pages.paint(part)
        finally:
            pages.finish()  # an error leaves the temporary file, which `replacing` removes
        _check_pdf(partial, dest)
    return len(ids)


def _image_src(library: Library, article_id: int, images: dict[str, QImage]) -> object:
    def src(url: str) -> str | None:
        try:
            found = library.image(article_id, url)
        except ValueError:
            return None
        if found is None:
            return None
        image = QImage.fromData(found[0])
        if image.isNull():
            return None
        key = f"readmark-image:{article_id}/{len(images)}"
        images[key] = image
        return key

    return src


def _check_pdf(partial: Path, dest: Path) -> None:
    """Qt reports no write error: a full disk or an unwritable file leaves a PDF without its end.

    Reads only the file just written, never the library.
    """
    size = partial.stat().st_size if partial.exists() else 0
    head = tail = b""
    if size:
        with partial.open("rb") as written:
            head = written.read(5)
            written.seek(max(0, size - 1024))
            tail = written.read()
    if not head.startswith(b"%PDF-") or b"%%EOF" not in tail:
        raise ExportWriteError(
            f"Could not write {dest}: the PDF came out incomplete ({size} bytes; is the disk "
            f"full?). Nothing was replaced; an earlier {dest.name}, if there was one, is "
            "unchanged."
        )
