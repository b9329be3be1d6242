"""Entity recognition on hostile articles: long runs of capitals, huge paragraphs, a time budget."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from reader.core.entities import TAG_BATCH_CHARS, recognise
from reader.core.entities.casing import masked_runs
from reader.core.entities.document import document_pass
from reader.core.models import Article, Block, BlockKind


class SurfaceTagger:
    """Tags every occurrence of the given surfaces and records what it was given."""

    def __init__(self, spans: Sequence[tuple[str, str]] = ()) -> None:
        self.spans = list(spans)
        self.seen: list[str] = []

    def tag(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        self.seen.extend(texts)
        result = []
        for text in texts:
            found = []
            for surface, label in self.spans:
                start = text.find(surface)
                while start != -1:
                    found.append((start, start + len(surface), label))
                    start = text.find(surface, start + 1)
            result.append(found)
        return result


def _article(*blocks: tuple[BlockKind, str]) -> Article:
    return Article(title="t", blocks=tuple(Block(kind, text) for kind, text in blocks), lang="en")


BODY = "The council met John Smith in Paris on Monday. John Smith said little."


def test_a_100kb_heading_of_capitals_is_hidden_from_the_model_and_the_body_keeps_its_names():
    tagger = SurfaceTagger([("John Smith", "PERSON"), ("Paris", "GPE")])
    article = _article(
        (BlockKind.PARAGRAPH, BODY),
        (BlockKind.HEADING, "A" * 100_000),
        (
            BlockKind.HEADING,
            " ".join(itertools.islice(itertools.cycle(["Gamma", "Delta"]), 17_000)),
        ),
        (BlockKind.PARAGRAPH, BODY),
    )
    result = recognise(article, tagger)
    assert not result.note
    # The model never saw the runs: a name found there would be a name made of capitals.
    assert all("A" * 100 not in text and "Gamma Delta Gamma" not in text for text in tagger.seen)
    found = {article.text[m.start : m.end] for m in result.mentions}
    assert found == {"John Smith", "Paris"}
    assert all(
        m.end <= len(BODY) or m.start > len(article.text) - len(BODY) for m in result.mentions
    )


def test_blanked_runs_keep_every_offset_and_leave_short_names_and_lists_alone():
    text = "Mr Qi said " + " ".join(["Alpha"] * 20) + " and " + "x" * 300 + " then."
    masked = masked_runs(text)
    assert len(masked) == len(text)
    assert masked.startswith("Mr Qi said ") and masked.endswith(" and " + " " * 300 + " then.")
    listing = "Ann Lee, Bob Ray, Cy Day, Di Fox, Ed Go, Flo Hu, Gus Ip, Hal Jo, Ida Ku, Jo Lu"
    assert masked_runs(listing) == listing
    name = "the Democratic People's Republic Of Korea Central News Agency said"
    assert masked_runs(name) == name


def test_the_document_pass_over_a_long_word_of_capitals_finishes_and_finds_nothing_in_it():
    # Patterns free to start at any capital used to rescan a long word from each of its letters.
    for word in ("A" * 100_000, "Ab-" * 30_000, "Ab." * 30_000):
        text = f"Shares in {word}-based firm rose; {word} chief executive quit."
        spans = document_pass(text, [(10, 10 + len(word), "ORG")])
        assert spans == []


def test_a_paragraph_longer_than_the_model_accepts_reaches_it_in_pieces():
    sentence = "John Smith went to Paris. "
    paragraph = sentence * (3 * TAG_BATCH_CHARS // len(sentence))
    tagger = SurfaceTagger([("John Smith", "PERSON")])
    article = _article((BlockKind.PARAGRAPH, paragraph))
    result = recognise(article, tagger, budget_s=1e9)
    assert all(len(text) <= TAG_BATCH_CHARS for text in tagger.seen)
    assert "".join(tagger.seen) == paragraph
    people = [m for m in result.mentions if m.label == "PERSON"]
    assert len(people) == paragraph.count("John Smith")


def test_when_the_budget_is_used_up_the_mentions_stop_there_and_the_note_says_so():
    ticks = itertools.count()
    tagger = SurfaceTagger([("John Smith", "PERSON")])
    blocks = [(BlockKind.PARAGRAPH, BODY + " " + "word " * 4000) for _ in range(20)]
    article = _article(*blocks)

    def clock() -> float:
        return float(next(ticks))  # each piece of work takes a second

    result = recognise(article, tagger, budget_s=3, clock=clock)
    assert result.note.startswith("Entities were found in the first ")
    assert "longer than 3 s" in result.note
    assert result.mentions
    assert max(m.end for m in result.mentions) < len(article.text) // 2

    whole = recognise(article, tagger, budget_s=1e9)
    assert whole.note == ""
    people = [m for m in whole.mentions if m.label == "PERSON"]
    assert len(people) == article.text.count("John Smith") > len(result.mentions) // 2


def test_the_library_keeps_the_note_and_the_cli_prints_it(tmp_path, monkeypatch, capsys):
    from reader.cli import main
    from reader.core import entities
    from reader.core.library import Library

    def partial(article: Article, tagger: object = None) -> entities.EntityResult:
        return entities.EntityResult(note="Entities were found in the first 10 of 99 words only.")

    monkeypatch.setattr(entities, "recognise", partial)
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><article><p>{BODY * 5}</p></article></body></html>")
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "add", "--no-images", str(page)]) == 0
    assert "first 10 of 99 words only" in capsys.readouterr().err
    assert main(["--data-dir", str(data), "show", "1", "--no-text"]) == 0
    assert "Note:       Entities were found in the first 10" in capsys.readouterr().out
    with Library(data / "library.sqlite3") as library:
        assert library.entities_note(1).startswith("Entities were found")
        library.set_entities(1, [], [])
        assert library.entities_note(1) == ""
