"""The old import path of the highlight functions, kept while the highlights UI moves over:
the pure cascade is `reader.core.anchoring`, its use over a library `reader.core.highlights`."""

from __future__ import annotations

from reader.core.anchoring import (
    COLORS,
    at_offset,
    in_text_order,
    library_reanchor,
    new_annotation,
    reattach,
)
from reader.core.highlights import current_annotations, reanchor_stale

__all__ = [
    "COLORS",
    "at_offset",
    "current_annotations",
    "in_text_order",
    "library_reanchor",
    "new_annotation",
    "reanchor_stale",
    "reattach",
]
