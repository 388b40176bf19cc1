"""Drive the real window for the restart screenshot: transfers a quit interrupted.

Run by ``make-restart.sh`` under Xvfb with a throwaway HOME. It builds the demo
store (``tests/gui/demo_store.py``), writes the list a quit leaves behind (a
pull and a push that were running, ``application.interrupted``), opens the
window as the app does at start (``restore_interrupted_transfers``, which
selects them) and grabs the screen with ImageMagick's ``import``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "app"), str(ROOT / "tests" / "gui"), str(ROOT / "tests")]

from demo_store import make_demo_store  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bentosync.application.interrupted import (  # noqa: E402
    InterruptedTransfer,
    InterruptedTransfers,
)
from bentosync.core.store import LocalStore  # noqa: E402
from bentosync.gui import app as gui_app  # noqa: E402
from bentosync.gui import i18n  # noqa: E402
from bentosync.gui.app import make_lookup_pool  # noqa: E402
from bentosync.gui.main_window import MainWindow  # noqa: E402

GIB = 1024**3


def main(out: Path) -> None:
    home = Path.home() / "bentoml"
    make_demo_store(home)
    pushed = next(m for m in LocalStore(home).list().models if m.name == "sentiment-clf")
    InterruptedTransfers().save(
        [
            InterruptedTransfer(
                "pull",
                "llama-3-8b-instruct:q4kmkp3x6o46oax4",
                False,
                int(9.6 * GIB),
                16 * GIB,
                3,
                7,
            ),
            InterruptedTransfer(
                "push",
                str(pushed.tag),
                False,
                pushed.size_bytes // 3,
                pushed.size_bytes,
                2,
                pushed.file_count,
            ),
        ]
    )
    app = QApplication([sys.argv[0]])
    gui_app.configure_application(app)
    i18n.install_translators(app)  # as the app does: plural forms, and the system's language
    window = MainWindow(make_lookup_pool(app))
    window.resize(1400, 860)
    window.show()
    window.refresh()
    window.restore_interrupted_transfers()

    def shoot() -> None:
        # The window selects the interrupted rows itself, so Retry is ready to click.
        app.processEvents()
        subprocess.run(["import", "-window", "root", str(out)], check=True)
        window.close()
        app.quit()

    QTimer.singleShot(2500, shoot)
    app.exec()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
