"""Where a page's images really are: `srcset`, `<picture>` sources, lazy-loading attributes,
video posters and `<noscript>` fallbacks, with placeholders (a blank GIF, a blurred thumbnail
waiting for a script) told apart from the picture they stand in for."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.etree
import lxml.html

# The widest candidate of a srcset worth archiving; wider ones only cost bytes at reading size.
MAX_IMAGE_WIDTH_PX = 1600
MAX_DENSITY = 2.0
# Single-URL attributes lazy loaders put the real picture in, most specific first.
LAZY_SRC_ATTRIBUTES = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-hi-res-src",
    "data-full-src",
    "data-lazy",
    "data-url",
    "data-actualsrc",
    "data-echo",
    "data-pagespeed-lazy-src",
    "data-postersrc",
)
LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset", "data-original-set")
_PLACEHOLDER_NAME = re.compile(
    r"(?:^|[/_.-])(?:blank|spacer|pixel|transparent|placeholder|lazy|loading|grey|gray|empty)"
    r"[\w-]*\.(?:gif|png|svg|jpe?g|webp)(?:$|\?)",
    re.IGNORECASE,
)
_DESCRIPTOR = re.compile(r"^(\d+(?:\.\d+)?)([wx])$")
# Formats the reading view can decode everywhere; a <picture> source in another one is a
# last resort.
_COMMON_TYPES = ("image/jpeg", "image/png", "image/gif", "")


def absolute_url(href: str | None, base_url: str | None) -> str | None:
    """An absolute http(s) URL, or None for anything else (javascript:, data:, mailto:...)."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base_url or "", href)
    except ValueError:
        return None
    if not url.lower().startswith(("http://", "https://")) or any(c in url for c in ' \n\t<>"'):
        return None
    return url


def is_placeholder(url: str) -> bool:
    return url.lower().startswith("data:") or bool(_PLACEHOLDER_NAME.search(url))


def srcset_candidates(value: str) -> list[tuple[str, float, str]]:
    """(url, size, unit) per candidate of a srcset; unit "w" (width) or "x" (density).

    URLs may hold commas (image services put their options there), so a comma ends a candidate
    only after its URL, as the HTML standard parses it.
    """
    candidates: list[tuple[str, float, str]] = []
    position, length = 0, len(value)
    while position < length:
        while position < length and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < length and not value[position].isspace():
            position += 1
        url = value[start:position]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            start = position
            depth = 0
            while position < length and (value[position] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[position], 0)
                position += 1
            descriptor = value[start:position].strip()
        if not url:
            continue
        size, unit = 1.0, "x"
        for word in descriptor.split():
            match = _DESCRIPTOR.match(word.lower())
            if match:
                size, unit = float(match.group(1)), match.group(2)
        candidates.append((url, size, unit))
    return candidates


def best_from_srcset(value: str | None, base_url: str | None) -> str | None:
    """The candidate to archive: the widest up to MAX_IMAGE_WIDTH_PX (or the narrowest wider)."""
    if not value:
        return None
    usable = [
        (size, unit, url)
        for raw, size, unit in srcset_candidates(value)
        if (url := absolute_url(raw, base_url)) and not is_placeholder(url)
    ]
    if not usable:
        return None
    limit = {"w": MAX_IMAGE_WIDTH_PX, "x": MAX_DENSITY}
    within = [c for c in usable if c[0] <= limit[c[1]]]
    if within:
        return max(within, key=lambda c: c[0])[2]
    return min(usable, key=lambda c: c[0])[2]


def image_src(node: lxml.html.HtmlElement | None, base_url: str | None) -> str | None:
    """The URL of the picture an `<img>` (or `<video>` poster, `<picture>`) shows once loaded."""
    if node is None:
        return None
    if node.tag == "picture":
        image = node.find(".//img")
        found = image_src(image, base_url) if image is not None else None
        return found or _picture_source(node, base_url)
    for name in LAZY_SRC_ATTRIBUTES:
        url = absolute_url(node.get(name), base_url)
        if url and not is_placeholder(url):
            return url
    for name in LAZY_SRCSET_ATTRIBUTES:
        url = best_from_srcset(node.get(name), base_url)
        if url:
            return url
    url = absolute_url(node.get("poster" if node.tag == "video" else "src"), base_url)
    if url and not is_placeholder(url):
        return url
    url = best_from_srcset(node.get("srcset"), base_url)
    if url:
        return url
    parent = node.getparent()
    if parent is not None and parent.tag == "picture":
        return _picture_source(parent, base_url)
    return None


def _picture_source(picture: lxml.html.HtmlElement, base_url: str | None) -> str | None:
    sources = [s for s in picture.iter("source")]
    sources.sort(key=lambda s: (s.get("type") or "").lower() not in _COMMON_TYPES)
    for source in sources:
        for name in ("srcset", "data-srcset"):
            url = best_from_srcset(source.get(name), base_url)
            if url:
                return url
    return None


def unwrap_noscript_images(root: lxml.html.HtmlElement) -> None:
    """Put each `<noscript>` picture in the place of the script-driven one it stands for.

    A lazy loader ships a placeholder `<img>` and the real one inside `<noscript>` for readers
    without scripts; ours is such a reader. The placeholders beside it go, so the picture is
    not kept twice.
    """
    for noscript in list(root.iter("noscript")):
        images = [i for i in noscript.iter("img") if i is not noscript]
        if not images and "<img" in (noscript.text or ""):
            try:
                fragment = lxml.html.fragment_fromstring(noscript.text or "", create_parent="div")
            except (lxml.etree.ParserError, ValueError):
                continue
            images = list(fragment.iter("img"))
        if not images:
            continue
        parent = noscript.getparent()
        if parent is None:
            continue
        for sibling in list(parent):
            if sibling is not noscript and (sibling.tag == "img" or sibling.tag == "picture"):
                _remove_keeping_tail(sibling)
        index = parent.index(noscript)
        for offset, image in enumerate(images):
            image.tail = None
            parent.insert(index + offset, image)
        _remove_keeping_tail(noscript)


def _remove_keeping_tail(node: lxml.html.HtmlElement) -> None:
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def has_image(node: lxml.html.HtmlElement, base_url: str | None = None) -> bool:
    return any(image_src(i, base_url) for i in node.iter("img", "picture", "video"))
