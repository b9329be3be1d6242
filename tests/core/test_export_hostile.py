"""Exports of hostile articles stay valid: names within limits, links by scheme, text escaped,
only archived images, EPUB that epubcheck accepts, front matter that parses."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.dom import minidom

import pytest
from lxml import html as lxml_html

from reader.cli import main
from reader.core.anchoring import new_annotation
from reader.core.exporters import safe
from reader.core.exporters.epub import export_epub
from reader.core.exporters.html import export_html
from reader.core.exporters.markdown import export_markdown
from reader.core.exporters.obsidian import export_markdown_folder
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind, Inline

from .test_export import PNG

BAD_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(2)",
    "java\tscript:alert(3)",
    " \x01javascript:alert(4)",
    "vbscript:msgbox(5)",
    "file:///etc/passwd",
    "data:text/html,<script>alert(6)</script>",
    "http://[::1",
]
GOOD_LINKS = [
    'https://example.org/a b>c)d<e"f`g{h}|\\^',
    "/relative/path?q=1#frag",
    "mailto:ada@example.org?subject=Hi there",
    "https://exämple.org/päth",
    "https://example.org/100%",
]
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CONTROL = "".join(chr(c) for c in range(0x20) if c not in (9, 10)) + "\x7f\x85\x9f\ufffe\U0001fffe"


def hostile_article() -> Article:
    words = [f"w{n}" for n in range(len(BAD_LINKS) + len(GOOD_LINKS))]
    text = " ".join(words)
    inlines, position = [], 0
    for word, href in zip(words, BAD_LINKS + GOOD_LINKS, strict=True):
        inlines.append(Inline(position, position + len(word), "link", href))
        position += len(word) + 1
    return Article(
        title="🦜" * 80 + f' "Parrots" <script>alert(1)</script> {CONTROL} & co',
        blocks=(
            Block(BlockKind.PARAGRAPH, text, inlines=tuple(inlines)),
            Block(
                BlockKind.PARAGRAPH,
                f"<img src=x onerror=alert(1)> [click](javascript:alert(1)) "
                f"![x](file:///etc/passwd) &lt;b&gt; {CONTROL}\n- not a list\n# not a heading",
            ),
            Block(BlockKind.IMAGE, "archived", src="/img/kept.png"),
            Block(BlockKind.IMAGE, "never archived", src="https://cdn.example.org/hot.png"),
            Block(BlockKind.IMAGE, "svg with a script", src="/img/scripted.svg"),
            Block(BlockKind.IMAGE, "inline data", src="data:image/png;base64,AAAA"),
            Block(BlockKind.IMAGE, "local file", src="file:///etc/passwd"),
            Block(BlockKind.LIST_ITEM, "deep item", level=3),
            Block(BlockKind.LIST_ITEM, "shallow item", level=1, ordered=True),
            Block(BlockKind.CODE, "``` breaks out?\n````\n<script>"),
            Block(BlockKind.TABLE, "a\tb", rows=(("<b>a</b>", "x\ny|z"),)),
        ),
        byline=f"Ada {CONTROL}\u2028Fjord",
        site_name="Parrot News",
        lang='en"><script>',
        url="https://example.org/parrots/1",
    )


HOSTILE_NOTE = (
    '<img src="/dev/zero"> ![a](file:///etc/passwd) [js](javascript:alert(1)) '
    "[ok](https://example.org/x y) ![r][ref] `<kept in code>`\n"
    f"[ref]: javascript:alert(2)\n{CONTROL}"
)


@pytest.fixture
def library(tmp_path: Path) -> Library:
    archived = {
        "https://example.org/img/kept.png": (PNG, "image/png"),
        "https://example.org/img/scripted.svg": (SVG, "image/svg+xml"),
    }
    lib = Library(tmp_path / "library.sqlite3", fetch_image=archived.get)
    article_id = lib.add_article(hostile_article(), tags=["=cmd", f"tag{CONTROL}"])
    text = lib.get(article_id).article.text
    start = text.index("<img")
    highlight = new_annotation(text, start, start + 30, note=HOSTILE_NOTE)
    lib.add_annotation(article_id, highlight)
    # an id another tool chose, in two articles' worth of marks
    lib.add_annotation(article_id, new_annotation(text, 0, 10, note="second"))
    return lib


def rendered_markdown(text: str) -> lxml_html.HtmlElement:
    markdown_it = pytest.importorskip("markdown_it")
    body = text.split("\n---\n", 1)[1]
    page = markdown_it.MarkdownIt("commonmark").enable("table").render(body)
    return lxml_html.fromstring(f"<div>{page}</div>")


def assert_safe_html(root: lxml_html.HtmlElement, allowed_images: set[str]) -> None:
    assert not root.xpath("//script|//iframe|//object|//embed|//svg|//style[not(ancestor::head)]")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        assert not [a for a in element.attrib if a.lower().startswith("on")], element.attrib
    for href in root.xpath("//a/@href"):
        assert re.match(r"(https?|mailto):", href), href
        assert_valid_uri(href)
    for src in root.xpath("//img/@src"):
        assert any(src.startswith(prefix) for prefix in allowed_images), src


def assert_valid_uri(uri: str) -> None:
    # RFC 3986 characters only: nothing a browser, a Markdown reader or epubcheck reads otherwise.
    assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", uri), uri
    assert not re.search(r"%(?![0-9A-Fa-f]{2})", uri), uri


def test_an_emoji_title_is_cut_to_255_bytes_without_splitting_a_character(
    library: Library, tmp_path: Path
) -> None:
    (written,) = export_markdown_folder(library, tmp_path / "vault", [1])
    name = written.name
    assert len(name.encode("utf-8")) <= 255 and name.endswith(" (1).md")
    assert name == "🦜" * 62 + " (1).md" and "\ufffd" not in name  # 248 bytes + 7
    assert written.read_text(encoding="utf-8").startswith("---\n")
    for title, suffix in [("🦜" * 200, ".md"), ("é" * 300, " (12345).md"), ("CON", ".md")]:
        cut = safe.file_name(title, suffix)
        assert len(cut.encode("utf-8")) <= 255 and cut.endswith(suffix)
    assert safe.file_name("CON", ".md") == "_CON.md"  # a reserved device name on Windows
    assert safe.file_name("a/b\\c:d", ".md") == "a b c d.md"


def test_markdown_keeps_only_web_links_escapes_text_and_links_remote_images(
    library: Library, tmp_path: Path
) -> None:
    (written,) = export_markdown_folder(library, tmp_path / "vault", [1])
    text = written.read_text(encoding="utf-8")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    root = rendered_markdown(text)
    assert_safe_html(root, {"attachments/"})
    # only the archived PNG is an image; the others are links to where they were, or captions
    (image,) = root.xpath("//img")
    assert (written.parent / image.get("src")).read_bytes() == PNG
    remote = {a.get("href") for a in root.xpath("//a") if "Remote image" in a.text_content()}
    assert remote == {
        "https://cdn.example.org/hot.png",
        "https://example.org/img/scripted.svg",  # archived, but SVG is not handed on
    }
    hrefs = root.xpath("//a/@href")
    assert "https://example.org/a%20b%3Ec%29d%3Ce%22f%60g%7Bh%7D%7C%5C%5E" in hrefs
    assert "https://example.org/relative/path?q=1#frag" in hrefs
    assert "mailto:ada@example.org?subject=Hi%20there" in hrefs
    assert "https://xn--exmple-cua.org/p%C3%A4th" in hrefs and "https://example.org/100%25" in hrefs
    page = lxml_html.tostring(root, encoding="unicode")
    assert "javascript" not in " ".join(hrefs).lower() and "file:" not in " ".join(hrefs)
    # what looked like markup in the article shows as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&amp;lt;b&amp;gt;" in page
    assert "[click](javascript:alert(1))" in root.text_content()
    assert "- not a list" in root.text_content() and "# not a heading" in root.text_content()
    assert "``` breaks out?\n````\n<script>" in root.xpath("//pre/code")[0].text
    # the note keeps its safe link; its image, raw HTML and script links are gone
    assert "https://example.org/x" in hrefs
    assert '<img src="/dev/zero">' in root.text_content()
    assert "<kept in code>" in [c.text for c in root.xpath("//code")]


def test_highlights_export_without_attachments_hot_links_nothing(
    library: Library, tmp_path: Path
) -> None:
    (written,) = export_markdown(library, tmp_path / "md", [1])
    root = rendered_markdown(written.read_text(encoding="utf-8"))
    assert_safe_html(root, set())
    assert not root.xpath("//img")


def test_front_matter_always_parses(library: Library, tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    (written,) = export_markdown_folder(library, tmp_path / "vault", [1])
    head = written.read_text(encoding="utf-8").split("\n---\n", 1)[0][4:]
    data = yaml.safe_load(head)
    assert data["title"] == safe.clean_text(hostile_article().title)
    assert data["author"] == "Ada \n\u2028Fjord" and data["tags"] == ["=cmd", "tag"]
    for value in ["a: b", "- x", "'q'", '"', "#", "---", "\\", "\ufeffbom", "* & ! % @ `", CONTROL]:
        assert yaml.safe_load(f"v: {safe.yaml_string(value)}")["v"] == safe.clean_text(value)


def test_html_keeps_only_web_links_and_archived_images(library: Library, tmp_path: Path) -> None:
    dest = tmp_path / "page.html"
    export_html(library, dest, [1])
    page = dest.read_text(encoding="utf-8")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", page)
    root = lxml_html.fromstring(page)
    assert_safe_html(root, {"data:image/png;base64,", "data:image/svg+xml;base64,"})
    assert len(root.xpath("//img")) == 2  # the archived PNG and SVG, inlined
    assert root.get("lang") == "en"
    ids = root.xpath("//mark/@id")
    assert len(ids) == len(set(ids)) == 2


def epub_hrefs(book: zipfile.ZipFile) -> list[str]:
    hrefs = []
    for name in book.namelist():
        if name.endswith((".xhtml", ".opf")):
            document = minidom.parseString(book.read(name))  # well-formed XML
            for tag in ("a", "item", "link", "img"):
                for element in document.getElementsByTagName(tag):
                    hrefs += [
                        element.getAttribute(a) for a in ("href", "src") if element.hasAttribute(a)
                    ]
    return hrefs


def test_epub_holds_no_script_no_svg_and_only_valid_hrefs(library: Library, tmp_path: Path) -> None:
    dest = tmp_path / "book.epub"
    export_epub(library, dest, [1])
    with zipfile.ZipFile(dest) as book:
        names = book.namelist()
        assert not [n for n in names if n.endswith(".svg")]
        assert [n for n in names if n.startswith("OEBPS/images/")] != []
        for name in names:
            data = book.read(name)
            assert b"<script" not in data and b'properties="scripted' not in data
        for href in epub_hrefs(book):
            assert_valid_uri(href)
            assert not href.lower().startswith(("javascript:", "file:", "data:")), href


def test_epub_of_control_characters_passes_epubcheck(library: Library, tmp_path: Path) -> None:
    epubcheck = shutil.which("epubcheck")
    if epubcheck is None or shutil.which("java") is None:
        pytest.skip("epubcheck is not installed (Debian: apt-get install epubcheck)")
    # Debian installs it as a link to the jar; quick-start flags halve the JVM's start-up.
    java = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar"]
    command = [*java, epubcheck] if Path(epubcheck).resolve().suffix == ".jar" else [epubcheck]
    dest = tmp_path / "book.epub"
    library.add_article(
        Article(
            title=f"Second {CONTROL}",
            blocks=(Block(BlockKind.PARAGRAPH, f"Text {CONTROL} & more"),),
            lang="",
        )
    )
    export_epub(library, dest, [1, 2])
    result = subprocess.run(
        [*command, "--quiet", str(dest)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_markdown_export_of_an_emoji_title_is_no_traceback(
    library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library.close()
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "library.sqlite3").rename(data / "library.sqlite3")
    for suffix in ("-wal", "-shm"):
        old = tmp_path / f"library.sqlite3{suffix}"
        if old.exists():
            old.rename(data / f"library.sqlite3{suffix}")
    vault = tmp_path / "vault"
    assert main(["--data-dir", str(data), "export", "--format", "markdown", str(vault)]) == 0
    assert "1 article exported" in capsys.readouterr().out
    assert len(list(vault.glob("*.md"))) == 1
