"""Hostile inputs give a one-line message and exit 1, never a traceback; reports disarm formulas."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.importing.job import ImportReport, ReportRow
from reader.core.library import Library
from reader.core.query import QueryError, parse

from .importing.test_bulk_reliability import running_server
from .test_library import make_article


def cli(tmp_path: Path, *args: str) -> list[str]:
    return ["--data-dir", str(tmp_path / "data"), *args]


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


# -- item 8: tracebacks instead of messages -------------------------------------------------


def test_add_of_an_invalid_ipv6_url_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(cli(tmp_path, "add", "http://[::1")) == 1
    assert "not a valid web address" in one_line_error(capsys)


def test_one_invalid_url_fails_its_row_and_the_import_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_server() as server:
        source = tmp_path / "urls.txt"
        source.write_text(f"http://[::1\nhttp://example.org:99999/\n{server.url('ok', 1)}\n")
        args = cli(tmp_path, "import", str(source), "--quiet", "--no-entities", "--delay", "0")
        assert main(args) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert "1 added, 0 already there, 2 failed" in out
    assert "failed\thttp://[::1\thttp://[::1 is not a valid web address" in out


@pytest.mark.parametrize("command", ["import", "highlights-import"])
def test_absurdly_nested_json_is_a_message(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    assert main(cli(tmp_path, command, str(deep))) == 1
    assert "nested too deeply" in one_line_error(capsys)


def test_a_csv_cell_over_the_csv_limit_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pocket = tmp_path / "pocket.csv"
    pocket.write_text(
        "title,url,time_added,tags,status\n" + "x" * 200_000 + ",https://example.org/a,1,,unread\n"
    )
    assert main(cli(tmp_path, "import", str(pocket), "--quiet")) == 1
    assert "a cell is longer than 128 KB" in one_line_error(capsys)


@pytest.mark.parametrize(
    "query", ["after:9999y", "before:9999y", "after:9999", "after:9999-12", "after:9999-12-31"]
)
def test_out_of_range_dates_are_a_message(
    query: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(QueryError, match="out of range"):
        parse(query)
    assert main(cli(tmp_path, "list", query)) == 1
    assert "out of range" in one_line_error(capsys)


@pytest.mark.parametrize("query", ["heron\x00s", '"grey\x00heron"', "title:heron\x00", "\x00"])
def test_a_nul_in_a_search_is_no_damaged_library(query: str, tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_article(make_article(body="Grey herons fish at dawn."))
        library.search(query)  # raised "The library ... is damaged" before
        library.list_articles(10, 0, filter=query)
        assert library.count(filter=query) in (0, 1)


# -- item 7: import reports ------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tpadded", "\rreturn"]


def test_report_cells_that_look_like_formulas_are_disarmed(tmp_path: Path) -> None:
    rows = tuple(
        ReportRow(url=formula, status="failed", reason=formula, article_id=None, title=formula)
        for formula in FORMULAS
    )
    path = tmp_path / "report.csv"
    ImportReport(job_id=1, rows=rows).save_csv(path)
    with path.open(newline="", encoding="utf-8") as handle:
        read = list(csv.DictReader(handle))
    for row, formula in zip(read, FORMULAS, strict=True):
        assert row["url"] == row["reason"] == row["title"] == "'" + formula


def test_cli_import_report_disarms_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "urls.txt"
    source.write_text("=cmd|' /C calc'!A0\n@SUM(1+1)\n")  # rows that fail without a request
    report = tmp_path / "report.csv"
    args = cli(tmp_path, "import", str(source), "--quiet", "--report", str(report))
    args += ["--no-entities", "--delay", "0"]
    assert main(args) == 0
    capsys.readouterr()
    with report.open(newline="", encoding="utf-8") as handle:
        urls = [row["url"] for row in csv.DictReader(handle)]
    assert urls == ["'=cmd|' /C calc'!A0", "'@SUM(1+1)"]


# -- item 5: control characters in imported highlights ----------------------------------------


def test_imported_web_annotations_keep_no_control_characters(tmp_path: Path) -> None:
    from reader.core.exporters.webannotation import from_jsonld, import_annotations

    with Library(tmp_path / "lib.sqlite3") as library:
        article_id = library.add_article(
            make_article(url="https://example.org/herons", body="Grey herons fish at dawn.")
        )
        dirty = "\x1b[31m\ufffe\x07"
        document = [
            {
                "type": "Annotation",
                "id": f"urn:x:{name}",
                "body": {"type": "TextualBody", "value": f"note{dirty} here"},
                "target": {
                    "source": "https://example.org/herons",
                    "selector": {"type": "TextQuoteSelector", "exact": exact},
                },
            }
            for name, exact in (("anchored", "fish"), ("orphan", f"absent{dirty}quote"))
        ]
        import_annotations(library, from_jsonld(document))
        saved = library.annotations(article_id)
    assert len(saved) == 2
    for annotation in saved:
        for text in (annotation.exact, annotation.prefix, annotation.suffix, annotation.note):
            assert not any(ord(c) < 0x20 and c not in "\t\n" for c in text), repr(text)
            assert "\ufffe" not in text
        assert annotation.note == "note[31m here"
    assert {a.exact for a in saved} == {"fish", "absent[31mquote"}
