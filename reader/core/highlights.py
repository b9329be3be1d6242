"""Highlights over a library: the anchoring cascade of `reader.core.anchoring` applied to the
annotations a `Library` keeps, for a text that changed while nobody was placing them."""

from __future__ import annotations

from reader.core.anchoring import reanchor, text_hash
from reader.core.library import Library
from reader.core.models import Annotation
from reader.core.store import annotations as annotation_rows
from reader.core.store import articles


def current_annotations(library: Library, article_id: int) -> list[Annotation]:
    """An article's annotations placed on its current text, saving any that had to move.

    A library opened without the re-anchoring hook (an import, another tool) may have changed
    the text under them; they are placed the next time someone looks.
    """
    row = library.read(articles.text_row, article_id)
    annotations = library.annotations(article_id)
    if row is None:
        return annotations
    text = str(row["text"])
    digest = str(row["text_hash"] or text_hash(text))
    result = []
    for annotation in annotations:
        if annotation.text_hash != digest:
            moved = reanchor(annotation, text)
            if moved != annotation:
                moved = library.update_annotation(moved)
            annotation = moved
        result.append(annotation)
    return result


def reanchor_stale(library: Library) -> int:
    """Place every highlight whose article text changed since it was placed; returns how many
    articles were looked at. Exports and lists across the library call this first."""
    ids = library.read(annotation_rows.stale_article_ids)
    for article_id in ids:
        current_annotations(library, article_id)
    return len(ids)
