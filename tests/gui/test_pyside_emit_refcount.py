"""The installed Qt binding must survive many signal emits.

PySide6-Essentials 6.12.0 drops one reference to ``True`` on every ``emit()``
from Python; a few thousand emits (minutes of transfer progress) then abort
the interpreter with ``bool_dealloc``. pyproject.toml excludes that release;
this test proves whatever binding is installed does not have the bug, in a
fresh process and without the app's emit guard.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    app = QCoreApplication([])

    class Hub(QObject):
        changed = Signal(object)

    hub = Hub()
    hub.changed.connect(lambda value: None)
    before = sys.getrefcount(True)
    for _ in range(20000):
        hub.changed.emit(1)
    print(sys.getrefcount(True) - before)
    """
)


def test_twenty_thousand_emits_keep_true_alive():
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"the Qt binding crashed: {proc.stderr[-500:]}"
    assert abs(int(proc.stdout.strip())) < 100
