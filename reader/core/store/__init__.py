"""The only place that runs SQL: the library file, its schema and one module per table group.

Each repository module is a set of plain functions over an `sqlite3.Connection`; `Library` is
the facade the GUI, the CLI and scripts call.
"""

# No `from __future__ import annotations` here: it would shadow the `annotations` submodule.

from reader.core.failures import database_error
from reader.core.store.db import (
    BUSY_TIMEOUT_MS,
    MIGRATIONS_TABLE,
    WRITE_ATTEMPTS,
    check_library_file,
    is_busy,
    open_database,
    rows,
    value,
    write_transaction,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS_TABLE",
    "WRITE_ATTEMPTS",
    "check_library_file",
    "database_error",
    "is_busy",
    "open_database",
    "rows",
    "value",
    "write_transaction",
]
