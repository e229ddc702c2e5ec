"""The layout stays readable: no import cycles, no imports hidden in functions, a kernel that knows
no context, and modules short enough to read (or saying why they are not)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("registry", "schemas", "importers")
CONTEXTS = (
    "accounts",
    "catalogue",
    "ebys",
    "legislation",
    "organizations",
    "search",
    "standards",
    "workflow",
)
LONG_MODULE = 500
LONG_MODULE_REASON = "Why this module is long:"


def _modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES)


def test_no_module_imports_itself_through_others(graph: grimp.ImportGraph) -> None:
    cycles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                cycles.add(" -> ".join((module, *chain)))
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles))


def test_no_import_is_hidden_inside_a_function() -> None:
    hidden = []
    for path in _modules():
        tree = ast.parse(path.read_text("utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not hidden, "imports inside functions: " + ", ".join(hidden)


def test_the_kernel_and_the_audit_trail_import_no_context(graph: grimp.ImportGraph) -> None:
    lower = [m for m in graph.modules if m.startswith(("registry.kernel", "registry.audit"))]
    offending = []
    for module in lower:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("registry.") and imported.split(".")[1] in CONTEXTS:
                offending.append(f"{module} -> {imported}")
    assert not offending, offending


def test_a_long_module_says_why() -> None:
    unexplained = []
    for path in _modules():
        text = path.read_text("utf-8")
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if text.count("\n") > LONG_MODULE and LONG_MODULE_REASON not in docstring:
            unexplained.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not unexplained, "modules over 500 lines without a reason: " + ", ".join(unexplained)


def test_every_context_is_one_package_with_its_models_and_use_cases() -> None:
    for context in CONTEXTS:
        package = ROOT / "registry" / context
        assert (package / "__init__.py").exists(), context
        assert ast.get_docstring(ast.parse((package / "__init__.py").read_text("utf-8"))), context
