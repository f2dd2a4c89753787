"""The package's shape: no module imports one that (directly or not) imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")


def _imports(path: Path) -> set[str]:
    """The briefing modules a module imports when it runs, at any depth of its code (a
    function's import counts; one only for the type checker does not)."""
    name, found = _module_name(path), _imported(path)
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    # Importing a.b.c runs a and a.b first.
    closed = {".".join(m.split(".")[:n]) for m in found for n in range(1, m.count(".") + 2)}
    return {m for m in closed if m in modules and m != name}


def _imported(path: Path) -> set[str]:
    """What a module imports when it runs, by full name: modules, and the names taken from
    them (briefing.evidence.verify_citations)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    pending: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
    while pending:
        node = pending.pop()
        if _type_checking_only(node):
            continue
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            target = ".".join(p for p in (base, node.module or "") if p)
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        pending.extend(ast.iter_child_nodes(node))
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state = [], dict.fromkeys(graph, 0)  # 0 unseen, 1 on the path, 2 done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state[target] == 1:
                cycles.append([*path[path.index(target) :], target])
            elif state[target] == 0:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if state[module] == 0:
            visit(module)
    return cycles


def test_the_import_graph_has_no_cycle() -> None:
    graph = {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}
    assert "briefing.directives.base" in graph["briefing.parse"]  # the graph is read right
    assert "briefing.pdf" in graph["briefing.formats"]  # imports inside functions count
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


# What build() checks before it draws and renders: one pipeline (briefing.checking) runs
# them for build (and so check, watch and preview) and the language server alike.
CHECKS = {
    "briefing.language.check_language",
    "briefing.events.check_placed",
    "briefing.dating.check_dates",
    "briefing.evidence.verify_citations",
    "briefing.repeats.check_repeats",
    "briefing.editions.read_previous",
    "briefing.editions.compare_with_previous",
    "briefing.directives.judgement.check_rests_on",
}


def test_the_checks_are_run_by_the_check_pipeline_alone() -> None:
    importers = {
        _module_name(path): sorted(_imported(path) & CHECKS)
        for path in sorted(PACKAGE.rglob("*.py"))
        if _imported(path) & CHECKS
    }
    assert importers == {"briefing.checking": sorted(CHECKS - {
        "briefing.directives.judgement.check_rests_on"  # a directive's: from the registry
    })}  # fmt: skip
