"""Control characters and non-characters never get in; escape sequences never get out to a
terminal: pages, text dumps, imports, notes and every CLI command that prints them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.core.extract import extract
from reader.core.library import Library
from reader.core.models import Annotation, Block, BlockKind, Inline, RawPage
from reader.core.textsafe import clean_block, clean_text, json_terminal_text, terminal_text

# Everything the incoming gate must remove (tab and newline are text).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# What a terminal acts on: C0 controls but tab and newline, DEL and C1 (0x9b is a one-byte CSI).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
WORDS = "The tide comes in twice a day and the river runs backwards for an hour or so. " * 8
HOSTILE_TITLE = "Tides\x1b]0;owned\x07\x1b[2J\x9b31m\r\ufffe"


def page(title: str, body: str) -> RawPage:
    html = f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"
    return RawPage(html.encode("utf-8"), "text/html", charset="utf-8")


def test_character_references_to_controls_do_not_survive_into_article_text() -> None:
    article = extract(
        page(
            "Bore&#x1b;]0;x&#7; &#xFFFE;tables",
            f"<h1>Severn&#1; bore</h1><p>{WORDS}Bad&#1;&#x1b;[2J&#xFFFE;&#xFDD0;&#127;"
            " <b>bold&#x1b; words</b> stay &#x10FFFF;put.</p>",
        )
    )
    for value in (article.title, article.text, *(b.text for b in article.blocks)):
        assert not UNSAFE.search(value), repr(value)
    assert article.title == "Bore]0;x tables"
    assert "Bad[2J bold words stay put." in article.text
    assert article.text == "\n".join(block.text for block in article.blocks)  # the invariant
    paragraph = article.blocks[-1]
    [bold] = paragraph.inlines
    assert paragraph.text[bold.start : bold.end] == "bold words"


def test_a_text_dump_loses_its_control_characters_and_keeps_its_lines() -> None:
    dump = "Tide tables\x1b[2J\r\n\r\nThe bore\x07 rises\x00 twice a day.\rNear Gloucester.\x9b\n"
    article = extract(RawPage(dump.encode("utf-8"), "text/plain", charset="utf-8"))
    assert not UNSAFE.search(article.title + article.text)
    assert article.title.startswith("Tide tables")
    assert "The bore rises twice a day." in article.text and "Near Gloucester." in article.text


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abc \t\n", min_size=1, max_size=6),
            st.text(alphabet="\x00\x01\x1b\r\x7f\x85\x9b\ufffe\ufdd0\ud800", max_size=3),
        ),
        min_size=1,
        max_size=8,
    ),
    st.data(),
)
def test_cleaning_a_block_keeps_every_inline_on_its_own_words(
    pieces: list[tuple[str, str]], data: st.DataObject
) -> None:
    text = "".join(word + junk for word, junk in pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    block = Block(BlockKind.PARAGRAPH, text, inlines=(Inline(start, end, "em"),))
    cleaned = clean_block(block)
    assert cleaned.text == clean_text(text) and not UNSAFE.search(cleaned.text)
    expected = clean_text(text[start:end])
    if expected.strip("\n"):
        [inline] = cleaned.inlines
        under = cleaned.text[inline.start : inline.end]
        # A CRLF cut in half at the edge of the range is the only way the two may differ.
        assert under.replace("\n", "") == expected.replace("\n", "")


def test_the_terminal_gate_makes_every_control_visible() -> None:
    shown = terminal_text("a\x1b[2J\x07\tb\nc\r\x9bd\ud800\ufffe")
    assert shown == "a\\x1b[2J\\x07\tb\nc\\x0d\\x9bd\ufffd\\ufffe"
    assert terminal_text("one\ntwo", keep="") == "one\\x0atwo"
    encoded = json_terminal_text(json.dumps({"t": "x\x7f\x9b\x1b"}, ensure_ascii=False))
    assert not RAW_CONTROL.search(encoded) and json.loads(encoded) == {"t": "x\x7f\x9b\x1b"}


def test_imports_bring_in_clean_titles_tags_quotes_and_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "wallabag.json"
    entry = {
        "title": HOSTILE_TITLE,
        "url": "https://example.org/tides",
        "tags": ["sea\x1b[31m", "riv\x00ers"],
        "content": f"<h1>Tides</h1><p>{WORDS}</p>",
        "annotations": [{"quote": "twice a day\x1b", "text": "note\x1b]52;c;Zm9v\x07 here"}],
    }
    bad = {"title": "x", "url": "ftp://example.org/\x1b]0;owned\x07\x9b2J", "content": None}
    export.write_text(json.dumps([entry, bad]), encoding="utf-8")
    data = tmp_path / "data"
    code = main(["--data-dir", str(data), "import", str(export), "--no-entities", "--no-images"])
    assert code == 0
    captured = capsys.readouterr()
    assert "failed\tftp://example.org/]0;owned2J" in captured.out
    assert not RAW_CONTROL.search(captured.out + captured.err.replace("\r", ""))
    with Library(data / "library.sqlite3") as library:
        [summary] = library.list_articles()
        saved = library.get(summary.id)
        [mark] = library.annotations(summary.id)
    assert saved.article.title == "Tides]0;owned[2J31m\n"
    assert sorted(saved.tags) == ["rivers", "sea[31m"]
    assert mark.note == "note]52;c;Zm9v here" and not mark.orphaned
    assert mark.exact == "twice a day"


def test_notes_are_stored_clean(library_with_article: tuple[Library, int]) -> None:
    library, article_id = library_with_article
    text = library.get(article_id).article.text
    start = text.index("twice")
    mark = Annotation("n1", start, start + 5, "twice", note="a\x1b[2Jb\x00")
    assert library.add_annotation(article_id, mark).note == "a[2Jb"
    updated = library.update_annotation(Annotation("n1", start, start + 5, "twice", note="\x9bc"))
    assert updated.note == "c"
    assert [a.note for a in library.annotations(article_id)] == ["c"]


@pytest.fixture
def library_with_article(data_dir: Path) -> tuple[Library, int]:
    library = Library(data_dir / "library.sqlite3")
    article_id = library.add_article(extract(page("Tides", f"<p>{WORDS}</p>")))
    yield library, article_id  # type: ignore[misc]
    library.close()


def test_cli_add_list_show_print_no_raw_escape_sequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tides.html"
    title = "Tides&#x1b;]0;owned&#7;&#x1b;[2J"
    source.write_text(f"<title>{title}</title><article><p>{WORDS}</p></article>")
    data = ["--data-dir", str(tmp_path / "data")]
    assert main([*data, "add", str(source), "--no-entities", "--tag", "sea\x1b[31m"]) == 0
    # A library written before the gate existed (or by another tool) may still hold anything.
    with Library(tmp_path / "data" / "library.sqlite3") as library:
        [summary] = library.list_articles()
        library.db.execute(
            "UPDATE articles SET title = ?, site_name = ?, byline = ? WHERE id = ?",
            [HOSTILE_TITLE, "site\x1b[5m", "by\r\x9b", summary.id],
        )
    outputs = []
    for command in (["list"], ["list", "--json"], ["show", str(summary.id)], ["search", "tide"]):
        assert main([*data, *command]) == 0
        outputs.append(capsys.readouterr())
    assert main([*data, "show", str(summary.id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["title"] == HOSTILE_TITLE  # JSON for scripts keeps the data, escaped
    for captured in outputs:
        assert not RAW_CONTROL.search(captured.out + captured.err), captured
    assert "Tides\\x1b]0;owned\\x07" in outputs[2].out


def test_cli_errors_print_no_raw_escape_sequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "gone\x1b]0;owned\x07.html"
    assert main(["--data-dir", str(tmp_path / "d"), "add", str(missing), "--no-entities"]) == 1
    captured = capsys.readouterr()
    assert not RAW_CONTROL.search(captured.out + captured.err)
    assert "gone\\x1b]0;owned\\x07.html" in captured.err
