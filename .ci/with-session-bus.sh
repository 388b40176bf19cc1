#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked gnome-keyring,
# so keyring tests talk to a real Secret Service and never to the user's own.
set -euo pipefail
if [ -n "${BENTOSYNC_IN_SESSION_BUS:-}" ]; then exec "$@"; fi
export BENTOSYNC_IN_SESSION_BUS=1
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
# gnome-keyring keeps its files under XDG_DATA_HOME; a throwaway one per run.
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- bash -c '
  printf "%s" "bentosync-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  exec "$@"' bash "$@"
