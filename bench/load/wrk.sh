#!/usr/bin/env bash
# Serves an existing library and loads it with wrk on loopback (one wrk thread): search API and preview page.
# Usage: bench/load/wrk.sh PATH/TO/yanbao DATA_DIR
# Environment: DURATION seconds per run (default 20), CONNECTIONS (space-separated list, default "32"),
# REPEAT runs per endpoint and connection count (default 1; with more, report the median),
# QUERIES_FILE (one query a line; default: search.lua's built-in 20), PREVIEW_IDS (default 100 ids
# spread over the library), PORT (default 18181).
# Prints one RESULT line per run: endpoint, connections, req/s, p50, p99, errors.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="${1:?usage: wrk.sh PATH/TO/yanbao DATA_DIR}"
data="${2:?usage: wrk.sh PATH/TO/yanbao DATA_DIR}"
duration="${DURATION:-20}"
connections="${CONNECTIONS:-32}"
repeat="${REPEAT:-1}"
port="${PORT:-18181}"
command -v wrk >/dev/null || { echo "skip: wrk is missing (apt-get install -y wrk)"; exit 0; }
reports="$("$binary" --data "$data" --json stats | python3 -c 'import json,sys; print(json.load(sys.stdin).get("reports", 100))')"
"$binary" --data "$data" serve --addr "127.0.0.1:$port" >/tmp/yanbao-load-server.log 2>&1 &
server=$!
ids="$(mktemp)"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$ids"' EXIT
for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
python3 - "$port" "${PREVIEW_IDS:-100}" "$reports" >"$ids" <<'PY'
import json, sys, urllib.request
port, want, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
get = lambda path: json.load(urllib.request.urlopen('http://127.0.0.1:%s%s' % (port, path)))
step = max(1, total // 10)
seen = []
for k in range(10):
    for r in get('/api/reports?offset=%d&limit=%d' % (k * step, max(1, want // 10))).get('reports', []):
        if r['id'] not in seen: seen.append(r['id'])
if len(seen) < want:
    for r in get('/api/reports?limit=%d' % want)['reports']:
        if r['id'] not in seen: seen.append(r['id'])
print('\n'.join(seen[:want]))
PY
echo "load: $(wc -l <"$ids") preview ids; queries: ${QUERIES_FILE:-built-in}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm up (first searches load index pages and fill caches).
QUERIES_FILE="${QUERIES_FILE:-}" wrk -t1 -c8 -d3s -s "$here/search.lua" "http://127.0.0.1:$port" >/dev/null
IDS="$ids" wrk -t1 -c8 -d2s -s "$here/preview.lua" "http://127.0.0.1:$port" >/dev/null
# CPU seconds (user+sys) the server has used so far: the load average of a shared machine moves
# req/s and latency, but the server's CPU per request is what the request costs.
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
one() {  # endpoint connections run
  local name=$1 c=$2 r=$3 lua out before after wrk_cpu
  lua="$here/search.lua"; [[ $name == preview ]] && lua="$here/preview.lua"
  before=$(ticks)
  out=$( { IDS="$ids" QUERIES_FILE="${QUERIES_FILE:-}" /usr/bin/time -f "WRKCPU %U %S" wrk -t1 -c"$c" -d"${duration}s" --latency -s "$lua" "http://127.0.0.1:$port"; } 2>&1 )
  after=$(ticks)
  wrk_cpu=$(echo "$out" | awk '/^WRKCPU/{print $2 + $3}')
  echo "$out" | grep -E "^RESULT" | awk -v name="$name" -v c="$c" -v r="$r" -v cpu="$(( after - before ))" -v hz="$hz" -v wcpu="$wrk_cpu" -v la="$(cut -d' ' -f1 /proc/loadavg)" '{
    split($2, a, "="); n = a[2];
    printf "%s c=%s run=%s %s server_cpu_ms_per_req=%.3f wrk_cpu_ms_per_req=%.3f loadavg=%s\n", name, c, r, $0, 1000 * cpu / hz / n, 1000 * wcpu / n, la }'
}
for c in $connections; do
  for r in $(seq 1 "$repeat"); do one search "$c" "$r"; done
  for r in $(seq 1 "$repeat"); do one preview "$c" "$r"; done
done
echo "server peak RSS: $(awk '/VmHWM/{print $2/1024 " MB"}' /proc/$server/status); load average $(cut -d' ' -f1-3 /proc/loadavg)"
