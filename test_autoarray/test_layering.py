"""
The package layering of DESIGN.md, checked on the source: no module imports another that imports
it back (top-level or lazy imports alike), and ``autoarray`` never imports ``autogalaxy``.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph():
    """``{module: {modules it imports}}`` over autoarray and autogalaxy, every import statement."""
    paths = {
        _module_name(p): p
        for pkg in ("autoarray", "autogalaxy")
        for p in (ROOT / pkg).rglob("*.py")
    }
    graph = {}
    for name, path in paths.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    edges.add(target if target in paths else node.module)
            elif isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
        graph[name] = {e for e in edges if e in paths and e != name}
    return graph, paths


def test__autoarray_never_imports_autogalaxy():
    graph, _ = _import_graph()
    offending = {
        module: sorted(t for t in targets if t.startswith("autogalaxy"))
        for module, targets in graph.items()
        if module.startswith("autoarray")
    }
    assert {m: t for m, t in offending.items() if t} == {}


def test__no_module_imports_a_module_that_imports_it_back():
    graph, paths = _import_graph()
    # Package __init__ files only re-export; a cycle through one is not a module cycle.
    modules = {m for m, p in paths.items() if p.name != "__init__.py"}
    edges = {m: graph[m] & modules for m in modules}
    cycles = []
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target) :] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for module in sorted(modules):
        if module not in state:
            visit(module, [module])
    assert cycles == []
