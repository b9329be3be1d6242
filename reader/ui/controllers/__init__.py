"""Controllers between widgets and the core: they own the slow work and say when it is done."""

from __future__ import annotations

from reader.ui.controllers.entities import (
    EntityController,
    Recognise,
    is_english,
    load_default_recogniser,
    serialised,
    split_result,
)
from reader.ui.controllers.loader import ArticleLoader
from reader.ui.errors import readable_error

__all__ = [
    "ArticleLoader",
    "EntityController",
    "Recognise",
    "is_english",
    "load_default_recogniser",
    "readable_error",
    "serialised",
    "split_result",
]
