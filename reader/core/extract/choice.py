"""Which reading of a page to keep: ours, trafilatura's, or the whole page.

Readability (ours) is built for articles; on forum threads, shop, listing and service pages it
often keeps one fragment. trafilatura fails on other pages than ours does, and on pages that are
not articles at all the best reading is often the page itself without its navigation, header,
footer and forms. Each rule below is small and named; the first that applies decides. Measured
on the WCXB dev pages (`tests/bench/bench_wcxb.py`, tuned on four fifths of each page type, the
fifth kept aside).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import lxml.etree
import lxml.html

from reader.core.models import Block, reading_units

from .blocks import to_blocks

# trafilatura's reading replaces ours when it is this much longer: it then holds ours and what
# readability cut off (the other posts of a thread, a product's details). Of two readings of
# about the same length ours stays, since it keeps more of the page's structure.
MORE_COMPLETE = 1.1
# The whole page is kept when it is this many times longer than both readings and the page does
# not say it is an article: both found a fragment of a page whose content is spread out.
WHOLE_PAGE = 3.0
# Below this many words there is no reading worth comparing.
MIN_WORDS = 1
# Below this many words readability's reading is a fragment the whole page may replace; above
# it, it is an article that merely sits in a long page (a news page with many teasers).
FRAGMENT_WORDS = 150

# What the whole-page reading leaves out: the site's chrome and everything that is not text.
_CHROME = (
    "//script|//style|//noscript|//template|//svg|//nav|//header|//footer|//aside"
    "|//*[@role='navigation']|//*[@role='banner']|//*[@role='contentinfo']|//*[@aria-hidden='true']"
)
_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "report",
    "techarticle",
    "scholarlyarticle",
}
_PRODUCT_TYPES = {"product", "productgroup", "offer", "aggregateoffer"}


@dataclass(frozen=True, slots=True)
class Declared:
    """What the page says about itself: schema.org types (JSON-LD or microdata) and og:type."""

    article: bool
    product: bool


def declared(root: lxml.html.HtmlElement) -> Declared:
    types: set[str] = set()
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            types |= _json_ld_types(script.text)
    for node in root.xpath("//*[@itemtype]"):
        types.add(str(node.get("itemtype")).rstrip("/").rsplit("/", 1)[-1].lower())
    for meta in root.xpath("//meta[@property='og:type' or @name='og:type']"):
        types.add((meta.get("content") or "").strip().lower().rsplit(".", 1)[-1])
    return Declared(article=bool(types & _ARTICLE_TYPES), product=bool(types & _PRODUCT_TYPES))


def _json_ld_types(text: str) -> set[str]:
    try:
        data = json.loads(text[:500_000])
    except (ValueError, RecursionError):
        return set()
    found: set[str] = set()
    stack, seen = [data], 0
    while stack and seen < 2_000:  # bounded: a hostile page cannot make this walk long
        node, seen = stack.pop(), seen + 1
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            kind = node.get("@type")
            for name in kind if isinstance(kind, list) else [kind]:
                if isinstance(name, str):
                    found.add(name.lower())
            stack.extend(
                v for k, v in node.items() if k in ("@graph", "mainEntity", "itemListElement")
            )
    return found


@dataclass(frozen=True, slots=True)
class Reading:
    name: str  # "ours", "trafilatura" or "whole page"
    blocks: list[Block]
    words: int


def reading(name: str, blocks: list[Block]) -> Reading:
    return Reading(name, blocks, sum(reading_units(b.text) for b in blocks))


def trafilatura_reading(text: str, url: str | None, fast: bool = True) -> Reading | None:
    """trafilatura's reading of the page as blocks, or None when it finds nothing.

    `fast` leaves out its own fallbacks (readability and jusText again; ours is the other
    reading), which halves its time; on shop pages they often find the description it missed.
    """
    try:
        import trafilatura

        result = trafilatura.extract(
            text,
            url=url,
            output_format="html",
            fast=fast,
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_links=True,
            include_formatting=True,
        )
    except Exception:  # an alternative reading is optional; any failure leaves ours
        return None
    if not result:
        return None
    try:
        return reading("trafilatura", to_blocks(lxml.html.document_fromstring(result), url))
    except (lxml.etree.ParserError, ValueError):
        return None


def whole_page_reading(page: lxml.html.HtmlElement, url: str | None) -> Reading:
    """The page's body without its navigation, header, footer, forms and scripts (in place)."""
    found = page.find("body")
    body = found if found is not None else page
    for node in body.xpath(_CHROME):
        if node.getparent() is not None:
            node.drop_tree()
    # Search boxes and sign-up forms go; a form that wraps the page (as some frameworks do) stays.
    total = len(body.text_content())
    for form in body.xpath("//form"):
        if form.getparent() is not None and len(form.text_content()) < total / 2:
            form.drop_tree()
    return reading("whole page", to_blocks(body, url))


class Candidates:
    """The readings of one page; the whole-page one is made only when a rule asks for it."""

    def __init__(
        self,
        ours: Reading,
        other: Reading | None,
        page: Declared,
        whole: Callable[[], Reading],
    ) -> None:
        self.ours = ours
        self.other = other  # trafilatura's
        self.page = page
        self._whole = whole
        self._made: Reading | None = None

    @property
    def whole(self) -> Reading:
        if self._made is None:
            self._made = self._whole()
        return self._made

    @property
    def made_whole(self) -> Reading | None:
        """The whole-page reading if a rule (or the log) asked for it, else None."""
        return self._made


Rule = Callable[[Candidates], Reading | None]


def _nothing_found(c: Candidates) -> Reading | None:
    if c.ours.words >= MIN_WORDS:
        return None
    if c.other is not None and c.other.words >= MIN_WORDS:
        return c.other
    return c.whole if c.whole.words >= MIN_WORDS else None


def _product_page(c: Candidates) -> Reading | None:
    # A shop page: trafilatura keeps the description and the specifications together more often.
    if c.page.product and c.other is not None and c.other.words >= MIN_WORDS:
        return c.other
    return None


def _scattered_page(c: Candidates) -> Reading | None:
    if c.page.article or c.page.product or c.ours.words >= FRAGMENT_WORDS:
        return None
    longest = max(c.ours.words, c.other.words if c.other else 0)
    return c.whole if c.whole.words > WHOLE_PAGE * longest else None


def _more_complete(c: Candidates) -> Reading | None:
    if c.other is not None and c.other.words >= MORE_COMPLETE * c.ours.words:
        return c.other
    return None


# In order; the first rule that returns a reading decides, else ours stays.
RULES: Sequence[tuple[str, Rule]] = (
    ("nothing found", _nothing_found),
    ("product page", _product_page),
    ("scattered page", _scattered_page),
    ("more complete", _more_complete),
)


def choose(c: Candidates) -> tuple[Reading, str]:
    """The reading to keep, and the name of the rule that chose it ("" when ours stays)."""
    for name, rule in RULES:
        chosen = rule(c)
        if chosen is not None:
            return chosen, name
    return c.ours, ""
