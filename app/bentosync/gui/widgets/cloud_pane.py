"""The Cloud pane: a model pane that also says which registry and account it shows.

The header names the registry the way a person thinks of it: "Local
registry (this computer)" for the one BentoSync started itself, or "alice@…
on https://…" for a login. The message page covers the cloud's own empty
states: connecting, not logged in, the local registry failed to start, the
server cannot be reached, and an empty registry (with how to fill it).

Its filter box filters on the server: a registry may hold far more versions
than are loaded, so filtering the loaded rows would hide matches. Typing
pauses for ``QUERY_DELAY_MS`` before the text goes out as ``q``
(``query_changed``); the count says how many rows are loaded of how many
match ("200 of 100,000 models").
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from bentosync.application.cloud_target import CloudTarget
from bentosync.application.errors import ErrorReport, Remedy
from bentosync.gui.models.cloud_models import COL_CREATED, CloudModelTableModel
from bentosync.gui.widgets.model_pane import ModelPane

logger = logging.getLogger(__name__)

QUERY_DELAY_MS = 300


class CloudPane(ModelPane):
    """The right-hand pane; :meth:`show_target` and :meth:`show_problem` set its header."""

    #: The filter text, once typing paused: the server's ``q`` for the listing.
    query_changed = Signal(str)

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        self._query_timer = QTimer()
        self._query_timer.setSingleShot(True)
        self._query_timer.setInterval(QUERY_DELAY_MS)
        self._query = ""
        super().__init__(
            QCoreApplication.translate("CloudPane", "Cloud"),
            model,
            accessible_name=QCoreApplication.translate("CloudPane", "Cloud models"),
            accessible_description=QCoreApplication.translate(
                "CloudPane",
                "The cloud model versions: name, version, size, age, sync state and labels",
            ),
            filter_name=QCoreApplication.translate("CloudPane", "Filter cloud models"),
            sort_column=COL_CREATED,
            sort_order=Qt.SortOrder.DescendingOrder,
            parent=parent,
        )
        self._query_timer.setParent(self)
        self._query_timer.timeout.connect(self._send_query)
        self.filter_edit.returnPressed.connect(self.send_query_now)
        self.setObjectName("cloud_pane")
        self.filter_edit.setPlaceholderText(self.tr("Search the registry"))
        self.filter_edit.setToolTip(
            self.tr(
                "Search the registry: every word must be in a model's name or version.\n"
                "label:key=value (or label:key) and module:name narrow it further; "
                "-label:key leaves those out."
            )
        )
        self.target: CloudTarget | None = None
        self.set_subtitle(self.tr("Connecting…"), "cloud")
        self.set_loading(True)

    def query(self) -> str:
        """The filter the rows shown answer (sent, not merely typed)."""
        return self._query

    def send_query_now(self) -> None:
        """Send what is typed without waiting for the pause (Enter, tests)."""
        self._query_timer.stop()
        self._send_query()

    def _on_filter_changed(self, text: str) -> None:
        # No local filtering: the loaded rows are a page of a bigger answer.
        self._query_timer.start()

    def _send_query(self) -> None:
        query = " ".join(self.filter_edit.text().split())
        if query != self._query:
            self._query = query
            logger.debug("Cloud filter: %r", query)
            self.query_changed.emit(query)

    def _update_page(self) -> None:
        model = self._model
        loaded = model.rowCount()
        total = model.total_count() if isinstance(model, CloudModelTableModel) else loaded
        if loaded and loaded < total:
            if self._query:
                text = self.tr("{loaded} of {total} matching model(s)", "", total)
            else:
                text = self.tr("{loaded} of {total} model(s)", "", total)
            self.count_label.setText(text.format(loaded=f"{loaded:,}", total=f"{total:,}"))
        elif loaded:
            if self._query:
                text = self.tr("{count} matching model(s)", "", loaded)
            else:
                text = self.tr("{count} model(s)", "", loaded)
            self.count_label.setText(text.format(count=f"{loaded:,}"))
        else:
            self.count_label.setText("")
        if loaded:
            self._show_table()
        elif self._query and self._error is None and not self._loading:
            self._show_no_match(
                self.tr("Clear the filter (Esc) to see every model in the registry.")
            )
        else:
            self._show_empty()

    def show_connecting(self) -> None:
        self.set_loading(True)
        if self.target is None:
            self.set_subtitle(self.tr("Connecting…"), "cloud")

    def show_target(self, target: CloudTarget) -> None:
        """A registry is connected: name it, and say how to fill it when it is empty."""
        self.target = target
        icon = "computer" if target.embedded else "cloud"
        tooltip = ""
        if target.source:  # where the token came from: a path, a variable name
            tooltip = self.tr("{endpoint}\nCredentials: {source}").format(
                endpoint=target.endpoint, source=target.source
            )
        # The embedded registry is named here, in the window's language; a login's
        # label ("alice@example.com on https://…") comes from the application layer
        # and is replaced by the server's answer (``cloud_connection``) once it comes.
        label = self.tr("Local registry (this computer)") if target.embedded else target.label
        self.set_subtitle(label, icon, tooltip or target.endpoint)
        if target.embedded:
            self.set_empty_message(
                self.tr("No models in the local registry yet"),
                self.tr(
                    "Drag models here from the Local pane, or select them and press Push "
                    "(Ctrl+U). The registry keeps them on this computer; log in to use "
                    "BentoCloud instead."
                ),
            )
        else:
            self.set_empty_message(
                self.tr("No models on {endpoint} yet").format(endpoint=target.endpoint),
                self.tr(
                    "Drag models here from the Local pane, or select them and press Push (Ctrl+U)."
                ),
            )

    def show_account(self, label: str) -> None:
        """The server said who we are: a better header than the saved login's name."""
        if self.target is not None:
            tooltip = self.subtitle_label.toolTip()
            self.set_subtitle(label, "cloud", tooltip)

    def show_problem(self, problem: ErrorReport) -> None:
        """Why there is nothing to show; the rows of a previous listing are cleared."""
        if problem.remedy is Remedy.START_REGISTRY:
            self.set_subtitle(self.tr("Local registry (this computer): not running"), "error")
        elif problem.remedy is Remedy.LOG_IN and self.target is None:
            self.set_subtitle(self.tr("Not logged in"), "account")
        self.set_error(problem.title, problem.message)
