"""Contexts, tokens and where they come from, with fake keyrings.

Pins DESIGN.md's resolution order, the "no token in any file" rule, the 0600
contexts file, the keyring error messages, session-only logins, and the import
of the bentoml CLI's .yatai.yaml (which must be left exactly as it was).
"""

from __future__ import annotations

import os
import pickle
import re
import stat

import keyring.errors
import pytest

from bentosync.core.credentials import (
    Context,
    ContextsFile,
    Credentials,
    CredentialStorage,
    KeyringUnavailable,
    NotLoggedIn,
    forget_login,
    resolve_credentials,
    save_login,
    validate_token,
)
from bentosync.core.errors import BentoSyncError
from bentosync.core.yatai_import import NothingToImport, import_yatai_contexts
from support.keyrings import (
    FakePlaintextKeyring,
    MemoryKeyring,
    RaisingKeyring,
    no_keyring,
    use_keyring,
)

TOKEN = "tok-SECRET-abcdef"
E1 = "http://127.0.0.1:1111"


@pytest.fixture
def memory():
    with use_keyring(MemoryKeyring()) as backend:
        yield backend


@pytest.fixture
def contexts(tmp_path):
    return ContextsFile(tmp_path / "config" / "bentosync" / "contexts.json")


def files_containing(root, needle: str) -> list[str]:
    found = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as handle:
                if needle.encode() in handle.read():
                    found.append(path)
    return found


# -- resolution order ------------------------------------------------------------------


def test_official_env_var_wins_over_everything(memory, contexts, monkeypatch):
    save_login("work", E1, TOKEN, contexts=contexts)
    monkeypatch.setenv("BENTOCLOUD_API_TOKEN", "second")
    monkeypatch.setenv("BENTO_CLOUD_API_KEY", "first")
    creds = resolve_credentials(contexts=contexts)
    assert (creds.token, creds.endpoint) == ("first", "https://cloud.bentoml.com")
    assert (creds.context_name, creds.source) == ("__env__", "env:BENTO_CLOUD_API_KEY")
    monkeypatch.setenv("BENTO_CLOUD_API_ENDPOINT", "http://h:1/prefix/")
    assert resolve_credentials(contexts=contexts).endpoint == "http://h:1/prefix"


def test_bentocloud_env_pair_is_second(memory, contexts, monkeypatch):
    save_login("work", E1, TOKEN, contexts=contexts)
    monkeypatch.setenv("BENTOCLOUD_API_TOKEN", "second")
    monkeypatch.setenv("BENTOCLOUD_ENDPOINT", "http://other:2")
    creds = resolve_credentials(contexts=contexts)
    assert (creds.token, creds.endpoint, creds.source) == (
        "second",
        "http://other:2",
        "env:BENTOCLOUD_API_TOKEN",
    )
    assert creds.describe_source() == "environment variable BENTOCLOUD_API_TOKEN"


def test_keyring_context_is_last(memory, contexts, monkeypatch):
    # The endpoint variable alone means nothing without its token (as in bentoml).
    monkeypatch.setenv("BENTO_CLOUD_API_ENDPOINT", "http://ignored:9")
    save_login("work", E1 + "/", TOKEN, email="a@b.c", contexts=contexts)
    creds = resolve_credentials(contexts=contexts)
    assert (creds.endpoint, creds.token, creds.context_name, creds.source) == (
        E1,
        TOKEN,
        "work",
        "keyring",
    )
    assert memory.items == {("bentosync", "work"): TOKEN}


def test_explicit_context_and_unknown_context(memory, contexts):
    save_login("a", E1, "tok-a", contexts=contexts)
    save_login("b", "http://b:2", "tok-b", contexts=contexts)
    assert resolve_credentials(contexts=contexts).context_name == "b"  # last login is current
    assert resolve_credentials("a", contexts=contexts).token == "tok-a"
    with pytest.raises(NotLoggedIn, match=r"no saved login named 'zz'.*saved: a, b"):
        resolve_credentials("zz", contexts=contexts)


