#!/usr/bin/env bash
# The whole suite, in two pytest processes:
#   1. unit and interface tests (services in-process under eventlet's monkey-patching);
#   2. end-to-end tests (every Procfile process as a subprocess, SMTP, Chromium), unpatched.
# Each must pass; pytest's exit 5 (no tests collected) counts as a failure.
set -u
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"

# `nameko test` monkey-patches eventlet before anything is imported, then runs pytest.
"$BIN/nameko" test tests/unit tests/interface "$@"
first=$?
"$BIN/pytest" tests/e2e --suppress-nameko-eventlet-notification "$@"
second=$?

if [ "$first" -ne 0 ] || [ "$second" -ne 0 ]; then
  echo "make test: FAILED (unit+interface exit $first, e2e exit $second)"
  exit 1
fi
echo "make test: all passed"
