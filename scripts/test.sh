#!/usr/bin/env bash
# The whole test suite: unit and integration tests of every crate (corpus-wide quality runs read
# ../shared/corpus when present and say why they skip when not), then the headless-browser journey,
# then the JSON API against its OpenAPI contract (Schemathesis, scripts/api-contract.sh), then a
# short soak under load with hostile clients (bench/soak/run.py --quick).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup-pdfium.sh
# The OCR models and ONNX Runtime (scanned pages; crates/yanbao-pdf/tests/ocr.rs).
scripts/setup-ocr.sh
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
# Crash loops: `yanbao ingest`, two `yanbao worker`s (when YANBAO_TEST_POSTGRES is set) and the
# server during uploads SIGKILLed at random moments of a batch of real reports (../shared/corpus
# when present, else the bundled samples and text made from them), 5 rounds each: after every
# restart store and index agree, every report is whole, nothing stored before is lost, and the
# batch completes (bench/crash/run.py; without --quick, 20 rounds and a larger batch).
python3 bench/crash/run.py "$yanbao" --quick --seed "${CRASH_LOOP_SEED:-1}"
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
# A fuzz pass over every part that reads untrusted bytes (scripts/fuzz.sh: cargo-fuzz/libFuzzer,
# 60 s a target — text, pdf, search, access; any crash, hang over 10 s or out-of-memory fails).
# Its first build takes long (every dependency again, instrumented): YANBAO_SKIP_FUZZ=1 skips it
# on a developer's machine; CI (.ci/run) never sets it.
if [[ -n "${YANBAO_SKIP_FUZZ:-}" ]]; then
  echo "skip the fuzz pass: YANBAO_SKIP_FUZZ is set"
else
  scripts/fuzz.sh "${YANBAO_FUZZ_SECONDS:-60}"
fi