def test_context_precedence_option_then_variable_then_current(memory, contexts, monkeypatch):
    """The official client's order (PROTOCOL.md 1.1): --context, BENTOML_CLOUD_CONTEXT, current."""
    save_login("a", E1, "tok-a", contexts=contexts)
    save_login("b", "http://b:2", "tok-b", contexts=contexts)
    save_login("c", "http://c:3", "tok-c", contexts=contexts)  # current
    assert resolve_credentials(contexts=contexts).context_name == "c"
    monkeypatch.setenv("BENTOML_CLOUD_CONTEXT", "b")
    creds = resolve_credentials(contexts=contexts)
    assert (creds.context_name, creds.token, creds.endpoint) == ("b", "tok-b", "http://b:2")
    creds = resolve_credentials("a", contexts=contexts)  # the option beats the variable
    assert (creds.context_name, creds.token, creds.endpoint) == ("a", "tok-a", E1)
    monkeypatch.setenv("BENTOML_CLOUD_CONTEXT", "  ")  # blank counts as unset
    assert resolve_credentials(contexts=contexts).context_name == "c"
    assert resolve_credentials(" ", contexts=contexts).context_name == "c"


def test_environment_token_beats_option_and_variable(memory, contexts, monkeypatch):
    save_login("a", E1, "tok-a", contexts=contexts)
    monkeypatch.setenv("BENTOML_CLOUD_CONTEXT", "a")
    monkeypatch.setenv("BENTO_CLOUD_API_KEY", "from-env")
    for asked in (None, "a", "no-such-context"):
        creds = resolve_credentials(asked, contexts=contexts)
        assert (creds.token, creds.source) == ("from-env", "env:BENTO_CLOUD_API_KEY")
    assert memory.items == {("bentosync", "a"): "tok-a"}  # the keyring was not needed


def test_unknown_context_from_the_variable_says_so(memory, contexts, monkeypatch):
    save_login("a", E1, "tok-a", contexts=contexts)
    save_login("b", E1, "tok-b", contexts=contexts)
    monkeypatch.setenv("BENTOML_CLOUD_CONTEXT", "typo")
    with pytest.raises(NotLoggedIn) as info:
        resolve_credentials(contexts=contexts)
    message = str(info.value)
    assert "no saved login named 'typo'" in message and "BENTOML_CLOUD_CONTEXT" in message
    assert "saved: a, b" in message and "tok-" not in message
    with pytest.raises(NotLoggedIn, match=r"'other' \(asked for with --context; saved: a, b\)"):
        resolve_credentials("other", contexts=contexts)


def test_unknown_context_without_any_login(memory, contexts):
    with pytest.raises(NotLoggedIn, match=r"no saved login named 'x' .*saved: none"):
        resolve_credentials("x", contexts=contexts)
    assert memory.items == {} and not contexts.path.exists()


def test_nothing_configured_says_how_to_log_in(memory, contexts):
    with pytest.raises(NotLoggedIn) as info:
        resolve_credentials(contexts=contexts)
    message = str(info.value)
    assert "bentosync login --endpoint" in message and "BENTO_CLOUD_API_KEY" in message
    assert not contexts.path.exists()  # reading never creates the file


def test_token_missing_from_keyring(memory, contexts):
    save_login("work", E1, TOKEN, contexts=contexts)
    memory.items.clear()
    with pytest.raises(
        NotLoggedIn, match=re.escape("bentosync login --endpoint http://127.0.0.1:1111")
    ):
        resolve_credentials(contexts=contexts)


def test_credentials_never_show_the_token():
    creds = Credentials(E1, TOKEN, "work", "keyring")
    assert TOKEN not in repr(creds) and TOKEN not in str(creds) and TOKEN not in f"{creds}"
    with pytest.raises(TypeError):
        pickle.dumps(creds)


@pytest.mark.parametrize("bad", ["", "   ", "tok en", "tok\x00en", "a\nb"])
def test_bad_tokens_are_refused_without_echo(bad):
    with pytest.raises(BentoSyncError) as info:
        validate_token(bad)
    assert bad.strip() == "" or bad not in str(info.value)
    assert validate_token(f"  {TOKEN}\n") == TOKEN


# -- the contexts file -----------------------------------------------------------------


