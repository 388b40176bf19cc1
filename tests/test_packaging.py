"""The Linux desktop-entry installer puts a valid launcher, metadata and icon in place."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "packaging" / "linux" / "install-desktop-entry.sh"
APP_ID = "io.bentosync.BentoSync"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFIX": str(tmp_path / "share")}
    return subprocess.run(
        ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_installs_launcher_metadata_and_icon(tmp_path):
    fake = tmp_path / "bin" / "bentosync"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    proc = run(tmp_path, "--exec", str(fake))
    assert proc.returncode == 0, proc.stderr
    share = tmp_path / "share"
    desktop = share / "applications" / f"{APP_ID}.desktop"
    assert f"Exec={fake}\n" in desktop.read_text()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").read_bytes() == (
        ROOT / "resources" / f"{APP_ID}.metainfo.xml"
    ).read_bytes()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").exists()
    if shutil.which("desktop-file-validate") or os.environ.get("CI"):
        check = subprocess.run(
            ["desktop-file-validate", str(desktop)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_refuses_a_missing_executable_with_a_clear_message(tmp_path):
    proc = run(tmp_path, "--exec", str(tmp_path / "nope"))
    assert proc.returncode == 1
    assert "no bentosync executable found" in proc.stderr
    assert not (tmp_path / "share").exists()


@pytest.mark.parametrize("args", [["--bogus"]])
def test_usage_errors_exit_2(tmp_path, args):
    assert run(tmp_path, *args).returncode == 2
