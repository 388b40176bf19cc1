"""The tray icon: Show and Quit, the transfer line in its tooltip, and closing to the tray."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent

from bentosync.gui.main_window import MainWindow


class _Running:
    class status:  # a stand-in for JobStatus.RUNNING
        finished = False


class _WindowManagerClose(QCloseEvent):
    """A close the user asked for with the window's close button (spontaneous)."""

    def spontaneous(self) -> bool:
        return True


def tray_window(qtbot, lookup_pool, settings) -> MainWindow:
    window = MainWindow(lookup_pool, settings=settings, use_tray=True)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_tray_shows_the_transfers_and_offers_show_and_quit(
    qtbot, lookup_pool, settings, bentoml_home
):
    window = tray_window(qtbot, lookup_pool, settings)
    tray = window.tray
    assert tray is not None
    assert [a.text() for a in tray.menu.actions() if a.text()] == ["&Show BentoSync", "&Quit"]
    window.transfers_panel.overall_changed.emit("2 transfers running · 1.0 GiB of 4.0 GiB")
    assert tray.tooltip() == "BentoSync\n2 transfers running · 1.0 GiB of 4.0 GiB"

    window.hide()
    tray.show_action.trigger()
    assert window.isVisible()

    asked: list[int] = []
    window.transfers.jobs = lambda: [_Running()]  # type: ignore[method-assign]
    window.confirm_quit = lambda running: asked.append(running) or False
    tray.quit_action.trigger()
    assert asked == [1] and window.isVisible()  # Quit asks, even with the tray setting on
    window.transfers.jobs = lambda: []  # type: ignore[method-assign]


def test_closing_with_transfers_running_hides_to_the_tray_when_chosen(
    qtbot, lookup_pool, settings, bentoml_home
):
    window = tray_window(qtbot, lookup_pool, settings)
    window.transfers.jobs = lambda: [_Running()]  # type: ignore[method-assign]
    asked: list[int] = []
    window.confirm_quit = lambda running: asked.append(running) or False

    window.transfer_settings.keep_in_tray = True
    event = _WindowManagerClose()
    window.closeEvent(event)
    assert not event.isAccepted() and not window.isVisible() and asked == []
    assert window.notifier.history[-1].title == "BentoSync is still running"

    window.show()
    window.transfer_settings.keep_in_tray = False
    event = _WindowManagerClose()
    window.closeEvent(event)
    assert not event.isAccepted() and asked == [1]  # without the setting it asks
    window.transfers.jobs = lambda: []  # type: ignore[method-assign]


def test_no_tray_where_the_desktop_has_none(qtbot, lookup_pool, settings, bentoml_home):
    window = MainWindow(lookup_pool, settings=settings, use_tray=False)
    qtbot.addWidget(window)
    assert window.tray is None
