#!/usr/bin/env bash
# Peak memory of a hostile ingest batch, for the whole process tree (the ingesting process and
# its PDF workers): truncated, bit-flipped and encrypted PDFs, a flate bomb (4 GiB from ~200 KB),
# a page of three million operators, an absurd MediaBox, deeply nested objects, junk named .pdf,
# an empty file, a 27 MB Markdown report of real report paragraphs, and the repository's good
# files. The batch is written by the ignored `write_hostile_batch` test of
# crates/yanbao-engine/tests/hostile_batch.rs (the same files the test ingests).
#
#   bench/hostile/run.sh [YANBAO_BINARY] [WORK_DIR]
#
# Two runs: the folder as `yanbao ingest DIR` walks it, then the worst order for memory (the big
# Markdown report first, then 16 bombs: while the ingesting process structures, stores and
# indexes the report, both PDF workers run bombs side by side). Each prints the
# result lines and a `treerss:` line (tree peak = largest sum of RSS over the tree, polled every
# 5 ms; main/child peaks = VmHWM). Extra ingest flags go in INGEST_FLAGS (e.g. --worker-memory 1024).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
scripts/setup-pdfium.sh >/dev/null
bin="${1:-}"
work="${2:-$(mktemp -d /tmp/yanbao-hostile.XXXXXX)}"
if [[ -z "$bin" ]]; then
  cargo build --release -p yanbao-cli
  bin=target/release/yanbao
fi
batch="$work/batch"
if [[ ! -f "$batch/good_big_report.md" ]]; then
  YANBAO_HOSTILE_DIR="$batch" cargo test --release -q -p yanbao-engine --test hostile_batch -- --ignored write_hostile_batch >/dev/null
fi
echo "batch: $(ls "$batch" | wc -l) files, $(du -sh "$batch" | cut -f1) in $batch"
run() {
  local name="$1"; shift
  rm -rf "$work/data-$name"
  echo "== $name"
  # shellcheck disable=SC2086
  python3 bench/hostile/treerss.py -- "$bin" --data "$work/data-$name" ingest ${INGEST_FLAGS:-} "$@" 2>&1 \
    | grep -vE '^\s*warning:' || true
}
run folder "$batch"
bombs=()
for _ in 1 2 3 4 5 6 7 8; do bombs+=("$batch/bad_flate_bomb.pdf" "$batch/bad_million_operators.pdf"); done
run worst-order "$batch/good_big_report.md" "${bombs[@]}"
