#!/usr/bin/env bash
# Puts `yanbao` on the PATH: fetches PDFium and the OCR models once (scripts/setup-pdfium.sh,
# scripts/setup-ocr.sh), builds the release binary and installs
#   PREFIX/bin/yanbao
#   PREFIX/lib/yanbao/libpdfium.so   (where an installed yanbao looks for PDFium)
#   PREFIX/lib/yanbao/ocr/           (the OCR models and ONNX Runtime, for scanned pages)
# PREFIX defaults to $CARGO_HOME or ~/.cargo, whose bin/ rustup already put on the PATH.
# Usage: scripts/install.sh [--prefix DIR]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

prefix="${CARGO_HOME:-$HOME/.cargo}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a folder}"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument $1 (usage: scripts/install.sh [--prefix DIR])" >&2; exit 2 ;;
  esac
done
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"

scripts/setup-pdfium.sh
scripts/setup-ocr.sh
case "$(uname -s)" in
  Darwin) lib_name="libpdfium.dylib" ;;
  *) lib_name="libpdfium.so" ;;
esac

echo "building yanbao (release): the first build takes about 20 minutes on a 2-core machine; later ones are incremental"
cargo build --release --locked -p yanbao-cli
built="${CARGO_TARGET_DIR:-target}/release/yanbao"

mkdir -p "$prefix/bin" "$prefix/lib/yanbao"
# Copy then rename: replacing a yanbao that is running (a server) never leaves half a binary.
cp "$built" "$prefix/bin/.yanbao.new" && mv -f "$prefix/bin/.yanbao.new" "$prefix/bin/yanbao"
cp ".tools/pdfium/$lib_name" "$prefix/lib/yanbao/.$lib_name.new" && mv -f "$prefix/lib/yanbao/.$lib_name.new" "$prefix/lib/yanbao/$lib_name"
echo "installed $prefix/bin/yanbao ($(du -h "$prefix/bin/yanbao" | cut -f1)) and $prefix/lib/yanbao/$lib_name"
rm -rf "$prefix/lib/yanbao/.ocr.new" && cp -R .tools/ocr "$prefix/lib/yanbao/.ocr.new" && rm -rf "$prefix/lib/yanbao/ocr" && mv "$prefix/lib/yanbao/.ocr.new" "$prefix/lib/yanbao/ocr"
echo "installed the OCR models and runtime in $prefix/lib/yanbao/ocr"

# The installed binary must find the installed PDFium, not the one in this clone.
check_dir="$(mktemp -d)"
trap 'rm -rf "$check_dir"' EXIT
pdf_line="$(cd "$check_dir" && env -u YANBAO_PDFIUM "$prefix/bin/yanbao" --data "$check_dir/data" stats | grep '^pdf support')"
echo "$pdf_line"
if [[ "$pdf_line" != *"$prefix/lib/yanbao/$lib_name"* ]]; then
  echo "error: the installed yanbao does not load $prefix/lib/yanbao/$lib_name" >&2
  exit 1
fi

case ":$PATH:" in
  *":$prefix/bin:"*) echo "yanbao is on your PATH: try \`yanbao --help\`" ;;
  *) echo "add yanbao to your PATH:  export PATH=\"$prefix/bin:\$PATH\"   (e.g. in ~/.profile)" ;;
esac
