"""SQL lives in `reader/core/store/` only: everything else goes through `Library`, so the
statements that touch the library file can be read, checked and changed in one place."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

STORE = ROOT / "reader" / "core" / "store"
FACADE = ROOT / "reader" / "core" / "library.py"
RUNS_SQL = {"execute", "executemany", "executescript"}
# sqlite3 itself may be imported for its exception classes; opening a connection may not.
DRIVERS = {"sqlite_utils", "apsw"}


def sql_outside_the_store(source: str, *, facade: bool = False) -> list[str]:
    """Each place in `source` that runs SQL or reaches into a connection, as "line: what"."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in RUNS_SQL or (name == "query" and _ends_in_db(node.func.value)):
                found.append(f"{node.lineno}: .{name}(...)")
            elif name == "connect" and _is_name(node.func.value, "sqlite3"):
                found.append(f"{node.lineno}: sqlite3.connect(...)")
        elif isinstance(node, ast.Call) and _is_name(node.func, "Database"):
            found.append(f"{node.lineno}: Database(...)")
        elif isinstance(node, ast.Attribute) and node.attr == "conn":
            found.append(f"{node.lineno}: .conn")
        elif isinstance(node, ast.Attribute) and node.attr == "db":
            # The facade hands its own database to the store; nobody else reaches into it.
            if not (facade and isinstance(node.value, ast.Name) and node.value.id == "self"):
                found.append(f"{node.lineno}: .db")
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if _driver(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and _driver(node.module):
            found.append(f"{node.lineno}: from {node.module} import ...")
    return found


def _ends_in_db(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "db") or (
        isinstance(node, ast.Attribute) and node.attr == "db"
    )


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _driver(module: str) -> bool:
    return module.split(".")[0] in DRIVERS


def test_no_module_outside_the_store_runs_sql() -> None:
    offenders = {}
    for path in sorted((ROOT / "reader").rglob("*.py")):
        if STORE in path.parents:
            continue
        found = sql_outside_the_store(path.read_text(encoding="utf-8"), facade=path == FACADE)
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_the_check_sees_sql_written_in_each_usual_way() -> None:
    source = (
        "conn = sqlite3.connect('library.sqlite3')\n"
        "from sqlite_utils import Database\n"
        "library.db.execute('SELECT 1')\n"
        "conn.executemany('INSERT INTO t VALUES (?)', [(1,)])\n"
        "cursor = library.db.conn.cursor()\n"
        "rows = db.query('SELECT 2')\n"
        "self.db['articles'].insert({})\n"
    )
    found = sql_outside_the_store(source)
    assert [line.split(":")[0] for line in found].count("3") == 2  # .db and .execute
    assert {"1", "2", "4", "5", "6", "7"} <= {line.split(":")[0] for line in found}
    assert sql_outside_the_store("results = search(query)\nlibrary.count()\n") == []
    assert sql_outside_the_store("import sqlite3\nerror = sqlite3.OperationalError\n") == []
