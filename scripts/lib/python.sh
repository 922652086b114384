# Shared by the set-up scripts (sourced, not run): finds the Python that fetches pinned wheels.
#
# find_python WHAT sets `python_bin` to $PYTHON, else the first of python3 and python on PATH, and
# exits with a one-line error naming WHAT (what pip is needed for) when there is none.
find_python() {
  python_bin="${PYTHON:-}"
  if [[ -z "$python_bin" ]]; then
    for candidate in python3 python; do
      if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
    done
  fi
  if [[ -z "$python_bin" ]]; then
    echo "error: python3 with pip is needed to fetch $1" >&2
    exit 1
  fi
}
