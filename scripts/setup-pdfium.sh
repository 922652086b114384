#!/usr/bin/env bash
# Installs the PDFium shared library that yanbao-pdf loads at run time.
#
# PDFium (BSD-3-Clause, Google) comes from the PyPI wheel `pypdfium2` (pinned below), which ships a
# prebuilt libpdfium for this platform. The library is copied to <repo>/.tools/pdfium/ (git-ignored).
# Idempotent: does nothing when the pinned version is already in place. Nothing is downloaded at
# run time; override the location with YANBAO_PDFIUM=/path/to/libpdfium.so.
set -euo pipefail

PYPDFIUM2_VERSION="${PYPDFIUM2_VERSION:-5.15.2}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest_dir="$repo_root/.tools/pdfium"
stamp="$dest_dir/VERSION"

case "$(uname -s)" in
  Darwin) lib_name="libpdfium.dylib" ;;
  *) lib_name="libpdfium.so" ;;
esac

if [[ -f "$dest_dir/$lib_name" && -f "$stamp" && "$(cat "$stamp")" == "pypdfium2 $PYPDFIUM2_VERSION" ]]; then
  echo "pdfium already installed: $dest_dir/$lib_name (pypdfium2 $PYPDFIUM2_VERSION)"
  exit 0
fi

# shellcheck source=lib/python.sh
source "$repo_root/scripts/lib/python.sh"
find_python "the pypdfium2 wheel"

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

echo "fetching pypdfium2 $PYPDFIUM2_VERSION (PDFium binary wheel) with pip"
"$python_bin" -m pip download --quiet --no-deps --only-binary=:all: \
  --dest "$work_dir" "pypdfium2==$PYPDFIUM2_VERSION"
wheel="$(ls "$work_dir"/pypdfium2-*.whl | head -n 1)"
"$python_bin" - "$wheel" "$work_dir/unpacked" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
found="$(find "$work_dir/unpacked" -name "$lib_name" -type f | head -n 1)"
if [[ -z "$found" ]]; then
  echo "error: $lib_name not found in $wheel" >&2
  exit 1
fi
mkdir -p "$dest_dir"
printf "*\n" > "$repo_root/.tools/.gitignore"
cp "$found" "$dest_dir/$lib_name.tmp"
mv "$dest_dir/$lib_name.tmp" "$dest_dir/$lib_name"
echo "pypdfium2 $PYPDFIUM2_VERSION" > "$stamp"
if [[ -f "$work_dir/unpacked/pypdfium2_raw/version.json" ]]; then
  cp "$work_dir/unpacked/pypdfium2_raw/version.json" "$dest_dir/pdfium-version.json"
fi
echo "installed $dest_dir/$lib_name"
