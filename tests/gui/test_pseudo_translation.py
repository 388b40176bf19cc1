"""Every text the window shows came through Qt's translation: a pseudo-translator sees it.

A translator that answers every lookup with the source in brackets ("⟦Refresh⟧")
is installed before the window and its dialogs are built. Then every widget,
action, menu, column header and accessible name is read back: a non-empty text
without "⟦" never went through ``tr()``/``translate()``, so a translator could
never reach it. Data is not UI text and is allowed, narrowly: the model names,
tags, paths, sizes and numbers the demo store holds, and the app's name.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from demo_store import make_demo_store
from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QTreeView,
    QWidget,
)
from test_transfers_model import job as pseudo_job
from window_support import add_model

from bentosync.application.jobs import JobStatus
from bentosync.application.settings import TransferSettings
from bentosync.core.manifest import compute_file_list
from bentosync.core.session import open_session
from bentosync.core.store import LocalModel
from bentosync.core.sync_state import compute_sync_states
from bentosync.core.transfer.push import Pusher
from bentosync.gui import window_commands
from bentosync.gui.dialogs.accounts_dialog import AccountsDialog
from bentosync.gui.dialogs.conflict_dialog import PUSH, ConflictDialog
from bentosync.gui.dialogs.delete_dialog import LOCAL, DeleteDialog, DeletionItem
from bentosync.gui.dialogs.import_dialog import ImportDialog
from bentosync.gui.dialogs.login_dialog import LoginDialog
from bentosync.gui.dialogs.settings_dialog import SettingsDialog
from bentosync.gui.exception_dialog import ExceptionDialog
from bentosync.gui.main_window import MainWindow
from bentosync.gui.models.transfer_format import describe_outcome
from bentosync.gui.widgets.details_panel import DetailsPanel
from support.keyrings import MemoryKeyring, use_keyring

OPEN, CLOSE = "⟦", "⟧"
TIMEOUT_MS = 10_000


class PseudoTranslator(QTranslator):
    """Translates everything, visibly: the source text in brackets."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        self.asked += 1
        return f"{OPEN}{source}{CLOSE}"

    def isEmpty(self) -> bool:
        return False


#: What may show without brackets: data, not words of the UI.
DATA = [
    re.compile(r"BentoSync"),  # the app's name, the same in every language
    re.compile(r"[\d.,\s%]*"),  # numbers, percentages
    re.compile(r"[\d.,]+\s?(Bytes|B|KiB|MiB|GiB|TiB)"),  # sizes (humanize)
    re.compile(r"[a-z0-9][\w.-]*(:[\w.-]+)?"),  # model names and tags
    re.compile(r"([\w.-]+=[\w.-]+\s*)+"),  # labels, key=value, one a line
    re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+"),  # an exact time
    re.compile(r"(~|/)[\w./ -]*"),  # paths
    re.compile(r"https?://\S+"),  # an endpoint
    re.compile(r"[a-z_]+\.[\w.]+"),  # a framework module ("sklearn.linear_model")
    re.compile(r".*\b(seconds?|minutes?|hours?|days?|months?|years?) ago"),  # humanize ages
]


def is_data(text: str) -> bool:
    return any(pattern.fullmatch(text.strip()) for pattern in DATA)


def untranslated(text: str) -> bool:
    plain = text.replace("&", "").strip()
    has_words = any(ch.isalpha() for ch in plain)
    return has_words and OPEN not in plain and not is_data(plain)


