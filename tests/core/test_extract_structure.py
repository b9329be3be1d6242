"""Blocks that keep their structure: code with its lines, pictures found the way real sites
ship them with their captions, and tables with heading rows and cells holding links and icons.

Each fixture is cut down from a real page to what its rule needs (`v8-blog`, `keep-images`,
`lazy-image-2` and `keep-tabular-data` of the Mozilla test pages).
"""

from __future__ import annotations

from pathlib import Path

from reader.core.entities import recognise
from reader.core.extract import extract
from reader.core.extract.media import best_from_srcset, srcset_candidates
from reader.core.models import Article, Block, BlockKind, RawPage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract" / "structure"
URL = "https://blog.example/2026/post"


def load(name: str) -> Article:
    data = (FIXTURES / name).read_bytes()
    return extract(RawPage(data=data, content_type="text/html", url=URL))


def kinds(article: Article, kind: BlockKind) -> list[Block]:
    return [b for b in article.blocks if b.kind is kind]


def test_code_keeps_its_lines_its_comment_and_its_language() -> None:
    article = load("code-br.html")
    first, second = kinds(article, BlockKind.CODE)
    assert first.text.split("\n") == [
        "// add.c",
        "#include <emscripten.h>",
        "",
        "EMSCRIPTEN_KEEPALIVE",
        "int add(int x, int y) {",
        "  return x + y;",
        "}",
    ]
    assert first.language == "c"
    assert second.text == "emcc -O3 add.c -o add.wasm\nls -l add.wasm"
    assert second.language is None
    # The canonical text still holds every block, code lines included, in order.
    assert "Just four lines!\n// add.c\n#include" in article.text


def test_code_survives_a_round_trip_through_json() -> None:
    block = kinds(load("code-br.html"), BlockKind.CODE)[0]
    assert Block.from_dict(block.to_dict()) == block


def test_lazy_pictures_are_found_with_their_credit_lines_as_captions() -> None:
    article = load("lazy-images.html")
    images = kinds(article, BlockKind.IMAGE)
    assert [(i.src, i.text) for i in images] == [
        ("https://img.example/c_scale,w_800/one.jpg", "(Artist: Elearia)"),
        ("https://img.example/two.jpg", "(Artist: Slapshoft)"),
        ("https://img.example/three.jpg", "Source: Riivka"),
    ]
    # The credit is the caption, not a paragraph of its own as well.
    paragraphs = [b.text for b in article.blocks if b.kind is BlockKind.PARAGRAPH]
    assert not any("Artist:" in p or "Riivka" in p for p in paragraphs)
    assert "Advertisement" not in article.text
    assert images[2].alt == "A ship over a red planet"


def test_figures_in_wrappers_pictures_and_noscript_fallbacks() -> None:
    images = kinds(load("figures.html"), BlockKind.IMAGE)
    assert [i.src for i in images] == [
        "https://img.example/max/2000/lab.jpeg",  # inside an empty aspect-ratio box
        "https://img.example/gc-1280.jpg",  # a <picture> source, widest within reason
        "https://img.example/report.png",  # the <noscript> fallback, not the spinner
    ]
    assert images[0].text == "Cristina at the testing lab | photo by Joan Bardeletti"
    assert images[1].text == "The chromatograph Photo: Joseph Cox"


def test_srcset_urls_may_hold_commas() -> None:
    value = "https://i.example/c_fill,w_80/a.jpg 80w, https://i.example/c_fit,w_640/a.jpg 640w"
    assert [c[0] for c in srcset_candidates(value)] == [
        "https://i.example/c_fill,w_80/a.jpg",
        "https://i.example/c_fit,w_640/a.jpg",
    ]
    assert best_from_srcset("a.jpg 1x, b.jpg 2x, c.jpg 3x", "https://s.example/") == (
        "https://s.example/b.jpg"
    )
    assert best_from_srcset("data:image/gif;base64,R0lGOD 1x", None) is None


def test_a_table_keeps_its_heading_row_its_icons_and_its_links() -> None:
    article = load("table-icons.html")
    (table,) = kinds(article, BlockKind.TABLE)
    assert table.header_rows == 1
    assert table.rows[0] == ("", "General UX", "UI mockup", "Final review")
    assert table.rows[2][0] == "Technology GUI Oxyd"
    lines = table.text.split("\n")
    assert len(lines) == 4 and all(line.count("\t") == 3 for line in lines)
    icons = [i for i in table.inlines if i.kind == "image"]
    assert len(icons) == 3 and {i.href for i in icons} == {"https://img.example/finished.png"}
    # The first icon sits in the second cell of the "Load map" row.
    load_map = table.text.index("Load map")
    assert icons[0].start == load_map + len("Load map") + 1
    (link,) = [i for i in table.inlines if i.kind == "link"]
    assert table.text[link.start : link.end] == "thread"
    assert Block.from_dict(table.to_dict()) == table


class WholePieceTagger:
    """Calls every piece it is given one person: a span can then only be as long as a piece."""

    def tag(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        return [[(0, len(t.rstrip()), "PERSON")] if t.strip() else [] for t in texts]


def test_entity_marks_never_cross_a_cell() -> None:
    article = load("table-icons.html")
    mentions = recognise(article, WholePieceTagger()).mentions
    said = [article.text[m.start : m.end] for m in mentions]
    assert "Technology GUI Oxyd" in said
    assert not [s for s in said if "\t" in s or "\n" in s]
