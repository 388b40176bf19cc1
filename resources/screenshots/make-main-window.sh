#!/bin/sh
# Rebuild resources/screenshots/main-window.png: the window mid-transfer (a push
# and a pull running) over the demo store and a demo cloud in the embedded
# registry, under Xvfb with a throwaway HOME, so no real settings, keyring or
# data are touched. Needs: xvfb-run, imagemagick (import). Run from the repo root.
set -eu
PY=${PY:-.venv/bin/python}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home/bentoml"
HOME="$WORK/home" BENTOML_HOME="$WORK/home/bentoml" XDG_CONFIG_HOME="$WORK/config" \
    XDG_DATA_HOME="$WORK/data" XDG_CACHE_HOME="$WORK/cache" XDG_STATE_HOME="$WORK/state" \
    QT_QPA_PLATFORM=xcb BENTOSYNC_LANG=en PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring \
    xvfb-run -a -s "-screen 0 1500x950x24" "$PY" resources/screenshots/shoot_main_window.py \
    "$WORK/root.png"
cp "$WORK/root.png" resources/screenshots/main-window.png
echo "wrote resources/screenshots/main-window.png"
