"""Article metadata from a parsed page: JSON-LD, OpenGraph and meta tags, `<time>`, bylines.

Precedence follows what publishers fill in most reliably: schema.org JSON-LD for an article, then
Dublin Core / OpenGraph / plain meta tags, then what the page shows (`<title>` with its site suffix
removed, a visible byline, a `<time>` element).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

import lxml.html

from .media import absolute_url

MAX_JSON_LD_CHARS = 500_000
MAX_BYLINE_CHARS = 100

_ARTICLE_TYPES = re.compile(
    r"^(?:Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle"
    r"|BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report"
    r"|SatiricalArticle|ScholarlyArticle|MedicalScholarlyArticle|SocialMediaPosting|BlogPosting"
    r"|LiveBlogPosting|DiscussionForumPosting|TechArticle|APIReference)$"
)
_PROPERTY = re.compile(
    r"\s*(article|dc|dcterm|og|twitter)\s*:\s*"
    r"(author|creator|description|published_time|title|site_name)\s*",
    re.IGNORECASE,
)
_NAME = re.compile(
    r"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(?:article|webpage))\s*[-.:]\s*)?"
    r"(author|creator|pub-date|description|title|site_name)\s*$",
    re.IGNORECASE,
)
_EXTRA_NAMES = {
    "article:published_time",
    "article:modified_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "citation_publication_date",
    "citation_date",
    "citation_author",
    "byl",
    "og:image",
    "og:url",
    "og:locale",
    "twitter:image",
    "application-name",
    "content-language",
    "sailthru.author",
}
_BYLINE_HINT = re.compile(r"byline|author|dateline|writtenby|p-author", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r" [|\-\\/>»] ")
_HIERARCHY_SEPARATORS = re.compile(r" [\\/>»] ")


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str = ""
    byline: str | None = None
    site_name: str | None = None
    published: str | None = None
    lang: str | None = None
    lead_image: str | None = None
    canonical_url: str | None = None
    excerpt: str | None = None


def _clean(text: str | None) -> str:
    return " ".join(html.unescape(text or "").split())


def _words(text: str) -> int:
    return len(text.split())


def _json_ld(root: lxml.html.HtmlElement) -> dict[str, Any]:
    """Fields of the first schema.org article object found in the page's JSON-LD."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = (script.text or "").strip()
        if not text or len(text) > MAX_JSON_LD_CHARS:
            continue
        text = re.sub(r"^\s*<!\[CDATA\[|\]\]>\s*$", "", text)
        try:
            data = json.loads(text)
        except ValueError:
            continue
        found = _find_article(data)
        if found:
            return found
    return {}


def _types(item: dict[str, Any]) -> list[str]:
    value = item.get("@type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _find_article(data: Any, depth: int = 0) -> dict[str, Any]:
    if depth > 4:
        return {}
    if isinstance(data, list):
        for item in data:
            found = _find_article(item, depth + 1)
            if found:
                return found
        return {}
    if not isinstance(data, dict):
        return {}
    if any(_ARTICLE_TYPES.match(t) for t in _types(data)):
        return data
    graph = data.get("@graph")
    if isinstance(graph, list):
        return _find_article(graph, depth + 1)
    return {}


def _names(value: Any) -> str | None:
    """A person or organisation value (string, object or list) as display text."""
    if isinstance(value, str):
        value = _clean(value)
        return value if value and not value.startswith(("http://", "https://")) else None
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_names(v) for v in value) if n]
        return ", ".join(names) if names else None
    return None


def _first_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and value:
        return _first_str(value[0])
    if isinstance(value, dict):
        return _first_str(value.get("url") or value.get("@id"))
    return None


def _meta_values(root: lxml.html.HtmlElement) -> dict[str, str]:
    values: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        content = content.strip()
        if not content:
            continue
        prop = meta.get("property")
        matched = False
        if prop:
            for match in _PROPERTY.finditer(prop):
                key = re.sub(r"\s", "", match.group(0)).lower()
                values[key] = content  # the last declaration wins, as in browsers' readers
                matched = True
            plain = prop.strip().lower()
            if plain in _EXTRA_NAMES:
                values.setdefault(plain, content)
        name = meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        if not matched and name:
            if _NAME.match(name):
                key = re.sub(r"\s", "", name).lower().replace(".", ":")
                values[key] = content
            plain = name.strip().lower()
            if plain in _EXTRA_NAMES or plain in ("datepublished", "author"):
                values.setdefault(plain, content)
    return values


