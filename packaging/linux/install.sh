#!/usr/bin/env bash
# Install BentoSync from this unpacked tarball, for one user (default) or under a prefix.
#
#   ./install.sh [--prefix DIR]        DIR defaults to $PREFIX, else ~/.local
#
# Puts the app in DIR/lib/bentosync, the `bentosync` command in DIR/bin, and
# the desktop entry, AppStream metainfo, icons and bash/zsh/fish completions in
# DIR/share, so it shows in the application menu and in software centres. Every file it puts outside
# DIR/lib/bentosync is listed in DIR/lib/bentosync/INSTALLED, which is what
# `DIR/lib/bentosync/uninstall.sh` (or ./uninstall.sh --prefix DIR) removes.
# Installing again over an earlier version replaces it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
app_id=io.bentosync.BentoSync
prefix=${PREFIX:-$HOME/.local}
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }
              prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$prefix" in
  /*) ;;
  *) prefix=$(pwd)/$prefix ;;
esac
# The desktop entry's Exec line takes a quoted path, but not these characters.
case "$prefix" in
  *[\"\`\$\\]*) echo "install.sh: the prefix '$prefix' has a quote, \$ or backslash; pick another" >&2; exit 2 ;;
esac
if [ ! -x "$here/bentosync/bentosync" ]; then
  echo "install.sh: $here/bentosync/bentosync is missing; run install.sh from the unpacked tarball" >&2
  exit 1
fi

lib=$prefix/lib/bentosync
if [ -f "$lib/uninstall.sh" ]; then
  bash "$lib/uninstall.sh" --prefix "$prefix" --quiet  # an earlier version: replace it
elif [ -e "$lib" ]; then
  echo "install.sh: $lib exists and is not a BentoSync install; move it away first" >&2
  exit 1
fi

install -d "$prefix/bin" "$prefix/lib" "$prefix/share/applications" "$prefix/share/metainfo"
cp -R -P "$here/bentosync" "$lib"
install -m755 "$here/uninstall.sh" "$lib/uninstall.sh"
installed=()

ln -sfn "$lib/bentosync" "$prefix/bin/bentosync"
installed+=("bin/bentosync")

desktop=share/applications/$app_id.desktop
exec_line="$prefix/bin/bentosync"
case "$exec_line" in *[[:space:]]*) exec_line="\"$exec_line\"" ;; esac
sed "s|^Exec=bentosync\$|Exec=$exec_line|" "$here/$desktop" > "$prefix/$desktop"
chmod 644 "$prefix/$desktop"
installed+=("$desktop")

install -m644 "$here/share/metainfo/$app_id.metainfo.xml" "$prefix/share/metainfo/"
installed+=("share/metainfo/$app_id.metainfo.xml")

while IFS= read -r icon; do
  install -d "$prefix/$(dirname "$icon")"
  install -m644 "$here/$icon" "$prefix/$icon"
  installed+=("$icon")
done < <(cd "$here" && find share/icons -type f | sort)

# Tab completion for bash, zsh and fish, written by the app itself (bentosync completion SHELL)
# where each shell looks for a system's completions under a prefix.
for spec in bash:share/bash-completion/completions/bentosync \
            zsh:share/zsh/site-functions/_bentosync \
            fish:share/fish/vendor_completions.d/bentosync.fish; do
  shell=${spec%%:*}
  file=${spec#*:}
  install -d "$prefix/$(dirname "$file")"
  if "$lib/bentosync" completion "$shell" > "$prefix/$file" 2>/dev/null; then
    installed+=("$file")
  else
    rm -f "$prefix/$file"
    echo "install.sh: could not write the $shell completion; tab completion is left out" >&2
  fi
done

printf '%s\n' "${installed[@]}" > "$lib/INSTALLED"

# Menus and icon caches notice the new files sooner with these (both optional).
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$prefix/share/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$prefix/share/icons/hicolor/index.theme" ]; then
  gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
fi

echo "BentoSync $(cat "$here/VERSION") is installed in $lib"
echo "  command: $prefix/bin/bentosync    menu entry: $prefix/$desktop"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "  $prefix/bin is not on your PATH; add it to run 'bentosync' from a terminal" ;;
esac
echo "  remove it with: $lib/uninstall.sh"
