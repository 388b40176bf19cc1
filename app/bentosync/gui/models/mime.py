"""The drag payloads the panes exchange: model tags from a pane, folders from a file manager.

A custom MIME type carries the tags and the side they were dragged from, so a
pane can refuse its own rows and tell a push from a pull. ``text/plain`` rides
along with the bare tags, so dropping rows into a terminal or an editor types
them. Folders arrive as ``text/uri-list``; only local ones are accepted.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import QMimeData

logger = logging.getLogger(__name__)

MIME_MODELS = "application/x-bentosync-models"
MIME_URI_LIST = "text/uri-list"
LOCAL = "local"
CLOUD = "cloud"
_FORMAT = 1


def encode_models(side: str, tags: list[str]) -> QMimeData:
    """A drag of ``tags`` out of the ``side`` pane."""
    data = QMimeData()
    payload = {"format": _FORMAT, "side": side, "tags": list(tags)}
    data.setData(MIME_MODELS, json.dumps(payload).encode("utf-8"))
    data.setText("\n".join(tags))
    return data


def decode_models(data: QMimeData) -> tuple[str, list[str]] | None:
    """(side, tags) of a pane drag, or None when ``data`` is not one (or is malformed)."""
    if not data.hasFormat(MIME_MODELS):
        return None
    try:
        payload = json.loads(bytes(data.data(MIME_MODELS).data()).decode("utf-8"))
        side = payload["side"]
        tags = [str(tag) for tag in payload["tags"]]
    except (ValueError, KeyError, TypeError):
        logger.warning("Ignoring a malformed %s drag", MIME_MODELS)
        return None
    if side not in (LOCAL, CLOUD) or payload.get("format") != _FORMAT:
        return None
    return side, tags


def has_local_urls(data: QMimeData) -> bool:
    """Cheap test for drag-move events: local file URLs, without touching the disk."""
    return data.hasUrls() and any(url.isLocalFile() for url in data.urls())


def local_folders(data: QMimeData) -> list[Path]:
    """The dropped local URLs that are folders (files and remote URLs are left out)."""
    folders = []
    for url in data.urls():
        if not url.isLocalFile():
            continue
        path = Path(url.toLocalFile())
        if path.is_dir():
            folders.append(path)
        else:
            logger.info("Not importing %s: only folders can become models", path)
    return folders


def encode_folders(paths: list[Path]) -> QMimeData:
    """What a file manager puts on a drag of ``paths`` (tests and paste use it)."""
    from PySide6.QtCore import QUrl

    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    return data
