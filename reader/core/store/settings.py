"""The `settings` table: library-wide preferences as JSON values."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from reader.core.store.db import value


def get(conn: sqlite3.Connection, key: str, default: Any = None) -> Any:
    found = value(conn, "SELECT value FROM settings WHERE key = ?", [key])
    return default if found is None else json.loads(found)


def put(conn: sqlite3.Connection, key: str, setting: Any) -> None:
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, json.dumps(setting)],
    )
