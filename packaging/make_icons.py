"""Render the app icon's SVG into the PNG sizes, the ``.ico`` and the ``.icns`` platforms want.

Why at build time, and why Qt: the SVG in ``resources/icons`` is the one drawing
of the icon, and a committed ``.ico``/``.icns`` would drift from it. Qt's SVG
renderer is already a dependency (PySide6-Essentials), so no image library
(Pillow) or platform tool (``iconutil``, ImageMagick) is needed, and the same
script makes every format on every runner. Both containers are written by hand:
each holds plain PNG images, which Windows (Vista and later) and macOS (10.7
and later) read, so the writer is a few ``struct.pack`` calls.

Run::

    python packaging/make_icons.py OUT_DIR [--svg PATH]

It writes ``OUT_DIR/hicolor/<N>x<N>/apps/<id>.png`` for the Linux icon theme,
``OUT_DIR/<id>.ico`` and ``OUT_DIR/<id>.icns``.
"""

from __future__ import annotations

import argparse
import logging
import os
import struct
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

APP_ID = "io.bentosync.BentoSync"
ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / f"{APP_ID}.svg"

HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an .ico entry can say
# The PNG-payload types of an .icns, by their pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}
ICNS_RETINA = {1024: b"ic10"}  # 512@2x
ICNS_TYPES_BY_KIND = {kind: size for size, kind in ICNS_TYPES.items()}
ICNS_RETINA_BY_KIND = {kind: size for size, kind in ICNS_RETINA.items()}


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn on a transparent ``size`` x ``size`` canvas, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"Qt could not encode a {size} px PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO container of PNG entries (ICONDIR, one ICONDIRENTRY each, then the data)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in the one-byte width field
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        payload += data
    return header + entries + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICNS container: ``icns``, the total length, then (type, length, PNG) per entry."""
    chunks = b""
    for size, kind in {**ICNS_TYPES, **ICNS_RETINA}.items():
        if size in pngs:
            chunks += kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
    return b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks


def make_icons(out_dir: Path, svg: Path = SVG) -> list[Path]:
    """Write every icon file under ``out_dir``; returns the paths written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    sizes = sorted({*HICOLOR_SIZES, *ICO_SIZES, *ICNS_TYPES, *ICNS_RETINA})
    pngs = {size: render_png(svg, size) for size in sizes}
    written = []
    for size in HICOLOR_SIZES:
        path = out_dir / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pngs[size])
        written.append(path)
    ico = out_dir / f"{APP_ID}.ico"
    ico.write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    icns = out_dir / f"{APP_ID}.icns"
    icns.write_bytes(icns_bytes(pngs))
    written += [ico, icns]
    logger.info("Wrote %d icon files under %s", len(written), out_dir)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--svg", type=Path, default=SVG)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    make_icons(args.out_dir, args.svg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
