"""The frozen app works on a machine with no Python: CLI, registry server and window.

Every run here starts the bundle's executable with a clean HOME and a PATH that
holds no Python (``conftest.User``), against a model store the official
``bentoml`` client made, so what passes here is what a user who downloaded the
bundle gets.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from multiprocessing import resource_tracker, spawn
from pathlib import Path

import pytest

import bentosync
from support.frozen import Frozen, FrozenRegistry, User, stop
from support.official import OfficialClient

WINDOW_TIMEOUT = 90.0
MODEL_FILES = {
    "weights.bin": 3 * 1024 * 1024 + 11,
    "nested/deep/tokenizer.json": 4097,
    "config.yaml": 300,
}


def make_official_model(official: OfficialClient, home: Path, name: str = "smoke-clf") -> str:
    """A model saved by ``bentoml.models.create`` into ``home``; returns its tag."""
    sizes = repr(MODEL_FILES)
    made = official.run_python(
        f"""
        import json, os, bentoml
        with bentoml.models.create("{name}", labels={{"stage": "smoke"}}) as m:
            for rel, size in {sizes}.items():
                path = os.path.join(m.path, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(os.urandom(size))
        print(json.dumps(str(m.tag)))
        """,
        home,
    )
    assert isinstance(made, str)
    return made


def digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).as_posix() in MODEL_FILES
    }


def model_dir(home: Path, tag: str) -> Path:
    name, version = tag.split(":")
    return home / "models" / name / version


def cloud_env(registry: FrozenRegistry) -> dict[str, str]:
    return {"BENTO_CLOUD_API_KEY": registry.token, "BENTO_CLOUD_API_ENDPOINT": registry.endpoint}


def test_the_bundle_carries_no_build_or_test_tools(frozen: Frozen):
    """What builds and checks the app stays out of what users download."""
    internal = frozen.bundle / "_internal"
    for tool in ("mypy", "mypyc", "pytest", "_pytest", "PyInstaller", "pip", "setuptools", "ruff"):
        assert not (internal / tool).exists(), tool
    translations = sorted(p.name for p in internal.glob("PySide6/Qt/translations/*"))
    assert translations == ["qtbase_de.qm"], "Qt's translations: only our languages"
    ours = sorted(p.name for p in internal.glob("bentosync/resources/translations/*"))
    assert ours == ["bentosync_de.qm", "bentosync_en.qm"], "compiled, without the .ts sources"


def test_version_is_the_packages_one(frozen: Frozen, user: User):
    assert frozen.run(user, "--version").stdout.strip() == f"bentosync {bentosync.__version__}"


@pytest.mark.interop
def test_cli_lists_pushes_and_pulls_an_official_store(
    frozen: Frozen,
    user: User,
    official: OfficialClient,
    frozen_registry: FrozenRegistry,
    tmp_path: Path,
):
    tag = make_official_model(official, user.bentoml_home)
    listed = frozen.json(user, "list", "--local", "--json")
    assert isinstance(listed, list)
    assert [(m["tag"], m["labels"]) for m in listed] == [(tag, {"stage": "smoke"})]
    assert listed[0]["size_bytes"] >= sum(MODEL_FILES.values())

    frozen.run(user, "push", tag, **cloud_env(frozen_registry))
    cloud = frozen.json(user, "list", "--cloud", "--json", **cloud_env(frozen_registry))
    assert isinstance(cloud, list)
    assert [(m["tag"], m["upload_status"]) for m in cloud] == [(tag, "success")]

    other = User(tmp_path / "other-machine")
    frozen.run(other, "pull", tag, **cloud_env(frozen_registry))
    pulled = model_dir(other.bentoml_home, tag)
    assert digests(pulled) == digests(model_dir(user.bentoml_home, tag))
    assert len(digests(pulled)) == len(MODEL_FILES)
    # What the frozen app installed is a model the official client loads.
    loaded = official.run_python(
        f'import json, bentoml; print(json.dumps(str(bentoml.models.get("{tag}").tag)))',
        other.bentoml_home,
    )
    assert loaded == tag


def _wait_for(log: Path, pattern: str, process: subprocess.Popen[bytes]) -> re.Match[str]:
    deadline = time.monotonic() + WINDOW_TIMEOUT
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        found = re.search(pattern, text)
        if found:
            return found
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"no {pattern!r} in the window's log:\n{log.read_text()}")


@pytest.mark.interop
def test_window_with_nobody_logged_in_starts_the_registry_from_the_bundle(
    frozen: Frozen, user: User, official: OfficialClient, tmp_path: Path
):
    make_official_model(official, user.bentoml_home, "first")
    make_official_model(official, user.bentoml_home, "second")
    log = tmp_path / "window.log"
    with log.open("wb") as out:
        window = subprocess.Popen(
            [str(frozen.exe), "-v", "gui"],
            env=user.env(QT_QPA_PLATFORM="offscreen"),
            cwd=user.home,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(log, r"Local pane shows 2 versions from", window)
        ready = r"Embedded registry at (http://127\.0\.0\.1:\d+) \(pid (\d+)\)"
        started = _wait_for(log, ready, window)
        endpoint, registry_pid = started.group(1), int(started.group(2))
        starting = _wait_for(log, r"Starting the embedded registry \(data in (.+)\)", window)
        data_dir = Path(starting[1])
        if sys.platform != "win32":  # Windows asks the shell for its folders, not HOME
            assert data_dir.is_relative_to(user.home), "the registry's data is the user's"
        # The pid file the launcher keeps: "<registry pid> <window pid>".
        assert (data_dir / "embedded.pid").read_text().split() == [
            str(registry_pid),
            str(window.pid),
        ]
        if sys.platform.startswith("linux"):
            # The registry is the bundle's executable, a child of the window: no Python anywhere.
            assert Path(f"/proc/{registry_pid}/exe").resolve() == frozen.exe.resolve()
            argv = Path(f"/proc/{registry_pid}/cmdline").read_bytes().split(b"\0")
            assert argv[1:3] == [b"registry", b"serve"]
        # It answers, and asks for the token the window holds (in memory only).
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(endpoint + "/api/v1/auth/current", timeout=10)
        assert refused.value.code == 401
        _wait_for(log, r"Cloud pane: CloudTarget\(endpoint='http://127\.0\.0\.1:\d+'", window)
    finally:
        code = stop(window, timeout=30)  # type: ignore[arg-type]
    if sys.platform == "win32":
        # No signal asks a Windows GUI process to quit in order: terminate() is a kill,
        # so the window cannot stop its registry; end that too. The rest is POSIX only.
        subprocess.run(["taskkill", "/F", "/PID", str(registry_pid)], capture_output=True)
        return
    assert code == 0, log.read_text()
    assert "Traceback" not in log.read_text()
    # Closing the window stopped its registry.
    assert not (data_dir / "embedded.pid").exists()
    if sys.platform.startswith("linux"):
        assert not Path(f"/proc/{registry_pid}").exists() or _is_zombie(registry_pid)


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


@pytest.mark.keyring
def test_login_keeps_the_token_in_the_secret_service_from_the_bundle(
    frozen: Frozen, user: User, frozen_registry: FrozenRegistry, secret_service
):
    """keyring picks its backend lazily (entry points, then an import): it must be bundled."""
    bus = {"DBUS_SESSION_BUS_ADDRESS": os.environ["DBUS_SESSION_BUS_ADDRESS"]}
    endpoint = frozen_registry.endpoint
    frozen.run(
        user,
        "login",
        "--endpoint",
        endpoint,
        "--context",
        "smoke",
        "--token-stdin",
        stdin_text=frozen_registry.token + "\n",
        **bus,
    )
    try:
        whoami = frozen.run(user, "whoami", **bus)
        assert endpoint in whoami.stdout + whoami.stderr
        assert frozen_registry.token not in whoami.stdout + whoami.stderr
        contexts = "".join(p.read_text() for p in user.home.rglob("contexts.json"))
        assert endpoint in contexts and frozen_registry.token not in contexts
        assert frozen.json(user, "list", "--cloud", "--json", **bus) == []
    finally:
        frozen.run(user, "logout", "--context", "smoke", **bus)


def test_a_multiprocessing_child_of_the_bundle_runs_its_work_not_the_cli(
    frozen: Frozen, user: User, monkeypatch: pytest.MonkeyPatch
):
    """``freeze_support()`` in the entry script: a spawned child is the bundle again.

    The child is started exactly as a frozen parent starts one (the bundle with
    ``--multiprocessing-fork``); without ``freeze_support()`` the CLI would take
    those arguments for a command and exit 2.
    """
    resource_tracker.ensure_running()  # by this Python, before the swap below
    original_prep = spawn.get_preparation_data

    def frozen_command_line(**kwds: object) -> list[str]:
        # What multiprocessing.spawn returns in a frozen parent (sys.frozen set).
        return [str(frozen.exe), "--multiprocessing-fork", *(f"{k}={v!r}" for k, v in kwds.items())]

    def frozen_preparation(name: str) -> dict[str, object]:
        # The child keeps the bundle's own sys.path and __main__, as under a frozen parent.
        data = original_prep(name)
        keep = ("log_to_stderr", "authkey", "log_level", "name", "dir", "start_method")
        return {k: data[k] for k in keep if k in data}

    # In a frozen parent, multiprocessing's executable is the bundle (bytes on POSIX).
    exe = str(frozen.exe) if sys.platform == "win32" else os.fsencode(frozen.exe)
    monkeypatch.setattr(spawn, "get_executable", lambda: exe)
    monkeypatch.setattr(spawn, "get_command_line", frozen_command_line)
    monkeypatch.setattr(spawn, "get_preparation_data", frozen_preparation)
    for key, value in user.env().items():
        monkeypatch.setenv(key, value)

    child = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(0,))
    child.start()
    child.join(60)
    assert child.exitcode == 0


def test_cli_failure_is_a_message_and_status_1_not_a_traceback(frozen: Frozen, user: User):
    proc = frozen.run(
        user,
        "pull",
        "no-such-model",
        check=False,
        BENTO_CLOUD_API_KEY="x",
        BENTO_CLOUD_API_ENDPOINT="http://127.0.0.1:9",
        BENTOSYNC_TIMEOUT="5",
    )
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1].startswith("bentosync: cannot reach http://127.0.0.1:9")
    assert "Traceback" not in proc.stderr


if sys.platform != "win32":

    def test_ctrl_c_stops_the_frozen_registry_in_order(frozen_registry: FrozenRegistry):
        """Signals reach the frozen server: it closes its database, then exits as interrupted."""
        frozen_registry.process.send_signal(signal.SIGINT)
        assert frozen_registry.process.wait(timeout=20) == 130  # the CLI's "interrupted"
        assert "Registry closed" in frozen_registry.log.read_text()
