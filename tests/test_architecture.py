"""The layout keeps the pipeline's shape (docs/architecture.md): stage packages, data flowing one way, no cycles.

Read from the source with ``ast`` (nothing is imported), so a cycle through a lazy import inside a function or
a ``TYPE_CHECKING`` block counts as much as one at the top of a module: each of those has hidden a real cycle
here before.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ofsted_kg"
# Lowest first.  A module may import from its own package and from any package of a lower layer, never higher.
LAYERS = [
    {"ofsted_kg", "ofsted_kg.resources", "ofsted_kg.files", "ofsted_kg.text"},
    {"ofsted_kg.extract"},
    {"ofsted_kg.rdf"},
    {"ofsted_kg.derive"},
    {"ofsted_kg.stores"},
    {"ofsted_kg.query"},
    {"ofsted_kg.review"},
    {"ofsted_kg.pipeline"},
    {"ofsted_kg.validate"},
    {"ofsted_kg.evaluate"},
    {"ofsted_kg.views"},
    {"ofsted_kg.serve"},
    {"ofsted_kg.cli"},
]
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``path`` imports, anywhere in the file."""
    own = _module_name(path)
    package = own if path.name == "__init__.py" else own.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in modules and name != own}


def _graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        graph.add_edges_from((name, target) for target in _imports(path, modules))
    return graph


def _layer(module: str) -> int:
    for n, layer in enumerate(LAYERS):
        if module in layer or any(module.startswith(f"{p}.") for p in layer if p != "ofsted_kg"):
            return n
    raise AssertionError(f"{module} belongs to no layer of tests/test_architecture.py: add its package there")


def test_the_import_graph_is_read():
    """The checks below would pass on an empty graph: make sure they see the real one."""
    graph = _graph()
    assert graph.number_of_nodes() > 60
    assert ("ofsted_kg.derive.followup", "ofsted_kg.derive.units") in graph.edges
    assert ("ofsted_kg.cli.build", "ofsted_kg.pipeline.build") in graph.edges


def test_no_import_cycle():
    cycles = sorted(" -> ".join(c + c[:1]) for c in nx.simple_cycles(_graph()))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_data_flows_one_way():
    """extract -> rdf -> derive -> stores -> query -> review -> pipeline -> validate -> evaluate -> views -> serve
    -> cli: an import from a later stage into an earlier one is a design error, not a style point."""
    upward = sorted(f"{a} imports {b}" for a, b in _graph().edges if _layer(b) > _layer(a))
    assert not upward, "imports against the flow:\n" + "\n".join(upward)


@pytest.mark.parametrize("module", sorted(_modules()))
def test_every_module_is_short(module):
    lines = len(_modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES}): split it by what it does"


@pytest.mark.parametrize("package", sorted(p for p in _modules() if _modules()[p].name == "__init__.py"))
def test_every_package_says_what_it_owns(package):
    tree = ast.parse(_modules()[package].read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{package} has no docstring saying which stage it is and what it owns"
