#!/usr/bin/env bash
# The whole suite, in two pytest processes:
#   1. unit and interface tests (services in-process under eventlet's monkey-patching);
#   2. end-to-end tests (every Procfile process as a subprocess, SMTP, Chromium), unpatched.
# Each must pass; pytest's exit 5 (no tests collected) counts as a failure.
set -u
cd "$(dirname "$0")/.."
PYTEST="${PYTEST:-.venv/bin/pytest}"

"$PYTEST" tests/unit tests/interface "$@"
first=$?
"$PYTEST" tests/e2e "$@"
second=$?

if [ "$first" -ne 0 ] || [ "$second" -ne 0 ]; then
  echo "make test: FAILED (unit+interface exit $first, e2e exit $second)"
  exit 1
fi
echo "make test: all passed"
