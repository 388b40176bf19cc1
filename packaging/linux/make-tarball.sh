#!/usr/bin/env bash
# Pack the PyInstaller folder into the Linux tarball people download and install.
#
#   packaging/linux/make-tarball.sh BUNDLE_DIR ICON_DIR OUT_DIR
#
# BUNDLE_DIR is PyInstaller's dist/bentosync, ICON_DIR the PNGs make_icons.py
# drew (its hicolor/ folder is used). Writes OUT_DIR/bentosync-VERSION-linux-ARCH.tar.gz
# holding the app, its desktop entry, AppStream metainfo and icons, and the
# install.sh/uninstall.sh that put them under ~/.local or a prefix. The version
# is asked of the frozen app itself, so a bundle that does not start makes no tarball.
set -euo pipefail

[ $# -eq 3 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
bundle=$1 icons=$2 out=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
app_id=io.bentosync.BentoSync

version=$("$bundle/bentosync" --version | awk '{print $2}')
[ -n "$version" ] || { echo "make-tarball: the bundle did not say its version" >&2; exit 1; }
arch=$(uname -m)
name=bentosync-$version-linux-$arch
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
top=$stage/$name

install -d "$top/share/applications" "$top/share/metainfo" "$top/share/icons/hicolor/scalable/apps"
cp -R -P "$bundle" "$top/bentosync"
install -m644 "$root/resources/$app_id.desktop" "$top/share/applications/"
install -m644 "$root/resources/$app_id.metainfo.xml" "$top/share/metainfo/"
install -m644 "$root/resources/icons/$app_id.svg" "$top/share/icons/hicolor/scalable/apps/"
cp -R "$icons/hicolor/." "$top/share/icons/hicolor/"
install -m755 "$root/packaging/linux/install.sh" "$root/packaging/linux/uninstall.sh" "$top/"
install -m644 "$root/LICENSE" "$top/"
echo "$version" > "$top/VERSION"

mkdir -p "$out"
# Sorted names, fixed owner and times: the same bundle packs to the same bytes.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='@0' \
  -C "$stage" -czf "$out/$name.tar.gz.part" "$name"
mv "$out/$name.tar.gz.part" "$out/$name.tar.gz"
echo "$out/$name.tar.gz"
