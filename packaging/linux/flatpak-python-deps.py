"""Write the Flatpak module that installs BentoSync's Python dependencies from pinned wheels.

Why: flatpak-builder builds offline, so every download is listed up front with
its sha256 (what flatpak-pip-generator does; this is the same idea without its
extra dependencies). The wheels are the ones pip picks for the Flatpak
runtime's Python on each architecture; PySide6 is left out because the PySide
BaseApp the manifest builds on provides it, matched to the runtime's Qt.

Run (pip needs the package index; the result is committed)::

    python3.11 packaging/linux/flatpak-python-deps.py > packaging/linux/python3-deps.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import tomllib

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_PYTHON = "3.12"  # org.kde.Platform 6.8 (freedesktop 24.08)
ARCHES = {
    "x86_64": ["manylinux_2_28_x86_64", "manylinux2014_x86_64", "manylinux_2_17_x86_64"],
    "aarch64": ["manylinux_2_28_aarch64", "manylinux2014_aarch64", "manylinux_2_17_aarch64"],
}
PROVIDED_BY_BASE_APP = {"pyside6-essentials", "pyside6", "shiboken6"}
# Needed to install the app itself from its source folder (pyproject's build-system).
BUILD_TOOLS = ["setuptools>=77", "wheel"]


def runtime_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    keep = []
    # The Flatpak is the whole app: the window and its embedded registry.
    for req in project["dependencies"] + extras.get("gui", []) + extras.get("registry", []):
        name = re.split(r"[<>=!~;\[ ]", req, maxsplit=1)[0].lower()
        if name not in PROVIDED_BY_BASE_APP:
            keep.append(req.split("#")[0].strip())
    return keep + BUILD_TOOLS


def download(requirements: list[str], platforms: list[str], dest: Path) -> list[Path]:
    args = [sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(dest)]
    args += ["--only-binary=:all:", "--python-version", RUNTIME_PYTHON, "--implementation", "cp"]
    for platform in platforms:
        args += ["--platform", platform]
    subprocess.run([*args, *requirements], check=True)
    return sorted(dest.glob("*.whl"))


def source(wheel: Path, arch: str | None) -> dict[str, object]:
    name, _version, python_tag = wheel.name.split("-")[:3]
    entry: dict[str, object] = {
        "type": "file",
        # PyPI's predictable address for a file: /packages/<python tag>/<letter>/<project>/<file>.
        "url": f"https://files.pythonhosted.org/packages/{python_tag}/{name[0]}/{name}/{wheel.name}",
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
    }
    if arch is not None:
        entry["only-arches"] = [arch]
    return entry


def module() -> dict[str, object]:
    requirements = runtime_requirements()
    by_arch: dict[str, list[Path]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for arch, platforms in ARCHES.items():
            by_arch[arch] = download(requirements, platforms, Path(tmp) / arch)
        pure = set.intersection(*({w.name for w in ws} for ws in by_arch.values()))
        sources: list[dict[str, object]] = []
        first = next(iter(by_arch.values()))
        sources += [source(w, None) for w in first if w.name in pure]
        for arch, wheels in by_arch.items():
            sources += [source(w, arch) for w in wheels if w.name not in pure]
    logger.info("%d wheels (%d for every arch)", len(sources), len(pure))
    return {
        "name": "python3-deps",
        "buildsystem": "simple",
        "build-commands": [
            "pip3 install --no-index --no-deps --prefix=${FLATPAK_DEST} --find-links=. *.whl"
        ],
        "sources": sources,
    }


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    json.dump(module(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
