#!/usr/bin/env bash
# CPU profile of `yanbao ingest` on PDFs: perf call stacks (DWARF unwinding) of the whole process
# tree, folded into ingest stages (bench/ingest/perf_fold.py) and drawn as a flame graph.
#
# usage: bench/ingest/profile.sh [YANBAO_EXE] [OUT_DIR] [PDF...]
# Defaults: target/profiling/yanbao (`cargo build --profile profiling -p yanbao-cli`: release code
# with line tables; the release binary is stripped), /tmp/yanbao-profile, the 32 visible Chinese research PDFs
# (as bench/ingest/breakdown.py selects them). Writes OUT_DIR/perf.data, perf.txt,
# ingest.folded, flame.svg and prints the stage table. Needs `perf` (software cpu-clock event:
# works without hardware counters). Sampling at 499 Hz: one sample ≈ 2 ms of CPU.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
exe="${1:-$repo/target/profiling/yanbao}"
out="${2:-/tmp/yanbao-profile}"
shift $(( $# > 2 ? 2 : $# ))
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  for f in "$repo"/../shared/corpus/pdf/zh_*.pdf; do
    name="$(basename "$f" .pdf)"
    [ -e "$repo/../shared/gold/pdf/$name.json" ] && files+=("$f")
  done
fi
mkdir -p "$out"
data="$(mktemp -d /tmp/yanbao-profile-data.XXXXXX)"
trap 'rm -rf "$data"' EXIT
perf record -F 499 -e cpu-clock --call-graph dwarf,16384 -o "$out/perf.data" -- "$exe" --data "$data" ingest "${files[@]}" > /dev/null 2> "$out/perf-record.log"
perf script -i "$out/perf.data" -F comm,pid,tid,ip,sym,dso > "$out/perf.txt" 2> /dev/null
python3 "$here/perf_fold.py" "$out/perf.txt" --folded "$out/ingest.folded" --svg "$out/flame.svg"
echo "flame graph: $out/flame.svg"
