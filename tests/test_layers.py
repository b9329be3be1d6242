"""The package keeps its layers: a wrong-way import or a circle fails here before it spreads.

The graph is read from the source with ast, so it sees imports inside functions too (a lazy import
still ties two modules together). Imports under ``if TYPE_CHECKING:`` never run, so they are left
out of the circle search but still count for the layer rules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "reader"

# Circles that are known and scheduled to go; each entry is the sorted tuple of its modules.
# Delete an entry when its circle is broken: the test then keeps it broken.
KNOWN_CIRCLES: set[tuple[str, ...]] = set()


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    typing_only: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, known: set[str]) -> None:
        self.module = module
        self.is_package = is_package
        self.known = known
        self.edges: list[Edge] = []
        self._typing_depth = 0

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self._typing_depth += 1
            for child in node.body:
                self.visit(child)
            self._typing_depth -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def _add(self, target: str, line: int) -> None:
        self.edges.append(Edge(self.module, target, line, self._typing_depth > 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = _resolve(self.module, self.is_package, node)
        for alias in node.names:
            # `from pkg import module` depends on the submodule, not only on the package.
            full = f"{base}.{alias.name}"
            self._add(full if full in self.known else base, node.lineno)


def _graph() -> tuple[set[str], list[Edge]]:
    files = sorted(PACKAGE.rglob("*.py"))
    known = {_module_name(path) for path in files}
    edges: list[Edge] = []
    for path in files:
        module = _module_name(path)
        collector = _Collector(module, path.name == "__init__.py", known)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        edges.extend(collector.edges)
    return known, edges


def _in_layer(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


def _where(edge: Edge) -> str:
    return f"{edge.source} (line {edge.line}) imports {edge.target}"


def test_the_graph_sees_the_package() -> None:
    known, edges = _graph()
    assert {"reader.core.library", "reader.ui.main_window", "reader.cli"} <= known
    assert any(e.source == "reader.cli" and _in_layer(e.target, "reader.commands") for e in edges)


def test_core_imports_only_core_and_never_qt() -> None:
    _, edges = _graph()
    wrong = [
        _where(e)
        for e in edges
        if _in_layer(e.source, "reader.core")
        and (
            # The package root holds only the version string, which the fetcher's user agent needs.
            (
                _in_layer(e.target, "reader")
                and e.target != "reader"
                and not _in_layer(e.target, "reader.core")
            )
            or _in_layer(e.target, "PySide6")
        )
    ]
    assert wrong == []


def test_commands_never_import_the_ui() -> None:
    _, edges = _graph()
    wrong = [
        _where(e)
        for e in edges
        if _in_layer(e.source, "reader.commands") and _in_layer(e.target, "reader.ui")
    ]
    assert wrong == []


def test_the_ui_never_imports_commands() -> None:
    _, edges = _graph()
    wrong = [
        _where(e)
        for e in edges
        if _in_layer(e.source, "reader.ui") and _in_layer(e.target, "reader.commands")
    ]
    assert wrong == []


def _circles(nodes: set[str], edges: list[Edge]) -> list[tuple[str, ...]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    succ: dict[str, set[str]] = {n: set() for n in nodes}
    for e in edges:
        if not e.typing_only and e.target in nodes and e.target != e.source:
            succ[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(succ[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(succ[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(tuple(sorted(component)))
    return sorted(found)


def test_the_circle_search_finds_a_circle() -> None:
    edges = [Edge("a", "b", 1, False), Edge("b", "c", 1, False), Edge("c", "a", 1, False)]
    assert _circles({"a", "b", "c", "d"}, edges) == [("a", "b", "c")]
    typing_only = [Edge("a", "b", 1, False), Edge("b", "a", 1, True)]
    assert _circles({"a", "b"}, typing_only) == []


def test_no_import_circles_beyond_the_known_ones() -> None:
    known, edges = _graph()
    # A package's __init__ re-exporting its own submodules is not a circle a reader must untangle.
    nodes = known
    inner = [
        e
        for e in edges
        if not (e.target.startswith(e.source + ".") or e.source.startswith(e.target + "."))
    ]
    circles = _circles(nodes, inner)
    assert [c for c in circles if c not in KNOWN_CIRCLES] == []
    # A circle that is gone must leave the list, so it cannot come back unnoticed.
    assert [c for c in KNOWN_CIRCLES if c not in circles] == []


def test_the_core_has_no_circle_even_through_lazy_or_typing_imports() -> None:
    # A circle hidden behind `if TYPE_CHECKING:` or an import inside a function still makes two
    # modules one: neither can be read, tested or moved without the other. In the core, where
    # nothing forces it, no such circle is allowed (the import graph already sees lazy imports).
    known, edges = _graph()
    core = {m for m in known if _in_layer(m, "reader.core")}
    inner = [
        Edge(e.source, e.target, e.line, typing_only=False)
        for e in edges
        if e.source in core
        and e.target in core
        and not (e.target.startswith(e.source + ".") or e.source.startswith(e.target + "."))
    ]
    assert _circles(core, inner) == []


def test_the_strict_circle_search_sees_a_typing_only_circle() -> None:
    known, _ = _graph()
    assert "reader.core.anchoring" in known and "reader.core.highlights" in known
    hidden = [Edge("a", "b", 1, False), Edge("b", "a", 1, True)]
    strict = [Edge(e.source, e.target, e.line, typing_only=False) for e in hidden]
    assert _circles({"a", "b"}, strict) == [("a", "b")]
