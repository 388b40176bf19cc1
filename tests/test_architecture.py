"""Import rules of DESIGN.md: the engine stays Qt-free, the window never hosts the server."""

from __future__ import annotations

import ast
import subprocess
import sys
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


def modules_loaded_by(code: str) -> set[str]:
    """Top-level packages in sys.modules after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


# What the CLI module docstring promises: a command pays only for what it uses.
HEAVY = {"requests", "urllib3", "keyring", "PySide6", "fastapi", "uvicorn", "starlette"}


@pytest.mark.parametrize(
    "code",
    [
        "import bentosync.cli\nbentosync.cli.build_parser()",
        # core.transfer.prehash hashes while the cloud client loads: it must not load it.
        "import bentosync.core.transfer.prehash",
    ],
    ids=["command-line parser", "early hashing of a push"],
)
def test_start_up_paths_import_no_heavy_library(code):
    loaded = modules_loaded_by(code)
    assert not loaded & HEAVY, f"{code!r} imports {sorted(loaded & HEAVY)}"


def test_credentials_from_the_environment_never_load_keyring():
    code = (
        "import os\n"
        "os.environ.update(BENTO_CLOUD_API_KEY='k' * 20, BENTO_CLOUD_API_ENDPOINT='http://x')\n"
        "from bentosync.core.credentials import resolve_credentials\n"
        "assert resolve_credentials().token == 'k' * 20"
    )
    assert "keyring" not in modules_loaded_by(code)


def test_the_start_up_probe_sees_heavy_imports():
    """Guard against a probe that can never fail."""
    code = (
        "import bentosync.commands.account_actions\n"
        "from bentosync.core.keyring_store import CredentialStorage\n"
        "CredentialStorage().is_available"
    )
    assert {"requests", "keyring"} <= modules_loaded_by(code)
