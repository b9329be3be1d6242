"""PDF pages as a printed article should be: numbers in a foot of their own (never inside a
code block that runs on), every article from a new page, small headings no smaller than the
text, and the notes of highlights printed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCursor, QTextDocument

from reader.core.anchoring import new_annotation
from reader.core.exporters.html import HtmlArticle, document_html
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from reader.render import pdf as pdf_export

CODE = "\n".join(f"line_{n} = compute({n})" for n in range(400))


def article(n: int) -> Article:
    return Article(
        title=f"Listing {n}",
        blocks=(
            Block(BlockKind.PARAGRAPH, "A short introduction to the listing below."),
            Block(BlockKind.HEADING, "A small heading", level=4),
            Block(BlockKind.CODE, CODE, language="python"),
        ),
        url=f"https://example.org/{n}",
    )


def test_page_numbers_sit_below_the_text(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pages = pdf_export._Pages(tmp_path / "x.pdf", "x")
    try:
        document = pages.document({})
        # The text area stops above the foot that holds the page number.
        assert document.pageSize().height() < pages.writer.height()
        assert pages.writer.height() - document.pageSize().height() >= pages.footer - 1
    finally:
        pages.finish()


def test_each_article_starts_a_page_and_code_runs_on(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = Library(tmp_path / "library.sqlite3")
    ids = [library.add_article(article(n)) for n in range(2)]
    one = tmp_path / "one.pdf"
    two = tmp_path / "two.pdf"
    pdf_export.export_pdf(library, one, ids[:1])
    pdf_export.export_pdf(library, two, ids)
    count = pdf_export_pages(one)
    assert count >= 2  # 400 lines of code run over pages
    assert pdf_export_pages(two) == 2 * count  # the second article starts on a page of its own


def pdf_export_pages(path: Path) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def test_small_headings_are_not_smaller_than_text_and_notes_are_printed(qapp) -> None:  # type: ignore[no-untyped-def]
    item = article(0)
    start = item.text.index("short introduction")
    note = new_annotation(item.text, start, start + 18, note="Read this first.")
    document = QTextDocument()
    document.setHtml(document_html([HtmlArticle(item, [note])]))
    sizes = {}
    block = document.begin()
    while block.isValid():
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right)
        sizes.setdefault(block.text(), cursor.charFormat().font().pointSizeF())
        block = block.next()
    assert sizes["A small heading"] >= sizes["A short introduction to the listing below."]
    assert "Read this first." in document.toPlainText()
