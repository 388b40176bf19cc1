"""Drag-and-drop wiring between the panes: what a drop requests, and what the banner says.

The item models decide whether a drop is acceptable and turn it into a
request (``transfer_dropped`` with tags, ``folders_dropped`` with paths); this
module connects those requests to the same operations the buttons use, and
words the hover banner so the user knows what letting go will do, or, over
the Local pane, why cloud versions that cannot be pulled (Hugging Face
references, unfinished uploads) are refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QMimeData

from bentosync.gui.models import mime
from bentosync.gui.models.cloud_models import CloudModelTableModel
from bentosync.gui.models.local_models import LocalModelTableModel
from bentosync.gui.operations import ModelOperations
from bentosync.gui.widgets.drop_views import DropHint

logger = logging.getLogger(__name__)


def _models(count: int) -> str:
    return "1 model" if count == 1 else f"{count} models"


def _folders(count: int) -> str:
    return "1 folder" if count == 1 else f"{count} folders"


def local_drop_hint(model: LocalModelTableModel) -> DropHint:
    """The banner over the Local pane while an acceptable drop hovers."""

    def hint(data: QMimeData) -> str:
        dragged = mime.decode_models(data)
        if dragged is not None:
            tags = dragged[1]
            refused = model.refused_tags(tags)
            text = f"Pull {_models(len(tags) - len(refused))} to this computer"
            if refused:
                text += f" ({_models(len(refused))} cannot be pulled and will be left out)"
            return text
        count = sum(1 for url in data.urls() if url.isLocalFile())
        return f"Import {_folders(count)} as a new model" if count else ""

    return hint


def local_drop_refusal(model: LocalModelTableModel) -> DropHint:
    """Why a drag of cloud versions onto the Local pane is refused ("" if it is not)."""

    def refusal(data: QMimeData) -> str:
        dragged = mime.decode_models(data)
        if dragged is None or dragged[0] != mime.CLOUD or not dragged[1]:
            return ""
        refused = model.refused_tags(dragged[1])
        if len(refused) < len(dragged[1]):
            return ""
        first = next(iter(refused.values()))
        if len(refused) == 1:
            return first
        return f"None of these {len(refused)} models can be pulled. {first}"

    return refusal


def cloud_drop_hint(where: Callable[[], str]) -> DropHint:
    """The banner over the Cloud pane; ``where`` names the registry at drop time."""

    def hint(data: QMimeData) -> str:
        dragged = mime.decode_models(data)
        if dragged is not None:
            return f"Push {_models(len(dragged[1]))} to {where()}"
        count = sum(1 for url in data.urls() if url.isLocalFile())
        return f"Import {_folders(count)} and push to {where()}" if count else ""

    return hint


def connect_drops(
    local: LocalModelTableModel, cloud: CloudModelTableModel, operations: ModelOperations
) -> None:
    """Cloud rows onto Local pull; local rows onto Cloud push; folders import (and push).

    Cloud versions that cannot be pulled are refused by the Local pane's model
    (``set_transfer_refusal``), with the same reason the Pull action gives.
    """
    local.set_transfer_refusal(operations.pull_refusal)
    local.transfer_dropped.connect(operations.pull)
    cloud.transfer_dropped.connect(operations.push)
    local.folders_dropped.connect(lambda folders: operations.import_folders(folders))
    cloud.folders_dropped.connect(lambda folders: operations.import_folders(folders, push=True))
