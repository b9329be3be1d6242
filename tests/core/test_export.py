"""Exports: library JSON that round-trips, Markdown folders with images, HTML and EPUB files."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path
from xml.dom import minidom

import pytest

from reader.cli import main
from reader.core.anchoring import new_annotation
from reader.core.exporters.epub import export_epub
from reader.core.exporters.html import export_html
from reader.core.exporters.library_json import export_json
from reader.core.exporters.obsidian import export_markdown_folder
from reader.core.importing.runner import import_file
from reader.core.library import Library
from reader.core.models import Annotation, Article, Block, BlockKind, Inline


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\xff\x00" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = tiny_png()


def make_article(n: int) -> Article:
    return Article(
        title=f"Harbour notes {n} <script>alert(1)</script>",
        blocks=(
            Block(BlockKind.HEADING, "The old quay", level=1),
            Block(
                BlockKind.PARAGRAPH,
                f"Boats came in at dawn number {n}, and the market opened before the bells.",
                inlines=(Inline(0, 5, "em"), Inline(10, 14, "link", "https://example.org/in")),
            ),
            Block(BlockKind.IMAGE, "The quay at dawn", src="/img/quay.png"),
            Block(BlockKind.LIST_ITEM, "fish", ordered=False, level=1),
            Block(BlockKind.LIST_ITEM, "bread & salt", ordered=False, level=1),
            Block(BlockKind.QUOTE, "Nothing waits for the tide."),
        ),
        byline="Ada Fjord",
        site_name="Harbour Times",
        published="2024-03-01",
        lang="en",
        url=f"https://example.org/harbour/{n}",
    )


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "source.sqlite3", fetch_image=lambda url: (PNG, "image/png"))
    for n in range(3):
        article_id = lib.add_article(make_article(n), tags=["sea", f"batch {n}"])
        text = lib.get(article_id).article.text
        start = text.index("market")
        lib.add_annotation(
            article_id,
            new_annotation(text, start, start + len("market opened"), color="green", note="*why*"),
        )
    lib.add_annotation(
        1,
        Annotation(
            id="lost1",
            start=0,
            end=0,
            exact="gone words",
            orphaned=True,
            note="kept",
            created_at="2024-01-01T00:00:00+00:00",
            updated_at="2024-01-02T00:00:00+00:00",
        ),
    )
    lib.set_archived(1)
    lib.set_favorite(2)
    lib.mark_opened(2)
    lib.set_progress(2, 0.5)
    lib.set_unread(3, False)
    return lib


def snapshot(lib: Library) -> list[dict[str, object]]:
    out = []
    for (article_id,) in lib.db.execute("SELECT id FROM articles ORDER BY url").fetchall():
        saved = lib.get(article_id)
        out.append(
            {
                "article": saved.article,
                "added_at": saved.added_at,
                "opened_at": saved.opened_at,
                "progress": saved.read_progress,
                "states": (saved.unread, saved.archived, saved.favorite),
                "tags": lib.tags(article_id),
                "notes": sorted(
                    (
                        a.id,
                        a.start,
                        a.end,
                        a.exact,
                        a.color,
                        a.note,
                        a.orphaned,
                        a.created_at,
                        a.updated_at,
                    )
                    for a in lib.annotations(article_id)
                ),
            }
        )
    return out


def test_json_export_round_trips_into_an_empty_library(library: Library, tmp_path: Path) -> None:
    dest = tmp_path / "library.json"
    assert export_json(library, dest) == 3
    assert json.loads(dest.read_text(encoding="utf-8"))["count"] == 3
    empty = Library(tmp_path / "empty.sqlite3")
    report = import_file(empty, dest)
    assert report.added == 3 and report.failed == 0
    assert snapshot(empty) == snapshot(library)
    assert empty.image(1, "/img/quay.png") == (PNG, "image/png")  # archived images come along
    again = import_file(empty, dest)  # a second import of the same file adds nothing
    assert empty.count() == 3 and again.added == 0


def test_markdown_folder_keeps_images_alongside(library: Library, tmp_path: Path) -> None:
    files = export_markdown_folder(library, tmp_path / "vault", [1, 2])
    assert [[*f.name.split(" ")[:3], f.name[-6:]] for f in files] == [
        ["Harbour", "notes", "0", "(1).md"],
        ["Harbour", "notes", "1", "(2).md"],
    ]
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("---\n") and "> market opened" in text
    link = text.split("![The quay at dawn](<", 1)[1].split(">)", 1)[0]
    assert link.startswith("attachments/") and (tmp_path / "vault" / link).read_bytes() == PNG


def test_html_escapes_marks_highlights_and_inlines_images(library: Library, tmp_path: Path) -> None:
    dest = tmp_path / "one.html"
    export_html(library, dest, [1])
    page = dest.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<mark class="green"' in page and ">market opened</mark>" in page
    assert "<em>Boats</em>" in page and 'href="https://example.org/in"' in page
    assert "data:image/png;base64," in page and "bread &amp; salt" in page


def test_epub_is_a_valid_package(library: Library, tmp_path: Path) -> None:
    dest = tmp_path / "book.epub"
    assert export_epub(library, dest, [1, 2, 3]) == 3
    with zipfile.ZipFile(dest) as book:
        first = book.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert book.read("mimetype") == b"application/epub+zip"
        container = minidom.parseString(book.read("META-INF/container.xml"))
        opf_path = container.getElementsByTagName("rootfile")[0].getAttribute("full-path")
        opf = minidom.parseString(book.read(opf_path))
        hrefs = {i.getAttribute("href") for i in opf.getElementsByTagName("item")}
        spine = [i.getAttribute("idref") for i in opf.getElementsByTagName("itemref")]
        assert len(spine) == 3 and "nav.xhtml" in hrefs
        for href in hrefs:
            assert f"OEBPS/{href}" in book.namelist()
            if href.endswith(".xhtml"):
                minidom.parseString(book.read(f"OEBPS/{href}"))  # well-formed XML
        images = [h for h in hrefs if h.startswith("images/")]
        assert len(images) == 1 and book.read(f"OEBPS/{images[0]}") == PNG
        chapter = book.read("OEBPS/chapter-0001.xhtml").decode()
        assert 'src="images/' in chapter and "market opened</mark>" in chapter


def test_cli_export_with_a_query_and_import_back(
    library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source_dir = tmp_path / "src"
    source_dir.mkdir()
    library.close()
    (tmp_path / "source.sqlite3").rename(source_dir / "library.sqlite3")
    for suffix in ("-wal", "-shm"):
        old = tmp_path / f"source.sqlite3{suffix}"
        if old.exists():
            old.rename(source_dir / f"library.sqlite3{suffix}")
    dest = tmp_path / "some.json"
    args = ["--data-dir", str(source_dir), "export", "--format", "json", "--query", "is:archived"]
    assert main([*args, str(dest)]) == 0
    assert "1 article exported" in capsys.readouterr().out
    target = tmp_path / "target"
    assert main(["--data-dir", str(target), "import", str(dest), "--quiet"]) == 0
    assert "1 added, 0 already there, 0 failed" in capsys.readouterr().out
    with Library(target / "library.sqlite3") as imported:
        assert imported.count() == 1 and imported.get(1).archived
    for fmt, name in [("html", "a.html"), ("epub", "a.epub"), ("markdown", "md")]:
        assert (
            main(
                [
                    "--data-dir",
                    str(source_dir),
                    "export",
                    "--format",
                    fmt,
                    "--id",
                    "2",
                    str(tmp_path / name),
                ]
            )
            == 0
        )
    assert (tmp_path / "md").is_dir() and (tmp_path / "a.epub").stat().st_size > 0
