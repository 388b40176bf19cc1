"""Import rules of DESIGN.md: the engine stays Qt-free, the window never hosts the server."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "app" / "bentosync"


def imported_modules(path: Path) -> set[str]:
    """Absolute module names imported by one file (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_parts = ["bentosync", *path.relative_to(PACKAGE).parent.parts]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def files_under(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


@pytest.mark.parametrize("path", files_under("core"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_never_imports_qt_gui_or_registry(path):
    bad = {
        m
        for m in imported_modules(path)
        if m.split(".")[0] in {"PySide6", "PyQt6", "PyQt5", "shiboken6"}
        or m.startswith(("bentosync.gui", "bentosync.registry", "bentosync.commands"))
    }
    assert not bad, f"{path} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files_under("gui"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_gui_never_imports_registry(path):
    bad = {m for m in imported_modules(path) if m.startswith("bentosync.registry")}
    assert not bad, f"{path} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files_under("registry"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_registry_never_imports_gui(path):
    bad = {
        m
        for m in imported_modules(path)
        if m.startswith("bentosync.gui") or m.split(".")[0] == "PySide6"
    }
    assert not bad, f"{path} imports {sorted(bad)}"


def test_the_rule_itself_sees_imports(tmp_path):
    """Guard against a checker that can never fail."""
    fake = PACKAGE / "core" / "tags.py"
    assert "bentosync.core.errors" in imported_modules(fake)
