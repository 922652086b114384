#!/usr/bin/env bash
# Backup and restore of an embedded library of N reports (default 500), measured.
# usage: bench/backup/run.sh BIN WORKDIR [N]
# The reports are the seed sample with 3,000 Han characters of their own each (the recipe of
# crates/yanbao-engine/tests/backup.rs), so none is taken for a copy of another.
set -euo pipefail
bin=$(realpath "$1"); work=$2; n=${3:-500}
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"; mkdir -p "$work"; cd "$work"
python3 - "$root/samples/seed_中美元首视频会晤.txt" "$n" <<'PY'
import os, sys
seed = open(sys.argv[1], encoding="utf-8").read().replace("预览已结束", "预览")
os.makedirs("in", exist_ok=True)
for n in range(int(sys.argv[2])):
    state, text = (n * 2654435761 + 12345) % 2**32, []
    for i in range(3000):
        state = (state * 1103515245 + 12345) % 2**32
        text.append(chr(0x4E00 + (state >> 16) % 0x5000))
        if i % 60 == 59:
            text.append("。\n\n")
    open(f"in/r{n:04}.md", "w", encoding="utf-8").write(f"# 报告 {n}\n\n{seed}\n\n{''.join(text)}\n")
PY
"$bin" --data data ingest in/ >/dev/null 2>ingest.log
echo "library: $(du -sh data | cut -f1) (store $(du -sh data/library.sqlite | cut -f1), index $(du -sh data/index | cut -f1))"
/usr/bin/time -f "backup: %e s wall, %M KB peak" "$bin" --data data backup backup
echo "backup folder: $(du -sh backup | cut -f1)"
/usr/bin/time -f "restore: %e s wall, %M KB peak" "$bin" --data restored restore backup
/usr/bin/time -f "reindex (for comparison): %e s wall" "$bin" --data data reindex
cmp <("$bin" --data data export 2>/dev/null) <("$bin" --data restored export 2>/dev/null) && echo "export of the restored library: identical"
