"""Highlights as W3C Web Annotation JSON-LD, and back.

Each highlight is an `Annotation` whose target names the article (its URL, or a `urn:` of its
library id when it has none) with a TextQuoteSelector and a TextPositionSelector; the note is a
Markdown TextualBody and the colour the target's `styleClass`. Reading accepts one annotation, a
list, an AnnotationPage or an AnnotationCollection (with its first page embedded).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from reader.core.anchoring import COLORS, DEFAULT_COLOR, new_id, reanchor
from reader.core.errors import ReadmarkError
from reader.core.highlights import reanchor_stale
from reader.core.models import Annotation

if TYPE_CHECKING:
    from reader.core.library import Library

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNOTATION_URN = "urn:readmark:annotation:"
ARTICLE_URN = "urn:readmark:article:"


class AnnotationFormatError(ReadmarkError):
    """The file is not Web Annotation JSON-LD Readmark can read."""


@dataclass(frozen=True, slots=True)
class Targeted:
    """An annotation read from JSON-LD with the source it annotates."""

    source: str
    annotation: Annotation

    @property
    def article_id(self) -> int | None:
        """The library id when the source is one of our article URNs."""
        if self.source.startswith(ARTICLE_URN):
            rest = self.source[len(ARTICLE_URN) :]
            return int(rest) if rest.isdigit() else None
        return None


def article_source(article_id: int, url: str | None) -> str:
    return url or f"{ARTICLE_URN}{article_id}"


def to_jsonld(annotation: Annotation, source: str, *, context: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if context:
        data["@context"] = CONTEXT
    data.update({"id": ANNOTATION_URN + annotation.id, "type": "Annotation"})
    data["motivation"] = "commenting" if annotation.note else "highlighting"
    if annotation.created_at:
        data["created"] = annotation.created_at
    if annotation.updated_at:
        data["modified"] = annotation.updated_at
    if annotation.note:
        data["body"] = [
            {"type": "TextualBody", "value": annotation.note, "format": "text/markdown"}
        ]
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": annotation.exact}
    if annotation.prefix:
        quote["prefix"] = annotation.prefix
    if annotation.suffix:
        quote["suffix"] = annotation.suffix
    selectors: list[dict[str, Any]] = [quote]
    if not annotation.orphaned:
        selectors.append(
            {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end}
        )
    data["target"] = {"source": source, "styleClass": annotation.color, "selector": selectors}
    return data


def collection(items: Iterable[tuple[Annotation, str]], label: str = "Readmark highlights") -> Any:
    """Many annotations as one AnnotationCollection document with its page embedded."""
    annotations = [to_jsonld(a, source, context=False) for a, source in items]
    return {
        "@context": CONTEXT,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(annotations),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": annotations},
    }


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("type", node.get("@type", ()))
    return {value} if isinstance(value, str) else set(value)


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item)
        return
    if not isinstance(data, dict):
        return
    types = _types(data)
    if "Annotation" in types:
        yield data
    elif "AnnotationCollection" in types:
        first = data.get("first")
        if isinstance(first, dict):
            yield from _nodes(first)
    elif "AnnotationPage" in types:
        yield from _nodes(data.get("items", []))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _selectors(target: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for selector in _as_list(target.get("selector")):
        if isinstance(selector, dict):
            found.append(selector)
            # A refinedBy chain narrows a selector; keep what it says too.
            found += _selectors({"selector": selector.get("refinedBy")})
    return found


def _note(bodies: Sequence[Any]) -> str:
    notes = []
    for body in bodies:
        if isinstance(body, str):
            continue  # a bare IRI body points elsewhere; nothing to show as a note
        if isinstance(body, dict):
            if body.get("purpose") in ("tagging", "classifying"):
                continue
            value = body.get("value", body.get("chars"))
            if isinstance(value, str) and value.strip():
                notes.append(value.strip())
    return "\n\n".join(notes)


def _annotation_id(node: dict[str, Any], *selectors: object) -> str:
    raw = node.get("id", node.get("@id"))
    if isinstance(raw, str) and raw.startswith(ANNOTATION_URN):
        return raw[len(ANNOTATION_URN) :]
    if isinstance(raw, str) and raw.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]:
        return raw.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    # No id: one derived from what it marks, so importing the same file twice adds nothing.
    return hashlib.sha256(json.dumps(selectors).encode("utf-8")).hexdigest()[:12]


def read_jsonld(text: str) -> Any:
    """Parse a JSON-LD document's text; malformed or absurdly nested JSON is a clear error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnnotationFormatError(f"This is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise AnnotationFormatError("This JSON is nested too deeply to be annotations.") from exc


