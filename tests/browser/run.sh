#!/usr/bin/env bash
# Runs the browser journey against a real `yanbao serve`.
# Usage: tests/browser/run.sh PATH/TO/yanbao
# Builds nothing. Starts the server on a free loopback port with the bundled samples in a
# temporary data folder (with an editor made by `yanbao user add`, whom the journey signs in
# as), waits for /healthz, runs journey.mjs with node (playwright-core driving
# /usr/bin/chromium), then restarts the server on the same folder and checks that the home page
# still suggests the searches made; stops the server and exits non-zero on failure. Skips (exit 0)
# with a reason when chromium, node or playwright-core is missing.
# Screenshots go to $SHOTS, by default target/browser-screenshots/ (ignored): a test run changes
# no tracked file. scripts/screenshots.sh updates the README's docs/screenshots/ deliberately.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
binary="${1:-}"
if [[ -z "$binary" || ! -x "$binary" ]]; then
  echo "usage: $0 PATH/TO/yanbao (an executable yanbao binary)" >&2
  exit 2
fi
# Skips with a reason when a prerequisite is missing, unless YANBAO_REQUIRE_BROWSER is set (CI).
skip_or_fail() {
  if [[ -n "${YANBAO_REQUIRE_BROWSER:-}" ]]; then
    echo "error: the browser journey cannot run (YANBAO_REQUIRE_BROWSER is set)" >&2
    exit 1
  fi
  exit 0
}
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  echo "skip: $chromium is missing (apt-get install -y chromium)"
  skip_or_fail
fi
if ! command -v node >/dev/null 2>&1; then
  echo "skip: node is missing"
  skip_or_fail
fi
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  echo "skip: playwright-core is not installed (cd tests/browser && npm ci)"
  skip_or_fail
fi
samples="${SAMPLES:-$repo/samples}"
if [[ ! -d "$samples" ]]; then
  echo "samples folder $samples is missing" >&2
  exit 1
fi

data="$(mktemp -d)"
log="$data/server.log"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 18080)"
base="http://127.0.0.1:$port"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

# Starts `yanbao serve` on the data folder (extra arguments to serve) and waits for /healthz.
start_server() {
  "$binary" --data "$data/library" serve --addr "127.0.0.1:$port" "$@" >>"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 240); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "the server exited before it was ready:" >&2
      cat "$log" >&2
      exit 1
    fi
    if curl -fsS "$base/healthz" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "the server did not answer $base/healthz within 120 s:" >&2
  cat "$log" >&2
  exit 1
}

# Stops the server as a service manager would (SIGTERM: a graceful shutdown).
stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

shots="${SHOTS:-$repo/target/browser-screenshots}"
# A Chinese PDF note with charts (a test fixture written for yanbao) beside the samples: its
# pages and charts are the journey's pictures.
"$binary" --data "$data/library" ingest "$repo/crates/yanbao-server/tests/fixtures/charts.pdf" >>"$log" 2>&1
# The editor the journey signs in as, made as an admin would (password on standard input).
editor_name="journey-editor"
editor_password="journey-$RANDOM-$RANDOM-password"
printf '%s\n' "$editor_password" | "$binary" --data "$data/library" user add "$editor_name" --role editor --password-stdin >/dev/null
start_server --samples "$samples"
status=0
(cd "$here" && BASE_URL="$base" SHOTS="$shots" CHROMIUM="$chromium" EDITOR_NAME="$editor_name" EDITOR_PASSWORD="$editor_password" node journey.mjs) || status=$?
if [[ $status -ne 0 ]]; then
  echo "--- server log ---" >&2
  tail -n 40 "$log" >&2
  exit $status
fi
echo "screenshots in $shots"

# The searches of the journey are suggested on the home page after a restart (kept in the store).
stop_server
start_server
suggested="$(curl -fsS "$base/" | tr -d '\n' | sed -n 's/.*热门与最近搜索\(.*\)试试.*/\1/p')"
if [[ "$suggested" == *"中美元首 会晤"* ]]; then
  echo "ok   the home page suggests the journey's searches after a restart"
else
  echo "FAIL the home page lost the journey's searches after a restart: ${suggested:-no suggestions}" >&2
  exit 1
fi
