"""The bentoml CLI's ``.yatai.yaml`` as the last credential source, read only.

Pins that the file is used only when BentoSync has no context to use, that it
is never created, rewritten or chmodded, that its token is copied nowhere, and
that the hint about ``login --import-yatai`` comes once per file, not on every
command.
"""

from __future__ import annotations

import logging
import os
import stat

import pytest

from bentosync.core.credentials import (
    ContextsFile,
    NotLoggedIn,
    resolve_credentials,
    save_login,
)
from bentosync.core.yatai_hint import markers_dir
from support.keyrings import MemoryKeyring, use_keyring

TOKEN = "tok-YATAI-secret-1234"
OTHER_TOKEN = "tok-YATAI-other-5678"
E1 = "http://127.0.0.1:18561"

# What `bentoml cloud login` writes (PROTOCOL.md 1.1): yaml.dump, keys sorted.
YATAI = f"""\
contexts:
- api_token: {TOKEN}
  email: me@example.com
  endpoint: {E1}
  name: default
- api_token: {OTHER_TOKEN}
  email: null
  endpoint: http://127.0.0.1:18562/
  name: team
current_context_name: default
"""


@pytest.fixture
def memory():
    with use_keyring(MemoryKeyring()) as backend:
        yield backend


@pytest.fixture
def contexts(tmp_path):
    return ContextsFile(tmp_path / "config" / "bentosync" / "contexts.json")


@pytest.fixture
def yatai(bentoml_home):
    path = bentoml_home / ".yatai.yaml"
    path.write_text(YATAI)
    os.chmod(path, 0o644)  # what the official client leaves behind
    return path


def fingerprint(path):
    info = path.stat()
    return path.read_bytes(), stat.S_IMODE(info.st_mode), info.st_mtime_ns, info.st_ino


def files_containing(roots, needle: str) -> list[str]:
    found = []
    for root in roots:
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                path = os.path.join(dirpath, name)
                with open(path, "rb") as handle:
                    if needle.encode() in handle.read():
                        found.append(path)
    return found


