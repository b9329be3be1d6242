"""`readmark-cli extract`: the clean article in each output format, saving nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from reader.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["extract", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_documented_keys(
    capsys: pytest.CaptureFixture[str], sample_path: Path
) -> None:
    code, out, _ = run(capsys, str(sample_path), "--format", "json")
    assert code == 0
    data = json.loads(out)
    for key in (
        "title",
        "byline",
        "site_name",
        "section",
        "published",
        "lang",
        "url",
        "text",
        "blocks",
        "word_count",
    ):
        assert key in data
    assert data["section"] == "World"
    assert data["word_count"] == len(data["text"].split())
    assert data["blocks"][-1] == {"kind": "paragraph", "text": "Reporting was contributed by AFP."}


def test_text_markdown_and_html(capsys: pytest.CaptureFixture[str]) -> None:
    page = str(FIXTURES / "list-and-quote.html")
    _, text, _ = run(capsys, page)
    assert text.startswith("River walk to grow by two miles\n")
    _, markdown, _ = run(capsys, page, "--format", "markdown")
    assert "# River walk to grow by two miles" in markdown
    assert "- two new footbridges over the canal" in markdown
    assert "> “This is the biggest change" in markdown
    _, html, _ = run(capsys, str(FIXTURES / "unsafe.html"), "--format", "html")
    assert html.startswith("<!DOCTYPE html>")
    assert "council minutes" in html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


def test_forcing_text_on_an_html_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(FIXTURES / "dateline.html"), "--as", "text")
    assert code == 0
    assert "<p>" in out  # read as text, the markup is the text


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"A note\n\nPlain words typed by hand."))
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, _ = run(capsys, "-")
    assert code == 0
    assert out == "A note\n\nPlain words typed by hand.\n"


def test_errors_are_one_readable_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, str(tmp_path / "missing.html"))
    assert code == 1
    assert out == ""
    assert err.startswith("readmark-cli: No such file")
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>")
    code, _, err = run(capsys, str(empty))
    assert code == 1
    assert "No readable text" in err or "No article" in err
