"""Our cleanup on top of readability: page furniture it keeps, as element and block rules.

Element rules run on the chosen article element (share and newsletter widgets, related-story
teasers, copyright and citation footers). Block rules run on the finished blocks, where the text
of a whole paragraph is known.
"""

from __future__ import annotations

import re
from dataclasses import replace

import lxml.html

from reader.core.models import Block, BlockKind

# Class/id words of widgets that are never article text.
_WIDGET = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|newsletter|subscribe|subscription|signup|sign-up"
    r"|related|recommend(?:ed|ations)?|read-?more|more-stories|promo|sponsor(?:ed)?|outbrain"
    r"|taboola|advert(?:isement)?|ad-?slot|ad-?container|ad-?wrapper|print-?only|screen-?reader"
    r"|sr-only|visually-?hidden|comments?|disqus|author-?bio|tags?|toolbar|breadcrumbs?)(?:$|[\s_-])",
    re.IGNORECASE,
)
_NEVER_WIDGET = {
    "h1",
    "h2",
    "h3",
    "figure",
    "figcaption",
    "img",
    "picture",
    "blockquote",
    "pre",
    "table",
}
# Widgets longer than this are left alone: a class word alone is weak evidence for long text.
MAX_WIDGET_CHARS = 600

# A copyright footer names a year or reserves rights; "© Provided by X" is a credit and stays.
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\b)\s*(?:©\s*)?(?:\d{4}\b|.{0,80}\ball rights reserved\b)"
    r"|^.{0,120}\ball rights reserved\.?$|^this (?:article|story|material) "
    r"(?:may not|cannot) be (?:republished|reproduced|redistributed)",
    re.IGNORECASE,
)
_CITATION = re.compile(r"^(?:cite this (?:article|page|story)|how to cite\b)", re.IGNORECASE)
_TEASER = re.compile(
    r"^(?:related(?:\s+(?:articles?|stories|posts?|content|coverage|reading))?|read more|"
    r"more from\b[^:]{0,40}|see also|also read|read also|recommended|you may also like|"
    r"(?:click|tap) here to\b[^:]{0,60}|sign up\b[^:]{0,60}newsletter[^:]{0,40})\s*[:»>|-]",
    re.IGNORECASE,
)
_FURNITURE_LINE = re.compile(
    r"^(?:advertisement|sponsored|share(?: this(?: article| story| post)?)?|share on \w+|"
    r"follow us(?: on \w+)?|print|email|tweet|pin it|whatsapp|facebook|twitter|linkedin|"
    r"skip advertisement|continue reading(?: the main story)?|story continues below"
    r"(?: advertisement)?|image|photo|listen to this article|related|read more|"
    r"sign up for our newsletter|subscribe(?: now)?|advert|close|comments?|warning|loading"
    r"|view (?:gallery|comments|more|all)|show more|more|next|previous|back to top)[\s.:!»>]*$",
    re.IGNORECASE,
)
# Short promotions for the site's newsletter, app or social accounts.
_PROMO = re.compile(
    r"\b(?:(?:sign up|subscribe)\b.{0,80}\b(?:newsletters?|inbox|e-?mails?)\b"
    r"|get (?:\w+ ){0,5}delivered|delivered (?:\w+ ){0,3}(?:to )?your inbox"
    r"|meet your inbox|in your inbox|download (?:our|the) app|follow (?:us|\w+(?: \w+)?) on "
    r"(?:twitter|facebook|instagram|linkedin|youtube)|requires javascript|enable javascript"
    r"|click here (?:for|to)\b|by clicking here)",
    re.IGNORECASE,
)
MAX_PROMO_CHARS = 220
_CREDIT_LINE = re.compile(
    r"^(?:photo|image|picture|credit|source|video|foto|bild)s?\b|\b(?:getty images|shutterstock"
    r"|reuters|afp|ap photo|epa)\b.{0,20}$|credit:",
    re.IGNORECASE,
)
# "Jane Doe is a reporter for X." closing an article is an author box, not article text.
_AUTHOR_BIO = re.compile(
    r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3} (?:is|was|covers|writes) (?:an? |the )?"
    r"(?:[\w-]+ ){0,4}(?:reporter|writer|correspondent|editor|columnist|journalist|contributor"
    r"|producer|author|freelance\w*)\b",
)
_LATE_DATE = re.compile(
    r"^(?:updated|published|posted|last updated|first published)\b.{0,60}$", re.IGNORECASE
)


def _text_len(node: lxml.html.HtmlElement) -> int:
    return len(" ".join(node.text_content().split()))


def _link_share(node: lxml.html.HtmlElement) -> float:
    linked = sum(_text_len(a) for a in node.iter("a"))
    return linked / max(1, _text_len(node))


def _drop(node: lxml.html.HtmlElement) -> None:
    if node.getparent() is not None:
        node.drop_tree()


