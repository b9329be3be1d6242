"""PDF export is complete or an error: Qt's layout stops at 2**23 device pixels, silently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocument

from reader.cli import main
from reader.core.exporters.html import document_html, library_html_item
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from reader.render import pdf as pdf_export

WORDS = "The tide came in over the flats faster than a horse could run, and the bells rang. " * 5


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def long_article(n: int, paragraphs: int) -> Article:
    blocks = tuple(Block(BlockKind.PARAGRAPH, f"{n}.{i} {WORDS}") for i in range(paragraphs))
    return Article(title=f"Tides {n}", blocks=blocks, url=f"https://example.org/tides/{n}")


def test_an_export_past_qts_layout_limit_holds_every_page(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 19,200 dpi Qt's limit falls after about 42 pages instead of 2,722: the same limit,
    # reached with a small library. One document for all articles stopped at it.
    monkeypatch.setattr(pdf_export, "PDF_RESOLUTION_DPI", 19200)
    library = Library(tmp_path / "library.sqlite3")
    ids = [library.add_article(long_article(n, 130)) for n in range(3)]
    ids.append(library.add_article(long_article(3, 620)))  # one article over the limit alone
    dest = tmp_path / "tides.pdf"
    assert pdf_export.export_pdf(library, dest, ids) == 4
    monkeypatch.setattr(pdf_export, "PDF_RESOLUTION_DPI", 300)  # far from the limit
    pdf_export.export_pdf(library, tmp_path / "at-300-dpi.pdf", ids)
    expected = pdf_pages(tmp_path / "at-300-dpi.pdf")
    assert expected > 100
    assert abs(pdf_pages(dest) - expected) <= 0.05 * expected


def test_parts_of_an_article_cut_for_the_limit_hold_all_its_text(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_export, "LAYOUT_SHARE", 0.002)  # about five pages a part
    library = Library(tmp_path / "library.sqlite3")
    article_id = library.add_article(long_article(0, 300))
    html = document_html([library_html_item(library, article_id)])
    pages = pdf_export._Pages(tmp_path / "parts.pdf", "parts")
    parts = pdf_export._laid_out_parts(pages, html, {})
    pages.finish()
    assert len(parts) > 3
    whole = QTextDocument()
    whole.setHtml(html)
    text = "\n".join(part.toPlainText() for part in parts)
    assert text.split() == whole.toPlainText().split()
    assert "299 The tide" in parts[-1].toPlainText()


def test_a_paragraph_too_long_to_lay_out_fails_loudly_and_leaves_no_file(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pdf_export, "LAYOUT_SHARE", 0.002)
    data = tmp_path / "data"
    with Library(data / "library.sqlite3") as library:
        library.add_article(long_article(0, 3))
        one = Article(title="Run-on", blocks=(Block(BlockKind.PARAGRAPH, WORDS * 100),))
        library.add_article(one)
    dest = tmp_path / "out.pdf"
    assert main(["--data-dir", str(data), "export", "--format", "pdf", str(dest)]) == 1
    out, err = capsys.readouterr()
    assert "too long to lay out" in err and "Traceback" not in err and "exported" not in out
    assert not dest.exists()
