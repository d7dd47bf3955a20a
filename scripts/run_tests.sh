#!/usr/bin/env bash
# Run the whole test suite, slow model and browser tests included.
# pytest exits 5 when it collects nothing: that is a failure here, not a pass.
#
# The store and review tests also run on PostgreSQL. Unless the caller already
# points CALLQA_TEST_POSTGRES_URL at a server, a throwaway one is installed (Debian
# package) and started for this run and stopped at the end. CALLQA_REQUIRE_POSTGRES
# makes a missing server a test failure, never a silent skip.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts

export CALLQA_REQUIRE_POSTGRES=1
if [ -z "${CALLQA_TEST_POSTGRES_URL:-}" ]; then
  pg_dir="$(mktemp -d /tmp/callqa-pg.XXXXXX)"
  trap 'bash scripts/start_postgres.sh stop "$pg_dir"' EXIT
  if ! CALLQA_TEST_POSTGRES_URL="$(bash scripts/start_postgres.sh start "$pg_dir")"; then
    echo "could not start PostgreSQL for the tests (scripts/start_postgres.sh)" >&2
    exit 1
  fi
  export CALLQA_TEST_POSTGRES_URL
  echo "PostgreSQL test server: $CALLQA_TEST_POSTGRES_URL"
fi

.venv/bin/pytest -q -p no:cacheprovider --timeout=900 "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "no tests were collected" >&2
  exit 1
fi
exit "$rc"
