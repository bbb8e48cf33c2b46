#!/usr/bin/env bash
# Adds Inkling to the desktop's application menu (per user), pointing at this checkout.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
mkdir -p "$apps" "$icons"
cp "$here/resources/icons/inkling.svg" "$icons/inkling.svg"
sed -e "s|^Exec=.*|Exec=\"$here/inkling.sh\"|" "$here/resources/inkling.desktop" >"$apps/inkling.desktop"
chmod +x "$apps/inkling.desktop"
echo "Installed $apps/inkling.desktop"
