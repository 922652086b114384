#!/usr/bin/env bash
# Updates the README's screenshots (docs/screenshots/*.png) on purpose: runs the browser journey
# with its screenshots saved there instead of the ignored target/browser-screenshots/ that test
# runs use. Review them with `git diff --stat docs/screenshots` and commit the ones you mean.
# Usage: scripts/screenshots.sh [PATH/TO/yanbao]   (default: builds and uses target/debug/yanbao)
# Needs chromium, node and playwright-core (cd tests/browser && npm ci), as the journey does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary="${1:-}"
if [[ -z "$binary" ]]; then
  scripts/setup-pdfium.sh
  cargo build -p yanbao-cli
  binary="${CARGO_TARGET_DIR:-target}/debug/yanbao"
fi
# A missing browser is an error here, not a skip: the point is to write the screenshots.
YANBAO_REQUIRE_BROWSER=1 SHOTS="$PWD/docs/screenshots" tests/browser/run.sh "$(realpath "$binary")"
git status --short docs/screenshots
