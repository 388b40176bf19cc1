"""Both sides' listings in one place, and the sync verdict computed from them.

The Local and Cloud table models hold the rows; this object answers "what
do we know about tag X on each side" for the operations (conflict questions,
delete confirmations) and recomputes the verdict (``core.sync_state``, the
same function ``bentosync list`` uses) whenever a listing or a hashed file
list arrives, then hands it to both tables.
"""

from __future__ import annotations

import logging

from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import FileEntry
from bentosync.core.store import LocalModel
from bentosync.core.sync_state import SyncEntry, compute_sync_states
from bentosync.gui.models.cloud_models import CloudModelTableModel
from bentosync.gui.models.local_models import LocalModelTableModel

logger = logging.getLogger(__name__)


class SyncCatalog:
    """Lookups by tag over both tables, and the verdicts shown in their Sync columns.

    Until the cloud has been listed there is no verdict at all: "local only"
    would be a guess while the registry is unreachable.
    """

    def __init__(self, local: LocalModelTableModel, cloud: CloudModelTableModel) -> None:
        self._local = local
        self._cloud = cloud
        self._sync: dict[str, SyncEntry] = {}
        self._file_lists: dict[str, list[FileEntry]] = {}
        self.cloud_loaded = False

    def local(self, tag: str) -> LocalModel | None:
        return self._local.record(tag)

    def cloud(self, tag: str) -> CloudModel | None:
        return self._cloud.record(tag)

    def sync(self, tag: str) -> SyncEntry | None:
        return self._sync.get(tag)

    def set_cloud(self, models: list[CloudModel] | None) -> None:
        """A new cloud listing, or None when the cloud cannot be listed now."""
        self.cloud_loaded = models is not None
        self._cloud.set_models(models or [])
        self.update()

    def add_file_list(self, model: LocalModel, files: list[FileEntry]) -> None:
        """A hashed local file list: the verdict for that tag becomes a checksum comparison."""
        if self._local.record(str(model.tag)) == model:
            self._file_lists[str(model.tag)] = files
            self.update()

    def update(self) -> None:
        if self.cloud_loaded:
            self._sync = compute_sync_states(
                self._local.models(), self._cloud.models(), self._file_lists
            )
        else:
            self._sync = {}
        self._local.set_sync_states(self._sync)
        self._cloud.set_sync_states(self._sync)
