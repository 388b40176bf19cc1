"""The Local pane: the store's models, where they live, and how to get some."""

from __future__ import annotations

import logging

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, Qt
from PySide6.QtWidgets import QWidget

from bentosync.gui.models.local_models import COL_CREATED, COL_MODULE
from bentosync.gui.widgets.model_pane import ModelPane

logger = logging.getLogger(__name__)


class LocalPane(ModelPane):
    """The left-hand pane, newest first; ``models_path`` is shown as its home."""

    def __init__(
        self, model: QAbstractItemModel, models_path: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            QCoreApplication.translate("LocalPane", "Local"),
            model,
            accessible_name=QCoreApplication.translate("LocalPane", "Local models"),
            accessible_description=QCoreApplication.translate(
                "LocalPane",
                "The local model versions: name, version, size, age, sync state and labels",
            ),
            filter_name=QCoreApplication.translate("LocalPane", "Filter local models"),
            sort_column=COL_CREATED,
            sort_order=Qt.SortOrder.DescendingOrder,
            parent=parent,
        )
        self.setObjectName("local_pane")
        self.hide_columns([COL_MODULE])  # the details panel shows it; the header menu too
        self.set_subtitle(self.tr("This computer: {path}").format(path=models_path), "computer")
        self.set_empty_message(
            self.tr("No models in {path} yet").format(path=models_path),
            self.tr(
                "Save one with bentoml.models.create(...), pull one from the Cloud pane "
                "(drag it here, or Ctrl+D; bentosync pull NAME in a terminal), or drop a "
                "folder here to import it."
            ),
        )
