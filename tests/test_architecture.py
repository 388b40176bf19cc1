"""The import graph of DESIGN.md, seen whole: layers point one way and nothing goes in circles.

Every ``import`` in every module of ``app/bentosync`` is an edge, wherever it
sits: at the top, inside a function (a lazy import still runs), or under
``TYPE_CHECKING`` (a type-only arrow still couples the two). The rules are
checked on the transitive closure, so a layer cannot reach a forbidden one
through a third module either:

* no cycles anywhere (strongly connected components of one module only);
* ``core`` imports only ``core`` (not even the package root) and never Qt;
* ``application`` imports only ``core`` and itself, and never Qt;
* ``gui`` never reaches ``registry`` or ``launcher``: it gets what the
  application layer hands it (a ``Resolver``, a ``CloudTarget``);
* ``registry`` never reaches ``gui`` or Qt.

What a package's ``__init__`` imports is not an edge of every module in the
package (Python runs it first, but it is that ``__init__``'s own arrow).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "app" / "bentosync"
QT = {"PySide6", "PyQt6", "PyQt5", "shiboken6"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path, root: Path) -> set[str]:
    """Absolute module names (and ``module.attribute`` names) one file imports, anywhere."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = module_name(path, root).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


class ImportGraph:
    """Modules of one package and who imports whom; third-party imports kept by name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        files = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
        self.modules = set(files)
        self.edges: dict[str, set[str]] = {}
        self.external: dict[str, set[str]] = {}
        for name, path in files.items():
            inside, outside = set(), set()
            for imported in imported_names(path, root):
                target = self._resolve(imported)
                if target is not None:
                    inside.add(target)
                elif imported.split(".")[0] != root.name:
                    outside.add(imported.split(".")[0])
            inside.discard(name)
            self.edges[name], self.external[name] = inside, outside

    def _resolve(self, imported: str) -> str | None:
        """The module of ours that ``imported`` names (``a.b.C`` is in module ``a.b``)."""
        while imported and imported not in self.modules:
            imported = imported.rpartition(".")[0]
        return imported or None

    def reachable(self, start: str) -> set[str]:
        """Every module ``start`` imports, directly or through others."""
        seen: set[str] = set()
        todo = list(self.edges[start])
        while todo:
            module = todo.pop()
            if module not in seen:
                seen.add(module)
                todo.extend(self.edges[module])
        return seen

    def external_reachable(self, start: str) -> set[str]:
        """Third-party top-level packages ``start`` imports, directly or through ours."""
        found = set(self.external[start])
        for module in self.reachable(start):
            found |= self.external[module]
        return found

    def cycles(self) -> list[list[str]]:
        """Strongly connected components of more than one module (Tarjan, iterative)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[list[str]] = []
        for start in sorted(self.modules):
            if start in index:
                continue
            work = [(start, iter(sorted(self.edges[start])))]
            index[start] = low[start] = len(index)
            stack.append(start)
            on_stack.add(start)
            while work:
                node, children = work[-1]
                child = next(children, None)
                if child is not None:
                    if child not in index:
                        index[child] = low[child] = len(index)
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, iter(sorted(self.edges[child]))))
                    elif child in on_stack:
                        low[node] = min(low[node], index[child])
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
        return found


@cache
def graph() -> ImportGraph:
    return ImportGraph(PACKAGE)


def modules_in(layer: str) -> list[str]:
    prefix = f"bentosync.{layer}"
    return sorted(m for m in graph().modules if m == prefix or m.startswith(prefix + "."))


def in_layer(module: str, *layers: str) -> bool:
    return any(module == f"bentosync.{x}" or module.startswith(f"bentosync.{x}.") for x in layers)


def test_there_are_no_import_cycles_anywhere():
    assert graph().cycles() == []


@pytest.mark.parametrize("module", modules_in("core"))
def test_core_imports_only_core_and_never_qt(module):
    above = sorted(m for m in graph().reachable(module) if not in_layer(m, "core"))
    assert not above, f"{module} reaches {above}"
    qt = graph().external_reachable(module) & QT
    assert not qt, f"{module} reaches {sorted(qt)}"


