"""What people download: the Linux tarball installs and uninstalls; the sdist and wheel upload.

The tarball is installed into a temporary prefix the way its README line says
(``./install.sh --prefix DIR``), the desktop validators run on the files it
put there, and the installed command starts with no Python on the PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import bentosync
from support.frozen import User

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "io.bentosync.BentoSync"


def sh(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=300, env=env
    )
    assert proc.returncode == 0, f"{args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def shell_env(home: Path) -> dict[str, str]:
    """A login shell's basics (coreutils for the scripts), with a HOME of its own."""
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


@pytest.fixture
def unpacked(tarball: Path, tmp_path: Path) -> Path:
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
        archive.extractall(tmp_path / "unpacked", filter="tar")
    top = {name.split("/")[0] for name in names}
    assert top == {f"bentosync-{bentosync.__version__}-linux-{os.uname().machine}"}
    return tmp_path / "unpacked" / top.pop()


# Caches the desktop's own tools rebuild from what is installed; not ours to list.
DESKTOP_CACHES = {"mimeinfo.cache", "icon-theme.cache"}


def installed_files(prefix: Path) -> set[str]:
    return {
        p.relative_to(prefix).as_posix()
        for p in prefix.rglob("*")
        if (p.is_file() or p.is_symlink())
        and "lib/bentosync" not in p.as_posix()
        and p.name not in DESKTOP_CACHES
    }


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tarball is the Linux bundle")
def test_tarball_installs_validates_runs_and_uninstalls(unpacked: Path, tmp_path: Path):
    prefix = tmp_path / "prefix with space"
    env = shell_env(tmp_path / "home")
    # Something of the user's own that uninstalling must leave alone.
    (prefix / "share" / "applications").mkdir(parents=True)
    (prefix / "share" / "applications" / "other.desktop").write_text("[Desktop Entry]\n")

    sh("bash", unpacked / "install.sh", "--prefix", prefix, env=env)
    # A second install is an upgrade in place, not an error.
    out = sh("bash", unpacked / "install.sh", "--prefix", prefix, env=env).stdout
    assert f"BentoSync {bentosync.__version__} is installed in {prefix}/lib/bentosync" in out

    desktop = prefix / "share" / "applications" / f"{APP_ID}.desktop"
    metainfo = prefix / "share" / "metainfo" / f"{APP_ID}.metainfo.xml"
    command = prefix / "bin" / "bentosync"
    assert f'Exec="{command}"\n' in desktop.read_text()
    assert (prefix / "share/icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    for size in (16, 48, 128, 256):
        assert (prefix / f"share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png").is_file()
    completions = {
        "bash": prefix / "share/bash-completion/completions/bentosync",
        "zsh": prefix / "share/zsh/site-functions/_bentosync",
        "fish": prefix / "share/fish/vendor_completions.d/bentosync.fish",
    }
    for shell, path in completions.items():
        assert "push" in path.read_text() and "json" in path.read_text(), shell
    sh("bash", "-n", completions["bash"])
    sh("zsh", "-n", completions["zsh"])
    # The validators, on what was installed.
    sh("desktop-file-validate", desktop)
    sh("appstreamcli", "validate", "--no-net", metainfo)

    user = User(tmp_path / "user")
    proc = subprocess.run(
        [str(command), "--version"], env=user.env(), capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.strip() == f"bentosync {bentosync.__version__}", proc.stderr

    listed = (prefix / "lib" / "bentosync" / "INSTALLED").read_text().split()
    assert set(listed) == installed_files(prefix) - {"share/applications/other.desktop"}

    sh(prefix / "lib" / "bentosync" / "uninstall.sh", env=env)
    assert not (prefix / "lib" / "bentosync").exists()
    assert installed_files(prefix) == {"share/applications/other.desktop"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tarball is the Linux bundle")
def test_install_refuses_a_prefix_it_did_not_make(unpacked: Path, tmp_path: Path):
    prefix = tmp_path / "prefix"
    (prefix / "lib" / "bentosync").mkdir(parents=True)
    (prefix / "lib" / "bentosync" / "mine.txt").write_text("not BentoSync's")
    proc = subprocess.run(
        ["bash", str(unpacked / "install.sh"), "--prefix", str(prefix)],
        env=shell_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "is not a BentoSync install" in proc.stderr
    assert (prefix / "lib" / "bentosync" / "mine.txt").read_text() == "not BentoSync's"


def test_sdist_and_wheel_build_and_pass_twine_check(tmp_path: Path):
    """What a publisher uploads: built from a copy of the tree, checked as PyPI checks it."""
    twine = shutil.which("twine", path=str(Path(sys.executable).parent))
    if twine is None:
        pytest.fail("twine is missing: `make packaging-tools` installs it")
    out = tmp_path / "dist"
    sh(sys.executable, "-m", "build", "--outdir", out, ROOT)
    wheel = out / f"bentosync-{bentosync.__version__}-py3-none-any.whl"
    sdist = out / f"bentosync-{bentosync.__version__}.tar.gz"
    assert sorted(out.iterdir()) == sorted([wheel, sdist])
    sh(twine, "check", "--strict", wheel, sdist)
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = zf.read(f"bentosync-{bentosync.__version__}.dist-info/entry_points.txt")
    assert "bentosync/resources/icons/light/push.svg" in names
    assert "bentosync/resources/translations/bentosync_de.qm" in names
    assert b"[console_scripts]\nbentosync = bentosync.cli:main" in entry_points
    assert b"[gui_scripts]\nbentosync-gui = bentosync.cli:gui_main" in entry_points
    with tarfile.open(sdist) as archive:
        members = set(archive.getnames())
    top = f"bentosync-{bentosync.__version__}"
    assert f"{top}/resources/{APP_ID}.metainfo.xml" in members
    assert f"{top}/packaging/pyinstaller/bentosync.spec" in members
