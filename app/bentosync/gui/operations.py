"""What the user asks for, carried out: push, pull, verify, delete, import.

Buttons, menus, shortcuts and drops all end up here with a list of tags (or
folders), so every path gets the same conflict questions, the same delete
confirmation and the same notifications. Dialogs open with ``open()`` and
answer through signals, never a nested ``exec()`` loop, and every dialog is
announced on ``dialog_opened`` so tests can answer it programmatically.

Transfers go to the ``TransferManager`` the window hands in (never optional:
a request is never dropped for want of one); each request is also announced
on ``transfer_requested``, which is the contract drops are tested against.
File work (importing a folder, deleting a version) runs on
the window's 1-thread write pool, so two such changes to the store never race.

A push never deletes a cloud version (the engine refuses with
``RecordConflict`` when the record was made for other files); ``replace``
is the window's explicit way out, the CLI's ``push --recreate``: the delete
dialog asks first, and only a confirmed delete is followed by the push.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from bentosync.application.formatting import format_size
from bentosync.application.jobs import KIND_VERIFY
from bentosync.core.cloud_records import CloudModel
from bentosync.core.errors import BentoSyncError
from bentosync.core.store import LocalModel, LocalStore
from bentosync.core.sync_state import SyncEntry
from bentosync.core.tags import Tag
from bentosync.gui.cloud_connection import CloudConnection
from bentosync.gui.dialogs.conflict_dialog import PULL, PUSH, ConflictResolver, PlannedTransfer
from bentosync.gui.dialogs.delete_dialog import CLOUD, LOCAL, DeleteDialog, DeletionItem
from bentosync.gui.dialogs.import_dialog import ImportDialog, ImportRequest
from bentosync.gui.engine_words import sync_reason
from bentosync.gui.error_words import failure_text
from bentosync.gui.models import cloud_describe, sync_display
from bentosync.gui.notifier import Notifier
from bentosync.gui.workers.runnable import run_in_pool

logger = logging.getLogger(__name__)


class TransferBackend(Protocol):
    """The part of ``TransferManager`` this module uses."""

    def push(self, tag: str, *, force: bool = False) -> Any: ...
    def pull(self, tag: str, *, force: bool = False) -> Any: ...
    def verify(self, tag: str) -> Any: ...
    def is_busy(self, model_name_or_tag: str) -> bool: ...
    def remove(self, job_id: Any) -> None: ...


class Catalog(Protocol):
    """What the window knows about both sides right now (its table models' rows)."""

    def local(self, tag: str) -> LocalModel | None: ...
    def cloud(self, tag: str) -> CloudModel | None: ...
    def sync(self, tag: str) -> SyncEntry | None: ...


class ModelOperations(QObject):
    """Carries out the window's requests; see the module docstring."""

    #: ``(kind, tag, force)`` for every transfer handed to the transfer layer.
    transfer_requested = Signal(str, str, bool)
    #: Any dialog just opened (conflict, delete, import), for tests and for focus.
    dialog_opened = Signal(object)
    #: The local store changed (import, delete): list it again.
    local_changed = Signal()
    #: The cloud changed (delete): list it again.
    cloud_changed = Signal()
    #: ``LocalModel`` made by an import.
    imported = Signal(object)

    def __init__(
        self,
        window: QWidget,
        store: LocalStore,
        connection: CloudConnection,
        catalog: Catalog,
        write_pool: QThreadPool,
        notifier: Notifier,
        transfers: TransferBackend,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._store = store
        self._connection = connection
        self._catalog = catalog
        self._pool = write_pool
        self._notifier = notifier
        self.transfers = transfers
        self._import_queue: list[tuple[Path, bool]] = []
        self._importing = False

    # ---- transfers -----------------------------------------------------------------

    def push(self, tags: Sequence[str]) -> ConflictResolver | None:
        """Push local versions; asks before overwriting ones the cloud already holds."""
        conflicts = {}
        for tag in tags:
            remote = self._catalog.cloud(tag)
            if remote is not None and remote.is_uploaded:
                conflicts[tag] = self._conflict_detail(tag)
        return self._resolve(PUSH, list(tags), conflicts, self._submit_push)

    def pull_refusal(self, tag: str) -> str:
        """Why ``tag`` cannot be pulled (a Hugging Face reference, an unfinished upload), or ""."""
        return cloud_describe.pull_refusal(self._catalog.cloud(tag))

    def pull(self, tags: Sequence[str]) -> ConflictResolver | None:
        """Pull cloud versions; asks before replacing ones already in the local store."""
        usable = []
        for tag in tags:
            refusal = self.pull_refusal(tag)
            if refusal:
                self._notifier.notify(self.tr("Not pulled"), refusal, error=True)
                continue
            usable.append(tag)
        conflicts = {tag: self._conflict_detail(tag) for tag in usable if self._catalog.local(tag)}
        return self._resolve(PULL, usable, conflicts, self._submit_pull)

    def verify(self, tags: Sequence[str]) -> None:
        for tag in tags:
            self._submit(KIND_VERIFY, tag, False)

    def _resolve(
        self,
        kind: str,
        tags: list[str],
        conflicts: dict[str, str],
        submit: Callable[[PlannedTransfer], None],
    ) -> ConflictResolver | None:
        if not tags:
            return None
        resolver = ConflictResolver(kind, tags, conflicts, self._connection.where(), self._window)

        def planned(plan: list[PlannedTransfer]) -> None:
            skipped = len(tags) - len(plan)
            for item in plan:
                submit(item)
            if skipped:
                title = self.tr("Push skipped") if kind == PUSH else self.tr("Pull skipped")
                self._notifier.notify(title, self.tr("%n version(s) left as it was.", "", skipped))
            resolver.deleteLater()

        resolver.finished.connect(planned)
        resolver.question_opened.connect(self.dialog_opened)
        resolver.start()
        return resolver

    def _conflict_detail(self, tag: str) -> str:
        local, remote, sync = (
            self._catalog.local(tag),
            self._catalog.cloud(tag),
            self._catalog.sync(tag),
        )
        parts = []
        if local is not None:
            parts.append(
                self.tr("Here: {size}, %n file(s).", "", local.file_count).format(
                    size=format_size(local.size_bytes)
                )
            )
        if remote is not None:
            parts.append(
                self.tr("In the cloud: {summary}.").format(
                    summary=cloud_describe.summary_line(remote)
                )
            )
        if sync is not None:
            parts.append(
                self.tr("{state}: {reason}").format(
                    state=sync_display.state_label(sync.state), reason=sync_reason(sync)
                )
            )
        return "\n".join(parts)

    def _submit_push(self, item: PlannedTransfer) -> None:
        self._submit(PUSH, item.tag, item.force)

    def _submit_pull(self, item: PlannedTransfer) -> None:
        self._submit(PULL, item.tag, item.force)

    def _submit(self, kind: str, tag: str, force: bool) -> None:
        logger.info("Requesting %s of %s%s", kind, tag, " (force)" if force else "")
        self.transfer_requested.emit(kind, tag, force)
        try:
            if kind == PUSH:
                self.transfers.push(tag, force=force)
            elif kind == PULL:
                self.transfers.pull(tag, force=force)
            else:
                self.transfers.verify(tag)
        except BentoSyncError as exc:
            if kind == PUSH:
                title = self.tr("Cannot push {tag}")
            elif kind == PULL:
                title = self.tr("Cannot pull {tag}")
            else:
                title = self.tr("Cannot verify {tag}")
            self._notifier.notify(title.format(tag=tag), str(exc), error=True)

    # ---- delete --------------------------------------------------------------------

    def delete(self, side: str, tags: Sequence[str]) -> DeleteDialog | None:
        """Ask, then delete the versions from ``side`` ("local" or "cloud") on a worker."""
        busy = [t for t in tags if self.transfers.is_busy(t)]
        if busy:
            self._notifier.notify(
                self.tr("Cannot delete while transferring"),
                self.tr(
                    "{tags} being transferred; cancel the transfer first.", "", len(busy)
                ).format(tags=", ".join(busy)),
                error=True,
            )
            return None
        items = [item for item in (self._deletion_item(side, t) for t in tags) if item]
        if not items:
            return None
        where = self.tr("this computer") if side == LOCAL else self._connection.where()
        dialog = DeleteDialog(side, items, where, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.confirmed.connect(lambda confirmed: self._delete_confirmed(side, confirmed))
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _deletion_item(self, side: str, tag: str) -> DeletionItem | None:
        if side == LOCAL:
            local = self._catalog.local(tag)
            if local is None:
                return None
            return DeletionItem(tag, local.size_bytes, local.file_count, str(local.path))
        remote = self._catalog.cloud(tag)
        if remote is None:
            return None
        endpoint = self._connection.target.endpoint if self._connection.target else ""
        if remote.is_huggingface:
            status = self.tr("a Hugging Face reference")
        else:  # the server's status word
            status = self.tr("upload {status}").format(status=remote.upload_status)
        return DeletionItem(
            tag,
            remote.size_bytes,
            cloud_describe.file_count(remote),
            f"{endpoint} ({status})",
            cloud_describe.checksums_sentence(remote),
        )

    # ---- replace a cloud version -------------------------------------------------------

    def replace(self, tag: str, *, replaces_job: Any = None) -> DeleteDialog | None:
        """Delete the cloud version of ``tag``, then push the local copy again, if confirmed.

        The window's way out of a push refused with ``RecordConflict``: the
        record describes other files and cannot be changed, so only deleting
        it lets these files in. Nothing is deleted unless the user confirms;
        the delete runs on the write pool as any delete does, and the push is
        submitted only once it succeeded. ``replaces_job`` (the failed push)
        leaves the transfers list when the new push starts.
        """
        if self.transfers.is_busy(tag):
            self._notifier.notify(
                self.tr("Cannot replace {tag}").format(tag=tag),
                self.tr("{tag} is being transferred; wait for it or cancel it first.").format(
                    tag=tag
                ),
                error=True,
            )
            return None
        if self._catalog.local(tag) is None:
            self._notifier.notify(
                self.tr("Cannot replace {tag}").format(tag=tag),
                self.tr("It is no longer on this computer, so there is nothing to push."),
                error=True,
            )
            return None
        item = self._deletion_item(CLOUD, tag)
        if item is None:  # not in the last listing; the conflict said it is there
            endpoint = self._connection.target.endpoint if self._connection.target else ""
            item = DeletionItem(tag, 0, None, endpoint)
        dialog = DeleteDialog(CLOUD, [item], self._connection.where(), self._window, replace=True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def deleted(_tags: list[str]) -> None:
            self._submit(PUSH, tag, False)
            if replaces_job is not None:
                with contextlib.suppress(KeyError, BentoSyncError):
                    self.transfers.remove(replaces_job)

        dialog.confirmed.connect(
            lambda confirmed: self._delete_confirmed(CLOUD, confirmed, deleted)
        )
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _delete_confirmed(
        self,
        side: str,
        tags: list[str],
        then: Callable[[list[str]], None] | None = None,
    ) -> None:
        if side == LOCAL:
            store = self._store

            def work() -> list[str]:
                return [str(store.delete(tag).tag) for tag in tags]

            changed = self.local_changed
        else:
            client = self._connection.client()
            if client is None:
                self._notifier.notify(
                    self.tr("Cannot delete"), self.tr("Not connected to a registry."), error=True
                )
                return

            def work() -> list[str]:
                for tag in tags:
                    parsed = Tag.parse(tag)
                    client.delete_model(parsed.name, parsed.version or "")
                return list(tags)

            changed = self.cloud_changed
        where = self.tr("this computer") if side == LOCAL else self._connection.where()

        def done(deleted: list[str]) -> None:
            self._notifier.notify(
                self.tr("Deleted"),
                self.tr("{tags} from {where}").format(tags=", ".join(deleted), where=where),
            )
            changed.emit()
            if then is not None:
                then(deleted)

        def failed(exc: BaseException) -> None:
            self._notifier.notify(self.tr("Delete failed"), failure_text(exc), error=True)
            changed.emit()  # some may be gone already: show what is left

        run_in_pool(self._pool, work, self, done, failed)

    # ---- import --------------------------------------------------------------------

    def import_folders(self, folders: Sequence[Path], *, push: bool = False) -> None:
        """One dialog per folder, in turn; each accepted one becomes a model on a worker."""
        self._import_queue.extend((Path(folder), push) for folder in folders)
        if not self._importing:
            self._next_import()

    def _next_import(self) -> None:
        if not self._import_queue:
            self._importing = False
            return
        self._importing = True
        folder, push = self._import_queue.pop(0)
        dialog = ImportDialog(
            folder, push=push, where=self._connection.where(), parent=self._window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.import_requested.connect(self._run_import)
        dialog.finished.connect(lambda _code: self._next_import())
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _run_import(self, request: ImportRequest) -> None:
        store = self._store

        def work() -> LocalModel:
            return store.create_from_folder(request.folder, request.name, labels=request.labels)

        def done(model: LocalModel) -> None:
            self._notifier.notify(
                self.tr("Imported"),
                self.tr("{tag} ({size}, %n file(s)) from {folder}", "", model.file_count).format(
                    tag=model.tag, size=format_size(model.size_bytes), folder=request.folder
                ),
            )
            self.local_changed.emit()
            self.imported.emit(model)
            if request.push:
                self._submit(PUSH, str(model.tag), False)

        def failed(exc: BaseException) -> None:
            self._notifier.notify(
                self.tr("Could not import {folder}").format(folder=request.folder.name),
                failure_text(exc),
                error=True,
            )

        run_in_pool(self._pool, work, self, done, failed)
