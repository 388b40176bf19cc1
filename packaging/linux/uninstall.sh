#!/usr/bin/env bash
# Remove a BentoSync that install.sh put under a prefix (default: $PREFIX, else ~/.local).
#
#   uninstall.sh [--prefix DIR] [--quiet]
#
# Removes DIR/lib/bentosync and the files listed in its INSTALLED (the command,
# the desktop entry, the metainfo, the icons), and nothing else: your models
# (~/bentoml), saved logins (the keyring) and the local registry's data (the
# user data dir) stay where they are.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# Run from an installed copy, the prefix is two levels up; from the tarball, ~/.local.
if [ "$(basename "$here")" = bentosync ] && [ "$(basename "$(dirname "$here")")" = lib ]; then
  prefix=$(dirname "$(dirname "$here")")
else
  prefix=${PREFIX:-$HOME/.local}
fi
quiet=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "uninstall.sh: --prefix needs a folder" >&2; exit 2; }
              prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --quiet) quiet=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "uninstall.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
lib=$prefix/lib/bentosync
if [ ! -f "$lib/INSTALLED" ]; then
  echo "uninstall.sh: no BentoSync installed under $prefix (no $lib/INSTALLED)" >&2
  exit 1
fi
while IFS= read -r rel; do
  case "$rel" in
    ""|/*|*..*) continue ;;  # only the relative paths install.sh wrote
  esac
  if [ -L "$prefix/$rel" ] || [ -f "$prefix/$rel" ]; then
    rm -f "$prefix/$rel"
  fi
done < "$lib/INSTALLED"
rm -rf "$lib"
if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$prefix/share/applications" ]; then
  update-desktop-database -q "$prefix/share/applications" || true
fi
[ -n "$quiet" ] || echo "BentoSync is removed from $prefix (models, logins and registry data are kept)"