def clean_article(root: lxml.html.HtmlElement) -> None:
    """Remove widgets and footers from the article element, in place."""
    doomed: list[lxml.html.HtmlElement] = []
    # Highlighters name their tokens ("token comment", "tag"): code is never a widget.
    in_code = {n for pre in root.iter("pre", "code") for n in pre.iter()}
    for node in root.iter():
        if (
            node is root
            or not isinstance(node.tag, str)
            or node.tag in _NEVER_WIDGET
            or node in in_code
        ):
            continue
        hint = f"{node.get('class') or ''} {node.get('id') or ''}"
        if (
            hint.strip()
            and _WIDGET.search(hint)
            and not _is_caption_or_credit(hint)
            and _text_len(node) <= MAX_WIDGET_CHARS
            and (node.tag != "p" or _text_len(node) < 100 or _link_share(node) >= 0.5)
        ):
            doomed.append(node)
    for node in doomed:
        _drop(node)


def _is_caption_or_credit(hint: str) -> bool:
    return bool(re.search(r"caption|credit|dateline", hint, re.IGNORECASE))


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


_BYLINE_LINE = re.compile(
    r"^(?:by|von|par|por|di|door|av|af)\s+\S.{0,80}$|^(?:written|posted|reported)\s+by\b.{0,80}$",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    r"^(?:(?:updated|published|posted|last\s+updated|first\s+published|modified)(?:\s+on)?\s*:?\s*)?"
    r"(?:\w+,?\s+){0,2}(?:\d{1,2}(?:st|nd|rd|th)?\s+\w+\.?,?\s+\d{4}|\w+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?"
    r"\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)"
    r"[\w\s,:./|()+-]{0,40}$",
    re.IGNORECASE,
)
# "From Wikipedia, the free encyclopedia": the site saying what it is, above every article.
_SITE_TAGLINE = re.compile(r"^from [\w .'-]{2,40}, the [\w -]{2,40}$", re.IGNORECASE)
MIN_BYLINE_PIECE_CHARS = 6
MAX_BYLINE_PIECE_WORDS = 6
# Notices a wiki puts over an article about the article ("needs additional citations", "you
# can help by adding..."): about its upkeep, not its subject.
_MAINTENANCE = re.compile(
    r"\b(?:you can help(?: by| to| improve)|please help (?:improve|by|to)|learn how and when to "
    r"remove this(?: template)? message|this (?:article|section|list) (?:needs additional "
    r"citations|does not cite any sources|has multiple issues|may (?:need|require) cleanup|is a "
    r"dynamic list))",
    re.IGNORECASE,
)
MAX_NOTICE_CHARS = 400
# Words every notice above holds; looking for them first spares the pattern on other text.
_NOTICE_WORDS = (
    "help",
    "citations",
    "template message",
    "dynamic list",
    "cleanup",
    "issues",
    "cite any",
)


def _is_maintenance_notice(text: str) -> bool:
    lowered = text.casefold()
    return any(w in lowered for w in _NOTICE_WORDS) and bool(_MAINTENANCE.search(text))


# A heading that opens a box of links to other stories.
_RELATED_HEADING = re.compile(
    r"^(?:related(?:\s+\w+){0,2}|more\s+(?:from|on|in|about|stories|news|articles)\b.{0,40}"
    r"|you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)|recommended"
    r"(?:\s+\w+){0,2}|read\s+(?:more|next|also)|also\s+read|see\s+also|most\s+(?:read|popular|"
    r"viewed|shared)|trending(?:\s+now)?|popular\s+(?:now|stories)|editor'?s\s+picks?"
    r"|what\s+to\s+read\s+next|further\s+reading|from\s+around\s+the\s+web)[\s.:!…»>]*$",
    re.IGNORECASE,
)
# Teaser headlines are shorter than this; a longer paragraph means the article goes on.
MAX_TEASER_CHARS = 140
# Repeats of blocks shorter than this are dropped.
MAX_REPEAT_CHARS = 400
# Only the first blocks can be the page's own header repeated in the body.
HEADER_BLOCKS = 6
TITLE_REPEAT_BLOCKS = 3


def _is_header_line(block: Block, title_key: str, byline_key: str) -> bool:
    text = block.text.strip()
    key = _norm(text)
    if not key:
        return False
    repeats_title = bool(title_key) and (key == title_key or (len(key) > 20 and key in title_key))
    if repeats_title and (block.kind is BlockKind.HEADING or len(key) > 0.8 * len(title_key)):
        return True
    if block.kind not in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) or len(text) > 160:
        return False
    if byline_key and (key == byline_key or key == "by " + byline_key):
        return True
    # A part of the byline on a line of its own ("Associated Press" under the names).
    if (
        byline_key
        and len(key) >= MIN_BYLINE_PIECE_CHARS
        and len(key.split()) <= MAX_BYLINE_PIECE_WORDS
        and (f" {key} " in f" {byline_key} " or byline_key.endswith(key))
    ):
        return True
    if _SITE_TAGLINE.match(text):
        return True
    return bool(_BYLINE_LINE.match(text) and len(text.split()) <= 12) or bool(
        _DATE_LINE.match(text)
    )