def xdg_roots() -> list[str]:
    return [os.environ[v] for v in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")]


def test_used_when_nothing_else_is_set_and_left_exactly_as_it_was(memory, contexts, yatai):
    before = fingerprint(yatai)
    shown: list[str] = []

    creds = resolve_credentials(contexts=contexts, notice=shown.append)

    assert (creds.endpoint, creds.token, creds.context_name) == (E1, TOKEN, "default")
    assert creds.source == f"yatai:{yatai}" and creds.yatai_path == yatai
    assert not creds.from_environment and not creds.is_saved_login
    words = creds.describe_source()
    assert str(yatai) in words and "plaintext" in words and "--import-yatai" in words
    assert TOKEN not in repr(creds) and TOKEN not in words
    assert fingerprint(yatai) == before
    assert os.listdir(yatai.parent) == [".yatai.yaml"]
    assert memory.items == {} and not contexts.path.exists()  # copied nowhere
    assert files_containing([*xdg_roots(), str(contexts.path.parent.parent)], TOKEN) == []
    assert len(shown) == 1 and TOKEN not in shown[0]


def test_read_only_file_is_enough(memory, contexts, yatai):
    os.chmod(yatai, 0o400)
    before = fingerprint(yatai)
    assert resolve_credentials(contexts=contexts, notice=lambda _: None).token == TOKEN
    assert fingerprint(yatai) == before


def test_absent_file_is_not_created(memory, contexts, bentoml_home):
    with pytest.raises(NotLoggedIn, match="Not logged in to any BentoCloud registry"):
        resolve_credentials(contexts=contexts)
    assert os.listdir(bentoml_home) == []
    assert not contexts.path.exists()
    assert not markers_dir().exists()


def test_empty_config_as_the_official_client_creates_it(memory, contexts, bentoml_home):
    path = bentoml_home / ".yatai.yaml"
    path.write_text("contexts: []\ncurrent_context_name: default\n")
    before = fingerprint(path)
    with pytest.raises(NotLoggedIn, match="Not logged in to any BentoCloud registry"):
        resolve_credentials(contexts=contexts)
    path.write_text("")
    with pytest.raises(NotLoggedIn, match="Not logged in to any BentoCloud registry"):
        resolve_credentials(contexts=contexts)
    path.write_bytes(before[0])
    assert path.read_bytes() == before[0]


def test_a_bentosync_login_wins_over_the_file(memory, contexts, yatai):
    save_login("mine", "http://mine:1", "tok-mine", contexts=contexts)
    shown: list[str] = []
    creds = resolve_credentials(contexts=contexts, notice=shown.append)
    assert (creds.context_name, creds.source, creds.token) == ("mine", "keyring", "tok-mine")
    assert shown == []


def test_a_name_bentosync_lacks_is_looked_up_in_the_file(memory, contexts, yatai, monkeypatch):
    save_login("mine", "http://mine:1", "tok-mine", contexts=contexts)
    before = fingerprint(yatai)
    creds = resolve_credentials("team", contexts=contexts, notice=lambda _: None)
    assert (creds.context_name, creds.token) == ("team", OTHER_TOKEN)
    assert creds.endpoint == "http://127.0.0.1:18562"  # normalised, file untouched
    monkeypatch.setenv("BENTOML_CLOUD_CONTEXT", "team")
    creds = resolve_credentials(contexts=contexts, notice=lambda _: None)
    assert (creds.context_name, creds.source) == ("team", f"yatai:{yatai}")
    # Ours of the same name wins over theirs.
    save_login("team", "http://ours:2", "tok-ours", contexts=contexts)
    creds = resolve_credentials(contexts=contexts)
    assert (creds.token, creds.source) == ("tok-ours", "keyring")
    assert fingerprint(yatai) == before


def test_unknown_name_lists_both_kinds_of_login(memory, contexts, yatai):
    save_login("mine", "http://mine:1", "tok-mine", contexts=contexts)
    with pytest.raises(NotLoggedIn) as info:
        resolve_credentials("nope", contexts=contexts)
    message = str(info.value)
    assert f"saved: mine; in {yatai}: default, team" in message
    assert TOKEN not in message and OTHER_TOKEN not in message


def test_current_name_missing_from_the_file(memory, contexts, bentoml_home):
    path = bentoml_home / ".yatai.yaml"
    path.write_text(YATAI.replace("current_context_name: default", "current_context_name: gone"))
    with pytest.raises(NotLoggedIn, match="Not logged in"):
        resolve_credentials(contexts=contexts)


def test_broken_file_is_not_logged_in_and_not_quoted(memory, contexts, bentoml_home):
    path = bentoml_home / ".yatai.yaml"
    path.write_text(f"contexts:\n- api_token: [{TOKEN}\n")
    with pytest.raises(NotLoggedIn) as info:
        resolve_credentials(contexts=contexts)
    assert "not valid YAML" in str(info.value) and TOKEN not in str(info.value)


def test_unusable_token_in_the_file(memory, contexts, bentoml_home):
    path = bentoml_home / ".yatai.yaml"
    path.write_text(YATAI.replace(f"api_token: {TOKEN}", "api_token: 'tok with spaces'"))
    with pytest.raises(NotLoggedIn, match=r"token of context 'default' .* cannot be used"):
        resolve_credentials(contexts=contexts)


# -- the one-time hint -----------------------------------------------------------------


def test_hint_is_shown_once_per_file(memory, contexts, yatai, bentoml_home, tmp_path):
    shown: list[str] = []
    for _ in range(3):
        resolve_credentials(contexts=contexts, notice=shown.append)
    assert len(shown) == 1
    assert "bentosync login --import-yatai" in shown[0] and str(yatai) in shown[0]
    markers = list(markers_dir().iterdir())
    assert len(markers) == 1
    assert markers[0].read_text() == f"{yatai}\n"  # the path, never the token

    other_home = tmp_path / "other-bentoml"
    other_home.mkdir()
    other = other_home / ".yatai.yaml"
    other.write_text(YATAI)
    resolve_credentials(contexts=contexts, yatai_path=other, notice=shown.append)
    resolve_credentials(contexts=contexts, yatai_path=other, notice=shown.append)
    assert len(shown) == 2 and str(other) in shown[1]  # another file: a hint of its own
    assert files_containing(xdg_roots(), TOKEN) == []


def test_hint_is_logged_at_warning_by_default(memory, contexts, yatai, caplog):
    with caplog.at_level(logging.WARNING, logger="bentosync"):
        resolve_credentials(contexts=contexts)
        resolve_credentials(contexts=contexts)
    hints = [r for r in caplog.records if "--import-yatai" in r.getMessage()]
    assert len(hints) == 1 and hints[0].levelno == logging.WARNING
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


def test_the_window_gets_the_file_login_but_no_context_to_log_out_of(memory, contexts, yatai):
    from bentosync.application.cloud_target import logged_in_target

    target = logged_in_target(contexts)
    assert (target.endpoint, target.token) == (E1, TOKEN)
    assert target.context_name == ""  # not a BentoSync login: nothing to switch or forget
    assert str(yatai) in target.source and "default" in target.label
    assert not target.embedded