def _heading_texts(root: lxml.html.HtmlElement) -> list[str]:
    return [_clean(h.text_content()) for h in root.iter("h1", "h2")]


def document_title(root: lxml.html.HtmlElement) -> str:
    """The `<title>` with a trailing " | Site" (or leading "Site: ") part removed."""
    title_node = root.find(".//title")
    original = _clean(title_node.text_content()) if title_node is not None else ""
    title = original
    hierarchical = False
    if _TITLE_SEPARATORS.search(title):
        hierarchical = bool(_HIERARCHY_SEPARATORS.search(title))
        title = re.sub(r"(.*)[|\-\\/>»] .*", r"\1", original)
        if _words(title) < 3:
            title = re.sub(r"^[^|\-\\/>»]*[|\-\\/>»](.*)", r"\1", original)
    elif ": " in title:
        if title.strip() not in _heading_texts(root):
            title = original[original.rfind(":") + 1 :]
            if _words(title) < 3:
                title = original[original.find(":") + 1 :]
            elif _words(original[: original.find(":")]) > 5:
                title = original
    elif len(title) > 150 or len(title) < 15:
        h1s = list(root.iter("h1"))
        if len(h1s) == 1:
            title = _clean(h1s[0].text_content())
    title = _clean(title)
    count = _words(title)
    if count <= 4 and (
        not hierarchical or count != _words(re.sub(r"[|\-\\/>»]+", "", original)) - 1
    ):
        title = original
    return title


_UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer"
    r"|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social"
    r"|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote",
    re.IGNORECASE,
)
_UNLIKELY_ROLES = {
    "menu",
    "menubar",
    "complementary",
    "navigation",
    "alert",
    "alertdialog",
    "dialog",
}
_MAYBE = re.compile(r"and|article|body|column|content|main|shadow", re.IGNORECASE)


def _unlikely(node: lxml.html.HtmlElement) -> bool:
    """Inside a header, menu, sidebar or comment area (what readability drops before scoring)."""
    current: lxml.html.HtmlElement | None = node
    while current is not None and isinstance(current.tag, str):
        if current.get("role") in _UNLIKELY_ROLES:
            return True
        hint = f"{current.get('class') or ''} {current.get('id') or ''}"
        if hint.strip() and _UNLIKELY.search(hint) and not _MAYBE.search(hint):
            return True
        if current.tag == "body":
            return False
        current = current.getparent()
    return False


_BLOCK_TAGS = frozenset({"div", "p", "br", "li", "section", "address", "h1", "h2", "h3", "h4"})


def _spaced_text(node: lxml.html.HtmlElement) -> str:
    """The element's text with a space where one block ends and the next begins ("By Jane
    Doe" then "Associated Press" are two lines, not "DoeAssociated")."""
    pieces: list[str] = []
    _walk_text(node, pieces, 0)
    return "".join(pieces)


def _walk_text(node: lxml.html.HtmlElement, pieces: list[str], depth: int) -> None:
    if node.text:
        pieces.append(node.text)
    for child in node:
        if isinstance(child.tag, str) and child.tag not in ("script", "style") and depth < 50:
            block = child.tag in _BLOCK_TAGS
            if block:
                pieces.append(" ")
            _walk_text(child, pieces, depth + 1)
            if block:
                pieces.append(" ")
        if child.tail:
            pieces.append(child.tail)


def visible_byline(root: lxml.html.HtmlElement) -> str | None:
    """Text of a short element the page marks as its author or byline."""
    body = root.find("body")
    for node in (body if body is not None else root).iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "meta", "link"):
            continue
        rel = node.get("rel") or ""
        itemprop = node.get("itemprop") or ""
        hint = f"{node.get('class') or ''} {node.get('id') or ''}"
        if not (rel == "author" or "author" in itemprop or _BYLINE_HINT.search(hint)):
            continue
        text = _clean(_spaced_text(node))
        if not 0 < len(text) < MAX_BYLINE_CHARS or _unlikely(node):
            continue
        name = node.find(".//*[@itemprop='name']")
        if name is not None and _clean(name.text_content()):
            return _clean(name.text_content())
        return text
    return None


