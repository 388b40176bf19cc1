"""Drive the real window for the README screenshot, mid-transfer.

Run by ``make-main-window.sh`` under Xvfb with a throwaway HOME. It builds the
demo store (``tests/gui/demo_store.py``) plus a sharded model to push, fills
the embedded registry's data dir with the demo cloud (``tests/gui/demo_cloud.py``)
plus a sharded model to pull, then opens the window through the launcher (as
``bentosync`` does on a machine with no login), starts one push and one pull
through the window's own actions, and grabs the screen with ImageMagick's
``import`` while both are about half way.

Loopback moves these models in a blink, so the jobs' clients are slowed down
(``ThrottledClient`` from the GUI tests): only the transfer bodies are
delayed, nothing else changes.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "app"), str(ROOT / "tests" / "gui"), str(ROOT / "tests")]

from demo_cloud import _push, fill_cloud  # noqa: E402
from demo_store import make_demo_store  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from transfer_support import ThrottledClient  # noqa: E402

import bentosync.core.session as core_session  # noqa: E402
from bentosync.core.store import LocalModel, LocalStore  # noqa: E402
from bentosync.gui import app as gui_app  # noqa: E402
from bentosync.gui import i18n  # noqa: E402
from bentosync.gui.main_window import MainWindow  # noqa: E402
from bentosync.gui.models.roles import ItemRole  # noqa: E402
from bentosync.launcher import EmbeddedRegistry, Launcher  # noqa: E402

MIB = 1024 * 1024
PUSHED = "mistral-7b-lora"
PULLED = "sdxl-vae"


def sharded(
    store: LocalStore, source: Path, name: str, shards: int, size: int, labels: dict[str, str]
) -> LocalModel:
    """A model with ``shards`` weight files of ``size`` random bytes, plus small files."""
    source.mkdir(parents=True)
    for i in range(1, shards + 1):
        (source / f"model-{i:05d}-of-{shards:05d}.safetensors").write_bytes(os.urandom(size))
    (source / "config.json").write_text('{"architecture": "demo"}\n')
    (source / "tokenizer.json").write_bytes(os.urandom(2 * MIB))
    return store.create_from_folder(source, name, labels=labels)


def prepare(home: Path) -> None:
    make_demo_store(home)
    scratch = home.parent / "scratch"
    sharded(
        LocalStore(home), scratch / "push", PUSHED, 4, 40 * MIB, {"team": "llm", "stage": "dev"}
    )
    registry = EmbeddedRegistry()
    endpoint = registry.start()
    try:
        fill_cloud(endpoint, registry.token, home)
        cloud_home = home.parent / "cloud-home"
        model = sharded(
            LocalStore(cloud_home), scratch / "pull", PULLED, 3, 45 * MIB, {"team": "vision"}
        )
        _push(endpoint, registry.token, cloud_home, str(model.tag))
    finally:
        registry.stop()


def main(out: Path) -> int:
    home = Path(os.environ["BENTOML_HOME"])
    prepare(home)
    ThrottledClient.chunk = 256 * 1024
    ThrottledClient.delay = float(os.environ.get("THROTTLE_DELAY", "0.03"))
    core_session.CloudClient = ThrottledClient  # the jobs' sessions only

    launcher = Launcher()
    app = QApplication([sys.argv[0]])
    gui_app.configure_application(app)
    i18n.install_translators(app)  # as the app does: plural forms, and the system's language
    pool = gui_app.make_lookup_pool(app)
    window = MainWindow(pool, resolver=launcher.resolve)
    window.resize(1500, 950)
    window.show()
    window.refresh()

    def tag_of(pane, name: str) -> str:
        proxy = pane.proxy
        for row in range(proxy.rowCount()):
            record = proxy.index(row, 0).data(ItemRole)
            if record is not None and record.name == name:
                return str(record.tag)
        raise LookupError(name)

    def start() -> None:
        pushed = tag_of(window.local_pane, PUSHED)
        pulled = tag_of(window.cloud_pane, PULLED)
        window.local_pane.select_tags({pushed}, lambda m: str(m.tag))
        window.local_pane.view.setFocus()
        window.window_actions.push.trigger()
        window.cloud_pane.select_tags({pulled}, lambda m: m.tag)
        window.window_actions.pull.trigger()
        window.local_pane.select_tags({pushed}, lambda m: str(m.tag))
        window.local_pane.view.setFocus()

    def shoot() -> None:
        subprocess.run(["import", "-window", "root", str(out)], check=True)
        window.close()

    QTimer.singleShot(4000, start)
    QTimer.singleShot(4000 + int(os.environ.get("SHOOT_AFTER_MS", "7000")), shoot)
    try:
        return app.exec()
    finally:
        window.shutdown()
        gui_app.shutdown_pool(pool)
        launcher.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main(Path(sys.argv[1])))
