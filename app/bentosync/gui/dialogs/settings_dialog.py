"""Edit the transfer settings: concurrent jobs, threads per job, part size.

The spin boxes take their ranges from the settings' own limits, so the dialog
cannot store a value the engine would refuse (a part below 5 MiB). Part size
is shown in MiB: nobody types 104857600.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bentosync.application.settings import (
    CONCURRENT_JOBS,
    MIB,
    PART_SIZE,
    THREADS_PER_JOB,
    TransferSettings,
)

logger = logging.getLogger(__name__)


class SettingsDialog(QDialog):
    """Transfer settings; OK writes them (the next job uses them), Cancel leaves them.

    Args:
        settings: the settings to edit.
        parent: the window.
    """

    def __init__(self, settings: TransferSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle(self.tr("Transfer Settings"))

        self.jobs_spin = QSpinBox()
        self.jobs_spin.setRange(CONCURRENT_JOBS.minimum, CONCURRENT_JOBS.maximum)
        self.jobs_spin.setValue(settings.concurrent_jobs)
        self.jobs_spin.setToolTip(
            self.tr("How many pushes, pulls and verifications run at the same time")
        )
        self.threads_spin = QSpinBox()
        self.threads_spin.setRange(THREADS_PER_JOB.minimum, THREADS_PER_JOB.maximum)
        self.threads_spin.setValue(settings.threads_per_job)
        self.threads_spin.setToolTip(
            self.tr("Parts of one push uploaded in parallel (multipart servers)")
        )
        self.part_spin = QSpinBox()
        self.part_spin.setRange(PART_SIZE.minimum // MIB, PART_SIZE.maximum // MIB)
        self.part_spin.setSuffix(self.tr(" MiB"))
        self.part_spin.setValue(settings.part_size // MIB)
        self.part_spin.setToolTip(
            self.tr(
                "Size of each uploaded part; larger parts mean fewer requests, smaller parts "
                "lose less when a connection drops"
            )
        )

        form = QFormLayout()
        form.addRow(self.tr("&Concurrent transfers:"), self.jobs_spin)
        form.addRow(self.tr("&Threads per transfer:"), self.threads_spin)
        form.addRow(self.tr("&Part size:"), self.part_spin)
        self.resume_check = QCheckBox(
            self.tr("&Resume interrupted transfers when BentoSync starts")
        )
        self.resume_check.setToolTip(
            self.tr(
                "Pushes and pulls that were running when BentoSync closed or crashed are listed "
                "again at start; with this, they also resume by themselves."
            )
        )
        self.resume_check.setChecked(settings.resume_interrupted)
        form.addRow(self.resume_check)
        self.tray_check = QCheckBox(self.tr("&Keep running in the tray while transfers run"))
        self.tray_check.setToolTip(
            self.tr(
                "Closing the window while transfers run hides it to the tray instead of asking "
                "to stop them (where the desktop has a tray)."
            )
        )
        self.tray_check.setChecked(settings.keep_in_tray)
        form.addRow(self.tray_check)
        note = QLabel(self.tr("Changes apply to transfers started from now on."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self.restore_defaults)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def restore_defaults(self) -> None:
        self.jobs_spin.setValue(CONCURRENT_JOBS.default)
        self.threads_spin.setValue(THREADS_PER_JOB.default)
        self.part_spin.setValue(PART_SIZE.default // MIB)

    def accept(self) -> None:
        self._settings.concurrent_jobs = self.jobs_spin.value()
        self._settings.threads_per_job = self.threads_spin.value()
        self._settings.part_size = self.part_spin.value() * MIB
        self._settings.resume_interrupted = self.resume_check.isChecked()
        self._settings.keep_in_tray = self.tray_check.isChecked()
        self._settings.sync()
        logger.info(
            "Transfer settings: %d jobs, %d threads, %d MiB parts",
            self.jobs_spin.value(),
            self.threads_spin.value(),
            self.part_spin.value(),
        )
        super().accept()
