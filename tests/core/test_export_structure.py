"""Exports keep what the reading view shows: tables with their heading rows, links and icons,
code with its language, the article's language, and front matter a notes app can file by."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from reader.core.exporters import markdown
from reader.core.exporters.html import HtmlArticle, blocks_html, document_html
from reader.core.extract import extract
from reader.core.models import Article, Block, BlockKind, Entity, RawPage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract" / "structure"
ICON = "https://img.example/finished.png"


def page(name: str) -> Article:
    data = (FIXTURES / name).read_bytes()
    return extract(RawPage(data=data, content_type="text/html", url="https://blog.example/p"))


def test_markdown_table_has_its_heading_row_links_and_icons() -> None:
    article = page("table-icons.html")
    table = next(b for b in article.blocks if b.kind is BlockKind.TABLE)
    text = markdown.blocks_markdown([table], images={ICON: "attachments/finished.png"})
    lines = text.split("\n")
    assert lines[0] == "|  | General UX | UI mockup | Final review |"
    assert lines[1] == "| --- | --- | --- | --- |"
    assert lines[2].startswith("| Load map | ![](<attachments/finished.png>) |")
    assert lines[4].startswith(
        "| Train GUI ***kovarex*** | [thread](<https://forum.example/t/1>) |"
    )
    assert len(lines) == 5 and all(line.count(" | ") == 3 for line in lines if "---" not in line)


def test_html_table_has_a_head_and_pictures_in_cells() -> None:
    article = page("table-icons.html")
    html = blocks_html(article, image_src=lambda src: "images/1.png" if src == ICON else None)
    root = lxml.html.fromstring(f"<div>{html}</div>")
    (table,) = root.iter("table")
    assert [th.text_content() for th in table.iter("th")] == [
        "",
        "General UX",
        "UI mockup",
        "Final review",
    ]
    rows = table.findall("./tbody/tr")
    assert rows[0].findall("td")[1].find("img").get("src") == "images/1.png"
    assert rows[2].findall("td")[1].find("a").get("href") == "https://forum.example/t/1"


def test_code_keeps_its_language_in_markdown_and_html() -> None:
    article = page("code-br.html")
    code = next(b for b in article.blocks if b.kind is BlockKind.CODE)
    assert markdown.blocks_markdown([code]).startswith("```c\n// add.c\n#include")
    assert '<pre><code class="language-c">// add.c\n#include' in blocks_html(
        Article(title="c", blocks=(code,))
    )


def test_each_article_carries_its_own_language() -> None:
    chinese = Article(
        title="宇航员", blocks=(Block(BlockKind.PARAGRAPH, "宇航员在太空中喝酒会怎么样"),)
    )
    english = Article(title="Tides", blocks=(Block(BlockKind.PARAGRAPH, "The tide came in."),))
    chinese = Article(title=chinese.title, blocks=chinese.blocks, lang="zh")
    english = Article(title=english.title, blocks=english.blocks, lang="en")
    root = lxml.html.fromstring(document_html([HtmlArticle(english), HtmlArticle(chinese)]))
    assert [a.get("lang") for a in root.iter("article")] == ["en", "zh"]


def test_front_matter_leaves_out_counts_and_sentences() -> None:
    article = Article(title="t", blocks=(Block(BlockKind.PARAGRAPH, "x"),))
    item = markdown.ExportItem(
        article=article,
        entities=[
            Entity("person:ada", "PERSON", "Ada Lovelace"),
            Entity("cardinal:2", "CARDINAL", "2"),
            Entity("percent:40", "PERCENT", "40%"),
            Entity(
                "gpe:long", "GPE", "国际空间站上的宇航员不允许喝酒。在国际空间站上，酒精受到控制"
            ),
            Entity("org:long", "ORG", "the committee that met on the first day of the long summer"),
        ],
    )
    head = markdown.front_matter(item)
    assert 'PERSON: ["Ada Lovelace"]' in head
    assert "CARDINAL" not in head and "PERCENT" not in head
    assert "GPE" not in head and "ORG" not in head


def test_epub_and_markdown_folder_keep_table_icons(tmp_path: Path) -> None:
    import zipfile
    from xml.dom import minidom

    from reader.core.exporters.epub import export_epub
    from reader.core.exporters.obsidian import export_markdown_folder
    from reader.core.library import Library

    icon = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
        b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
        b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    library = Library(tmp_path / "l.sqlite3", fetch_image=lambda url: (icon, "image/png"))
    article_id = library.add_article(page("table-icons.html"))
    dest = tmp_path / "book.epub"
    export_epub(library, dest, [article_id])
    with zipfile.ZipFile(dest) as book:
        chapter = book.read("OEBPS/chapter-0001.xhtml").decode()
        names = book.namelist()
    root = minidom.parseString(chapter)  # well-formed XHTML with the table inside
    cells = root.getElementsByTagName("th")
    assert [c.firstChild.data if c.firstChild else "" for c in cells][1] == "General UX"
    sources = {i.getAttribute("src") for i in root.getElementsByTagName("img")}
    assert sources and all(f"OEBPS/{s}" in names for s in sources)
    (written,) = export_markdown_folder(library, tmp_path / "vault", [article_id])
    assert "| Load map | ![](<attachments/" in written.read_text(encoding="utf-8")
