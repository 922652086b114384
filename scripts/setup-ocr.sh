#!/usr/bin/env bash
# Installs what yanbao's offline OCR loads at run time: the PP-OCRv4 detection and recognition
# models and the ONNX Runtime shared library.
#
# - Models: the PyPI wheel `rapidocr-onnxruntime` (Apache-2.0, pinned below) ships PaddleOCR's
#   PP-OCRv4 Chinese+English detection and recognition models converted to ONNX (Apache-2.0);
#   the recognition model carries its character list in its metadata.
# - Runtime: the PyPI wheel `onnxruntime` (MIT, Microsoft, pinned below) ships libonnxruntime for
#   this platform; yanbao binds it at run time (the `ort` crate's load-dynamic mode).
# Both are copied to <repo>/.tools/ocr/ (git-ignored). Idempotent: does nothing when the pinned
# versions are in place. Nothing is downloaded at run time; override the location with
# YANBAO_OCR=/path/to/dir (holding det.onnx, rec.onnx and libonnxruntime.so).
set -euo pipefail

RAPIDOCR_VERSION="${RAPIDOCR_VERSION:-1.4.4}"
ONNXRUNTIME_VERSION="${ONNXRUNTIME_VERSION:-1.32.0}"
# The `onnx` package rewrites the models' hard-swish activations (scripts/ocr-fuse.py); it is
# installed in a scratch folder for that and removed with it.
ONNX_VERSION="${ONNX_VERSION:-1.23.2}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest_dir="$repo_root/.tools/ocr"
stamp="$dest_dir/VERSION"
want="rapidocr-onnxruntime $RAPIDOCR_VERSION; onnxruntime $ONNXRUNTIME_VERSION; hard-swish fused (onnx $ONNX_VERSION)"

case "$(uname -s)" in
  Darwin) lib_name="libonnxruntime.dylib" ;;
  *) lib_name="libonnxruntime.so" ;;
esac

if [[ -f "$dest_dir/det.onnx" && -f "$dest_dir/rec.onnx" && -f "$dest_dir/$lib_name" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "ocr models and runtime already installed: $dest_dir ($want)"
  exit 0
fi

# shellcheck source=lib/python.sh
source "$repo_root/scripts/lib/python.sh"
find_python "the rapidocr-onnxruntime and onnxruntime wheels"

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

echo "fetching rapidocr-onnxruntime $RAPIDOCR_VERSION (PP-OCRv4 models) and onnxruntime $ONNXRUNTIME_VERSION with pip"
"$python_bin" -m pip download --quiet --no-deps --only-binary=:all: --dest "$work_dir" \
  "rapidocr-onnxruntime==$RAPIDOCR_VERSION" "onnxruntime==$ONNXRUNTIME_VERSION"

rm -rf "$dest_dir.tmp" && mkdir -p "$dest_dir.tmp"
"$python_bin" - "$work_dir" "$dest_dir.tmp" "$lib_name" <<'PY'
import glob, os, shutil, sys, zipfile
work, dest, lib_name = sys.argv[1:]
wanted = {
    "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx": "det.onnx",
    "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx": "rec.onnx",
}
found = {}
for wheel in glob.glob(os.path.join(work, "*.whl")):
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            target = wanted.get(name)
            base = os.path.basename(name)
            if target is None and name.startswith("onnxruntime/capi/") and (base == lib_name or base.startswith(lib_name + ".")):
                target = lib_name
            if target is None:
                continue
            with archive.open(name) as source, open(os.path.join(dest, target), "wb") as out:
                shutil.copyfileobj(source, out)
            found[target] = name
missing = {"det.onnx", "rec.onnx", lib_name} - set(found)
if missing:
    sys.exit("error: not found in the wheels: " + ", ".join(sorted(missing)))
PY

# Hard-swish in two operators instead of four: the same function, a quarter less recognition time
# (docs/BENCHMARKS.md "OCR").
echo "fusing the models' hard-swish activations (onnx $ONNX_VERSION)"
"$python_bin" -m pip install --quiet --disable-pip-version-check --only-binary=:all: --target "$work_dir/onnx" "onnx==$ONNX_VERSION"
for model in det rec; do
  PYTHONPATH="$work_dir/onnx" "$python_bin" "$repo_root/scripts/ocr-fuse.py" "$dest_dir.tmp/$model.onnx" "$dest_dir.tmp/$model.fused.onnx"
  mv "$dest_dir.tmp/$model.fused.onnx" "$dest_dir.tmp/$model.onnx"
done
mkdir -p "$repo_root/.tools"
printf "*\n" > "$repo_root/.tools/.gitignore"
rm -rf "$dest_dir"
mv "$dest_dir.tmp" "$dest_dir"
echo "$want" > "$stamp"
echo "installed $dest_dir (det.onnx, rec.onnx, $lib_name)"
