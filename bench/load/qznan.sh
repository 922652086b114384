#!/usr/bin/env bash
# Load test on real report text: the 498 qznan industry reports (../shared/corpus/text/qznan), written one
# Markdown file per report as ../shared/tools/trust-check.py writes them (`# title` + paragraphs of four
# sentences), ingested once, then served and loaded with wrk (bench/load/wrk.sh) with the 20 topic
# queries of trust-check.py (bench/load/qznan-queries.txt).
# Usage: bench/load/qznan.sh PATH/TO/yanbao [DATA_DIR]     (default DATA_DIR /tmp/yanbao-qznan-data)
# Environment: as bench/load/wrk.sh (DURATION, CONNECTIONS="32 8", REPEAT, PORT); SHARED (default ../shared);
# CACHE_MB_RUNS (default "64 0": the server as configured by default, then without kept answers).
# Goals (issue 8): >= 3,000 search req/s with p99 <= 20 ms at 32 connections, >= 1,000 preview pages/s.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="${1:?usage: qznan.sh PATH/TO/yanbao [DATA_DIR]}"
data="${2:-/tmp/yanbao-qznan-data}"
shared="${SHARED:-$here/../../../shared}"
src="$shared/corpus/text/qznan/yanbao_498_industry_reports_source_content.jsonl"
[[ -f "$src" ]] || { echo "skip: $src is missing"; exit 0; }
if [[ ! -f "$data/.built" ]]; then
  docs="$(mktemp -d)"
  python3 - "$src" "$docs" <<'PY'
import json, os, re, sys
src, docs = sys.argv[1], sys.argv[2]
def paragraphs(text):
    sents = [s for s in re.split(r'(?<=[。！？])', text) if s.strip()]
    for i in range(0, len(sents), 4):
        yield ''.join(sents[i:i + 4])
for n, line in enumerate(open(src, encoding='utf-8')):
    d = json.loads(line)
    text = '# %s\n\n' % d['pdf_name'].removesuffix('.pdf') + '\n\n'.join(paragraphs(d['text'])) + '\n'
    open(os.path.join(docs, 'r%03d.md' % n), 'w', encoding='utf-8').write(text)
PY
  rm -rf "$data"
  start=$(date +%s.%N)
  "$binary" --data "$data" ingest "$docs" >/dev/null || true
  echo "ingested $(ls "$docs" | wc -l) qznan reports ($(du -sm "$docs" | cut -f1) MB) in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
  rm -rf "$docs"
  touch "$data/.built"
fi
"$binary" --data "$data" stats
# Twice: as served (recent answers kept until the library changes) and the engine alone
# (YANBAO_CACHE_MB=0: every search runs the index, every preview reads its report).
for cache_mb in ${CACHE_MB_RUNS:-64 0}; do
  echo "== YANBAO_CACHE_MB=$cache_mb"
  YANBAO_CACHE_MB=$cache_mb QUERIES_FILE="${QUERIES_FILE:-$here/qznan-queries.txt}" CONNECTIONS="${CONNECTIONS:-32 8}" "$here/wrk.sh" "$binary" "$data"
done
