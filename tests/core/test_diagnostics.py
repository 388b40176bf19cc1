"""The log file a bug report needs: written at INFO, rotated, and never holding a secret."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

from bentosync.application.diagnostics import CRASH_NAME, LOG_NAME, Diagnostics
from bentosync.core.credentials import Credentials
from bentosync.core.redaction import redact

TOKEN = "tok-diagnostics-" + "s3cr3t" * 4
SIGNED = (
    "https://bucket.s3.example/models/m.tar?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAEXAMPLE%2F20261203&X-Amz-Signature=abcdef0123456789&partNumber=2"
)


@pytest.mark.parametrize(
    "text",
    [
        f"X-YATAI-API-TOKEN: {TOKEN}",
        f"headers={{'X-YATAI-API-TOKEN': '{TOKEN}'}}",
        f"Authorization: Bearer {TOKEN}",
        f"api_token={TOKEN}",
        f"PUT {SIGNED} failed",
    ],
)
def test_secrets_are_redacted(text):
    shown = redact(text)
    assert TOKEN not in shown
    assert "abcdef0123456789" not in shown and "AKIAEXAMPLE" not in shown
    assert "***" in shown


def test_a_url_keeps_what_is_not_secret():
    shown = redact(f"PUT {SIGNED} failed")
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in shown and "partNumber=2" in shown


@pytest.fixture(autouse=True)
def _token_loaded():
    """As when a login is read: the program knows the token, so it can mask it anywhere."""
    Credentials("https://cloud.example", TOKEN, "default", "keyring")


def test_a_known_token_is_masked_in_free_text():
    assert redact(f"the server refused {TOKEN} (expired)") == "the server refused *** (expired)"


@pytest.fixture
def diagnostics(tmp_path):
    diag = Diagnostics(tmp_path / "logs").install()
    yield diag
    diag.uninstall()


def test_the_log_file_has_info_lines_and_no_secrets(diagnostics):
    log = logging.getLogger("bentosync.test")
    log.info("pushed %s", "model:v1")
    log.debug("not at INFO")
    try:
        raise RuntimeError(f"server said: bad token {TOKEN} for {SIGNED}")
    except RuntimeError:
        log.exception("upload failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (diagnostics.folder / LOG_NAME).read_text(encoding="utf-8")
    assert "pushed model:v1" in text and "not at INFO" not in text
    assert "upload failed" in text and "RuntimeError" in text
    assert TOKEN not in text and "abcdef0123456789" not in text
    details = diagnostics.details_text(None, None, None)
    assert "pushed model:v1" in details and TOKEN not in details


def test_details_name_the_versions_and_the_error(diagnostics):
    try:
        raise ValueError(f"boom {TOKEN}")
    except ValueError as exc:
        details = diagnostics.details_text(type(exc), exc, exc.__traceback__, {"Qt": "6.x"})
    assert "BentoSync" in details and "Python" in details and "Qt 6.x" in details
    assert "ValueError: boom" in details and TOKEN not in details


def test_the_log_rotates(tmp_path, monkeypatch):
    from bentosync.application import diagnostics as module

    monkeypatch.setattr(module, "LOG_BYTES", 2000)
    diag = Diagnostics(tmp_path / "logs").install()
    try:
        for i in range(200):
            logging.getLogger("bentosync.test").info("line %d %s", i, "x" * 50)
    finally:
        diag.uninstall()
    names = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert LOG_NAME + ".1" in names and LOG_NAME + ".4" not in names  # 3 backups at most


def test_a_native_crash_leaves_a_record(tmp_path):
    """faulthandler writes the stacks of a segfault, which leaves no trace otherwise."""
    code = textwrap.dedent(
        f"""
        import faulthandler
        from pathlib import Path
        from bentosync.application.diagnostics import Diagnostics
        Diagnostics(Path({str(tmp_path / "logs")!r})).install()
        faulthandler._sigsegv()
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode != 0
    crash = (tmp_path / "logs" / CRASH_NAME).read_text(encoding="utf-8")
    assert "Segmentation fault" in crash or "Fatal Python error" in crash


def test_the_terminal_keeps_its_level_while_the_file_gets_info(tmp_path):
    """``bentosync`` from a terminal logs warnings there; INFO goes to the file only."""
    import io

    root = logging.getLogger()
    terminal = io.StringIO()
    handler = logging.StreamHandler(terminal)
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    diag = Diagnostics(tmp_path / "logs").install()
    try:
        logging.getLogger("bentosync.test").info("to the file only")
        logging.getLogger("bentosync.test").warning("to both")
    finally:
        diag.uninstall()
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert "to the file only" not in terminal.getvalue() and "to both" in terminal.getvalue()
    text = (tmp_path / "logs" / LOG_NAME).read_text(encoding="utf-8")
    assert "to the file only" in text and "to both" in text