def clean_blocks(blocks: list[Block], title: str, byline: str | None = None) -> list[Block]:
    """Drop furniture paragraphs: teaser lines, copyright and citation footers, share labels,
    and the page header (title, byline, date line) repeated at the top of the body."""
    title_key = _norm(title)
    byline_key = _norm(byline or "")
    start = 0
    while start < min(len(blocks), HEADER_BLOCKS) and _is_header_line(
        blocks[start], title_key, byline_key
    ):
        start += 1
    # The title again as a heading just below a category line or two ("SQL", "Opinion").
    head = blocks[start : start + TITLE_REPEAT_BLOCKS]
    if title_key and any(b.kind is BlockKind.HEADING and _norm(b.text) == title_key for b in head):
        blocks = [
            *blocks[:start],
            *(b for b in head if not (b.kind is BlockKind.HEADING and _norm(b.text) == title_key)),
            *blocks[start + TITLE_REPEAT_BLOCKS :],
        ]
    kept: list[Block] = []
    seen: set[str] = set()
    seen_images: set[tuple[str | None, str]] = set()
    in_teasers = False
    for block in blocks[start:]:
        text = block.text.strip()
        if _RELATED_HEADING.match(text) and len(text) <= 60:
            in_teasers = True
            continue
        if in_teasers:
            # The headlines under a "Related stories" heading, up to the next real paragraph.
            if block.kind is BlockKind.HEADING or (
                block.kind is BlockKind.PARAGRAPH and len(text) >= MAX_TEASER_CHARS
            ):
                in_teasers = False
            else:
                continue
        key = _norm(text)
        if key and len(text) < MAX_REPEAT_CHARS:
            # The same caption or credit twice (responsive layouts repeat them as text).
            if block.kind is BlockKind.IMAGE:
                if (block.src, key) in seen_images:
                    continue
                seen_images.add((block.src, key))
                seen.add(key)
            elif block.kind is not BlockKind.TABLE:
                if key in seen:
                    continue
                if _CREDIT_LINE.match(text):
                    seen.add(key)
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.HEADING):
            if _FURNITURE_LINE.match(text) or _LATE_DATE.match(text):
                continue
            if len(text) < MAX_PROMO_CHARS and _PROMO.search(text):
                continue
            if len(text) < 200 and (_COPYRIGHT.search(text) or _CITATION.match(text)):
                continue
            if len(text) < 300 and _TEASER.match(text) and _mostly_link(block):
                continue
            if len(text) <= MAX_NOTICE_CHARS and _is_maintenance_notice(text):
                continue
        kept.append(block)
    # The author box at the end: "Jane Doe is a reporter for X." and the name line above it.
    while (
        kept
        and len(kept[-1].text) < MAX_PROMO_CHARS
        and (
            _AUTHOR_BIO.match(kept[-1].text)
            or (byline_key and _norm(kept[-1].text) in (byline_key, "by " + byline_key))
        )
    ):
        kept.pop()
    return attach_captions(kept)


# A line that credits or describes the picture above it: "(Artist: X)", "Photo: Y", "Via Z".
_CAPTION_LINE = re.compile(
    r"^\((?:[^()]{1,150})\)$|^(?:photo(?:graph)?s?|image|picture|illustration|artist|artwork"
    r"|source|credit|via|courtesy|screenshot|video|gif|art|foto|bild)(?:\s+(?:by|of|from|courtesy))?"
    r"\s*[:©]|^(?:图注|图片来源|图片|图|圖說|圖|摄影|攝影|来源|來源|写真|画像|사진)\s*[:：]",
    re.IGNORECASE,
)
MAX_CAPTION_CHARS = 160
MAX_LIST_CAPTION_CHARS = 400


def attach_captions(blocks: list[Block]) -> list[Block]:
    """Give an uncaptioned picture the credit line that follows it as its caption."""
    if not any(b.kind is BlockKind.IMAGE and not b.text for b in blocks):
        return blocks
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind is BlockKind.IMAGE
            and not previous.text
            and block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)
            and len(block.text) <= MAX_CAPTION_CHARS
            and _CAPTION_LINE.match(block.text.strip())
        ):
            out[-1] = replace(previous, text=block.text, inlines=block.inlines)
            continue
        out.append(block)
    # A caption a page wrote as a one-item list under its picture is the picture's caption.
    merged: list[Block] = []
    for index, block in enumerate(out):
        previous = merged[-1] if merged else None
        following = out[index + 1] if index + 1 < len(out) else None
        if (
            previous is not None
            and previous.kind is BlockKind.IMAGE
            and not previous.text
            and block.kind is BlockKind.LIST_ITEM
            and (following is None or following.kind is not BlockKind.LIST_ITEM)
            and len(block.text) <= MAX_LIST_CAPTION_CHARS
        ):
            merged[-1] = replace(previous, text=block.text, inlines=block.inlines)
            continue
        merged.append(block)
    return merged


def _mostly_link(block: Block) -> bool:
    linked = sum(i.end - i.start for i in block.inlines if i.kind == "link")
    return linked >= 0.4 * max(1, len(block.text))
