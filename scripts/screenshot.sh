#!/usr/bin/env bash
# Regenerates docs/report.png: the first screen of a real local run's report
# page, as headless Chromium draws it. Needs Debian's chromium (apt-get
# install chromium).
#
#   scripts/screenshot.sh [extra lmibench run flags]
#   PAGE=results/high-cpu-….html scripts/screenshot.sh    # a page already written
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
page=${PAGE:-}
if [ -z "$page" ]; then
  go build -o "$work/lmibench" .
  "$work/lmibench" run --scenario high-cpu --stage-targets 32,32,64 --duration 20s --emu-time-scale 10 --cost-at 200/s \
    --output-dir "$work/out" "$@"
  page=$(ls "$work"/out/high-cpu-*.html)
fi
page=$(realpath "$page")
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --no-first-run --user-data-dir="$work/chromium" --hide-scrollbars --window-size=1280,1300 \
  --virtual-time-budget=5000 --screenshot="$work/shot.png" "file://$page" 2>/dev/null
cp "$work/shot.png" docs/report.png
echo "docs/report.png from $page" >&2
