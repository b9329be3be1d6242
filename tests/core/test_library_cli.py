"""readmark-cli's library commands: a table for people, JSON for scripts, messages for mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def saved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[int]:
    ids = []
    for name, body in (
        ("tides", "Tide tables\n\nThe Severn bore rises twice a day near Gloucester town.\n"),
        ("bread", "Bread at dawn\n\nThe bakery opens at five and the river of people flows.\n"),
    ):
        path = tmp_path / f"{name}.txt"
        path.write_text(body, encoding="utf-8")
        code, out, err = run(capsys, "add", str(path), "--no-entities", "--json")
        assert code == 0, err
        ids.append(json.loads(out)[0]["id"])
    return ids


def test_add_list_show_and_search(capsys: pytest.CaptureFixture[str], saved: list[int]) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    header, _rule, *rows = out.splitlines()
    assert header.split()[:3] == ["ID", "TITLE", "SITE"] and len(rows) == 2
    code, out, _ = run(capsys, "list", "--json", "--sort", "title")
    assert [item["title"] for item in json.loads(out)] == ["Bread at dawn", "Tide tables"]
    code, out, _ = run(capsys, "search", "severn", "bore", "--json")
    [hit] = json.loads(out)
    assert hit["id"] == saved[0] and "[Severn]" in hit["snippet"]
    code, out, _ = run(capsys, "show", str(saved[0]))
    assert "Title:      Tide tables" in out and "near Gloucester town." in out


def test_tag_archive_delete_and_stats(capsys: pytest.CaptureFixture[str], saved: list[int]) -> None:
    tides, bread = (str(i) for i in saved)
    assert run(capsys, "tag", tides, "rivers", "maps")[1].strip() == "maps, rivers"
    assert run(capsys, "tag", tides, "maps", "--remove")[1].strip() == "rivers"
    assert run(capsys, "archive", bread)[0] == 0
    _code, out, _ = run(capsys, "list", "is:archived", "--json")
    assert [item["id"] for item in json.loads(out)] == [int(bread)]
    assert run(capsys, "delete", tides)[0] == 0
    assert json.loads(run(capsys, "list", "--json")[1]) == json.loads(
        run(capsys, "list", "is:archived", "--json")[1]
    )
    stats = json.loads(run(capsys, "stats", "--json")[1])
    assert (stats["articles"], stats["trash"], stats["archived"]) == (1, 1, 1)
    assert run(capsys, "delete", tides, "--restore")[0] == 0
    assert json.loads(run(capsys, "stats", "--json")[1])["articles"] == 2
    run(capsys, "delete", tides)
    assert "Deleted 1 article for good." in run(capsys, "delete", "--empty-trash")[1]


def test_mistakes_get_a_message_and_a_failing_exit_code(
    capsys: pytest.CaptureFixture[str], saved: list[int]
) -> None:
    code, _, err = run(capsys, "search", 'tag:"unclosed')
    assert code == 1 and "quote is not closed" in err and "Traceback" not in err
    code, _, err = run(capsys, "show", "999")
    assert code == 1 and "no article 999" in err
    code, _, err = run(capsys, "add", "/no/such/file.txt", "--no-entities")
    assert code == 1 and "No such file" in err


def test_a_file_that_is_not_a_library_is_reported(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "library.sqlite3").write_text("not a database", encoding="utf-8")
    code, _, err = run(capsys, "list")
    assert code == 1 and "not a Readmark library" in err
    assert (data_dir / "library.sqlite3").read_text(encoding="utf-8") == "not a database"