def test_contexts_file_is_private_atomic_and_token_free(memory, contexts):
    save_login("work", E1, TOKEN, email="me@example.com", contexts=contexts)
    save_login("home", "http://h:2", TOKEN + "2", contexts=contexts)
    mode = stat.S_IMODE(contexts.path.stat().st_mode)
    assert mode == 0o600, oct(mode)
    assert stat.S_IMODE(contexts.path.parent.stat().st_mode) == 0o700
    assert os.listdir(contexts.path.parent) == ["contexts.json"]  # no temp leftovers
    assert files_containing(contexts.path.parent.parent, TOKEN) == []
    config = contexts.load()
    assert config.current == "home"
    assert config.contexts["work"] == Context("work", E1, "me@example.com")


def test_default_path_follows_xdg_config_home(memory, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    save_login("work", E1, TOKEN)
    assert (tmp_path / "xdg" / "bentosync" / "contexts.json").is_file()
    assert files_containing(tmp_path / "xdg", TOKEN) == []


def test_corrupt_contexts_file_is_reported(contexts):
    contexts.path.parent.mkdir(parents=True)
    contexts.path.write_text("{not json")
    with pytest.raises(BentoSyncError, match="not valid JSON"):
        contexts.load()


def test_forget_login_switches_current(memory, contexts):
    save_login("a", E1, "tok-a", contexts=contexts)
    save_login("b", E1, "tok-b", contexts=contexts)
    removed, token_removed = forget_login("b", contexts=contexts)
    assert removed is not None and removed.name == "b" and token_removed
    assert contexts.load().current == "a"
    assert ("bentosync", "b") not in memory.items


# -- keyring failures ------------------------------------------------------------------


def test_no_backend_is_a_clear_error(contexts):
    with use_keyring(no_keyring()), pytest.raises(KeyringUnavailable) as info:
        save_login("work", E1, TOKEN, contexts=contexts)
    err = info.value
    assert err.reason == KeyringUnavailable.NO_BACKEND
    assert "No usable system keyring" in str(err) and "session only" in str(err)
    assert "BENTO_CLOUD_API_KEY" in str(err) and TOKEN not in str(err)
    assert not contexts.path.exists()  # nothing half-saved


def test_plaintext_backend_counts_as_none(contexts):
    backend = FakePlaintextKeyring()
    with use_keyring(backend), pytest.raises(KeyringUnavailable, match="plain file") as info:
        save_login("work", E1, TOKEN, contexts=contexts)
    assert info.value.reason == KeyringUnavailable.NO_BACKEND
    assert backend.items == {}


@pytest.mark.parametrize(
    "exc",
    [
        keyring.errors.KeyringLocked("Failed to unlock the collection!"),
        keyring.errors.InitError("Failed to create the collection: prompt dismissed"),
        RuntimeError("User canceled the operation (-128)"),
    ],
)
def test_locked_keyring(exc, contexts):
    with use_keyring(RaisingKeyring(exc)), pytest.raises(KeyringUnavailable) as info:
        save_login("work", E1, TOKEN, contexts=contexts)
    assert info.value.reason == KeyringUnavailable.LOCKED
    assert "locked or refused access" in str(info.value) and "Unlock it" in str(info.value)


def test_other_keyring_failure_keeps_detail_but_not_the_token(contexts):
    exc = RuntimeError(f"D-Bus exploded while storing {TOKEN}")
    with use_keyring(RaisingKeyring(exc)), pytest.raises(KeyringUnavailable) as info:
        save_login("work", E1, TOKEN, contexts=contexts)
    assert info.value.reason == KeyringUnavailable.ERROR
    assert "D-Bus exploded" in str(info.value) and TOKEN not in str(info.value)


def test_missing_secret_service_counts_as_no_backend():
    class SecretServiceNotAvailableException(Exception):
        pass

    exc = SecretServiceNotAvailableException("Environment variable DBUS_SESSION_BUS_ADDRESS unset")
    with use_keyring(RaisingKeyring(exc)), pytest.raises(KeyringUnavailable) as info:
        CredentialStorage().load_token("work")
    assert info.value.reason == KeyringUnavailable.NO_BACKEND


def test_locked_keyring_blocks_logout_but_vanished_one_does_not(memory, contexts):
    save_login("work", E1, TOKEN, contexts=contexts)
    with use_keyring(RaisingKeyring(keyring.errors.KeyringLocked("locked"))):
        with pytest.raises(KeyringUnavailable):
            forget_login("work", contexts=contexts)
        assert contexts.get("work") is not None
    with use_keyring(no_keyring()):
        removed, token_removed = forget_login("work", contexts=contexts)
    assert removed is not None and not token_removed and contexts.get("work") is None


# -- session only ----------------------------------------------------------------------


def test_session_only_login_without_any_keyring(contexts, tmp_path):
    with use_keyring(no_keyring()):
        save_login("work", E1, TOKEN, session_only=True, contexts=contexts)
        creds = resolve_credentials(contexts=contexts)
        assert (creds.token, creds.source) == (TOKEN, "session")
        assert creds.describe_source() == "this session only (not saved)"
        assert files_containing(tmp_path, TOKEN) == []
        CredentialStorage.forget_session_tokens()  # what quitting the app does
        with pytest.raises(KeyringUnavailable):
            resolve_credentials(contexts=contexts)


def test_session_token_shadows_keyring_until_saved(memory):
    storage = CredentialStorage()
    storage.store_token("work", "from-keyring")
    storage.store_token("work", "for-now", session_only=True)
    assert storage.load_token("work") == "for-now" and storage.is_session_only("work")
    assert memory.items[("bentosync", "work")] == "from-keyring"
    storage.store_token("work", "saved")
    assert storage.load_token("work") == "saved" and not storage.is_session_only("work")
    assert storage.delete_token("work") and storage.load_token("work") is None
    assert not storage.delete_token("work")


# -- import from .yatai.yaml -----------------------------------------------------------

YATAI = """\
contexts:
- api_token: tok-first-111
  email: me@example.com
  endpoint: http://127.0.0.1:18561
  name: default
- api_token: tok-second-222
  email: null
  endpoint: https://cloud.example.com/
  name: team
- endpoint: http://no-token
  name: broken
- api_token: tok-third-333
  endpoint: not a url
  name: weird
current_context_name: team
"""


def test_import_moves_tokens_into_keyring_and_leaves_yatai_alone(memory, contexts, bentoml_home):
    yatai = bentoml_home / ".yatai.yaml"
    yatai.write_text(YATAI)
    os.chmod(yatai, 0o644)
    before = (yatai.read_bytes(), yatai.stat().st_mtime_ns, yatai.stat().st_mode)

    report = import_yatai_contexts(contexts=contexts)

    assert report.imported == ["default", "team"]
    assert [name for name, _ in report.skipped] == ["broken", "weird"]
    assert report.current == "team" and report.source == yatai
    assert memory.items == {
        ("bentosync", "default"): "tok-first-111",
        ("bentosync", "team"): "tok-second-222",
    }
    assert contexts.get("team") == Context("team", "https://cloud.example.com", "")
    assert contexts.get("default") == Context("default", "http://127.0.0.1:18561", "me@example.com")
    for token in ("tok-first-111", "tok-second-222", "tok-third-333"):
        assert files_containing(contexts.path.parent, token) == []
    assert (yatai.read_bytes(), yatai.stat().st_mtime_ns, yatai.stat().st_mode) == before
    assert sorted(os.listdir(bentoml_home)) == [".yatai.yaml"]


def test_import_keeps_our_current_context(memory, contexts, bentoml_home):
    save_login("mine", E1, TOKEN, contexts=contexts)
    (bentoml_home / ".yatai.yaml").write_text(YATAI)
    assert import_yatai_contexts(contexts=contexts).current == "mine"


def test_import_without_file_creates_nothing(memory, contexts, bentoml_home):
    with pytest.raises(NothingToImport, match="bentosync login --endpoint"):
        import_yatai_contexts(contexts=contexts)
    assert os.listdir(bentoml_home) == [] and not contexts.path.exists()


def test_import_of_bad_yaml_does_not_quote_it(memory, contexts, bentoml_home):
    (bentoml_home / ".yatai.yaml").write_text("contexts:\n- api_token: [tok-SECRET-x\n")
    with pytest.raises(BentoSyncError, match="not valid YAML") as info:
        import_yatai_contexts(contexts=contexts)
    assert "tok-SECRET" not in str(info.value)


def test_import_without_keyring_changes_nothing(contexts, bentoml_home):
    (bentoml_home / ".yatai.yaml").write_text(YATAI)
    with use_keyring(no_keyring()), pytest.raises(KeyringUnavailable):
        import_yatai_contexts(contexts=contexts)
    assert not contexts.path.exists()