def widget_texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(what, text) of everything a widget shows or says to a screen reader."""
    name = f"{type(widget).__name__}({widget.objectName()})"
    if widget.isWindow():
        yield f"{name}.windowTitle", widget.windowTitle()
    yield f"{name}.toolTip", widget.toolTip()
    yield f"{name}.statusTip", widget.statusTip()
    yield f"{name}.accessibleName", widget.accessibleName()
    yield f"{name}.accessibleDescription", widget.accessibleDescription()
    if isinstance(widget, (QLabel, QAbstractButton)):
        yield f"{name}.text", widget.text()
    if isinstance(widget, QLineEdit):
        yield f"{name}.placeholderText", widget.placeholderText()
    if isinstance(widget, QGroupBox):
        yield f"{name}.title", widget.title()
    if isinstance(widget, QMenu):
        yield f"{name}.title", widget.title()
    if isinstance(widget, (QTableView, QTreeView)) and widget.model() is not None:
        model = widget.model()
        for column in range(model.columnCount(QModelIndex())):
            header = model.headerData(column, Qt.Orientation.Horizontal)
            if isinstance(header, str):
                yield f"{name}.header[{column}]", header


def action_texts(action: QAction) -> Iterator[tuple[str, str]]:
    name = f"QAction({action.objectName() or action.text()})"
    yield f"{name}.text", action.text()
    yield f"{name}.toolTip", action.toolTip()
    yield f"{name}.statusTip", action.statusTip()


def untranslated_in(root: QWidget) -> list[str]:
    """Every shown text under ``root`` (widgets, actions, menus) that did not come
    through a translator."""
    found = []
    widgets = [root, *root.findChildren(QWidget)]
    actions = {a for w in widgets for a in w.actions()} | set(root.findChildren(QAction))
    for widget in widgets:
        for what, text in widget_texts(widget):
            if text and untranslated(text):
                found.append(f"{what}: {text!r}")
    for action in actions:
        if action.isSeparator():
            continue
        for what, text in action_texts(action):
            # Qt fills an empty tooltip with the text (and strips "&"): that is translated too.
            if text and untranslated(text):
                found.append(f"{what}: {text!r}")
    return sorted(set(found))


@pytest.fixture
def pseudo(qapp) -> Iterator[PseudoTranslator]:
    translator = PseudoTranslator()
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


@pytest.fixture
def demo_models(bentoml_home) -> list[LocalModel]:
    return make_demo_store(bentoml_home)


def test_the_check_sees_an_untranslated_text(pseudo, qtbot):
    """The test itself can fail: a label set without tr() is found."""
    widget = QWidget()
    qtbot.addWidget(widget)
    QLabel("Not translated", widget)
    QLabel(QCoreApplication.translate("Test", "Translated"), widget)
    assert untranslated_in(widget) == ["QLabel().text: 'Not translated'"]


def test_the_whole_window_goes_through_the_translator(
    pseudo, qtbot, lookup_pool, settings, demo_models
):
    window = MainWindow(lookup_pool, settings=settings, use_tray=False)
    qtbot.addWidget(window)
    window.show()
    window.refresh()
    qtbot.waitUntil(lambda: window.local_model.rowCount() == len(demo_models), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.cloud_pane.subtitle_label.text() != "", timeout=TIMEOUT_MS)
    # A selected model fills the details panel and enables the actions.
    window.local_pane.view.selectRow(0)
    qtbot.waitUntil(lambda: window.details.files_status.text() != "", timeout=TIMEOUT_MS)
    for menu in window.menus.values():
        menu.aboutToShow.emit()
    context = window.window_actions.context_menu("local", window)
    assert pseudo.asked > 100
    problems = untranslated_in(window) + untranslated_in(context)
    assert problems == [], "\n".join(problems)
    # Cells the window computed (not data): the Sync column's words and the tooltips.
    model = window.local_model
    for row in range(model.rowCount()):
        for column in range(model.columnCount(QModelIndex())):
            tip = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str) and not is_data(tip.split("\n")[0]):
                assert OPEN in tip, (row, column, tip)
    window.close()


def test_every_dialog_goes_through_the_translator(
    pseudo, qtbot, lookup_pool, settings, demo_models, tmp_path
):
    with use_keyring(MemoryKeyring()):
        accounts = AccountsDialog(lookup_pool)
        qtbot.addWidget(accounts)
        qtbot.waitUntil(lambda: not accounts.is_busy(), timeout=TIMEOUT_MS)
    parent = QWidget()
    qtbot.addWidget(parent)
    item = DeletionItem(str(demo_models[0].tag), 1000, 2, str(demo_models[0].path))
    dialogs: list[QWidget] = [
        SettingsDialog(TransferSettings(settings), parent),
        ImportDialog(tmp_path, push=True, where="", parent=parent),
        DeleteDialog(LOCAL, [item], "this computer", parent),
        DeleteDialog(LOCAL, [item, item], "this computer", parent),
        ConflictDialog(PUSH, item.tag, "", 2, "the cloud", parent),
        ExceptionDialog("details", "message", parent),
        window_commands.show_about(parent),
        LoginDialog(lookup_pool, parent),
        accounts,
    ]
    problems = []
    for dialog in dialogs:
        dialog.show()
        problems += [
            f"{type(dialog).__name__}: {p}"
            for p in untranslated_in(dialog)
            # The error presenter's and the caller's own words, passed in as they are.
            if p not in ("QLabel(qt_msgbox_informativelabel).text: 'message'",)
        ]
    assert problems == [], "\n".join(problems)
    QApplication.closeAllWindows()


def test_the_engines_sentences_go_through_the_translator(
    pseudo, qtbot, bentoml_home, registry, tmp_path
):
    """The Details panel's Sync line and a transfer's result message are the engine's
    sentences said again by the window (``engine_words``), so they are translatable too."""
    model = add_model(bentoml_home, "mine")
    with open_session(registry.endpoint, registry.token, home=bentoml_home) as session:
        pushed = Pusher(session.client, session.store, str(model.tag)).run()
        cloud = session.client.get_model(model.name, model.version)
    assert pushed.phrase is not None

    panel = DetailsPanel()
    qtbot.addWidget(panel)
    only_here = compute_sync_states([model], [])[str(model.tag)]
    panel.show_local(model, None, only_here)
    assert panel.fields["Sync"].text() == (
        f"{OPEN}Local only{CLOSE}: {OPEN}Only on this computer; push it to share it.{CLOSE}"
    )
    files = compute_file_list(model.path)
    both = compute_sync_states([model], [cloud], {str(model.tag): files})[str(model.tag)]
    panel.show_local(model, cloud, both)
    sync = panel.fields["Sync"].text()
    assert sync.startswith(f"{OPEN}In sync{CLOSE}: {OPEN}Verified: ")
    assert f"{OPEN}All 3 file(s) have the same sha256 on both sides.{CLOSE}" in sync

    snapshot = dataclasses.replace(
        pseudo_job(1), status=JobStatus.DONE, message=pushed.message, phrase=pushed.phrase
    )
    title, message, _ = describe_outcome(snapshot)
    assert title == f"{OPEN}Push finished{CLOSE}"
    assert message.startswith(f"{OPEN}Pushed {model.tag} (3 file(s), ")
    assert message.endswith(CLOSE)
