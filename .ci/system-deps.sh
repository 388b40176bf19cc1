#!/usr/bin/env bash
# Debian packages the test suite needs: a virtual X server for screenshots, a
# session D-Bus and gnome-keyring for the real Secret Service, and the X/EGL
# libraries Qt's platform plugins load, the desktop-entry and AppStream validators,
# flatpak-builder (it reads the Flatpak manifest; nothing is built with it
# here), docker-compose (the team registry recipe's config validation; no engine
# runs here) and nginx (the recipe's proxy, run for real in front of two
# replicas), and PostgreSQL, whose initdb and postgres the registry's database
# tests run as a throwaway cluster (tests/support/postgres.py; the service Debian
# sets up with the package is not used). Idempotent: installs only what is missing.
set -euo pipefail
packages=(xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools libegl1 libgl1 libxkbcommon0
  libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core
  desktop-file-utils appstream imagemagick zsh fish flatpak-builder docker-compose nginx-light
  postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run as root or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
