"""The files of one transfer job grouped by folder, with running totals per folder.

Why: a job of 20 000 files cannot be a flat list of 20 000 rows. Nobody finds
one file in it, a view laying out 20 000 rows stalls, and comparing 20 000
snapshots ten times a second freezes the window. Here every file hangs under
its folder (in the order the folders first appear, which for a tar-ordered list
is sorted), every folder keeps the sums its row shows (bytes, files finished,
checksum states), and an update touches only the changed files and their
ancestors.

Plain Python (no Qt types), so the bookkeeping can be tested on its own;
``TransfersModel`` turns nodes into rows and signals. A node's ``shown`` is how
many of its children the views were told about (``None`` until a view asks):
children past it exist here but not yet for the views, which fetch them a page
at a time (``canFetchMore``/``fetchMore``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence

from bentosync.core.transfer.progress import ChecksumState, FileSnapshot
from bentosync.gui.delegates.checksum_icons import SEVERITY

logger = logging.getLogger(__name__)

#: Children the views get without asking for more; past it, one page per fetch.
PAGE = 256
#: Files taken in between two looks at the clock (``take_in``).
SLICE = 512

STATES = tuple(ChecksumState)
_STATE_SLOT = {state: 5 + n for n, state in enumerate(STATES)}
# Slots of a stats vector: bytes, bytes done, files, files complete, empty files, and one
# count per checksum state.
SIZE, DONE, FILES, COMPLETE, EMPTY = range(5)
_WIDTH = 5 + len(STATES)


def _contribution(file: FileSnapshot, sign: int, into: list[int]) -> None:
    into[SIZE] += sign * file.size
    into[DONE] += sign * file.done
    into[FILES] += sign
    if file.size:
        if file.done >= file.size:
            into[COMPLETE] += sign
    else:
        into[EMPTY] += sign
    into[_STATE_SLOT[file.checksum]] += sign


class Node:
    """A folder of a job (the job itself is the root, with ``key`` = its job id).

    ``children`` holds sub-folders (``Node``) and files (their index in the
    job's file tuple), in the order they first appeared.
    """

    __slots__ = ("children", "job_id", "key", "name", "parent", "path", "row", "shown", "stats")

    def __init__(self, key: int, job_id: int, parent: Node | None, row: int, path: str) -> None:
        self.key = key
        self.job_id = job_id
        self.parent = parent
        self.row = row
        self.path = path
        self.name = path.rpartition("/")[2]
        self.children: list[Node | int] = []
        self.shown: int | None = None
        self.stats = [0] * _WIDTH

    def __repr__(self) -> str:
        return f"Node({self.path or '<job>'!r}, {len(self.children)} children)"

    @property
    def size(self) -> int:
        return self.stats[SIZE]

    @property
    def done(self) -> int:
        return self.stats[DONE]

    @property
    def files(self) -> int:
        return self.stats[FILES]

    @property
    def fraction(self) -> float:
        size = self.stats[SIZE]
        return 1.0 if size == 0 else min(1.0, self.stats[DONE] / size)

    def finished_files(self, job_done: bool) -> int:
        """Files moved completely; empty ones count once the job is done."""
        return self.stats[COMPLETE] + (self.stats[EMPTY] if job_done else 0)

    def state_counts(self) -> dict[ChecksumState, int]:
        return {
            state: self.stats[_STATE_SLOT[state]]
            for state in STATES
            if self.stats[_STATE_SLOT[state]]
        }

    @property
    def worst(self) -> ChecksumState | None:
        """The most severe checksum state among the files below (None without files)."""
        present = self.state_counts()
        return max(present, key=SEVERITY.__getitem__) if present else None


class FileTree:
    """One job's files by folder.

    Args:
        job_id: the job; also the root's key.
        new_key: hands out a key for each new folder (unique in the model).
        registry: where nodes are found by key (the model's index ids); the tree
            adds its folders there and ``drop`` takes them out.
    """

    def __init__(self, job_id: int, new_key: Callable[[], int], registry: dict[int, Node]) -> None:
        self.root = Node(job_id, job_id, None, 0, "")
        self.root.shown = 0  # a job row is always on show, so its children are signalled
        self.folders: dict[str, Node] = {"": self.root}
        #: Per file index: the snapshot the sums reflect, its folder and its row there.
        self.applied: list[FileSnapshot] = []
        self.parent_of: list[Node] = []
        self.row_of: list[int] = []
        #: (state, the engine's reason) -> files, for the job row's tooltip and status.
        self.reasons: dict[tuple[ChecksumState, str], int] = {}
        #: Indices of added files whose newest snapshot the sums do not reflect yet.
        self.pending: set[int] = set()
        self._new_key = new_key
        self._registry = registry
        registry[job_id] = self.root

    def drop(self) -> None:
        """Take every node out of the registry (the job is gone or has a new list)."""
        for node in self.folders.values():
            self._registry.pop(node.key, None)

    # ---- feeding -------------------------------------------------------------------

    def note(self, indices: Iterable[int]) -> None:
        """These files changed; ``take_in`` applies them (files not added yet come in
        whole when they are added)."""
        added = len(self.applied)
        self.pending.update(i for i in indices if i < added)

    def note_differences(self, files: Sequence[FileSnapshot]) -> None:
        """Compare every added file with ``files``: for snapshots that do not say what
        changed (O(files), so only then)."""
        pairs = enumerate(zip(self.applied, files, strict=False))
        self.pending.update(i for i, (a, b) in pairs if a is not b and a != b)

    def behind(self, files: Sequence[FileSnapshot]) -> bool:
        return bool(self.pending) or len(self.applied) < len(files)

    def take_in(
        self, files: Sequence[FileSnapshot], deadline: float
    ) -> tuple[dict[Node, set[int]], list[Node]]:
        """Apply pending changes, then add new files, a slice at a time until ``deadline``
        (``time.perf_counter``); at least one slice. Returns the changed rows (as
        ``change``) and the nodes that got children (as ``add``).

        Why a deadline: when all 20 000 files change in one tick (every checksum
        verified at the end of a push) the GUI thread takes them in over a few
        event-loop turns instead of stalling for one long one (picard's
        ``_process_callback_batch``, STYLE.md).
        """
        rows: dict[Node, set[int]] = {}
        grown: dict[Node, None] = {}
        first = True
        if self.pending:
            todo = sorted(self.pending)
            done = 0
            while done < len(todo) and (first or time.perf_counter() < deadline):
                for node, changed in self.change(files, todo[done : done + SLICE]).items():
                    rows.setdefault(node, set()).update(changed)
                done += SLICE
                first = False
            self.pending.difference_update(todo[:done])
        while len(self.applied) < len(files) and (first or time.perf_counter() < deadline):
            grown.update(dict.fromkeys(self.add(files, min(len(files), len(self.applied) + SLICE))))
            first = False
        return rows, list(grown)

    def add(self, files: Sequence[FileSnapshot], stop: int) -> list[Node]:
        """Hang the files from ``len(applied)`` to ``stop`` under their folders; returns the
        nodes that got children."""
        grown: dict[Node, None] = {}
        sums: dict[Node, list[int]] = {}
        folders, parent_of, row_of, reasons = (
            self.folders,
            self.parent_of,
            self.row_of,
            self.reasons,
        )
        for index in range(len(self.applied), stop):
            file = files[index]
            self.applied.append(file)
            node = folders.get(file.path.rpartition("/")[0])
            if node is None:
                node = self._folder(file.path.rpartition("/")[0], grown)
            parent_of.append(node)
            row_of.append(len(node.children))
            node.children.append(index)
            grown[node] = None
            acc = sums.get(node)
            if acc is None:
                acc = sums[node] = [0] * _WIDTH
            _contribution(file, 1, acc)
            key = (file.checksum, file.reason)
            reasons[key] = reasons.get(key, 0) + 1
        self._roll_up(sums, None)
        return list(grown)

    def change(self, files: Sequence[FileSnapshot], indices: Sequence[int]) -> dict[Node, set[int]]:
        """Make the sums reflect ``files[i]`` for each ``i`` in ``indices`` (files already
        added); returns the rows that changed.

        The answer maps a node to the rows among its children whose cells
        differ now: the files themselves and, for every folder above them, the
        folder's own row. O(changed files x depth), never O(files).
        """
        rows: dict[Node, set[int]] = {}
        sums: dict[Node, list[int]] = {}
        reasons, applied = self.reasons, self.applied
        for index in indices:
            before, after = applied[index], files[index]
            if before is after:  # a snapshot reuses the object of a file that did not change
                continue
            applied[index] = after
            node = self.parent_of[index]
            acc = sums.get(node)
            if acc is None:
                acc = sums[node] = [0] * _WIDTH
            if before.size == after.size:  # the usual case, in fewer steps
                size = after.size
                acc[DONE] += after.done - before.done
                if size and (before.done >= size) != (after.done >= size):
                    acc[COMPLETE] += 1 if after.done >= size else -1
                if before.checksum is not after.checksum:
                    acc[_STATE_SLOT[before.checksum]] -= 1
                    acc[_STATE_SLOT[after.checksum]] += 1
            else:
                _contribution(before, -1, acc)
                _contribution(after, 1, acc)
            if before.checksum is not after.checksum or before.reason != after.reason:
                key = (before.checksum, before.reason)
                reasons[key] -= 1
                if not reasons[key]:
                    del reasons[key]
                key = (after.checksum, after.reason)
                reasons[key] = reasons.get(key, 0) + 1
            rows.setdefault(node, set()).add(self.row_of[index])
        self._roll_up(sums, rows)
        return rows

    def _folder(self, path: str, grown: dict[Node, None]) -> Node:
        parent_path = path.rpartition("/")[0]
        parent = self.folders.get(parent_path)
        if parent is None:
            parent = self._folder(parent_path, grown)
        node = Node(self._new_key(), self.root.job_id, parent, len(parent.children), path)
        parent.children.append(node)
        grown[parent] = None
        self.folders[path] = node
        self._registry[node.key] = node
        return node

    @staticmethod
    def _roll_up(sums: dict[Node, list[int]], rows: dict[Node, set[int]] | None) -> None:
        """Add each folder's delta to it and to every folder above it."""
        for node, delta in sums.items():
            walk: Node | None = node
            while walk is not None:
                stats = walk.stats
                for slot in range(_WIDTH):
                    stats[slot] += delta[slot]
                if rows is not None and walk.parent is not None:
                    rows.setdefault(walk.parent, set()).add(walk.row)
                walk = walk.parent

    # ---- questions -------------------------------------------------------------------

    def grouped_reasons(self) -> list[tuple[ChecksumState, str, int]]:
        """(state, reason, files) per distinct pair, worst first, as ``checksum_icons.reasons``."""
        ordered = sorted(self.reasons.items(), key=lambda item: -SEVERITY[item[0][0]])
        return [(state, reason, n) for (state, reason), n in ordered]
