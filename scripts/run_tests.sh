#!/usr/bin/env bash
# Run the whole test suite, slow model and browser tests included.
# pytest exits 5 when it collects nothing: that is a failure here, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
.venv/bin/pytest -q -p no:cacheprovider --timeout=900 "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "no tests were collected" >&2
  exit 1
fi
exit "$rc"
