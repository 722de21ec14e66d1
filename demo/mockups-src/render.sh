#!/usr/bin/env bash
# Re-renders the demo's mockup images from the HTML in this folder with headless Chromium.
# Usage: bash demo/mockups-src/render.sh   (CHROME_PATH picks another Chrome/Chromium)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../images"
chrome=${CHROME_PATH:-/usr/bin/chromium}
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
  --disable-sync --no-first-run --hide-scrollbars)

# name of the source, CSS viewport, device scale factor, output file
render() {
  "$chrome" "${flags[@]}" --window-size="$2" --force-device-scale-factor="$3" \
    --screenshot="$out/$4" "file://$here/$1" 2>/dev/null
}
render dashboard.html 1600,1000 1 dashboard-home.png    # 1600×1000
render checkout.html 375,667 2 checkout-mobile.png      # 750×1334
ls -l "$out"
