#!/usr/bin/env bash
# Prints crates/yanbao-server/tests/fixtures/charts.html to charts.pdf with headless Chromium:
# the test fixture of page and chart pictures (captions, vector charts, source lines). Run it
# only to change the fixture; tests read the committed PDF. Needs Debian's chromium and
# fonts-wqy-microhei.
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../crates/yanbao-server/tests/fixtures" && pwd)"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-pdf-header-footer \
  --print-to-pdf="$dir/charts.pdf" "$dir/charts.html" 2>/dev/null
echo "wrote $dir/charts.pdf"
