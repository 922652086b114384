#!/usr/bin/env bash
# The whole test suite: unit and integration tests of every crate (corpus-wide quality runs read
# ../shared/corpus when present and say why they skip when not), then the headless-browser journey,
# then the JSON API against its OpenAPI contract (Schemathesis, scripts/api-contract.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup-pdfium.sh
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
cargo build -p yanbao-cli
# The binary just built, wherever CARGO_TARGET_DIR puts it.
yanbao="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/debug/yanbao"
if [[ -x tests/browser/run.sh ]]; then
  tests/browser/run.sh "$yanbao"
fi
scripts/api-contract.sh "$yanbao"
