"""Print the import graph between codepolicy's subpackages; exit 1 if it has a cycle.

Every ``import codepolicy.x...`` / ``from codepolicy.x... import`` in the package counts, at module
level or inside a function (a lazy import is still a dependency), except imports under
``if TYPE_CHECKING:``, which exist only for type checkers. Top-level modules (``codepolicy/errors.py``,
``registry.py``, ``pipeline.py``) are nodes of their own. Run by ``scripts/test``.

Usage: python scripts/import_graph.py [--dot]
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "codepolicy"
SKIP = {"__init__", "__main__"}


def node_of(module: str) -> str | None:
    """The graph node of a dotted module name inside codepolicy (None outside it)."""
    parts = module.split(".")
    if parts[0] != "codepolicy" or len(parts) < 2:
        return None
    return parts[1]


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(tree: ast.AST) -> list[str]:
    """Every codepolicy module a parsed file imports, outside ``if TYPE_CHECKING:`` blocks."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return [m for m in found if m.startswith("codepolicy.")]


def _python_files(package: Path) -> list[Path]:
    """Every .py file, following the linked envs/ and primitives/ directories."""
    files = []
    for root, _dirs, names in os.walk(package, followlinks=True):
        files.extend(Path(root) / n for n in names if n.endswith(".py"))
    return sorted(files)


def build_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Subpackage → the subpackages it imports (self-edges dropped)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in _python_files(package):
        rel = path.relative_to(package)
        if "programs" in rel.parts:  # reference programs are sandbox-dialect data
            continue
        source = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if source in SKIP:
            continue
        graph[source]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for module in imported_modules(tree):
            target = node_of(module)
            ours = target is not None and target != source and target not in SKIP
            if ours and ((package / target).is_dir() or (package / f"{target}.py").is_file()):
                graph[source].add(target)
    return dict(graph)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of nodes (first node repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := dfs(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := dfs(node)):
            return cycle
    return None


def layers(graph: dict[str, set[str]]) -> list[list[str]]:
    """Nodes by layer: layer 0 imports nothing of ours, layer k only layers below it."""
    level: dict[str, int] = {}

    def depth(node: str) -> int:
        if node not in level:
            level[node] = 0
            level[node] = 1 + max((depth(d) for d in graph.get(node, ())), default=-1)
        return level[node]

    for node in graph:
        depth(node)
    out: list[list[str]] = [[] for _ in range(max(level.values(), default=0) + 1)]
    for node, lv in sorted(level.items()):
        out[lv].append(node)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dot", action="store_true", help="print Graphviz dot instead of text")
    args = parser.parse_args()
    graph = build_graph()
    cycle = find_cycle(graph)
    if args.dot:
        print("digraph codepolicy {")
        for node in sorted(graph):
            for dep in sorted(graph[node]):
                print(f'  "{node}" -> "{dep}";')
        print("}")
    else:
        for node in sorted(graph):
            print(f"{node:12s} -> {', '.join(sorted(graph[node])) or '(nothing of ours)'}")
    if cycle:
        print(f"import cycle between subpackages: {' -> '.join(cycle)}", file=sys.stderr)
        return 1
    if not args.dot:
        print("layers, bottom up:")
        for i, nodes in enumerate(layers(graph)):
            print(f"  {i}: {', '.join(nodes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
