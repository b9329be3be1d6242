"""The only place that runs SQL: the library file, its schema and one module per table group.

Each repository module is a set of plain functions over an `sqlite3.Connection`; `Library` is
the facade the GUI, the CLI and scripts call.
"""

# No `from __future__ import annotations` here: it would shadow the `annotations` submodule.

from reader.core.store.lean_import import load_sqlite_utils

load_sqlite_utils()  # before any module of the store imports it

from reader.core.failures import database_error  # noqa: E402
from reader.core.store.db import (  # noqa: E402
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
