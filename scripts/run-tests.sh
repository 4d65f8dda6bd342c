#!/usr/bin/env bash
# The whole suite, in three pytest processes:
#   1. unit and interface tests (services in-process under eventlet's monkey-patching), less
#      the interface tests of the portal pages and of the quotes API, which
#   2. run at the same time in a second process: both mostly wait on RabbitMQ and
#      PostgreSQL, so two of them share two cores well (each has its own databases and
#      RabbitMQ virtual hosts); its output follows the first's;
#   3. end-to-end tests (every Procfile process as a subprocess, SMTP, Chromium), unpatched.
# Each must pass; pytest's exit 5 (no tests collected) counts as a failure.
set -u
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
ALONGSIDE=(tests/interface/gateway/test_portal_*.py tests/interface/gateway/test_api_quotes*.py)
alongside_log="$(mktemp)"

# `nameko test` monkey-patches eventlet before anything is imported, then runs pytest.
"$BIN/nameko" test "${ALONGSIDE[@]}" "$@" >"$alongside_log" 2>&1 &
alongside_pid=$!
trap 'kill "$alongside_pid" 2>/dev/null; rm -f "$alongside_log"' EXIT
"$BIN/nameko" test tests/unit tests/interface \
    --ignore-glob='tests/interface/gateway/test_portal_*' \
    --ignore-glob='tests/interface/gateway/test_api_quotes*' "$@"
first=$?
wait "$alongside_pid"
alongside=$?
echo "----- portal pages and quotes API (interface tests, run alongside) -----"
cat "$alongside_log"
"$BIN/pytest" tests/e2e --suppress-nameko-eventlet-notification "$@"
second=$?

if [ "$first" -ne 0 ] || [ "$alongside" -ne 0 ] || [ "$second" -ne 0 ]; then
  echo "make test: FAILED (unit+interface exit $first, alongside exit $alongside, e2e exit $second)"
  exit 1
fi
echo "make test: all passed"
