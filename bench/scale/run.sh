#!/usr/bin/env bash
# Scale benchmark (issue 8 item 6): libraries of N synthetic-but-real Markdown reports, measured end to end.
# Usage: bench/scale/run.sh PATH/TO/yanbao [SIZES...]        (default sizes: 1000 10000 100000)
# For each size N: bench/scale/gen.py writes N reports of ~51 real paragraphs (series issues and
# near-copies included, labels beside them), bench/scale/measure.py ingests them into a new library
# and measures ingest, sizes, search (server and CLI, every scope), timeline, entity pages, preview
# pages, reindex and peak RSS; finally the table over all sizes is printed.
# Environment: WORK (default /tmp/yanbao-scale: sources, libraries, results), KEEP=1 keeps the
# sources and libraries (default: removed after each size), LOAD=1 also runs the wrk load test
# (bench/load/wrk.sh, real topic queries) on each library, ROUNDS (server rounds, default 5),
# CLI_ROUNDS (default 2), PORT (default 18282).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="$(realpath "${1:?usage: run.sh PATH/TO/yanbao [SIZES...]}")"
shift
sizes=("$@")
[[ ${#sizes[@]} -eq 0 ]] && sizes=(1000 10000 100000)
work="${WORK:-/tmp/yanbao-scale}"
mkdir -p "$work/results"
# BIN_NOTE describes the binary (which commit it was built from); default: the work tree's state.
export BIN_NOTE="${BIN_NOTE:-worktree $(cd "$here/../.." && git rev-parse --short HEAD)$(cd "$here/../.." && git status --porcelain crates/ | grep -q . && echo ' with uncommitted changes in crates/')}"
echo "binary: $binary ($BIN_NOTE)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(free -g | awk '/Mem:/{print $2" GB RAM, "$7" GB available"}')"
results=()
for n in "${sizes[@]}"; do
  src="$work/src-$n"
  if [[ ! -f "$src.done" ]]; then
    rm -rf "$src"
    echo "[$(date +%T)] generating $n reports"
    python3 "$here/gen.py" "$src" "$n" --labels "$src.labels.jsonl"
    touch "$src.done"
  fi
  out="$work/results/$n.json"
  python3 "$here/measure.py" run "$binary" "$src" "$work/data-$n" "$out" --labels "$src.labels.jsonl" \
    --port "${PORT:-18282}" --rounds "${ROUNDS:-5}" --cli-rounds "${CLI_ROUNDS:-2}"
  if [[ "${LOAD:-0}" == 1 ]]; then
    QUERIES_FILE="$here/../load/qznan-queries.txt" "$here/../load/wrk.sh" "$binary" "$work/data-$n" | tee "$work/results/$n.load.txt"
  fi
  results+=("$out")
  if [[ "${KEEP:-0}" != 1 ]]; then
    rm -rf "$work/data-$n" "$src" "$src.done"
  fi
done
echo
python3 "$here/measure.py" table "${results[@]}"
