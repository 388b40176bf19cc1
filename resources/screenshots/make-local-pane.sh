#!/bin/sh
# Rebuild resources/screenshots/local-pane.png: the window over the demo store
# (tests/gui/demo_store.py) under Xvfb, with a throwaway HOME so the status bar
# reads ~/bentoml/models and no real settings are used.
# Needs: xvfb-run, imagemagick (import, convert). Run from the repository root.
set -eu
PY=${PY:-.venv/bin/python}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home"
PYTHONPATH=app "$PY" tests/gui/demo_store.py "$WORK/home/bentoml" >/dev/null

cat >"$WORK/shoot.sh" <<'INNER'
#!/bin/sh
"$PY" -m bentosync &
APP=$!
sleep 5
import -window root "$WORK/root.png"
kill "$APP"
INNER
chmod +x "$WORK/shoot.sh"

HOME="$WORK/home" BENTOML_HOME="$WORK/home/bentoml" XDG_CONFIG_HOME="$WORK/config" \
    QT_QPA_PLATFORM=xcb PY="$PY" WORK="$WORK" PYTHONPATH="$PWD/app" \
    xvfb-run -a -s "-screen 0 1400x900x24" "$WORK/shoot.sh" || true
# No window manager under Xvfb: the window sits at 0,0 at its default 1100x640.
convert "$WORK/root.png" -crop 1100x640+0+0 +repage resources/screenshots/local-pane.png
echo "wrote resources/screenshots/local-pane.png"
