#!/usr/bin/env bash
# Bounded load test on loopback: search API and preview page over a ~100k-paragraph library.
# Usage: bench/load/run.sh PATH/TO/yanbao [DATA_DIR]
# Builds the library once in DATA_DIR (default /tmp/yanbao-load-data) from Markdown reports
# assembled by bench/ingest/make_reports.py out of real report paragraphs (../shared/corpus),
# 100 paragraphs each, then serves it and runs wrk
# (apt-get install -y wrk) for DURATION seconds (default 20) per endpoint with CONNECTIONS
# connections (default 32) on one wrk thread. Prints RESULT lines (req/s, p50, p99, errors).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="${1:?usage: run.sh PATH/TO/yanbao [DATA_DIR]}"
data="${2:-/tmp/yanbao-load-data}"
duration="${DURATION:-20}"
connections="${CONNECTIONS:-32}"
port="${PORT:-18181}"
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
"$binary" --data "$data" serve --addr "127.0.0.1:$port" >/tmp/yanbao-load-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
ids="$(mktemp)"
curl -fsS "http://127.0.0.1:$port/api/reports?limit=100" | python3 -c 'import json,sys; [print(r["id"]) for r in json.load(sys.stdin)["reports"]]' >"$ids"
# Warm up (first searches load index pages and fill the report cache).
wrk -t1 -c8 -d3s -s "$here/search.lua" "http://127.0.0.1:$port" >/dev/null
echo "== search api: wrk -t1 -c$connections -d${duration}s"
wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$here/search.lua" "http://127.0.0.1:$port" | grep -E "RESULT|Non-2xx|Socket errors" || true
echo "== preview page: wrk -t1 -c$connections -d${duration}s"
IDS="$ids" wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$here/preview.lua" "http://127.0.0.1:$port" | grep -E "RESULT|Non-2xx|Socket errors" || true
rm -f "$ids"
