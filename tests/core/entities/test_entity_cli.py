"""`readmark-cli entity`: the library's entities and the person's decisions, with the real
model. Each decision survives re-extraction, idle recognition and a re-import of an export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.entities import recognise
from reader.core.library import Library

PAGES = {
    "london.html": (
        "Obama in London",
        "<p>Barack Obama spoke in London on Tuesday to a crowd of Americans. Obama said the "
        "United States would help. Evolution is a market, said Obama.</p>"
        "<p>Later, Barack Obama met officials from the U.S. embassy and the European Union.</p>",
    ),
    "trade.html": (
        "The US and the EU",
        "<p>The US and the EU agreed on Friday. Obama welcomed the deal, and one American "
        "official said the talks with Evolution went well.</p>"
        "<p>Officials in LONDON said the talks went well.</p>",
    ),
}


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "data"
    for name, (title, body) in PAGES.items():
        page = tmp_path / name
        page.write_text(
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>"
        )
        assert main(["--data-dir", str(folder), "add", "--no-images", str(page)]) == 0
    capsys.readouterr()
    return folder


def cli(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> str:
    assert main(["--data-dir", str(data), "entity", *argv]) == 0
    return capsys.readouterr().out


def listed(capsys: pytest.CaptureFixture[str], data: Path) -> dict[str, dict[str, object]]:
    return {e["name"]: e for e in json.loads(cli(capsys, data, "list", "--json"))}


def test_list_gives_one_entity_per_real_thing(capsys, data: Path) -> None:
    entities = listed(capsys, data)
    obama = entities["Barack Obama"]
    assert obama["type"] == "PERSON" and obama["aliases"] == ["Obama"]
    assert obama["articles"] == 2 and obama["mentions"] >= 4
    assert entities["United States"]["articles"] == 2
    assert entities["London"]["articles"] == 2 and "LONDON" not in entities
    assert set(entities["Barack Obama"]) == {"name", "type", "aliases", "articles", "mentions"}
    rows = list(csv.DictReader(io.StringIO(cli(capsys, data, "list", "--csv"))))
    by_name = {row["name"]: row for row in rows}
    assert (
        by_name["United States"]["articles"] == "2" and "US" in by_name["United States"]["aliases"]
    )
    assert set(by_name) == set(entities)
    people = json.loads(cli(capsys, data, "list", "--type", "person", "--json"))
    assert {e["type"] for e in people} == {"PERSON"}


def test_show_lists_the_articles_with_their_mentions(capsys, data: Path) -> None:
    shown = json.loads(cli(capsys, data, "show", "Obama", "--json"))
    assert shown["name"] == "Barack Obama"
    assert {a["title"] for a in shown["articles_list"]} == {"Obama in London", "The US and the EU"}
    assert "Barack Obama (PERSON)" in cli(capsys, data, "show", "obama")
    assert main(["--data-dir", str(data), "entity", "show", "Nobody"]) == 1


def test_show_is_an_x_ray_of_the_entity(capsys, data: Path) -> None:
    shown = json.loads(cli(capsys, data, "show", "US", "--json"))
    assert shown["name"] == "United States"
    assert shown["description"] == "Obama said the United States would help."
    by_title = {a["title"]: a for a in shown["articles_list"]}
    london = by_title["Obama in London"]
    assert london["mentions"] == 2 and london["snippet"] == shown["description"]
    assert len(london["where"]) == 2 and all(0 <= w < 1 for w in london["where"])
    assert london["where"] == sorted(london["where"])
    assert by_title["The US and the EU"]["snippet"] == "The US and the EU agreed on Friday."
    together = {e["name"]: e["articles"] for e in shown["appears_with"]}
    assert together["European Union"] == 2 and "EU" not in together
    assert sum(shown["timeline"]["saved"].values()) == 2
    text = cli(capsys, data, "show", "Barack Obama")
    assert "First seen: Barack Obama spoke in London on Tuesday" in text
    assert "Appears with: " in text and "|" in text


def reextract_all(data: Path) -> None:
    with Library(data / "library.sqlite3", recognise=recognise) as library:
        for article_id in library.live_ids():
            library.reextract(article_id)


def recognise_idle(data: Path) -> None:
    """What the window's idle recogniser does: recognise and store."""
    with Library(data / "library.sqlite3") as library:
        for article_id in library.live_ids():
            found = recognise(library.get(article_id).article)
            library.set_entities(article_id, found.mentions, found.entities, found.note)


def reimport(data: Path, tmp_path: Path, capsys) -> Path:
    """The same export imported into a new library and again into this one."""
    export = tmp_path / "export.json"
    assert main(["--data-dir", str(data), "export", "--format", "json", str(export)]) == 0
    fresh = tmp_path / "fresh"
    assert main(["--data-dir", str(fresh), "import", "--quiet", str(export)]) == 0
    assert main(["--data-dir", str(data), "import", "--quiet", str(export)]) == 0
    capsys.readouterr()
    return fresh


def every_way(data: Path, tmp_path: Path, capsys) -> list[Path]:
    reextract_all(data)
    recognise_idle(data)
    return [data, reimport(data, tmp_path, capsys)]


def test_decisions_survive_reextraction_idle_recognition_and_reimport(
    capsys, data: Path, tmp_path: Path
) -> None:
    before = listed(capsys, data)
    assert before["Evolution"]["type"] in ("PERSON", "ORG", "GPE")
    cli(capsys, data, "reject", "Evolution")
    cli(capsys, data, "retype", "Tuesday", "time")
    cli(capsys, data, "merge", "Barack Obama", "Americans")
    cli(capsys, data, "add", "2", "--text", "the talks", "--type", "event")
    for library in every_way(data, tmp_path, capsys):
        entities = listed(capsys, library)
        assert "Evolution" not in entities
        assert entities["Tuesday"]["type"] == "TIME"
        assert "Americans" in entities["Barack Obama"]["aliases"]
        assert entities["the talks"]["type"] == "EVENT"
        assert entities["the talks"]["mentions"] == 2


def test_undo_takes_back_the_last_decision_and_the_model_speaks_again(capsys, data: Path) -> None:
    before = listed(capsys, data)
    cli(capsys, data, "reject", "Evolution")
    cli(capsys, data, "rename", "Barack Obama", "President Obama")
    assert "President Obama" in listed(capsys, data)
    assert "Undone: rename" in cli(capsys, data, "undo")
    assert "Barack Obama" in listed(capsys, data)
    assert "Evolution" not in listed(capsys, data)
    assert "Undone: reject" in cli(capsys, data, "undo")
    assert listed(capsys, data)["Evolution"] == before["Evolution"]
    assert "Nothing to undo" in cli(capsys, data, "undo")


def test_a_wrong_type_or_article_is_a_clear_error(capsys, data: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--data-dir", str(data), "entity", "retype", "Evolution", "planet"])
    assert "unknown type 'planet'" in capsys.readouterr().err
    assert (
        main(["--data-dir", str(data), "entity", "add", "99", "--text", "x", "--type", "org"]) != 0
    )
