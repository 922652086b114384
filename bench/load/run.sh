#!/usr/bin/env bash
# Bounded load test on loopback: search API and preview page over a ~100k-paragraph library.
# Usage: bench/load/run.sh PATH/TO/yanbao [DATA_DIR]
# Builds the library once in DATA_DIR (default /tmp/yanbao-load-data) from Markdown reports
# assembled by bench/ingest/make_reports.py out of real report paragraphs (../shared/corpus),
# 100 paragraphs each, then serves it and runs wrk
# (apt-get install -y wrk) for DURATION seconds (default 20) per endpoint with CONNECTIONS
# connections (default 32) on one wrk thread. Prints RESULT lines (req/s, p50, p99, errors).
# Real report text with real topic queries: bench/load/qznan.sh (the 498 qznan reports), or
# bench/load/wrk.sh on any existing library (e.g. the 100 k library of bench/scale/run.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="${1:?usage: run.sh PATH/TO/yanbao [DATA_DIR]}"
data="${2:-/tmp/yanbao-load-data}"
command -v wrk >/dev/null || { echo "skip: wrk is missing (apt-get install -y wrk)"; exit 0; }
if [[ ! -f "$data/.built" ]]; then
  corpus="$(mktemp -d)"
  python3 "$here/../ingest/make_reports.py" "$corpus" $(( ${PARAGRAPHS:-100000} / 100 )) --paragraphs-per-report 100
  start=$(date +%s)
  "$binary" --data "$data" ingest "$corpus" >/dev/null
  echo "ingested in $(( $(date +%s) - start )) s"
  rm -rf "$corpus"
  touch "$data/.built"
fi
"$binary" --data "$data" stats
# Serve and load (bench/load/wrk.sh: DURATION, CONNECTIONS, REPEAT, QUERIES_FILE, PORT).
exec "$here/wrk.sh" "$binary" "$data"
