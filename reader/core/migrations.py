"""Where the schema steps used to live; they are in `reader.core.store.migrations` now."""

from __future__ import annotations

from reader.core.store.migrations import (
    ARTICLE_COLUMNS_V2,
    FTS_COLUMNS,
    V1_COLUMNS,
    domain_key,
    migrations,
)

__all__ = ["ARTICLE_COLUMNS_V2", "FTS_COLUMNS", "V1_COLUMNS", "domain_key", "migrations"]
