"""The shipped translations: complete, compiled from their sources, and loaded by the app.

German is the one complete translation (``bentosync_de``); ``bentosync_en`` holds the
English plural forms only. These tests read the ``.ts`` sources, recompile them
with PySide6's ``lrelease`` and re-extract the texts with ``lupdate``, so a string
added to the GUI without a translation, or a ``.qm`` not rebuilt after a ``.ts``
edit, fails here; then they load German into a window and into Qt's own dialogs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from gui_records import make_model
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from bentosync.gui import i18n
from bentosync.gui.main_window import MainWindow
from bentosync.gui.models import cloud_describe, transfer_format
from bentosync.gui.models.local_models import LocalModelTableModel, format_age
from bentosync.gui.widgets.model_pane import ModelPane

GUI = Path(i18n.__file__).parent
TRANSLATIONS = i18n.translations_dir()
SHIPPED = ("en", "de")
BIN = Path(sys.executable).parent
PLACEHOLDER = re.compile(r"\{\w*\}|%n")


def tool(name: str) -> str:
    """PySide6's lupdate/lrelease, from the venv the tests run in."""
    path = BIN / f"pyside6-{name}"
    if not path.exists():
        message = f"pyside6-{name} is not installed (it comes with PySide6-Essentials)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return str(path)


def messages(ts: Path) -> Iterator[tuple[str, ET.Element]]:
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            yield name, message


def forms(message: ET.Element) -> list[str]:
    translation = message.find("translation")
    assert translation is not None
    numerus = translation.findall("numerusform")
    return [f.text or "" for f in numerus] if numerus else [translation.text or ""]


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated(language):
    """No unfinished, vanished or obsolete message; every plural has its forms; every
    placeholder ({name}, %n) and keyboard accelerator (&) survives translation."""
    problems = []
    count = 0
    for context, message in messages(TRANSLATIONS / f"bentosync_{language}.ts"):
        count += 1
        source = message.findtext("source") or ""
        kind = message.find("translation").get("type")  # type: ignore[union-attr]
        if kind is not None:
            problems.append(f"{context}: {source!r} is {kind}")
            continue
        texts = forms(message)
        if message.get("numerus") == "yes" and len(texts) != 2:
            problems.append(f"{context}: {source!r} has {len(texts)} plural forms, not 2")
        for text in texts:
            if not text:
                problems.append(f"{context}: {source!r} has an empty form")
            wanted = set(PLACEHOLDER.findall(source))
            if "%n" in wanted and "%n" not in text:
                wanted.discard("%n")  # a singular may say "one" instead of the number
            if not wanted <= set(PLACEHOLDER.findall(text)):
                problems.append(f"{context}: {text!r} lacks a placeholder of {source!r}")
            if re.search(r"&\w", source) and not re.search(r"&\w", text):
                problems.append(f"{context}: {text!r} lost the accelerator of {source!r}")
    assert count > (20 if language == "en" else 400)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", SHIPPED)
def test_the_qm_files_are_compiled_from_the_ts(language, tmp_path):
    """``make translations`` was run after the last edit of the .ts."""
    ts = TRANSLATIONS / f"bentosync_{language}.ts"
    fresh = tmp_path / f"bentosync_{language}.qm"
    subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(fresh)], check=True)
    assert fresh.read_bytes() == (TRANSLATIONS / fresh.name).read_bytes()


def test_lupdate_finds_no_text_missing_from_the_ts(tmp_path):
    """Every tr()/translate() text in gui/ is in the German .ts (with a translation),
    and every message of the .ts is still used."""
    before = TRANSLATIONS / "bentosync_de.ts"
    after = tmp_path / before.name
    shutil.copy(before, after)
    sources = sorted(str(p) for p in GUI.rglob("*.py"))
    subprocess.run(
        [tool("lupdate"), "-silent", "-locations", "none", *sources, "-ts", str(after)],
        check=True,
    )

    def keys(ts: Path, kinds: set[str | None]) -> set[tuple[str, str]]:
        return {
            (context, message.findtext("source") or "")
            for context, message in messages(ts)
            if message.find("translation").get("type") in kinds  # type: ignore[union-attr]
        }

    new = keys(after, {"unfinished"})
    gone = keys(after, {"vanished", "obsolete"})
    assert new == set(), f"not in bentosync_de.ts (run make translations): {sorted(new)}"
    assert gone == set(), f"no longer in the code (run make translations): {sorted(gone)}"


