#!/usr/bin/env bash
# The whole test suite: unit and integration tests of every crate (corpus-wide quality runs read
# ../shared/corpus when present and say why they skip when not), then the headless-browser journey.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup-pdfium.sh
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
cargo build -p yanbao-cli
if [[ -x tests/browser/run.sh ]]; then
  tests/browser/run.sh "$PWD/target/debug/yanbao"
fi