def from_jsonld(data: Any) -> list[Targeted]:
    """The annotations in a parsed JSON-LD document; the ones without a quote are skipped."""
    if not isinstance(data, (dict, list)):
        raise AnnotationFormatError("This is not a Web Annotation document (expected JSON).")
    try:
        return _targeted(data)
    except RecursionError as exc:
        raise AnnotationFormatError("This JSON is nested too deeply to be annotations.") from exc


def _position(selector: dict[str, Any], key: str) -> int:
    try:
        return int(selector.get(key, 0))
    except (TypeError, ValueError):
        return 0  # a position that is no number: the quote alone anchors the highlight


def _targeted(data: Any) -> list[Targeted]:
    result: list[Targeted] = []
    for node in _nodes(data):
        for target in _as_list(node.get("target")):
            if not isinstance(target, dict):
                continue  # a whole-document target has no quote to anchor
            source = target.get("source") or target.get("id") or ""
            exact, prefix, suffix = "", "", ""
            start = end = 0
            for selector in _selectors(target):
                kind = _types(selector)
                if "TextQuoteSelector" in kind:
                    exact = str(selector.get("exact", ""))
                    prefix = str(selector.get("prefix", ""))
                    suffix = str(selector.get("suffix", ""))
                elif "TextPositionSelector" in kind:
                    start, end = _position(selector, "start"), _position(selector, "end")
            if not exact or not isinstance(source, str):
                continue
            color = target.get("styleClass")
            created = str(node.get("created", ""))
            result.append(
                Targeted(
                    source=source,
                    annotation=Annotation(
                        id=_annotation_id(node, source, exact, prefix, suffix, start, end),
                        start=start,
                        end=end,
                        exact=exact,
                        prefix=prefix,
                        suffix=suffix,
                        color=color if color in COLORS else DEFAULT_COLOR,
                        note=_note(_as_list(node.get("body"))),
                        created_at=created,
                        updated_at=str(node.get("modified", "")) or created,
                    ),
                )
            )
    if not result and "Annotation" not in str(data)[:10_000]:
        raise AnnotationFormatError("No Web Annotation found in this document.")
    return result


# -- into a library -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: highlights added, updated, orphaned, and sources not in the library."""

    added: int
    updated: int
    orphaned: int
    missing_sources: tuple[str, ...]


def find_article(library: Library, source: str) -> int | None:
    """The library article a Web Annotation source names, by URN, URL or canonical URL."""
    if source.startswith(ARTICLE_URN):
        rest = source[len(ARTICLE_URN) :]
        if not rest.isdigit():
            return None
        return int(rest) if library.is_live(int(rest)) else None
    return library.find_by_source(source)


def import_annotations(library: Library, items: Iterable[Targeted]) -> ImportReport:
    """Add (or update, by id) each annotation on its article, re-anchored on the article's text.

    A quote that cannot be found becomes an orphan on its article; annotations whose source is
    not in the library are counted, not stored.
    """
    added = updated = orphaned = 0
    missing: list[str] = []
    texts: dict[int, tuple[str, dict[str, Annotation]]] = {}
    for item in items:
        article_id = find_article(library, item.source)
        if article_id is None:
            if item.source not in missing:
                missing.append(item.source)
            continue
        if article_id not in texts:
            text = library.get(article_id).article.text
            texts[article_id] = (text, {a.id: a for a in library.annotations(article_id)})
        text, existing = texts[article_id]
        # An empty hash makes the cascade look again, starting from the stored position.
        placed = reanchor(replace(item.annotation, text_hash="", orphaned=False), text)
        orphaned += placed.orphaned
        if placed.id in existing:
            placed = replace(placed, created_at=existing[placed.id].created_at)
            library.update_annotation(placed)
            updated += 1
        else:
            if library.annotation_exists(placed.id):
                placed = replace(placed, id=new_id())
            library.add_annotation(article_id, placed)
            added += 1
        existing[placed.id] = placed
    return ImportReport(added, updated, orphaned, tuple(missing))


def library_document(library: Library, article_id: int | None = None) -> Any:
    """An AnnotationCollection of one article's highlights, or of the whole library's."""
    reanchor_stale(library)
    ids = [article_id] if article_id is not None else library.annotated_ids()
    pairs: list[tuple[Annotation, str]] = []
    for each in ids:
        source = article_source(each, library.get(each).article.url)
        pairs += [(annotation, source) for annotation in library.annotations(each)]
    return collection(pairs)
