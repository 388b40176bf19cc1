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

from bentosync.gui.i18n import TranslationContext
from bentosync.gui.models import mime
from bentosync.gui.models.cloud_models import CloudModelTableModel
from bentosync.gui.models.local_models import LocalModelTableModel
from bentosync.gui.operations import ModelOperations
from bentosync.gui.widgets.drop_views import DropHint

logger = logging.getLogger(__name__)


class DropBanner(TranslationContext):
    """The words of the banner a drag shows over a pane."""


def local_drop_hint(model: LocalModelTableModel) -> DropHint:
    """The banner over the Local pane while an acceptable drop hovers."""

    def hint(data: QMimeData) -> str:
        dragged = mime.decode_models(data)
        if dragged is not None:
            tags = dragged[1]
            refused = model.refused_tags(tags)
            text = DropBanner.tr("Pull %n model(s) to this computer", "", len(tags) - len(refused))
            if refused:
                left_out = DropBanner.tr(
                    "(%n model(s) cannot be pulled and will be left out)",
                    "",
                    len(refused),
                )
                text = f"{text} {left_out}"
            return text
        count = sum(1 for url in data.urls() if url.isLocalFile())
        if not count:
            return ""
        return DropBanner.tr("Import %n folder(s) as a new model", "", count)

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
        return DropBanner.tr(
            "None of these %n models can be pulled. {reason}", "", len(refused)
        ).format(reason=first)

    return refusal


def cloud_drop_hint(where: Callable[[], str]) -> DropHint:
    """The banner over the Cloud pane; ``where`` names the registry at drop time."""

    def hint(data: QMimeData) -> str:
        dragged = mime.decode_models(data)
        if dragged is not None:
            return DropBanner.tr("Push %n model(s) to {where}", "", len(dragged[1])).format(
                where=where()
            )
        count = sum(1 for url in data.urls() if url.isLocalFile())
        if not count:
            return ""
        return DropBanner.tr("Import %n folder(s) and push to {where}", "", count).format(
            where=where()
        )

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
