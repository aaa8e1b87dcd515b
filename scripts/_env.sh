# Shared by scripts/serve, scripts/test and the bench scripts: a project venv installed from a lock file
# (requirements.txt for "", requirements-dev.txt for "dev"), reinstalled when that file or
# pyproject.toml changes. Exact versions with hashes: every machine gets the same packages, with nothing
# but pip. ./scripts/refresh-lock re-resolves the lock files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
EXTRAS="${1:-}"
LOCK="requirements${EXTRAS:+-$EXTRAS}.txt"
STAMP=".venv/.installed-${EXTRAS:-runtime}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# The stamp holds the lock and pyproject.toml as last installed, so any change to either reinstalls.
if ! cat "$LOCK" pyproject.toml | cmp -s - "$STAMP"; then
  rm -f "$STAMP"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$LOCK"
  # The project itself: its dependencies are all in the lock, its build tools (setuptools, wheel) too.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
  cat "$LOCK" pyproject.toml > "$STAMP"
fi