@pytest.fixture
def german(qapp) -> Iterator[None]:
    """German as the app installs it at start, for one test."""
    translators = i18n.install_translators(
        qapp, QLocale(QLocale.Language.German, QLocale.Country.Germany)
    )
    assert len(translators) == 3  # English plurals, Qt's German, ours
    yield
    i18n.remove_translators(qapp, translators)


@pytest.fixture
def german_window(german, qtbot, lookup_pool, settings, bentoml_home) -> MainWindow:
    window = MainWindow(lookup_pool, settings=settings, use_tray=False)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_window_speaks_german(german_window):
    window = german_window
    titles = [menu.title() for menu in window.menus.values()]
    assert titles == ["&Datei", "&Modell", "&Übertragungen", "&Hilfe"]
    assert window.window_actions.refresh.text() == "&Aktualisieren"
    assert window.local_pane.title_label.text() == "Lokal"
    assert window.local_pane.filter_edit.placeholderText() == "Modelle filtern"
    model = window.local_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Name", "Version", "Größe", "Erstellt"]
    assert window.transfers_panel.view.accessibleName() == "Übertragungen"


def test_german_plurals(german, qtbot):
    """One and two (and none) read as German counts them."""
    assert cloud_describe.CloudDescribe.tr("{count} file(s)", "", 1).format(count=1) == "1 Datei"
    assert cloud_describe.CloudDescribe.tr("{count} file(s)", "", 2).format(count=2) == "2 Dateien"
    assert transfer_format.overall_text([]) == "Keine Übertragungen"
    source = LocalModelTableModel()
    pane = ModelPane("Lokal", source)
    qtbot.addWidget(pane)
    source.set_models([make_model("a")])
    assert pane.count_label.text() == "1 Modell"
    source.set_models([make_model("a"), make_model("b")])
    assert pane.count_label.text() == "2 Modelle"


def test_german_ages_take_the_dative(german):
    """humanize's German says "vor eine Minute", "vor ein Tag" (seen in the Created
    column under Xvfb); after "vor" German wants "vor einer Minute", "vor einem Tag"."""
    now = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)

    def age(**delta: float) -> str:
        return format_age(now - timedelta(**delta), now)

    assert age(seconds=1) == "vor einer Sekunde"
    assert age(minutes=1) == "vor einer Minute"
    assert age(hours=1) == "vor einer Stunde"
    assert age(days=1) == "vor einem Tag"
    assert age(minutes=3) == "vor 3 Minuten"


def test_english_ages_are_untouched(qapp):
    now = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
    assert format_age(now - timedelta(minutes=1), now) == "a minute ago"
    assert format_age(now - timedelta(days=1), now) == "a day ago"


def test_english_plurals(qapp):
    """Without German (the session's default): English, with its own plural forms."""
    assert cloud_describe.CloudDescribe.tr("{count} file(s)", "", 1).format(count=1) == "1 file"
    assert cloud_describe.CloudDescribe.tr("{count} file(s)", "", 2).format(count=2) == "2 files"


def test_qt_own_dialogs_speak_german(german, qtbot):
    """Qt's translations (qtbase_de.qm) are loaded too: standard buttons are German."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Abbrechen"
    box = QMessageBox()
    qtbot.addWidget(box)
    assert box.addButton(QMessageBox.StandardButton.Close).text() == "Schließen"


def test_qt_own_dialogs_speak_english_by_default(qtbot):
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"


def test_the_language_can_be_chosen(monkeypatch):
    """BENTOSYNC_LANG overrides the system's locale; nonsense falls back to it."""
    monkeypatch.setenv(i18n.LANG_ENV, "de")
    assert i18n.chosen_locale().language() == QLocale.Language.German
    monkeypatch.setenv(i18n.LANG_ENV, "xx-nonsense")
    assert i18n.chosen_locale() == QLocale.system()
    assert i18n.shipped_languages() == ["de"]
    assert (i18n.qt_translations_dir() / "qtbase_de.qm").is_file()
