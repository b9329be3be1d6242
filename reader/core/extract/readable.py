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

from .media import has_image, unwrap_noscript_images

MIN_LIST_ITEMS = 2
MAX_FIGURE_LINK_DENSITY = 0.3
# Share of the best candidate's score a sibling with the same class gets added when joining.
SAME_CLASS_BONUS = 0.2
# Promotion of the best candidate to an ancestor: rivals scoring at least this share of the best
# one count, and this many of them must sit under the ancestor.
RIVAL_SHARE = 0.75
MIN_RIVALS = 3
TOP_RANKED = 5
# Walking up from the best candidate stops at an ancestor scoring under this share of the last.
WALK_STOP_SHARE = 1 / 3
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TABLE_PARTS = ("table", "thead", "tbody", "tr")
_BLOCK_HOLDERS = ("div", "section", "article", "main")
MAX_FIGURE_WRAPPER_CHARS = 500
MAX_IMAGE_WRAPPER_CHARS = 200
MAX_WRAPPED_IMAGES = 2
_DROP_TAGS = ("script", "style", "noscript", "link", "template")


def strip_for_scoring(root: lxml.html.HtmlElement) -> None:
    """Remove what readability must not score: scripts, styles, comments, hidden elements."""
    unwrap_noscript_images(root)
    doomed = []
    for node in root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction, *_DROP_TAGS):
        doomed.append(node)
    for node in doomed:
        _drop(node)
    # Embedded posts are quotes the article makes ("twitter-tweet", "instagram-media"); the
    # scorer would drop them as social widgets by their class names.
    # The same for the parts of a table: a "header_cell" is the table's heading row, not the
    # page header.
    for quote in root.iter("blockquote", "thead", "tbody", "tr", "td", "th"):
        for name in ("class", "id"):
            value = quote.get(name)
            if value and REGEXES["unlikelyCandidatesRe"].search(value):
                del quote.attrib[name]
                if quote.tag != "blockquote":
                    quote.set(f"data-{name}", value)  # still read for heading rows
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
        links = elem.iterdescendants("a")
        if elem.tag in _HEADINGS:
            # A heading that links to its own place on the page ("Setup ¶", a backlink to the
            # contents) is a section heading, not a link to another story.
            links = (a for a in links if not (a.get("href") or "").startswith("#"))
        link_length = sum(_text_length(a) for a in links)
        return link_length / max(_text_length(elem), 1)

    def get_preserved_elements(self, node: lxml.html.HtmlElement) -> dict[Any, bool]:
        # Readability drops a list whose text is short (under 25 characters: "eggs, milk,
        # flour") or whose items are links; a list inside the article is article text (lists
        # of other stories are cut later by their headings).
        allowed: dict[Any, bool] = super().get_preserved_elements(node)
        for elem in node.iterdescendants("ul", "ol"):
            if len(elem.findall("li")) >= MIN_LIST_ITEMS and self.class_weight(elem) >= 0:
                allowed[elem] = True
        # A wrapper around a captioned picture ("image-meta", "media") scores as negative by its
        # class name; the picture and its caption and credit are part of the article.
        # Every element that holds a picture, found once from the pictures up.
        holds_image = {a for i in node.iterdescendants("img", "video") for a in i.iterancestors()}
        for elem in node.iterdescendants("div", "section"):
            if (
                elem.find(".//figcaption") is not None
                and elem.find(".//p") is None
                and _text_length(elem) <= MAX_FIGURE_WRAPPER_CHARS
                and self.get_link_density(elem) < MAX_FIGURE_LINK_DENSITY
            ):
                allowed[elem] = True
            elif (
                elem in holds_image
                and len(elem.findall(".//img")) <= MAX_WRAPPED_IMAGES
                and _text_length(elem) <= MAX_IMAGE_WRAPPER_CHARS
                and self.class_weight(elem) >= 0
                and has_image(elem)
                and self.get_link_density(elem) < MAX_FIGURE_LINK_DENSITY
            ):
                # The wrappers a picture sits in (aspect-ratio boxes, lazy-load holders) have
                # no text of their own; readability drops them as empty.
                allowed[elem] = True
        return allowed

    def select_best_candidate(self, candidates: dict[Any, dict[str, Any]]) -> Any:
        best = super().select_best_candidate(candidates)
        if not best:
            return best
        top = _promoted(best["elem"], best, candidates)
        if top is best["elem"]:
            return best
        if top not in candidates:
            candidates[top] = self.score_node(top)
        return candidates[top]

    def get_article(self, candidates: Any, best_candidate: Any, html_partial: bool = False) -> Any:
        # A sibling dressed like the best candidate (the same class) is another part of the
        # article: it joins with a lower score of its own.
        best = best_candidate["elem"]
        name = (best.get("class") or "").strip()
        parent = best.getparent()
        if name and parent is not None:
            bonus = best_candidate["content_score"] * SAME_CLASS_BONUS
            for sibling in parent:
                if (
                    sibling is not best
                    and sibling in candidates
                    and (sibling.get("class") or "").strip() == name
                ):
                    candidates[sibling]["content_score"] += bonus
        return super().get_article(candidates, best_candidate, html_partial)

    def get_clean_html(self) -> str:
        self.article = self.html
        return str(lxml.html.tostring(self.html, encoding="unicode"))


def _promoted(top: Any, best: dict[str, Any], candidates: dict[Any, dict[str, Any]]) -> Any:
    """The element that holds the whole article when the best candidate holds only part of it.

    Three moves: a data table's rows go up to the block holding the table (its introduction and
    notes are beside it); a best candidate with several close rivals goes up to the ancestor
    they share (an article split into several bodies); and an ancestor scoring higher than the
    candidates on the way to it wins.
    """
    if top.tag in _TABLE_PARTS:
        table = top if top.tag == "table" else next(top.iterancestors("table"), None)
        holder = table.getparent() if table is not None else None
        if (
            holder is not None
            and holder.tag in _BLOCK_HOLDERS
            and table is not None
            and table.find(".//th") is not None
        ):
            top = holder
    score = best["content_score"]
    ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)
    ranked = ranked[:TOP_RANKED]
    # Only when the best candidate is the top scorer (not a semantic <article>/<main> choice).
    if ranked and ranked[0] is best and score > 0:
        rivals = [
            set(c["elem"].iterancestors())
            for c in ranked[1:]
            if c["content_score"] >= RIVAL_SHARE * score
        ]
        if len(rivals) >= MIN_RIVALS:
            for ancestor in top.iterancestors():
                if ancestor.tag in ("body", "html"):
                    break
                if sum(ancestor in r for r in rivals) >= MIN_RIVALS:
                    top = ancestor
                    break
    last = candidates[top]["content_score"] if top in candidates else score
    floor = last * WALK_STOP_SHARE
    for ancestor in top.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if ancestor not in candidates:
            continue
        ancestor_score = candidates[ancestor]["content_score"]
        if ancestor_score < floor:
            break
        if ancestor_score > last:
            return ancestor
        last = ancestor_score
    return top


def find_article(root: lxml.html.HtmlElement, url: str | None) -> lxml.html.HtmlElement | None:
    """The article element readability chooses, or None when it finds nothing."""
    document = ReadableDocument(root, url=url)
    document.summary(html_partial=True)
    return document.article
