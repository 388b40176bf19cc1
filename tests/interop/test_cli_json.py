"""``--json`` and ``-q`` of push, pull, verify and whoami, as subprocesses against a live
registry: one JSON object on stdout whatever happens, and the exit-code contract kept."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from interop.test_transfer_roundtrip import make_model


def run(args, home, endpoint, token):
    env = {
        **os.environ,
        "BENTOML_HOME": str(home),
        "BENTO_CLOUD_API_KEY": token,
        "BENTO_CLOUD_API_ENDPOINT": endpoint,
    }
    return subprocess.run(
        [sys.executable, "-m", "bentosync", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_results_and_errors_as_json(registry, tmp_path):
    home, other = tmp_path / "home", tmp_path / "other"
    home.mkdir()
    other.mkdir()
    model = make_model(home, "json-model", big_bytes=4096)
    tag = str(model.tag)

    pushed = run(["push", tag, "--json"], home, registry.endpoint, registry.token)
    assert pushed.returncode == 0, pushed.stderr
    push = json.loads(pushed.stdout)
    assert push["ok"] is True and push["command"] == "push" and push["tag"] == tag
    assert push["skipped"] is False and push["strategy"] == registry.strategy
    assert push["endpoint"] == registry.endpoint and push["message"]

    pulled = run(["pull", tag, "--json"], other, registry.endpoint, registry.token)
    assert pulled.returncode == 0, pulled.stderr
    pull = json.loads(pulled.stdout)
    assert pull["ok"] is True and pull["verified"] is True
    assert (pull["size_bytes"], pull["file_count"]) == (model.size_bytes, model.file_count)

    verified = run(["verify", tag, "--json"], home, registry.endpoint, registry.token)
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["verified_files"] == model.file_count

    (model.path / "weights" / "big.bin").write_bytes(b"changed" * 100)
    differs = run(["verify", tag, "--json"], home, registry.endpoint, registry.token)
    assert differs.returncode == 1
    error = json.loads(differs.stdout)
    assert error["ok"] is False and error["error"]["kind"] == "integrity"
    assert error["details"]["mismatched"] == ["weights/big.bin"]

    missing = run(["pull", "no-such-model:v1", "--json"], other, registry.endpoint, registry.token)
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["error"]["kind"] == "not_found"

    refused = run(["whoami", "--json"], home, registry.endpoint, "wrong-token-" + "x" * 20)
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["error"]["kind"] == "auth"
    assert "wrong-token" not in refused.stdout + refused.stderr  # never echo a secret

    whoami = run(["whoami", "--json"], home, registry.endpoint, registry.token)
    assert whoami.returncode == 0, whoami.stderr
    me = json.loads(whoami.stdout)
    assert me["endpoint"] == registry.endpoint and me["user"]["name"]


def test_an_unreachable_registry_is_a_network_error(tmp_path):
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = run(["whoami", "--json", "--timeout", "3"], tmp_path, endpoint, "t" * 32)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["kind"] == "network"


def test_quiet_prints_nothing_but_errors(registry, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    model = make_model(home, "quiet-model", big_bytes=1024)
    pushed = run(["push", str(model.tag), "-q"], home, registry.endpoint, registry.token)
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout == "" and pushed.stderr == ""
    again = run(["-q", "pull", "no-such-model:v1"], home, registry.endpoint, registry.token)
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.startswith("bentosync: ")
