#!/usr/bin/env bash
# The whole test suite: unit and integration tests of every crate (corpus-wide quality runs read
# ../shared/corpus when present and say why they skip when not), then the headless-browser journey,
# then the JSON API against its OpenAPI contract (Schemathesis, scripts/api-contract.sh), then a
# short soak under load with hostile clients (bench/soak/run.py --quick).
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
# Soak, short: 2 slices of 25 s of mixed wrk load with uploads, slowloris, idle and oversized-header
# clients beside it; no error, p99, RSS and descriptors flat (bench/soak/run.py; the 10-minute run
# and its figures: docs/RELIABILITY.md). Skips without wrk unless YANBAO_REQUIRE_SOAK=1 (CI).
python3 bench/soak/run.py "$yanbao" --quick
# The shared library on one machine: PostgreSQL, two workers and two nodes as separate processes,
# the visible corpus plus 2,000 synthetic reports, one worker and one node killed with SIGKILL
# mid-way — nothing lost, nothing stored twice, both nodes answer alike (bench/shared/proof.py).
if [[ -z "${YANBAO_TEST_POSTGRES:-}" ]]; then
  echo "skip the shared-library proof: YANBAO_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres)"
elif [[ ! -d ../shared/corpus ]]; then
  echo "skip the shared-library proof: ../shared/corpus is not here (its reports are the proof's input)"
else
  python3 bench/shared/proof.py "$yanbao" --corpus ../shared/corpus --synthetic 2000
fi
