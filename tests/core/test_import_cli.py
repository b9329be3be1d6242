"""`readmark-cli import`: progress on stderr, failures and a summary on stdout, a CSV report."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.library import Library

from .importing.test_bulk_reliability import running_server
from .test_import_formats import FIXTURES


def test_cli_import_reports_progress_failures_and_saves_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_server() as server:
        source = tmp_path / "urls.txt"
        source.write_text(f"{server.url('ok', 1)}\n{server.url('missing', 2)}\n")
        data = tmp_path / "data"
        args = ["--data-dir", str(data), "import", str(source), "--delay", "0"]
        assert main([*args, "--no-entities", "--report", str(tmp_path / "r.csv")]) == 0
    out, err = capsys.readouterr()
    assert "2/2" in err and "\r" not in out  # the progress line stays on stderr
    assert f"failed\t{server.url('missing', 2)}\tThe page was not found (404)" in out
    assert "1 added, 0 already there, 1 failed" in out
    with (tmp_path / "r.csv").open(newline="") as handle:
        assert [row["status"] for row in csv.DictReader(handle)] == ["added", "failed"]
    with Library(data / "library.sqlite3") as library:
        assert library.count() == 1


def test_cli_import_of_a_content_export_needs_no_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    args = ["--data-dir", str(data), "import", str(FIXTURES / "wallabag.json"), "--quiet"]
    assert main([*args, "--format", "wallabag", "--no-entities", "--no-images"]) == 0
    assert "2 added" in capsys.readouterr().out


def test_cli_import_refuses_an_unknown_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text("[1, 2")
    assert main(["--data-dir", str(tmp_path / "d"), "import", str(odd), "--quiet"]) == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_cli_lists_import_jobs_with_their_state_and_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from reader.core.importing.job import prepare_import

    base = ["--data-dir", str(tmp_path / "data")]
    wallabag = [str(FIXTURES / "wallabag.json"), "--quiet", "--no-entities", "--no-images"]
    assert main([*base, "import", *wallabag]) == 0
    later = tmp_path / "later.txt"
    later.write_text("https://example.invalid/a\nhttps://example.invalid/b\n")
    with Library(tmp_path / "data" / "library.sqlite3") as library:
        prepare_import(library, later)  # recorded, never run: both items still to try
    capsys.readouterr()

    assert main([*base, "import", "--jobs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "id", "state", "added", "existing", "failed", "pending", "total", "started", "file"
    ]  # fmt: skip
    newest, oldest = lines[2].split(), lines[3].split()
    assert newest[2:7] == ["0", "0", "0", "2", "2"] and newest[-1] == str(later)
    assert oldest[1] == "done" and oldest[2:7] == ["2", "0", "0", "0", "2"]

    assert main([*base, "import", "--jobs", "--json"]) == 0
    jobs = json.loads(capsys.readouterr().out)
    assert [(job["format"], job["added"], job["pending"]) for job in jobs] == [
        ("urls", 0, 2),
        ("wallabag", 2, 0),
    ]
    assert jobs[1]["state"] == "done" and jobs[1]["source"] == wallabag[0]

    assert main([*base, "import"]) == 1
    assert "--jobs" in capsys.readouterr().err


def test_progress_into_a_pipe_is_a_few_plain_lines_and_on_a_terminal_one_line() -> None:
    import io

    from reader.commands.importexport import progress_printer
    from reader.core.importing.job import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def feed(stream: io.StringIO) -> str:
        show = progress_printer(stream)
        for done in range(1, 501):
            show(Progress(500, done, done, 0, 0, elapsed_s=done / 9, rate_per_s=9.0))
        return stream.getvalue()

    piped = feed(io.StringIO())
    assert "\r" not in piped
    lines = piped.splitlines()
    assert 1 <= len(lines) <= 3 and lines[-1].startswith("500/500  added 500")
    shown = feed(Terminal())
    assert shown.count("\r") == 500 and shown.endswith("\n")
