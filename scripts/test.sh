#!/usr/bin/env bash
# The whole test suite: installs what it needs (scripts/bootstrap.sh, which says what that
# is), then runs pytest on both cores. Extra arguments go to pytest, e.g.
# `bash scripts/test.sh -m "not slow"`. A Python/Django line whose Python is not found is
# skipped, with its tests, and the reason is printed; REQUIRE_ALL_LINES=1 (or CI=true)
# fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/pytest -n 2 "$@"
