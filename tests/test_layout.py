"""The package layout shows the pipeline and keeps its direction: no module of ``sim`` imports
itself back through others, building a world never reaches the model, and the model uses only
SimPy's public API."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the ``sim`` modules it imports at run time (top level or inside functions;
    ``if TYPE_CHECKING:`` blocks are only for type checkers and are left out)."""
    modules = {_module_name(p): p for p in SIM.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and getattr(block.test, "id", None) == "TYPE_CHECKING"
            for node in ast.walk(block)
        }
        found = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sim"):
                found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        graph[name] = {m for m in found if m in modules and m != name and m != "sim"}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_building_a_world_never_simulates():
    # the world imports only the scenario language: no model, experiment, result or report
    graph = import_graph()
    for module, imports in graph.items():
        if module.startswith("sim.world"):
            outside = {m for m in imports if not m.startswith(("sim.world", "sim.config"))}
            assert not outside, (module, outside)


def test_reporting_never_simulates_and_the_model_writes_no_files():
    graph = import_graph()
    for module, imports in graph.items():
        if module.startswith("sim.reporting"):
            assert not {m for m in imports if m.startswith(("sim.model", "sim.experiments"))}, module
        if module.startswith("sim.model"):
            assert not {m for m in imports if m.startswith("sim.reporting")}, module


def test_the_model_uses_only_simpys_public_api():
    private = re.compile(r"env\._|\._queue|_eid|simpy\.events\.[A-Z_]*\b|from simpy\.\w+ import")
    for path in SIM.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not private.findall(text), (path, private.findall(text))
