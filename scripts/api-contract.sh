#!/usr/bin/env bash
# The JSON API against its own contract: Schemathesis drives every operation of
# /api/openapi.json on a running `yanbao serve` with generated valid and invalid input (examples,
# coverage, fuzzing and the stateful phase that follows the document's links) and checks that no
# answer is a server error, that every answer conforms to the document and that every error is a
# JSON error with a code.
#
# Usage: scripts/api-contract.sh [PATH/TO/yanbao]   (default: target/debug/yanbao; builds nothing)
#
# Builds a small library in a temporary folder (the seed report and two PDFs from samples/),
# creates an API token, starts `yanbao serve` on a free loopback port, runs
#   schemathesis run URL/api/openapi.json --checks all --max-examples 40 --workers 1 -H "Authorization: Bearer yb_…"
# stops the server and exits non-zero on any failure. Schemathesis is installed, pinned by
# tests/api/requirements.txt, into target/api-contract-venv the first time (and when the pins
# change). Skips (exit 0) with a reason only when python3 is missing, unless
# YANBAO_REQUIRE_API_CONTRACT=1 (CI), where a missing tool fails.
# API_CONTRACT_SEED=N replays a run (default: a fixed seed, so runs are reproducible; `random` for
# a new one each time); API_CONTRACT_EXAMPLES=N changes --max-examples.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${1:-${CARGO_TARGET_DIR:-$repo/target}/debug/yanbao}"
if [[ ! -x "$binary" ]]; then
  echo "usage: $0 [PATH/TO/yanbao] (an executable yanbao binary; $binary is not one)" >&2
  exit 2
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

if ! command -v python3 >/dev/null 2>&1; then
  if [[ "${YANBAO_REQUIRE_API_CONTRACT:-}" == "1" ]]; then
    echo "error: the API contract test cannot run: python3 is missing (YANBAO_REQUIRE_API_CONTRACT=1)" >&2
    exit 1
  fi
  echo "skip: the API contract test needs python3 (for Schemathesis), which is missing"
  exit 0
fi

# Schemathesis, pinned, in a virtual environment of its own (pip --user when venv is unavailable).
requirements="$repo/tests/api/requirements.txt"
venv="${API_CONTRACT_VENV:-$repo/target/api-contract-venv}"
want="$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$requirements")"
schemathesis=""
if [[ -x "$venv/bin/schemathesis" && "$(cat "$venv/.requirements" 2>/dev/null)" == "$want" ]]; then
  schemathesis="$venv/bin/schemathesis"
else
  echo "installing Schemathesis (pinned in tests/api/requirements.txt) into $venv"
  rm -rf "$venv"
  if python3 -m venv "$venv" >/dev/null 2>&1 && "$venv/bin/python" -m pip install --quiet -r "$requirements"; then
    echo "$want" >"$venv/.requirements"
    schemathesis="$venv/bin/schemathesis"
  else
    rm -rf "$venv"
    echo "cannot install into a virtual environment (no python3 -m venv?); installing with pip --user instead"
    # A Debian python3 refuses --user installs unless told (PEP 668); older pips ignore the variable.
    PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --user -r "$requirements"
    schemathesis="$(python3 -c 'import site; print(site.getuserbase())')/bin/schemathesis"
  fi
fi
if [[ ! -x "$schemathesis" ]]; then
  echo "error: Schemathesis is not installed ($schemathesis is missing)" >&2
  exit 1
fi

# The PDFs of the library need PDFium (idempotent: a no-op when it is in place), found wherever
# the binary was built.
"$repo/scripts/setup-pdfium.sh" >/dev/null
export YANBAO_PDFIUM="${YANBAO_PDFIUM:-$repo/.tools/pdfium}"
samples="$repo/samples"
library_files=("$samples/seed_中美元首视频会晤.txt" "$samples/en_us_meta-report-1.pdf" "$samples/en_us_kroger-press-release-2023.pdf")
for file in "${library_files[@]}"; do
  if [[ ! -f "$file" ]]; then
    echo "error: $file is missing" >&2
    exit 1
  fi
done

work="$(mktemp -d)"
data="$work/library"
log="$work/server.log"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$binary" --data "$data" ingest "${library_files[@]}"
token="$("$binary" --data "$data" token create api-contract 2>/dev/null)"
if [[ "$token" != yb_* ]]; then
  echo "error: no API token was created" >&2
  exit 1
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
"$binary" --data "$data" serve --addr "127.0.0.1:$port" >"$log" 2>&1 &
server_pid=$!
ready=""
for _ in $(seq 1 240); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "error: the server exited before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  if python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$base/healthz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.5
done
if [[ -z "$ready" ]]; then
  echo "error: the server did not answer $base/healthz within 120 s:" >&2
  cat "$log" >&2
  exit 1
fi

seed=()
case "${API_CONTRACT_SEED:-1}" in
  random) ;;
  *) seed=(--seed "${API_CONTRACT_SEED:-1}") ;;
esac
limit=()
if command -v timeout >/dev/null 2>&1; then
  limit=(timeout 900)  # a server that stops answering fails the run instead of hanging it
fi
status=0
# From the temporary folder: Hypothesis' example database and any report stay out of the clone.
# tests/api/hooks.py gives valid uploads real report content (see there).
(
  cd "$work"
  SCHEMATHESIS_HOOKS="$repo/tests/api/hooks.py" "${limit[@]}" "$schemathesis" run "$base/api/openapi.json" \
    --checks all --max-examples "${API_CONTRACT_EXAMPLES:-40}" --workers 1 -H "Authorization: Bearer $token" \
    "${seed[@]}" --no-color
) | tee "$work/schemathesis.log" || status=${PIPESTATUS[0]}
if [[ $status -ne 0 ]]; then
  echo "--- server log (last 40 lines) ---" >&2
  tail -n 40 "$log" >&2
  echo "FAIL the API does not keep its OpenAPI contract (schemathesis exited $status)" >&2
  exit 1
fi
cases="$(grep -Eo '[0-9]+ generated' "$work/schemathesis.log" | tail -n 1 || true)"
echo "ok   the API keeps its OpenAPI contract (${cases:-all} test cases, every check passed)"
