#!/usr/bin/env bash
# The whole test suite: installs what it needs (scripts/bootstrap.sh), then runs pytest on
# both cores. Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not slow"`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/pytest -n 2 "$@"
