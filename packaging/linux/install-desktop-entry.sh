#!/usr/bin/env bash
# Put BentoSync in the desktop's application menu: the .desktop launcher, the
# AppStream metadata and the icon, under the user's XDG data dir (or PREFIX).
#
#   packaging/linux/install-desktop-entry.sh [--exec /path/to/bentosync]
#
# `make run` installs into .venv, which is not on PATH, so the launcher's Exec
# line points at the bentosync that is found (or given) as an absolute path.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
app_id=io.bentosync.BentoSync
exec_path=""
while [ $# -gt 0 ]; do
  case "$1" in
    --exec) exec_path=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "install-desktop-entry: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$exec_path" ]; then
  if [ -x "$root/.venv/bin/bentosync" ]; then
    exec_path="$root/.venv/bin/bentosync"
  else
    exec_path=$(command -v bentosync || true)
  fi
fi
if [ -z "$exec_path" ] || [ ! -x "$exec_path" ]; then
  echo "install-desktop-entry: no bentosync executable found; run 'make install' first" \
       "or pass --exec /path/to/bentosync" >&2
  exit 1
fi
case "$exec_path" in
  *[[:space:]]*) echo "install-desktop-entry: the path '$exec_path' has spaces; pass a path without" >&2; exit 1 ;;
esac

prefix=${PREFIX:-${XDG_DATA_HOME:-$HOME/.local/share}}
install -d "$prefix/applications" "$prefix/metainfo" "$prefix/icons/hicolor/scalable/apps"
sed "s|^Exec=bentosync\$|Exec=$exec_path|" "$root/resources/$app_id.desktop" \
  > "$prefix/applications/$app_id.desktop"
chmod 644 "$prefix/applications/$app_id.desktop"
install -m644 "$root/resources/$app_id.metainfo.xml" "$prefix/metainfo/$app_id.metainfo.xml"
install -m644 "$root/resources/icons/$app_id.svg" "$prefix/icons/hicolor/scalable/apps/$app_id.svg"
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$prefix/applications" || true
fi
echo "BentoSync is in the application menu ($prefix/applications/$app_id.desktop -> $exec_path)"