@pytest.mark.parametrize("module", modules_in("application"))
def test_the_application_layer_stands_on_core_only_and_never_qt(module):
    above = sorted(m for m in graph().reachable(module) if not in_layer(m, "core", "application"))
    assert not above, f"{module} reaches {above}"
    qt = graph().external_reachable(module) & QT
    assert not qt, f"{module} reaches {sorted(qt)}"


@pytest.mark.parametrize("module", modules_in("gui"))
def test_gui_never_reaches_the_registry_or_the_launcher(module):
    bad = sorted(m for m in graph().reachable(module) if in_layer(m, "registry", "launcher"))
    assert not bad, f"{module} reaches {bad}"


@pytest.mark.parametrize("module", modules_in("registry"))
def test_registry_never_reaches_gui_or_qt(module):
    bad = sorted(m for m in graph().reachable(module) if in_layer(m, "gui"))
    assert not bad, f"{module} reaches {bad}"
    assert not graph().external_reachable(module) & QT


# ---- the checker itself must be able to fail ----------------------------------------------


def write_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "pkg"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for directory in {package, *(p.parent for p in package.rglob("*.py"))}:
        (directory / "__init__.py").touch()
    return package


def test_the_graph_sees_lazy_relative_and_transitive_imports(tmp_path):
    package = write_package(
        tmp_path,
        {
            "core/a.py": "def f():\n    from ..gui import b\n",
            "gui/b.py": "from . import c\n",
            "gui/c.py": "import PySide6.QtCore\nfrom pkg.core.a import f\n",
        },
    )
    seen = ImportGraph(package)
    assert seen.edges["pkg.core.a"] == {"pkg.gui", "pkg.gui.b"}
    assert "pkg.gui.c" in seen.reachable("pkg.core.a")
    assert "PySide6" in seen.external_reachable("pkg.core.a")
    assert seen.cycles() == [["pkg.core.a", "pkg.gui.b", "pkg.gui.c"]]


def test_the_graph_of_the_real_package_is_not_empty():
    """Guard against a checker that can never fail: it sees known arrows of the app."""
    edges = graph().edges
    assert "bentosync.core.errors" in edges["bentosync.core.tags"]
    assert "bentosync.application.jobs" in graph().reachable("bentosync.gui.main_window")
    assert "bentosync.registry.server" in edges["bentosync.launcher"]  # a lazy import


def modules_loaded_by(code: str) -> set[str]:
    """Top-level packages in sys.modules after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


# What the CLI module docstring promises: a command pays only for what it uses.
HEAVY = {"requests", "urllib3", "keyring", "PySide6", "fastapi", "uvicorn", "starlette"}
# What the plain install (no [gui], no [registry]) must run without.
OPTIONAL = {"PySide6", "shiboken6", "fastapi", "uvicorn", "starlette", "pydantic", "httptools"}


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


def test_the_cli_and_the_python_api_need_no_optional_part():
    """``pip install bentosync`` (no extras) runs every command but the window and the server."""
    code = (
        "import bentosync, bentosync.cli, bentosync.application.jobs\n"
        "import bentosync.commands.transfer, bentosync.commands.account_actions\n"
        "import bentosync.commands.cloud_listing, bentosync.core.session\n"
        "bentosync.cli.build_parser()"
    )
    loaded = modules_loaded_by(code)
    assert not loaded & OPTIONAL, f"imports {sorted(loaded & OPTIONAL)}"


@pytest.mark.parametrize(
    ("argv", "blocked", "extra"),
    [
        (["gui"], "PySide6", "gui"),
        (["registry", "serve", "--port", "0"], "fastapi", "registry"),
        (
            ["registry", "token", "create", "--data", "{tmp}", "--name", "ci"],
            "starlette",
            "registry",
        ),
    ],
    ids=["window", "registry serve", "registry token"],
)
def test_a_missing_optional_part_is_named_with_how_to_install_it(tmp_path, argv, blocked, extra):
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    code = (
        "import sys\n"
        f"for name in {sorted(OPTIONAL)!r}:\n"
        "    sys.modules[name] = None  # as if not installed\n"
        "from bentosync.cli import main\n"
        f"sys.exit(main({argv!r}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert f"pip install 'bentosync[{extra}]'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert blocked in proc.stderr or extra in proc.stderr


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
    assert "PySide6" in modules_loaded_by("import bentosync.gui.main_window")
