#!/usr/bin/env bash
# Re-measures the activation ranges the OCR recognition model is quantised with
# (scripts/ocr-rec-ranges.json, read by scripts/setup-ocr.sh) and reinstalls the models with them.
#
# The lines are every text line of the repository's own openly licensed PDFs — the Chinese chart
# note crates/yanbao-server/tests/fixtures/charts.pdf and the English press release
# crates/yanbao-pdf/tests/fixtures/meta-report-1.pdf — rendered at 150 dpi, found by detection and
# prepared as the reader prepares them (crates/yanbao-ocr/examples/calibration_lines.rs). None of
# the pages bench/ocr/cer.py measures is among them.
#
#   scripts/make-ocr-calibration.sh [path/to/yanbao]    (default target/release/yanbao)
#
# Run it when the models, the line preparation or the pinned versions change; then measure with
# bench/ocr/cer.py and commit the ranges file.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
yanbao="${1:-$repo_root/target/release/yanbao}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$repo_root/scripts/setup-ocr.sh" >/dev/null
for pdf in crates/yanbao-server/tests/fixtures/charts.pdf crates/yanbao-pdf/tests/fixtures/meta-report-1.pdf; do
  "$yanbao" ocr "$repo_root/$pdf" --dpi 150 --save-images "$work/$(basename "$pdf" .pdf)" --json >/dev/null
done
(cd "$repo_root" && cargo run --quiet --release -p yanbao-ocr --example calibration_lines -- "$work/lines.bin" "$work"/*/page-*.png)
OCR_CALIBRATION_LINES="$work/lines.bin" "$repo_root/scripts/setup-ocr.sh"
echo "ranges written to scripts/ocr-rec-ranges.json"
