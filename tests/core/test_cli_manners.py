"""The CLI's manners: -v/-q anywhere, JSON errors for usage mistakes, a list that works
before any login, output that survives an ASCII stream, and completion for three shells.

In-process through ``bentosync.cli.main`` where no server is needed; the shells
are the real bash, zsh and fish (``.ci/system-deps.sh`` installs them).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from bentosync.cli import build_parser, main
from bentosync.commands.completion import completion_script
from bentosync.commands.output import IntegrityFailure, error_kind, error_object
from bentosync.commands.progress_view import ProgressView
from bentosync.core.cloud_errors import AuthError, CloudModelNotFound, ConnectionFailed
from bentosync.core.credentials import NotLoggedIn
from bentosync.core.errors import Cancelled, InvalidTag
from bentosync.core.store import LocalStore
from bentosync.core.transfer.expectations import ChecksumMismatch
from bentosync.core.transfer.progress import ChecksumState, Phase, TransferProgress
from support.keyrings import MemoryKeyring, use_keyring


@pytest.fixture
def nobody_logged_in():
    with use_keyring(MemoryKeyring()) as backend:
        yield backend


@pytest.mark.parametrize(
    ("argv", "verbose", "quiet"),
    [
        (["-v", "list"], 1, False),
        (["list", "-v"], 1, False),
        (["list", "-vv"], 2, False),
        (["-q", "list"], 0, True),
        (["list", "--quiet"], 0, True),
        (["registry", "serve", "-q"], 0, True),
        (["push", "m:v", "-v"], 1, False),
    ],
)
def test_verbosity_goes_before_or_after_the_command(argv, verbose, quiet):
    args = build_parser().parse_args(argv)
    assert (args.verbose, args.quiet) == (verbose, quiet)


def test_a_usage_error_with_json_is_an_error_object_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["push", "--json", "--threads", "0", "m:v"])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    error = json.loads(out)["error"]
    assert error["kind"] == "usage" and "--threads" in error["message"]
    assert "usage:" in err  # the person at the terminal still gets argparse's words


def test_a_usage_error_without_json_prints_no_json(capsys):
    with pytest.raises(SystemExit):
        main(["push", "--threads", "0", "m:v"])
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (NotLoggedIn("no login"), "auth"),
        (AuthError("refused", status=401), "auth"),
        (CloudModelNotFound("no such model"), "not_found"),
        (ConnectionFailed("connection refused"), "network"),
        (ChecksumMismatch("weights.bin differs"), "integrity"),
        (IntegrityFailure("m:v does not match", {"mismatched": ["a"]}), "integrity"),
        (InvalidTag("bad tag"), "usage"),
        (Cancelled("cancelled"), "cancelled"),
        (OSError(28, "No space left on device"), "failure"),
    ],
)
def test_errors_have_the_kind_a_script_branches_on(exc, kind):
    obj = error_object(exc)
    assert obj["ok"] is False and obj["error"]["kind"] == kind == error_kind(exc)
    assert obj["error"]["message"] and "Traceback" not in obj["error"]["message"]


def test_integrity_errors_carry_their_details():
    obj = error_object(IntegrityFailure("m:v differs", {"mismatched": ["weights.bin"]}))
    assert obj["details"] == {"mismatched": ["weights.bin"]}


def test_a_push_before_any_login_fails_with_an_auth_error_object(
    nobody_logged_in, bentoml_home, capsys
):
    assert main(["push", "--json", "missing:v1"]) == 1
    out, err = capsys.readouterr()
    obj = json.loads(out)
    assert obj["ok"] is False
    assert obj["error"]["kind"] in ("auth", "not_found")  # no login, or no such local model
    assert err.startswith("bentosync: ")


def test_list_before_any_login_shows_the_local_store_and_how_to_log_in(
    nobody_logged_in, bentoml_home, tmp_path, capsys
):
    source = tmp_path / "src"
    source.mkdir()
    (source / "w.bin").write_bytes(b"w")
    model = LocalStore().create_from_folder(source, "offline-model")
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert str(model.tag) in out
    assert "local store only" in err and "bentosync login" in err
    assert main(["list", "--json"]) == 0
    assert [item["tag"] for item in json.loads(capsys.readouterr().out)] == [str(model.tag)]
    # Asking for the cloud by name still fails: that is the answer to the question.
    assert main(["list", "--cloud"]) == 1


def test_progress_on_an_ascii_stream_uses_ascii_symbols():
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    progress = TransferProgress("pull", "m:v")
    progress.set_files([("a.bin", 3), ("b.bin", 3)])
    progress.set_done("a.bin", 3)
    progress.set_checksum("a.bin", ChecksumState.VERIFIED)
    for interactive in (True, False):
        with ProgressView(progress, stream=stream, interval=60, interactive=interactive):
            progress.set_phase(Phase.DONE, "done")
    stream.flush()
    text = stream.buffer.getvalue().decode("ascii")  # would have raised on "✓"
    assert " v [" in text and "verified" in text


@pytest.mark.integration  # a subprocess
def test_a_label_the_stream_cannot_encode_is_escaped_not_a_crash(tmp_path):
    home = tmp_path / "home"
    source = tmp_path / "src"
    source.mkdir()
    (source / "w.bin").write_bytes(b"w")
    LocalStore(home).create_from_folder(source, "labelled", labels={"owner": "Zoë ✓"})
    env = {**os.environ, "BENTOML_HOME": str(home), "PYTHONIOENCODING": "ascii"}
    for args in (["list", "--local"], ["list", "--local", "--json"]):
        proc = subprocess.run(
            [sys.executable, "-m", "bentosync", *args],
            env=env,
            capture_output=True,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        assert b"Traceback" not in proc.stderr
        out = proc.stdout.decode("ascii")
        assert "labelled" in out
    assert json.loads(out)[0]["labels"] == {"owner": "Zoë ✓"}  # JSON escapes it exactly


@pytest.mark.integration  # a subprocess
def test_bash_completes_commands_and_options(tmp_path):
    script = tmp_path / "bentosync.bash"
    script.write_text(completion_script("bash"))

    def complete(*words: str) -> set[str]:
        line = " ".join(f"'{w}'" for w in words)
        proc = subprocess.run(
            [
                "bash",
                "-c",
                f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
                f'COMP_LINE="{" ".join(words)}"; COMP_POINT=${{#COMP_LINE}}; '
                '_shtab_bentosync; printf "%s\\n" "${COMPREPLY[@]}"',
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.returncode == 0, proc.stderr
        return {w.strip() for w in proc.stdout.split()}

    assert {"push", "pull"} <= complete("bentosync", "pu")
    assert "--json" in complete("bentosync", "push", "--j")
    assert "--quiet" in complete("bentosync", "verify", "--q")


@pytest.mark.integration  # a subprocess
def test_zsh_reads_its_completion(tmp_path):
    script = tmp_path / "_bentosync"
    script.write_text(completion_script("zsh"))
    proc = subprocess.run(["zsh", "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "push" in script.read_text() and "--part-size" in script.read_text()


@pytest.mark.integration  # a subprocess
def test_fish_completes_commands_and_options(tmp_path):
    script = tmp_path / "bentosync.fish"
    script.write_text(completion_script("fish"))

    def complete(line: str) -> set[str]:
        proc = subprocess.run(
            ["fish", "--no-config", "-c", f"source {script}; complete -C '{line}'"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.returncode == 0, proc.stderr
        return {row.split("\t")[0] for row in proc.stdout.splitlines()}

    assert {"push", "pull"} <= complete("bentosync pu")
    assert "--json" in complete("bentosync push --j")


def test_completion_prints_the_script(capsys):
    assert main(["completion", "bash"]) == 0
    assert "_shtab_bentosync" in capsys.readouterr().out
