#!/usr/bin/env bash
# A fuzz pass over the parts of yanbao that read untrusted bytes (libFuzzer through cargo-fuzz):
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s each, every target)
#
# Targets (fuzz/fuzz_targets/*.rs): text (text/Markdown/HTML → report, then events/entities),
# pdf (PDF bytes → report: PDFium + layout), search (query parser and Library::search with any
# request fields), access (Authorization header, API tokens, share links).
#
# Installs cargo-fuzz when missing (pinned), uses the nightly toolchain when installed, else the
# stable one with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs nightly's -Z flags). Seeds each target's
# corpus from the repository's fixtures at run time (fuzz/target/seeds, not committed); what the
# fuzzer learns stays in fuzz/corpus/<target> (git-ignored) for the next run. Prints executions
# and coverage per target, and exits non-zero on any crash, timeout (> 10 s) or out-of-memory,
# naming the reproducer libFuzzer wrote (fuzz/artifacts/<target>/...). Keep each real finding as
# a regression test in the crate's normal test suite (see docs/RELIABILITY.md).
#
# Environment: YANBAO_FUZZ_RSS_MB (memory limit per target, default 2048),
# YANBAO_FUZZ_HOSTILE_SEEDS=0 to skip seeding the pdf/text targets with the engine's generated
# hostile batch (it builds one test binary of yanbao-engine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"

CARGO_FUZZ_VERSION="0.13.2"
ALL_TARGETS=(text pdf search access)

seconds="${1:-60}"
[[ $# -gt 0 ]] && shift
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${ALL_TARGETS[@]}")
rss_mb="${YANBAO_FUZZ_RSS_MB:-2048}"

if ! cargo fuzz --version 2>/dev/null | grep -qF "$CARGO_FUZZ_VERSION"; then
  cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi
if cargo +nightly --version >/dev/null 2>&1; then
  fuzz=(cargo +nightly fuzz)
else
  echo "no nightly toolchain: building with stable and RUSTC_BOOTSTRAP=1"
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi

scripts/setup-pdfium.sh
export YANBAO_PDFIUM="${YANBAO_PDFIUM:-$repo/.tools/pdfium}"

target_dir="$repo/fuzz/target"
# Every target at once (cargo fuzz build takes one target or all): they share the build.
"${fuzz[@]}" build --target-dir "$target_dir"

# Seed corpora, rebuilt each run from the fixtures.
seeds="$target_dir/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{text,pdf,search,access}
# The text target's first byte picks the extension (fuzz_targets/text.rs: NAMES).
ext_selector() {
  case "${1,,}" in
    txt) printf '\x00' ;; md) printf '\x01' ;; html) printf '\x02' ;;
    markdown) printf '\x03' ;; htm) printf '\x04' ;; text) printf '\x05' ;;
    *) printf '\x00' ;;
  esac
}
add_text_seed() {
  local file="$1" ext="${1##*.}"
  [[ $(stat -c %s "$file") -le 1048576 ]] || return 0
  { ext_selector "$ext"; cat "$file"; } > "$seeds/text/$(sha1sum "$file" | cut -c1-16).$ext"
}
add_pdf_seed() {
  [[ $(stat -c %s "$1") -le 1048576 ]] || return 0
  cp "$1" "$seeds/pdf/$(sha1sum "$1" | cut -c1-16).pdf"
}
while IFS= read -r -d '' file; do
  case "${file,,}" in
    *.pdf) add_pdf_seed "$file" ;;
    *.md | *.markdown | *.txt | *.text | *.html | *.htm) add_text_seed "$file" ;;
  esac
done < <(find samples crates/*/tests/fixtures crates/*/tests/gold -type f -print0 2>/dev/null)
if [[ "${YANBAO_FUZZ_HOSTILE_SEEDS:-1}" != 0 ]]; then
  # The engine's generated hostile batch: damaged and malicious PDFs, junk (tests/hostile_files).
  hostile="$target_dir/hostile"
  rm -rf "$hostile"
  if YANBAO_HOSTILE_DIR="$hostile" cargo test -q -p yanbao-engine --test hostile_batch -- --ignored write_hostile_batch >/dev/null 2>&1; then
    while IFS= read -r -d '' file; do
      case "${file,,}" in
        # A DEFLATE bomb and a million drawing operators keep PDFium's own C code busy past the
        # 10 s limit (in FPDF_LoadPage): the worker's time and memory limits are what stop them
        # (tests/hostile_batch.rs), not the parser, so they are no seeds for the in-process target.
        */bad_flate_bomb.pdf | */bad_million_operators.pdf) ;;
        *.pdf) add_pdf_seed "$file" ;;
        *) add_text_seed "$file" ;;
      esac
    done < <(find "$hostile" -type f -print0)
    rm -rf "$hostile"
  else
    echo "warning: could not write the hostile batch; seeding without it"
  fi
fi
# Committed seeds: queries, and three small PDFs (fuzz/seeds/pdf/README.md) that mutate fast.
cp fuzz/seeds/search/* "$seeds/search/"
cp fuzz/seeds/pdf/*.pdf "$seeds/pdf/"
for t in "${ALL_TARGETS[@]}"; do
  echo "seeds for $t: $(find "$seeds/$t" -type f | wc -l) files"
done

failed=()
summary=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  log="$target_dir/fuzz-$t.log"
  echo "== fuzzing $t for ${seconds}s (log: $log)"
  status=0
  "${fuzz[@]}" run --target-dir "$target_dir" "$t" "fuzz/corpus/$t" "$seeds/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb="$rss_mb" -print_final_stats=1 \
    -artifact_prefix="$repo/fuzz/artifacts/$t/" >"$log" 2>&1 || status=$?
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)"
  rate="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)"
  cov="$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)"
  line="$t: ${execs:-?} executions, ${rate:-?} exec/s, ${cov:-no coverage line}"
  if [[ $status -ne 0 ]]; then
    line="$line — FAILED (exit $status)"
    failed+=("$t")
    grep -E '^==[0-9]+==|ERROR: libFuzzer|panicked at|ALARM|out-of-memory|SUMMARY' "$log" | head -n 12 || true
    grep -E 'Test unit written to|artifact_prefix' "$log" || tail -n 30 "$log"
  fi
  echo "$line"
  summary+=("$line")
done

echo "== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzing found problems in: ${failed[*]} (reproducers in fuzz/artifacts/)" >&2
  exit 1
fi
