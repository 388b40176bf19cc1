"""The packaging files agree with each other and with the package, without building anything.

One application id, one version, one set of permissions: these are cheap to
check on every run, while the bundle itself is built and run by
``make test-package`` (tests/package).
"""

from __future__ import annotations

import json
import os
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import tomllib
import yaml

import bentosync

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "io.bentosync.BentoSync"
METAINFO = ROOT / "resources" / f"{APP_ID}.metainfo.xml"
FLATPAK = ROOT / "packaging" / "linux" / f"{APP_ID}.yml"
WORKFLOW = ROOT / ".github" / "workflows" / "package.yml"

sys.path.insert(0, str(ROOT / "packaging"))
import make_icons  # noqa: E402


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_one_application_id_everywhere():
    from bentosync.gui import app

    assert app.DESKTOP_FILE_NAME == APP_ID
    assert (ROOT / "resources" / f"{APP_ID}.desktop").read_text().count(f"Icon={APP_ID}\n") == 1
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    plist = plistlib.loads((ROOT / "packaging" / "macos" / "Info.plist").read_bytes())
    assert plist["CFBundleIdentifier"] == APP_ID
    assert plist["CFBundleIconFile"] == f"{APP_ID}.icns"
    assert yaml.safe_load(FLATPAK.read_text())["app-id"] == APP_ID
    assert make_icons.APP_ID == APP_ID
    for script in ("make-tarball.sh", "install.sh", "install-desktop-entry.sh"):
        assert f"app_id={APP_ID}\n" in (ROOT / "packaging" / "linux" / script).read_text()
    assert f'APP_ID = "{APP_ID}"' in (ROOT / "packaging/pyinstaller/bentosync.spec").read_text()


def test_the_version_has_one_home():
    project = pyproject()
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "bentosync.core.version.__version__"
    }
    releases = ET.parse(METAINFO).getroot().find("releases")
    assert releases is not None
    assert releases[0].get("version") == bentosync.__version__, "add a <release> to the metainfo"


def test_metainfo_describes_the_app_and_links_the_readme_screenshot():
    root = ET.parse(METAINFO).getroot()
    description = " ".join(root.find("description").itertext()).lower()  # type: ignore[union-attr]
    for word in ("push", "pull", "checksum", "resume"):
        assert word in description
    homepage = pyproject()["project"]["urls"]["Homepage"]
    assert root.findtext("url[@type='homepage']") == homepage
    image = root.findtext("screenshots/screenshot/image") or ""
    assert image.startswith(homepage.replace("github.com", "raw.githubusercontent.com"))
    shown = image.split("/main/", 1)[1]
    assert (ROOT / shown).is_file()
    assert f"]({shown})" in (ROOT / "README.md").read_text()


