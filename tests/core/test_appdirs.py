"""Every per-user folder has one name and author; old nested folders are moved, never merged."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from bentosync.core import appdirs


def test_every_folder_is_named_bentosync_without_an_author(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var))
    for folder in (appdirs.config_dir(), appdirs.data_dir(), appdirs.cache_dir()):
        assert folder.name == "bentosync"
    assert appdirs.state_dir().name == "bentosync"
    assert appdirs.settings_file() == tmp_path / "XDG_CONFIG_HOME" / "bentosync" / "settings.ini"


def test_nested_author_folders_move_once_and_never_overwrite(tmp_path, monkeypatch):
    """As on Windows, where appauthor=None nests the app name twice."""

    def nested(kind: str):
        def where(name: str, author: object = None) -> str:
            base = tmp_path / kind / name
            return str(base / name if author is None else base)

        return where

    for kind in ("user_data_dir", "user_cache_dir", "user_state_dir"):
        monkeypatch.setattr(platformdirs, kind, nested(kind))
    old = tmp_path / "user_data_dir" / "bentosync" / "bentosync"
    (old / "registry").mkdir(parents=True)
    (old / "registry" / "registry.db").write_text("db")
    (old / "kept.txt").write_text("old")
    new = tmp_path / "user_data_dir" / "bentosync"
    (new / "kept.txt").write_text("new")

    moved = appdirs.migrate_legacy_dirs()
    assert moved == [new / "registry"]
    assert (new / "registry" / "registry.db").read_text() == "db"
    assert (new / "kept.txt").read_text() == "new"  # an existing file is never replaced
    assert (old / "kept.txt").read_text() == "old"
    assert appdirs.migrate_legacy_dirs() == []  # idempotent


def test_where_author_makes_no_difference_nothing_moves(tmp_path, monkeypatch):
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path))
    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda *a, **k: str(tmp_path))
    monkeypatch.setattr(platformdirs, "user_state_dir", lambda *a, **k: str(tmp_path))
    (tmp_path / "file").write_text("x")
    assert appdirs.migrate_legacy_dirs() == []
    assert Path(tmp_path / "file").exists()
