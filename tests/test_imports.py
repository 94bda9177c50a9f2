"""The package's import graph: no cycle, counting imports inside functions too.

A cycle works until someone imports the other end first (``loading.py`` <->
``remote_loading.py`` did, through ``LoadReport``). The graph is read from the source with
``ast`` (every ``import`` at any depth, ``if TYPE_CHECKING:`` blocks left out as they never
run), so it costs no interpreter start per module and sees the imports a function makes
only when called.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import semsearch

PACKAGE = Path(semsearch.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST):
    """Every node, skipping the bodies of ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package's modules ``path`` imports (a package's ``__init__`` counts as a module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            # the deepest module of the package the name reaches
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    return {module_name(path): imports_of(path, modules) for path in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _is_package_edge(source: str, target: str) -> bool:
    # A package's __init__ re-exporting its own modules lazily, and a module importing
    # its package's __init__ (which Python runs first anyway) are not cycles of code.
    return source.startswith(target + ".") or target.startswith(source + ".")


def test_the_reader_sees_a_cycle_where_there_is_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_holds_lazy_imports_and_leaves_type_checking_out():
    graph = import_graph()
    # loading.py opens engines through the table; remote.py is imported inside a function.
    assert "semsearch.encoding.engines" in graph["semsearch.encoding.loading"]
    assert "semsearch.encoding.engines.remote" in graph["semsearch.encoding.engines.opening"]
    assert "semsearch.encoding.remote_loading" not in graph


def test_no_module_of_the_package_imports_itself_back():
    graph = {
        source: {t for t in targets if not _is_package_edge(source, t)}
        for source, targets in import_graph().items()
    }
    assert cycles(graph) == []


def test_only_the_engines_reach_inside_the_engines_package():
    # Everything else (the page, the settings, the answers, the twins) imports engines
    # from semsearch.encoding.engines, their public surface.
    inside = "semsearch.encoding.engines."
    graph = import_graph()
    leaks = {
        source: sorted(t for t in targets if t.startswith(inside))
        for source, targets in graph.items()
        if not source.startswith(inside)
    }
    modules = set(graph)
    root = PACKAGE.parent
    for path in [root / "app.py", *sorted((root / "app_views").glob("*.py"))]:
        leaks[path.name] = sorted(t for t in imports_of(path, modules) if t.startswith(inside))
    assert {source: found for source, found in leaks.items() if found} == {}


def test_loading_and_the_engines_import_alone_in_a_fresh_interpreter():
    # Either end of the old cycle first, then the other: each must import on its own.
    for first in ("semsearch.encoding.loading", "semsearch.encoding.engines.opening"):
        code = f"import {first}, semsearch.encoding.engines as e; e.open_engine; e.RemoteEngine"
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
