#!/usr/bin/env bash
# The main job on the embedded default: build yanbao, fetch PDFium and the OCR models once, and serve a library seeded
# with the bundled sample reports at http://127.0.0.1:8080 (data in ./yanbao-data).
# Extra arguments go to `yanbao serve` (e.g. --addr 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup-pdfium.sh
scripts/setup-ocr.sh
echo "building yanbao (release): the first build takes about 20 minutes on a 2-core machine; later ones are incremental"
cargo build --release -p yanbao-cli
exec "${CARGO_TARGET_DIR:-target}/release/yanbao" --data "${YANBAO_DATA:-./yanbao-data}" serve --samples ./samples "$@"