def _time_element(root: lxml.html.HtmlElement) -> str | None:
    for node in root.iter("time"):
        value = (node.get("datetime") or "").strip()
        if re.match(r"^\d{4}-\d{2}-\d{2}", value) and (
            "published" in (node.get("itemprop") or "").lower()
            or "pub" in (node.get("class") or "").lower()
        ):
            return value
    for node in root.iter("time"):
        value = (node.get("datetime") or "").strip()
        if re.match(r"^\d{4}-\d{2}-\d{2}", value):
            return value
    return None


def _canonical(
    root: lxml.html.HtmlElement, base_url: str | None, values: dict[str, str]
) -> str | None:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            url = absolute_url(link.get("href"), base_url)
            if url:
                return url
    return absolute_url(values.get("og:url"), base_url)


def _lang(root: lxml.html.HtmlElement, values: dict[str, str], data: dict[str, Any]) -> str | None:
    candidates = [
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        values.get("content-language"),
        values.get("og:locale"),
        _first_str(data.get("inLanguage")),
    ]
    for value in candidates:
        if value:
            match = re.match(r"^\s*([A-Za-z]{2,3})(?:[-_]|\s*$|,)", value)
            if match:
                return match.group(1).lower()
    return None


def _pick_title(data: dict[str, Any], root: lxml.html.HtmlElement) -> str | None:
    name = data.get("name")
    headline = data.get("headline")
    name = _clean(name) if isinstance(name, str) else ""
    headline = _clean(headline) if isinstance(headline, str) else ""
    if name and headline and name != headline:
        page_title = document_title(root).lower()
        return (
            name
            if _similar(name.lower(), page_title) > _similar(headline.lower(), page_title)
            else headline
        )
    return name or headline or None


def _similar(a: str, b: str) -> float:
    """Share of b's words found in a (a rough text-similarity score)."""
    words_a = set(re.findall(r"\w+", a))
    words_b = re.findall(r"\w+", b)
    if not words_b:
        return 0.0
    return sum(1 for w in words_b if w in words_a) / len(words_b)


def extract_metadata(root: lxml.html.HtmlElement, base_url: str | None) -> Metadata:
    """Metadata from the whole page tree; call it before anything mutates the tree."""
    data = _json_ld(root)
    values = _meta_values(root)
    title = (
        _pick_title(data, root)
        or values.get("dc:title")
        or values.get("dcterm:title")
        or values.get("og:title")
        or values.get("weibo:article:title")
        or values.get("weibo:webpage:title")
        or values.get("title")
        or values.get("twitter:title")
        or values.get("parsely-title")
    )
    title = _clean(title) if title else document_title(root)
    article_author = values.get("article:author")
    if article_author and article_author.startswith(("http://", "https://")):
        article_author = None
    byline = (
        _names(data.get("author"))
        or values.get("dc:creator")
        or values.get("dcterm:creator")
        or values.get("author")
        or values.get("parsely-author")
        or article_author
        or values.get("citation_author")
        or values.get("sailthru.author")
    )
    if not byline:
        byline = visible_byline(root)
    publisher = data.get("publisher")
    site_name = _names(publisher) if isinstance(publisher, dict) else None
    site_name = site_name or values.get("og:site_name") or values.get("application-name")
    published = (
        _first_str(data.get("datePublished"))
        or values.get("article:published_time")
        or values.get("parsely-pub-date")
        or values.get("datepublished")
        or values.get("pubdate")
        or values.get("publishdate")
        or values.get("publish-date")
        or values.get("sailthru.date")
        or values.get("citation_publication_date")
        or values.get("dc.date.issued")
        or values.get("dc.date")
        or values.get("dcterms.created")
        or _time_element(root)
    )
    image = absolute_url(
        _first_str(data.get("image")) or values.get("og:image") or values.get("twitter:image"),
        base_url,
    )
    excerpt = (
        values.get("dc:description")
        or values.get("og:description")
        or values.get("description")
        or values.get("twitter:description")
    )
    return Metadata(
        title=title,
        byline=_clean(byline) or None if byline else None,
        site_name=_clean(site_name) or None if site_name else None,
        published=published.strip() if published else None,
        lang=_lang(root, values, data),
        lead_image=image,
        canonical_url=_canonical(root, base_url, values),
        excerpt=_clean(excerpt) or None if excerpt else None,
    )
