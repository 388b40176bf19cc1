"""Shipped resources: icons load in both variants; desktop entry and metainfo validate."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bentosync.gui import icons

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
APP_ID = "io.bentosync.BentoSync"


@pytest.mark.parametrize("name", icons.ICON_NAMES)
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_icon_ships_in_both_variants(qapp, name, dark):
    path = icons.icon_path(name, dark=dark)
    assert path is not None and path.parent.name == ("dark" if dark else "light")
    from PySide6.QtGui import QIcon

    assert not QIcon(str(path)).pixmap(16, 16).isNull()


def test_icon_lookup_falls_back_to_the_theme_and_caches(qapp):
    icons.clear_cache()
    assert not icons.app_icon().isNull()
    assert icons.icon("refresh") is icons.icon("refresh")
    icons.icon("no-such-icon-anywhere")  # null, logged, never raises


def test_desktop_icon_matches_the_packaged_app_icon():
    packaged = icons.icon_path(icons.APP_ICON)
    assert packaged is not None
    assert (RESOURCES / "icons" / f"{APP_ID}.svg").read_bytes() == packaged.read_bytes()


@pytest.mark.skipif(
    not shutil.which("desktop-file-validate") and not os.environ.get("CI"),
    reason="desktop-file-utils is not installed (make test installs it)",
)
def test_desktop_file_is_valid():
    result = subprocess.run(
        ["desktop-file-validate", str(RESOURCES / f"{APP_ID}.desktop")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.skipif(
    not shutil.which("appstreamcli") and not os.environ.get("CI"),
    reason="appstream is not installed (make test installs it)",
)
def test_metainfo_is_valid():
    result = subprocess.run(
        [
            "appstreamcli",
            "validate",
            "--no-net",
            "--explain",
            str(RESOURCES / f"{APP_ID}.metainfo.xml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _glyph_lightness(icon) -> int:
    """Lightness of the most opaque pixel: what the glyph is drawn with."""
    image = icon.pixmap(24, 24).toImage()
    best = max(
        (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())),
        key=lambda color: color.alpha(),
    )
    return best.lightness()


def test_icons_follow_a_switch_to_a_dark_palette(qapp):
    from PySide6.QtGui import QColor, QPalette

    original = qapp.palette()
    light_glyph = _glyph_lightness(icons.icon("refresh"))
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202225"))
    qapp.setPalette(dark)
    try:
        assert icons.prefers_dark()
        dark_glyph = _glyph_lightness(icons.icon("refresh"))
    finally:
        qapp.setPalette(original)
    assert light_glyph < 128 < dark_glyph
