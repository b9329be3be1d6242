"""The one invariant: for any range, the text under the view's cursor is `Article.text[start:end]`.

Articles are random: every block kind, inline formats, images (archived and missing), emoji and
other characters that take two positions in a Qt document, tables with heading rows and links and
pictures in their cells, and code blocks of several lines.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from reader.core.models import Article, Block, BlockKind, Inline, Mention
from reader.ui.reading_view import ReadingView

ARCHIVED = "https://img.example/archived.png"
MISSING = "https://img.example/missing.png"

texts = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\u2028\u2029\ufffc",
    )
    | st.sampled_from(["\t", " ", "😀", "é", "中", "\u00a0"]),
    max_size=40,
)


cell_texts = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\u2028\u2029\ufffc",
    )
    | st.sampled_from([" ", "😀", "中"]),
    max_size=12,
)


@st.composite
def tables(draw: st.DrawFn) -> Block:
    columns = draw(st.integers(1, 4))
    rows = draw(
        st.lists(st.lists(cell_texts, min_size=columns, max_size=columns), min_size=1, max_size=4)
    )
    text = "\n".join("\t".join(row) for row in rows)
    inlines: list[Inline] = []
    offset = 0
    for row in rows:
        for cell in row:
            if draw(st.booleans()):
                at = offset + draw(st.integers(0, len(cell)))
                inlines.append(Inline(at, at, "image", draw(st.sampled_from([ARCHIVED, MISSING]))))
            if cell and draw(st.booleans()):
                a = offset + draw(st.integers(0, len(cell)))
                b = draw(st.integers(a, offset + len(cell)))
                inlines.append(Inline(a, b, "link", "https://example.org/"))
            offset += len(cell) + 1
    return Block(
        BlockKind.TABLE,
        text,
        inlines=tuple(inlines),
        rows=tuple(tuple(row) for row in rows),
        header_rows=draw(st.integers(0, len(rows) - 1)),
    )


@st.composite
def code_blocks(draw: st.DrawFn) -> Block:
    lines = draw(st.lists(cell_texts, min_size=1, max_size=5))
    return Block(BlockKind.CODE, "\n".join(lines), language=draw(st.sampled_from([None, "c"])))


@st.composite
def blocks(draw: st.DrawFn) -> Block:
    shape = draw(st.sampled_from(["any", "any", "any", "table", "code"]))
    if shape == "table":
        return draw(tables())
    if shape == "code":
        return draw(code_blocks())
    kind = draw(st.sampled_from(list(BlockKind)))
    text = draw(texts)
    inlines: list[Inline] = []
    if text and kind is not BlockKind.IMAGE:
        for _ in range(draw(st.integers(0, 3))):
            a = draw(st.integers(0, len(text)))
            b = draw(st.integers(a, len(text)))
            what = draw(st.sampled_from(["em", "strong", "code", "link"]))
            href = "https://example.org/" if what == "link" else None
            inlines.append(Inline(a, b, what, href))
    return Block(
        kind=kind,
        text=text,
        level=draw(st.integers(1, 3)) if kind in (BlockKind.HEADING, BlockKind.LIST_ITEM) else 0,
        ordered=draw(st.booleans()) if kind is BlockKind.LIST_ITEM else False,
        inlines=tuple(inlines),
        src=draw(st.sampled_from([ARCHIVED, MISSING, None])) if kind is BlockKind.IMAGE else None,
    )


articles = st.builds(
    lambda title, bs, lead: Article(
        title=title, blocks=tuple(bs), url="https://example.org/a", lead_image=lead
    ),
    texts,
    st.lists(blocks(), min_size=1, max_size=8),
    st.sampled_from([None, ARCHIVED]),
)


def png_bytes() -> bytes:
    image = QImage(8, 6, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=articles, data=st.data())
def test_text_under_the_cursor_equals_the_article_text(qapp, article: Article, data) -> None:  # type: ignore[no-untyped-def]
    image = png_bytes()
    view = ReadingView()
    view.image_loader = lambda src: image if src == ARCHIVED else None
    text = article.text
    mentions = []
    for _ in range(data.draw(st.integers(0, 4))):
        a = data.draw(st.integers(0, len(text)))
        b = data.draw(st.integers(a, len(text)))
        mentions.append(Mention(a, b, data.draw(st.sampled_from(["PERSON", "GPE", "DATE"])), "k"))
    view.show_article(article, mentions)
    for _ in range(10):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        assert view.text_range(start, end) == text[start:end]
    for offset in range(len(text) + 1):
        assert view.position_map.to_offset(view.position_map.to_position(offset)) == offset
    view.deleteLater()


def test_archived_images_are_shown_and_nothing_is_fetched(qapp) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    image = png_bytes()

    def loader(src: str) -> bytes | None:
        asked.append(src)
        return image if src == ARCHIVED else None

    article = Article(
        title="Pictures",
        blocks=(
            Block(BlockKind.PARAGRAPH, "Before the picture."),
            Block(BlockKind.IMAGE, "A caption under it.", src=ARCHIVED),
            Block(BlockKind.IMAGE, "Not archived.", src=MISSING),
            Block(BlockKind.PARAGRAPH, "After the picture."),
        ),
    )
    view = ReadingView()
    view.image_loader = loader
    view.show_article(article)
    assert asked == [ARCHIVED, MISSING]
    html = view.document().toHtml()
    assert ARCHIVED in html and MISSING not in html
    assert view.loadResource(2, MISSING) is None
    start = article.text.index("A caption")
    assert view.text_range(start, start + 9) == "A caption"
    assert "After the picture." in view.toPlainText()
