"""sqlite-utils without numpy and pandas.

sqlite-utils imports both at start when they are installed, only to map their number types when
rows are inserted. The library never inserts them, and numpy alone costs the window about a
sixth of its start-up. While sqlite-utils is first imported both are marked absent, then the
marks are taken away, so the entity model and anything else still imports them as usual.
"""

from __future__ import annotations

import sys
import threading

_HEAVY = ("numpy", "pandas")


def load_sqlite_utils() -> None:
    if "sqlite_utils" in sys.modules or threading.active_count() > 1:
        return  # already there, or another thread might be importing numpy this very moment
    blocked = [name for name in _HEAVY if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]
