"""The reading view shows code, tables and pictures as what they are, not as paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QTextCursor,
    QTextTable,
)

from reader.core.extract import extract
from reader.core.models import Article, Block, BlockKind, Inline, RawPage
from reader.ui.reading_view import ReadingView, resolve_family
from reader.ui.theme import THEMES, Typography

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract" / "structure"


def page(name: str) -> Article:
    data = (FIXTURES / name).read_bytes()
    return extract(RawPage(data=data, content_type="text/html", url="https://blog.example/p"))


def png(width: int = 40, height: int = 30) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def shown(qtbot, article: Article, loader=None) -> ReadingView:  # type: ignore[no-untyped-def]
    view = ReadingView()
    qtbot.addWidget(view)
    view.image_loader = loader
    view.resize(900, 700)
    view.show_article(article)
    return view


def test_code_is_monospaced_and_keeps_its_lines(qtbot) -> None:  # type: ignore[no-untyped-def]
    article = page("code-br.html")
    view = shown(qtbot, article)
    code = next(b for b in article.blocks if b.kind is BlockKind.CODE)
    start = article.text.index(code.text)
    assert view.text_range(start, start + len(code.text)) == code.text
    block = view.document().findBlock(view.position_map.to_position(start))
    layout = block.layout()
    assert layout.lineCount() >= 7  # one line per source line at least, never joined
    texts = [
        block.text()[layout.lineAt(i).textStart() :][: layout.lineAt(i).textLength()]
        for i in range(layout.lineCount())
    ]
    assert texts[0].rstrip("\u2028") == "// add.c"
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + 1)
    assert QFont(cursor.charFormat().font()).fixedPitch() or cursor.charFormat().fontFamilies()


def _shorter_than_mono() -> str | None:
    """An installed text family whose lines are shorter than the monospaced font's, where
    inline code at the same size would make its line taller."""
    mono = QFont(resolve_family("mono"))
    mono.setPointSizeF(15)
    for family in QFontDatabase.families():
        font = QFont(family)
        font.setPointSizeF(15)
        if not QFontDatabase.isFixedPitch(family) and (
            QFontMetricsF(font).height() < QFontMetricsF(mono).height() - 0.5
        ):
            return family
    return None


def test_inline_code_does_not_make_its_line_taller(qtbot) -> None:  # type: ignore[no-untyped-def]
    family = _shorter_than_mono()
    if family is None:
        pytest.skip("every installed font is as tall as the monospaced one")
    words = "word " * 60
    article = Article(
        title="Inline",
        blocks=(
            Block(BlockKind.PARAGRAPH, words.strip()),
            Block(
                BlockKind.PARAGRAPH,
                "run " + "emcc -O3" + " " + words.strip(),
                inlines=(Inline(4, 12, "code"),),
            ),
        ),
    )
    view = shown(qtbot, article)
    view.set_typography(Typography(font_family=family), THEMES["light"])
    document = view.document()
    plain = document.findBlock(view.position_map.to_position(0))
    coded = document.findBlock(view.position_map.to_position(len(words)))
    document.documentLayout().documentSize()
    assert coded.layout().lineAt(0).height() <= plain.layout().lineAt(0).height() + 0.5


def test_a_table_is_a_real_table_with_its_heading_row_and_icons(qtbot) -> None:  # type: ignore[no-untyped-def]
    article = page("table-icons.html")
    icon = png(20, 20)
    view = shown(qtbot, article, lambda src: icon if src.endswith("finished.png") else None)
    table_block = next(b for b in article.blocks if b.kind is BlockKind.TABLE)
    start = article.text.index(table_block.text)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.position_map.to_position(start + 1))
    table = cursor.currentTable()
    assert isinstance(table, QTextTable)
    assert (table.rows(), table.columns()) == (4, 4)
    assert table.format().headerRowCount() == 1
    heading = table.cellAt(0, 1)
    assert heading.firstCursorPosition().block().text() == "General UX"
    bold = QTextCursor(heading.firstCursorPosition())
    bold.movePosition(QTextCursor.MoveOperation.Right)
    assert bold.charFormat().fontWeight() == QFont.Weight.Bold
    # The icon cells hold pictures, not nothing.
    icon_cell = table.cellAt(1, 1).firstCursorPosition()
    icon_cell.movePosition(QTextCursor.MoveOperation.Right)
    assert icon_cell.charFormat().isImageFormat()
    # And every cell's text is where the canonical text says.
    assert view.text_range(start, start + len(table_block.text)) == table_block.text


def test_a_wide_table_keeps_its_width_and_scrolls(qtbot) -> None:  # type: ignore[no-untyped-def]
    row = tuple(f"column heading {i}" for i in range(14))
    text = "\n".join("\t".join(r) for r in (row, row, row))
    article = Article(
        title="Wide", blocks=(Block(BlockKind.TABLE, text, rows=(row, row, row), header_rows=1),)
    )
    view = shown(qtbot, article)
    view.show()
    qtbot.wait(10)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.position_map.to_position(1))
    table = cursor.currentTable()
    assert table is not None
    assert table.format().width().type() == table.format().width().Type.FixedLength
    view.document().documentLayout().documentSize()
    assert view.horizontalScrollBar().maximum() > 0


def test_pictures_and_the_lead_image_are_shown_inline(qtbot) -> None:  # type: ignore[no-untyped-def]
    picture = png(400, 200)
    body = Article(
        title="Lead only",
        blocks=(Block(BlockKind.PARAGRAPH, "Text without pictures of its own."),),
        lead_image="https://img.example/lead.jpg",
    )
    view = shown(qtbot, body, lambda src: picture)
    assert "https://img.example/lead.jpg" in view.document().toHtml()
    assert view.text_range(0, 10) == "Text witho"
    with_images = page("figures.html")
    view = shown(qtbot, with_images, lambda src: picture)
    html = view.document().toHtml()
    assert html.count("<img") == 3


def test_the_details_line_names_a_language_other_than_english(qtbot) -> None:  # type: ignore[no-untyped-def]
    text = "宇航员在太空中喝酒会怎么样？后果很严重。" * 60
    chinese = Article(title="宇航员", blocks=(Block(BlockKind.PARAGRAPH, text),), lang="zh")
    view = shown(qtbot, chinese)
    details = view.document().findBlockByNumber(1).text()
    assert "中文" in details and "3 min read" in details  # 1,200 characters at 400 a minute
    english = Article(title="Tides", blocks=(Block(BlockKind.PARAGRAPH, "The tide."),), lang="en")
    view = shown(qtbot, english)
    assert "English" not in view.document().findBlockByNumber(1).text()
