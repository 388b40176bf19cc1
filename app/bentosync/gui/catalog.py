"""Both sides' listings in one place, and the sync verdict computed from them.

The Local and Cloud table models hold the rows; this object answers "what
do we know about tag X on each side" for the operations (conflict questions,
delete confirmations) and computes the verdict (``core.sync_state``, the
same function ``bentosync list`` uses), then hands it to both tables.

The Cloud pane holds only the pages loaded so far, so the cloud side of the
verdict has two sources: those rows, and the cloud versions of every name
the local store holds (``set_name_versions``, looked up per name by the
window). The second makes every local row's verdict exact without listing
the whole registry; a cloud row's verdict is always exact, since the local
listing is complete. A local version whose name has not been looked up yet
has no verdict (an empty Sync cell), never a guessed "local only".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import FileEntry
from bentosync.core.store import LocalModel
from bentosync.core.sync_state import SyncEntry, SyncState, compute_sync_states
from bentosync.gui.models.cloud_models import CloudModelTableModel
from bentosync.gui.models.local_models import LocalModelTableModel

logger = logging.getLogger(__name__)


class SyncCatalog:
    """Lookups by tag over both sides, and the verdicts shown in their Sync columns.

    Until the cloud has been listed there is no verdict at all: "local only"
    would be a guess while the registry is unreachable.
    """

    def __init__(self, local: LocalModelTableModel, cloud: CloudModelTableModel) -> None:
        self._local = local
        self._cloud = cloud
        self._sync: dict[str, SyncEntry] = {}
        self._file_lists: dict[str, list[FileEntry]] = {}
        # Every cloud version of each looked-up local name, by name then tag.
        self._by_name: dict[str, dict[str, CloudModel]] = {}
        # The local tags of each name, as of the last update().
        self._local_tags: dict[str, list[str]] = {}
        self.cloud_loaded = False

    def local(self, tag: str) -> LocalModel | None:
        return self._local.record(tag)

    def cloud(self, tag: str) -> CloudModel | None:
        """The cloud record of ``tag``: a row of the Cloud pane, or a looked-up version."""
        shown = self._cloud.record(tag)
        if shown is not None:
            return shown
        return self._by_name.get(tag.split(":", 1)[0], {}).get(tag)

    def sync(self, tag: str) -> SyncEntry | None:
        return self._sync.get(tag)

    def looked_up(self, name: str) -> bool:
        """True when every cloud version of ``name`` is known (its local verdicts are exact)."""
        return name in self._by_name

    def names_to_look_up(self) -> set[str]:
        """Local names whose cloud versions are not known yet."""
        return self._local_tags.keys() - self._by_name.keys()

    def local_names(self) -> set[str]:
        return set(self._local_tags)

    def set_cloud(self, models: Sequence[CloudModel] | None) -> None:
        """The Cloud pane's first rows, or None when the cloud cannot be listed now
        (which forgets the looked-up names too: they belong to that registry)."""
        self.cloud_loaded = models is not None
        if models is None:
            self._by_name.clear()
        self._cloud.set_models(models or [])
        self.update()

    def add_cloud_page(self, models: Sequence[CloudModel]) -> None:
        """A further page of the Cloud pane: only its tags' verdicts are computed."""
        self._cloud.add_records(models)
        if self.cloud_loaded:
            self._update_tags({model.tag for model in models})

    def set_name_versions(self, found: Mapping[str, Iterable[CloudModel]]) -> None:
        """Every cloud version of each name in ``found`` (none for a name not in the cloud).

        Only those names' verdicts are computed again: look-ups land in batches,
        and a full recompute over 10,000 local versions each time would stall.
        """
        tags: set[str] = set()
        for name, models in found.items():
            before = self._by_name.get(name, {})
            self._by_name[name] = {model.tag: model for model in models}
            tags |= before.keys() | self._by_name[name].keys()
        for name in found:
            tags.update(self._local_tags.get(name, ()))
        if self.cloud_loaded:
            self._update_tags(tags)

    def add_file_list(self, model: LocalModel, files: list[FileEntry]) -> None:
        """A hashed local file list: the verdict for that tag becomes a checksum comparison."""
        tag = str(model.tag)
        if self._local.record(tag) == model:
            self._file_lists[tag] = files
            if self.cloud_loaded:
                self._update_tags({tag})

    def update(self) -> None:
        """Every verdict again (after a listing or a refresh)."""
        local_tags: dict[str, list[str]] = {}
        keys = self._local.keys()
        for key in keys:
            local_tags.setdefault(key.partition(":")[0], []).append(key)
        self._local_tags = local_tags
        if self.cloud_loaded:
            cloud = self._cloud_records()
            # Local versions whose name was not looked up only get a verdict from a
            # cloud row of the same tag; skip the rest (the first page beside 10,000).
            tags = {model.tag for model in cloud}
            wanted = [key for key in keys if key in tags or key.partition(":")[0] in self._by_name]
            local = [m for m in map(self._local.record, wanted) if m is not None]
            self._sync = self._verdicts(local, cloud)
        else:
            self._sync = {}
        self._publish()

    # ---- internals -----------------------------------------------------------------

    def _cloud_records(self) -> list[CloudModel]:
        # The pane's rows first: for a tag listed twice, the first record counts (as in
        # ``cloud()``), unless only a later one is a finished upload.
        records = self._cloud.models()
        records.extend(m for versions in self._by_name.values() for m in versions.values())
        return records

    def _verdicts(
        self, local: Iterable[LocalModel], cloud: Iterable[CloudModel]
    ) -> dict[str, SyncEntry]:
        entries = compute_sync_states(local, cloud, self._file_lists)
        # "Local only" is known only for names whose cloud versions were all looked up.
        return {
            tag: entry
            for tag, entry in entries.items()
            if entry.state is not SyncState.LOCAL_ONLY or entry.name in self._by_name
        }

    def _update_tags(self, tags: set[str]) -> None:
        """The verdicts of ``tags`` only (a page, a hashed file list): no full recompute."""
        local = [m for m in map(self._local.record, tags) if m is not None]
        cloud = [m for m in map(self.cloud, tags) if m is not None]
        fresh = self._verdicts(local, cloud)
        for tag in tags:
            if tag in fresh:
                self._sync[tag] = fresh[tag]
            else:
                self._sync.pop(tag, None)
        self._publish(tags)

    def _publish(self, tags: set[str] | None = None) -> None:
        self._local.set_sync_states(self._sync, tags)
        self._cloud.set_sync_states(self._sync, tags)
