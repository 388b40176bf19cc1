"""Every pane, the transfer tree and the details panel have names a screen reader says."""

from __future__ import annotations

from bentosync.gui.main_window import MainWindow


def test_panes_and_views_are_named(qtbot, lookup_pool, settings, bentoml_home):
    window = MainWindow(lookup_pool, settings=settings)
    qtbot.addWidget(window)
    named = {
        window.local_pane.accessibleName(): window.local_pane.view.accessibleDescription(),
        window.cloud_pane.accessibleName(): window.cloud_pane.view.accessibleDescription(),
        window.transfers_panel.view.accessibleName(): (
            window.transfers_panel.view.accessibleDescription()
        ),
        window.details.accessibleName(): window.details.accessibleDescription(),
    }
    assert set(named) == {"Local models", "Cloud models", "Transfers", "Model details"}
    assert all(description for description in named.values())
    assert window.local_pane.filter_edit.accessibleName() == "Filter local models"
