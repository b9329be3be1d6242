"""Articles as PDF through Qt's own QTextDocument and QPdfWriter (no browser engine)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from reader.core.atomic import replacing
from reader.core.errors import ExportWriteError
from reader.core.exporters.html import document_html, library_html_item
from reader.core.library import Library
from reader.ui.rich_text import InertDocument

PDF_RESOLUTION_DPI = 300
MARGINS_MM = 18.0


def ensure_gui_application() -> QGuiApplication | None:
    """Text layout needs a QGuiApplication; the CLI makes an offscreen one when none exists."""
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return QGuiApplication([])
    return None


def export_pdf(library: Library, dest: Path, article_ids: Iterable[int]) -> int:
    """Lay the articles out on A4 pages, archived images included; returns how many."""
    owned = ensure_gui_application()
    ids = list(article_ids)
    items = [library_html_item(library, article_id) for article_id in ids]
    document = InertDocument()  # archived images are added below; nothing else is loaded
    images: dict[str, QImage] = {}

    def image_src(article_id: int) -> object:
        def src(url: str) -> str | None:
            found = library.image(article_id, url)
            if found is None:
                return None
            key = f"readmark-image:{article_id}/{len(images)}"
            image = QImage.fromData(found[0])
            if image.isNull():
                return None
            images[key] = image
            return key

        return src

    html = document_html(items, [image_src(article_id) for article_id in ids])  # type: ignore[misc]
    for key, image in images.items():
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(key), image)
    document.setHtml(html)
    with replacing(dest) as partial:
        writer = QPdfWriter(str(partial))
        writer.setResolution(PDF_RESOLUTION_DPI)
        writer.setTitle(items[0].article.title if len(items) == 1 else "Readmark articles")
        writer.setCreator("Readmark")
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(MARGINS_MM, MARGINS_MM, MARGINS_MM, MARGINS_MM),
                QPageLayout.Unit.Millimeter,
            )
        )
        # With no page size of its own, the document is paginated to the writer's pages.
        document.print_(writer)
        del writer  # finishes the file
        _check_pdf(partial, dest)
    del owned
    return len(ids)


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