@pytest.mark.skipif(
    not shutil.which("appstreamcli") and not os.environ.get("CI"),
    reason="appstream is not installed (make test installs it)",
)
def test_metainfo_validates():
    proc = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_info_plist_accepts_folders_as_a_viewer_only():
    plist = plistlib.loads((ROOT / "packaging" / "macos" / "Info.plist").read_bytes())
    (doc,) = plist["CFBundleDocumentTypes"]
    assert doc["LSItemContentTypes"] == ["public.folder"]
    assert doc["CFBundleTypeRole"] == "Viewer"
    assert doc["LSHandlerRank"] == "None"  # never the Finder's default for folders


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_icons_are_drawn_from_the_svg_into_ico_icns_and_hicolor(qapp, tmp_path):
    written = make_icons.make_icons(tmp_path)
    for size in make_icons.HICOLOR_SIZES:
        png = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png in written and _png_size(png.read_bytes()) == (size, size)

    ico = (tmp_path / f"{APP_ID}.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    for i, size in enumerate(make_icons.ICO_SIZES):
        width, _h, _c, _r, _p, _b, length, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * i : 22 + 16 * i]
        )
        assert width == (0 if size == 256 else size)
        assert _png_size(ico[offset : offset + length]) == (size, size)

    icns = (tmp_path / f"{APP_ID}.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    sizes, at = {}, 8
    while at < len(icns):
        kind, length = icns[at : at + 4], struct.unpack(">I", icns[at + 4 : at + 8])[0]
        sizes[kind] = _png_size(icns[at + 8 : at + length])[0]
        at += length
    assert sizes == {**make_icons.ICNS_TYPES_BY_KIND, **make_icons.ICNS_RETINA_BY_KIND}


def test_the_spec_lists_the_lazily_imported_keyring_backends():
    spec = (ROOT / "packaging" / "pyinstaller" / "bentosync.spec").read_text()
    import keyring.backends

    shipped = Path(keyring.backends.__file__).parent
    for module in sorted(p.stem for p in shipped.iterdir() if p.stem != "__init__"):
        if module.startswith("_") or module == "__pycache__":
            continue
        assert f'"keyring.backends.{module}"' in spec, module


# ---- Flatpak -------------------------------------------------------------------------


@pytest.mark.skipif(
    not shutil.which("flatpak-builder") and not os.environ.get("CI"),
    reason="flatpak-builder is not installed (make test installs it)",
)
def test_flatpak_manifest_is_read_by_flatpak_builder_without_warnings(tmp_path):
    """``--show-manifest`` parses the manifest and its module files; an unknown key warns.

    It keeps a state folder in the working directory, hence the temporary one.
    """
    proc = subprocess.run(
        ["flatpak-builder", "--show-manifest", str(FLATPAK)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    shown = json.loads(proc.stdout)
    assert shown["id"] == APP_ID
    assert [m["name"] for m in shown["modules"]] == ["python3-deps", "bentosync"]


def test_flatpak_manifest_grants_what_the_app_needs_and_no_more():
    manifest = yaml.safe_load(FLATPAK.read_text())
    assert set(manifest["finish-args"]) == {
        "--share=network",  # BentoCloud and the local registry
        "--share=ipc",
        "--socket=wayland",
        "--socket=fallback-x11",
        "--device=dri",
        "--filesystem=~/bentoml:create",  # the model store
        "--talk-name=org.freedesktop.secrets",  # tokens in the Secret Service
    }
    assert manifest["command"] == "bentosync"
    allowed = {"simple", "cmake", "cmake-ninja", "meson", "autotools", "qmake"}
    (app,) = [m for m in manifest["modules"] if isinstance(m, dict)]
    assert app["buildsystem"] in allowed
    (source,) = app["sources"]
    assert (FLATPAK.parent / source["path"] / "pyproject.toml").is_file()
    for command in app["build-commands"]:
        for path in re.findall(r"\bresources/\S+", command):
            assert (ROOT / path).is_file(), path


def test_flatpak_python_deps_cover_every_runtime_dependency():
    module = json.loads((FLATPAK.parent / "python3-deps.json").read_text())
    names = set()
    for source in module["sources"]:
        filename = source["url"].rsplit("/", 1)[1]
        assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"])
        assert source["url"].startswith("https://files.pythonhosted.org/packages/")
        names.add(re.sub(r"[-_.]+", "-", filename.split("-")[0]).lower())
    for arch in ("x86_64", "aarch64"):
        arch_names = {
            s["url"].rsplit("/", 1)[1].split("-")[0].lower()
            for s in module["sources"]
            if arch in s.get("only-arches", [arch])
        }
        assert "pydantic_core" in arch_names and "uvloop" in arch_names, arch
    project = pyproject()["project"]
    wanted = project["dependencies"] + [
        req for extra in ("gui", "registry") for req in project["optional-dependencies"][extra]
    ]
    for requirement in wanted:
        name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()
        if name.startswith("pyside6"):
            continue  # the PySide BaseApp provides it, matched to the runtime's Qt
        assert re.sub(r"[-_.]+", "-", name) in names, name


# ---- CI ------------------------------------------------------------------------------


def test_ci_workflow_builds_and_smoke_tests_on_three_platforms():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    (job,) = workflow["jobs"].values()
    oses = job["strategy"]["matrix"]["os"]
    assert {re.sub(r"-.*", "", os_name) for os_name in oses} == {"ubuntu", "macos", "windows"}
    steps = " ".join(str(step.get("run", "")) for step in job["steps"])
    assert "packaging/pyinstaller/bentosync.spec" in steps or "make package" in steps
    assert "tests/package" in steps or "make test-package" in steps
