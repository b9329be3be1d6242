"""readability-lxml's article finder, run on a tree we parsed once.

`readability.Document` re-parses its input and runs lxml's full `Cleaner` on each pass (and again
for `title()`, `author()`...). The cleaner alone is about half of its time. Here every pass gets a
fresh copy of our one parsed tree, stripped of what the scorer must not see (scripts, styles,
comments), and the chosen article comes back as an element rather than a string to parse again.
"""

from __future__ import annotations

import copy
from typing import Any

import lxml.etree
import lxml.html
from readability import Document
from readability.readability import REGEXES

MIN_LIST_ITEMS = 2
MAX_LIST_LINK_DENSITY = 0.3
MAX_FIGURE_WRAPPER_CHARS = 500
_DROP_TAGS = ("script", "style", "noscript", "link", "template")


def strip_for_scoring(root: lxml.html.HtmlElement) -> None:
    """Remove what readability must not score: scripts, styles, comments, hidden elements."""
    doomed = []
    for node in root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction, *_DROP_TAGS):
        doomed.append(node)
    for node in doomed:
        _drop(node)
    # Embedded posts are quotes the article makes ("twitter-tweet", "instagram-media"); the
    # scorer would drop them as social widgets by their class names.
    for quote in root.iter("blockquote"):
        for name in ("class", "id"):
            value = quote.get(name)
            if value and REGEXES["unlikelyCandidatesRe"].search(value):
                del quote.attrib[name]
    for node in root.xpath("//*[@hidden or @aria-hidden='true' or @style]"):
        style = node.get("style")
        if node.get("hidden") is not None or (style and REGEXES["displayNoneRe"].search(style)):
            _drop(node)


def _text_length(node: lxml.html.HtmlElement) -> int:
    return len(" ".join((node.text_content() or "").split()))


def _drop(node: Any) -> None:
    """Remove a node but keep its tail text in place."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


class ReadableDocument(Document):  # type: ignore[misc]
    """A readability Document over an already parsed (and already cleaned) tree."""

    def __init__(self, root: lxml.html.HtmlElement, url: str | None = None) -> None:
        super().__init__("", url=url)
        self._root = root
        self.article: lxml.html.HtmlElement | None = None

    def _parse(self, input: Any) -> lxml.html.HtmlElement:
        return copy.deepcopy(self._root)

    def get_link_density(self, elem: lxml.html.HtmlElement) -> float:
        # The parent's version runs three regular expressions over the text of every link and
        # of the element (a third of its run time); collapsing whitespace gives the same lengths.
        link_length = sum(_text_length(a) for a in elem.iterdescendants("a"))
        return link_length / max(_text_length(elem), 1)

    def get_preserved_elements(self, node: lxml.html.HtmlElement) -> dict[Any, bool]:
        # Readability drops a list whose text is short (under 25 characters: "eggs, milk,
        # flour"); a list of plain items inside the article is article text.
        allowed: dict[Any, bool] = super().get_preserved_elements(node)
        for elem in node.iterdescendants("ul", "ol"):
            if (
                len(elem.findall("li")) >= MIN_LIST_ITEMS
                and self.class_weight(elem) >= 0
                and self.get_link_density(elem) < MAX_LIST_LINK_DENSITY
            ):
                allowed[elem] = True
        # A wrapper around a captioned picture ("image-meta", "media") scores as negative by its
        # class name; the picture and its caption and credit are part of the article.
        for elem in node.iterdescendants("div", "section"):
            if (
                elem.find(".//figcaption") is not None
                and elem.find(".//p") is None
                and _text_length(elem) <= MAX_FIGURE_WRAPPER_CHARS
                and self.get_link_density(elem) < MAX_LIST_LINK_DENSITY
            ):
                allowed[elem] = True
        return allowed

    def get_clean_html(self) -> str:
        self.article = self.html
        return str(lxml.html.tostring(self.html, encoding="unicode"))


def find_article(root: lxml.html.HtmlElement, url: str | None) -> lxml.html.HtmlElement | None:
    """The article element readability chooses, or None when it finds nothing."""
    document = ReadableDocument(root, url=url)
    document.summary(html_partial=True)
    return document.article
