"""Which reading of a page was kept, and why: the extraction log a reader can ask for when an
article came out wrong, and the readings one can ask for instead.

The log is a value made beside the article (`extract_logged`), not stored: asking for it again
extracts the stored page again, which also makes it show every reading's length.
"""

from __future__ import annotations

from dataclasses import dataclass

# The readings one can ask for. "readmark" is the usual choice among the other three.
READMARK = "readmark"
READABILITY = "readability"
TRAFILATURA = "trafilatura"
WHOLE_PAGE = "whole page"
READINGS = (READMARK, READABILITY, TRAFILATURA, WHOLE_PAGE)
# What the extraction calls each reading it compares.
_NAMES = {"ours": READABILITY, "trafilatura": TRAFILATURA, "whole page": WHOLE_PAGE}

# Why a reading was kept, by the name of the rule that kept it (`choice.RULES` and the fallbacks).
REASONS = {
    "": "Readability's reading was kept: no rule preferred another one.",
    "nothing found": "Readability found no text, so the next reading with text was kept.",
    "product page": (
        "The page says it is a product; trafilatura's reading keeps a product's description "
        "and specifications together more often."
    ),
    "scattered page": (
        "The page does not say it is an article, and the whole page is more than three times "
        "as long as both readings: they had found a fragment of it."
    ),
    "more complete": (
        "trafilatura's reading is at least a tenth longer than readability's: it holds what "
        "readability cut off."
    ),
    "nothing left": (
        "Cleaning up the chosen reading left no text, so the whole page was kept instead."
    ),
    "description": "No reading held text, so the page's description is shown.",
    "asked for": "This reading was asked for (Extract Again).",
    "plain text": "The page is plain text: it has one reading, its text without the clutter.",
}


def reading_name(value: str) -> str:
    """A reading as a person may type it ("whole-page", "Whole page"), in the form READINGS use.

    Raises ValueError for a reading there is none of.
    """
    name = " ".join(value.replace("-", " ").replace("_", " ").split()).casefold()
    if name not in READINGS:
        raise ValueError(f"There is no reading {value!r}; choose one of: {', '.join(READINGS)}.")
    return name


@dataclass(frozen=True, slots=True)
class ExtractionLog:
    """The reading kept, the rule that kept it, and each reading's length in words (None for a
    reading that was not made, since nothing needed it)."""

    reading: str
    rule: str
    words: tuple[tuple[str, int | None], ...] = ()
    asked: str = READMARK  # the reading asked for
    # The page's largest passages the kept reading leaves out: (its start, its words), in page
    # order; made only when every reading is (`compare`).
    left_out: tuple[tuple[str, int], ...] = ()

    @property
    def reason(self) -> str:
        return REASONS.get(self.rule, self.rule)

    def lines(self) -> list[str]:
        """The log as lines of text, for a terminal or a dialog."""
        out = [f"Reading kept: {self.reading}", f"Why: {self.reason}"]
        if self.words:
            out.append("Readings compared:")
            for name, words in self.words:
                count = "not made" if words is None else _words(words)
                mark = "  (kept)" if name == self.reading else ""
                out.append(f"  {name}: {count}{mark}")
        if self.left_out:
            out.append("Left out of the page (largest passages):")
            out.extend(f"  {start} ({_words(words)})" for start, words in self.left_out)
        return out


def _words(count: int) -> str:
    return "1 word" if count == 1 else f"{count:,} words"


def log_name(internal: str) -> str:
    """The name a reading of `choice` goes by in the log."""
    return _NAMES.get(internal, internal)
