"""The Cloud pane: a model pane that also says which registry and account it shows.

The header names the registry the way a person thinks of it: "Local
registry (this computer)" for the one BentoSync started itself, or "alice@…
on https://…" for a login. The message page covers the cloud's own empty
states: connecting, not logged in, the local registry failed to start, the
server cannot be reached, and an empty registry (with how to fill it).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QWidget

from bentosync.gui.cloud_connection import CloudProblem
from bentosync.gui.models.cloud_models import COL_CREATED
from bentosync.gui.widgets.model_pane import ModelPane
from bentosync.launcher import CloudTarget

logger = logging.getLogger(__name__)


class CloudPane(ModelPane):
    """The right-hand pane; :meth:`show_target` and :meth:`show_problem` set its header."""

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(
            "Cloud",
            model,
            sort_column=COL_CREATED,
            sort_order=Qt.SortOrder.DescendingOrder,
            parent=parent,
        )
        self.setObjectName("cloud_pane")
        self.target: CloudTarget | None = None
        self.set_subtitle("Connecting…", "cloud")
        self.set_loading(True)

    def show_connecting(self) -> None:
        self.set_loading(True)
        if self.target is None:
            self.set_subtitle("Connecting…", "cloud")

    def show_target(self, target: CloudTarget) -> None:
        """A registry is connected: name it, and say how to fill it when it is empty."""
        self.target = target
        icon = "computer" if target.embedded else "cloud"
        tooltip = f"{target.endpoint}\nCredentials: {target.source}" if target.source else ""
        self.set_subtitle(target.label, icon, tooltip or target.endpoint)
        if target.embedded:
            self.set_empty_message(
                "No models in the local registry yet",
                "Drag models here from the Local pane, or select them and press Push "
                "(Ctrl+U). The registry keeps them on this computer; log in to use "
                "BentoCloud instead.",
            )
        else:
            self.set_empty_message(
                f"No models on {target.endpoint} yet",
                "Drag models here from the Local pane, or select them and press Push (Ctrl+U).",
            )

    def show_account(self, label: str) -> None:
        """The server said who we are: a better header than the saved login's name."""
        if self.target is not None:
            tooltip = self.subtitle_label.toolTip()
            self.set_subtitle(label, "cloud", tooltip)

    def show_problem(self, problem: CloudProblem) -> None:
        """Why there is nothing to show; the rows of a previous listing are cleared."""
        if problem.kind == "registry":
            self.set_subtitle("Local registry (this computer): not running", "error")
        elif problem.kind == "login" and self.target is None:
            self.set_subtitle("Not logged in", "account")
        self.set_error(problem.title, problem.body)
