#!/usr/bin/env bash
# Install everything the tests use, idempotently: Debian packages, the tooling venv, and one
# venv per tested Python/Django line for the generated projects.
#
# Needs: Debian or Ubuntu (apt-get, as root, when a package below is missing), python3, a
# Python 3.11 and a 3.12 (python3.X on PATH, pyenv or uv: tests/support/venvs.py finds them),
# and network access to PyPI and the Debian mirrors. A Python/Django line whose Python is
# missing is skipped with one line saying so, and so are its tests; REQUIRE_ALL_LINES=1
# (or CI=true) makes that an error instead.
set -euo pipefail
cd "$(dirname "$0")/.."

# One list, one package a line, with what it is for.
mapfile -t APT_PACKAGES < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/[[:space:]]//g' scripts/debian-packages.txt)
missing=()
if command -v dpkg-query >/dev/null; then
    for package in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
else
    missing=("${APT_PACKAGES[@]}")
fi
if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
        echo "bootstrap: missing Debian packages: ${missing[*]} (needs apt-get, run as root)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

TOOLS=.venv
if [ ! -x "$TOOLS/bin/pytest" ] || ! cmp -s pyproject.toml "$TOOLS/.pyproject.toml"; then
    command -v python3 >/dev/null || { echo "bootstrap: no python3 on PATH" >&2; exit 1; }
    # Any Python 3.11+: python3 itself, else the first 3.11/3.12/3.13 found.
    TOOLS_PYTHON=$(python3 tests/support/venvs.py --tooling-python)
    "$TOOLS_PYTHON" -m venv "$TOOLS"
    "$TOOLS/bin/pip" install -q --disable-pip-version-check -e '.[test]'
    cp pyproject.toml "$TOOLS/.pyproject.toml"
fi

# The generated projects run in these venvs: their own dependency ranges, one Django line each.
"$TOOLS/bin/python" -m tests.support.venvs
