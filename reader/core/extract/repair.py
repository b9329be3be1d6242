"""Markup made safe for the HTML parser before it runs, and trees repaired after it.

libxml2's HTML parser stops at 256 levels of nesting and drops everything below (and, when text
came before it, everything after); it spends quadratic time on an element with very many
attributes; and it does not know HTML5's void elements, so the rest of the paragraph after an
`<embed>` or a `<wbr>` ends up inside it, where cleanup removes it. A linear scan of the tags
fixes the first two before parsing; moving such elements' content out fixes the third after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

# Nesting kept as it is; tags opened below this depth are left out (their text is kept), which
# also keeps the tree shallow enough for the recursive walks after parsing.
MAX_NESTING = 200
MAX_ATTRIBUTES = 256
# A tag's attribute text shorter than this cannot hold more than MAX_ATTRIBUTES attributes.
_ATTRIBUTE_SCAN_CHARS = 2 * MAX_ATTRIBUTES

# Elements the parser closes itself or that never hold others: they do not add nesting.
_NOT_NESTING_NAMES = (
    "area base br col embed hr img input link meta param source track wbr keygen frame "
    "p li dt dd tr td th thead tbody tfoot option optgroup colgroup caption rt rp "
    "html head body script style textarea title"
)
_NOT_NESTING = frozenset(_NOT_NESTING_NAMES.split())
# HTML5 void elements libxml2's HTML4 parser treats as containers.
HTML5_VOID = ("embed", "source", "track", "wbr", "keygen", "param")

# A value quoted after "=" may hold "<" and ">" (an inline SVG as a data: URL); a quote anywhere
# else is an ordinary character, as in HTML's tokenizer. Possessive throughout: nothing to
# backtrack into, so a 2 MB tag costs no stack of saved positions.
_TAG = re.compile(
    r"""<(/?)([a-zA-Z][a-zA-Z0-9:-]{0,40})"""
    r"""((?:[^<>"'=]++|=\s*+"[^"]*+"|=\s*+'[^']*+'|[="'])*+)>"""
)
_ATTRIBUTE = re.compile(r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*))?""")
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "plaintext")


@dataclass(slots=True)
class Repairs:
    """What the scan changed, for the article's notice."""

    flattened: int = 0  # tags left out for nesting too deep
    attributes: int = 0  # attributes left out
    notes: list[str] = field(default_factory=list)

    def notices(self) -> list[str]:
        found = list(self.notes)
        if self.flattened:
            found.append(
                f"Part of this page was nested more than {MAX_NESTING} levels deep; "
                f"{self.flattened:,} tags below that were left out and their text kept."
            )
        if self.attributes:
            found.append(
                f"An element had more than {MAX_ATTRIBUTES} attributes; "
                f"{self.attributes:,} attributes were left out."
            )
        return found


def repair_markup(text: str) -> tuple[str, Repairs]:
    """`text` with over-deep tags and excess attributes taken out, in one pass over the tags."""
    repairs = Repairs()
    out: list[str] = []
    position = 0
    depth = 0
    skipped: list[int] = []  # depths at which an opening tag was left out
    raw_until: str | None = None
    for match in _TAG.finditer(text):
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        if raw_until is not None:
            if closing and name == raw_until:
                raw_until = None
            continue
        replacement: str | None = None
        if len(rest) > _ATTRIBUTE_SCAN_CHARS and not closing:
            attributes = _ATTRIBUTE.findall(rest)
            if len(attributes) > MAX_ATTRIBUTES:
                repairs.attributes += len(attributes) - MAX_ATTRIBUTES
                self_closing = "/" if rest.rstrip().endswith("/") else ""
                kept = " ".join(attributes[:MAX_ATTRIBUTES])
                replacement = f"<{match.group(2)} {kept}{self_closing}>"
        if name in _NOT_NESTING or rest.rstrip().endswith("/"):
            if not closing and name in _RAW_TEXT:
                raw_until = name
        elif closing:
            if skipped and skipped[-1] == depth:
                skipped.pop()
                replacement = ""
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_NESTING:
                skipped.append(depth)
                repairs.flattened += 1
                replacement = ""
        if replacement is not None:
            out.append(text[position : match.start()])
            out.append(replacement)
            position = match.end()
    if not out:
        return text, repairs
    out.append(text[position:])
    return "".join(out), repairs


def hoist_void_content(root: lxml.html.HtmlElement) -> None:
    """Move what the parser put inside HTML5 void elements back after them."""
    for element in list(root.iter(*HTML5_VOID)):
        parent = element.getparent()
        if parent is None or (not element.text and not len(element)):
            continue
        index = parent.index(element)
        children = list(element)
        tail = element.tail
        element.tail = element.text
        element.text = None
        for offset, child in enumerate(children, start=1):
            parent.insert(index + offset, child)
        last = children[-1] if children else element
        last.tail = (last.tail or "") + (tail or "")
