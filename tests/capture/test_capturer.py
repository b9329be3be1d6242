"""The capture service without HTTP: entities follow a new page at once after its answer, a page
saved again is recognised before its write, and the highlight lands with its article."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reader.core.capture import Capturer, anchor_selection, parse_request
from reader.core.library import Library
from reader.core.models import Article, Entity, Mention
from reader.core.paths import library_path

from .helpers import article_html


@dataclass(frozen=True)
class Found:
    mentions: tuple[Mention, ...]
    entities: tuple[Entity, ...]


class Recogniser:
    """Marks every "Lisbon"; can be held back to show the answer does not wait for it."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.calls = 0

    def __call__(self, article: Article) -> Found:
        self.calls += 1
        self.gate.wait(30)
        start = article.text.find("Lisbon")
        if start < 0:
            return Found((), ())
        key = "gpe:lisbon"
        return Found((Mention(start, start + 6, "GPE", key),), (Entity(key, "GPE", "Lisbon"),))


def _request(number: int, extra: str = "") -> object:
    html = article_html(number).replace("</h1>", f"</h1><p>A week in Lisbon{extra}, by tram.</p>")
    return parse_request({"url": f"https://news.example/{number}", "title": "", "html": html})


def test_a_new_page_is_answered_before_its_entities_and_they_follow(data_dir: Path) -> None:
    recognise = Recogniser()
    recognise.gate.clear()  # the model is slow today
    capturer = Capturer(library_path(data_dir), recognise=recognise)
    try:
        result = capturer.capture(_request(1))  # would wait 30 s if it waited for entities
        assert result.status == "added"
        with Library(library_path(data_dir)) as library:
            assert library.get(result.id).article.title == "Story 1"
            assert library.mentions(result.id) == []
            recognise.gate.set()
            capturer.wait_idle()
            (mention,) = library.mentions(result.id)
            text = library.get(result.id).article.text
        assert text[mention.start : mention.end] == "Lisbon"
    finally:
        capturer.close()


def test_a_page_saved_again_is_recognised_before_it_is_written(data_dir: Path) -> None:
    capturer = Capturer(library_path(data_dir), recognise=Recogniser())
    try:
        first = capturer.capture(_request(2))
        capturer.wait_idle()
        again = capturer.capture(_request(2, extra=" and Porto"))
        assert again.status == "updated" and again.id == first.id
        with Library(library_path(data_dir)) as library:
            (mention,) = library.mentions(again.id)  # already there: no wait
            text = library.get(again.id).article.text
        assert "and Porto" in text and text[mention.start : mention.end] == "Lisbon"
    finally:
        capturer.close()


def test_entities_of_a_text_changed_meanwhile_are_not_stored(data_dir: Path) -> None:
    recognise = Recogniser()
    recognise.gate.clear()
    capturer = Capturer(library_path(data_dir), recognise=recognise)
    try:
        first = capturer.capture(_request(3))
        # The same page saved again before the first recognition ended: its text changes.
        other = Capturer(library_path(data_dir))
        other.capture(_request(3, extra=", then Madrid and Seville, then home"))
        other.close()
        recognise.gate.set()
        capturer.wait_idle()
        with Library(library_path(data_dir)) as library:
            assert library.mentions(first.id) == []  # offsets into the old text would be wrong
    finally:
        capturer.close()


def test_a_selection_is_found_across_whitespace_and_small_differences() -> None:
    text = "The first paragraph ends here.\nThe second one starts with a quote."
    span = (text.index("ends here"), text.index("second") + len("second"))
    assert anchor_selection(text, "ends here.\n\n  The second") == span
    start, end = anchor_selection(text, "The secnd one starts") or (0, 0)
    assert text[start:end].startswith("The sec")
    assert anchor_selection(text, "   ") is None
    assert anchor_selection(text, "nothing like it at all in the whole text") is None
