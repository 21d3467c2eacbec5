#!/usr/bin/env bash
# Install everything the tests use, idempotently: Debian packages, the tooling venv, and one
# venv per tested Python/Django line for the generated projects. Needs root for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(nginx apache2 libapache2-mod-wsgi-py3 python3-venv chromium chromium-driver postgresql wrk)
missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYENV="${PYENV_ROOT:-$HOME/.pyenv}/versions"
TOOLS=.venv
if [ ! -x "$TOOLS/bin/pytest" ] || ! cmp -s pyproject.toml "$TOOLS/.pyproject.toml"; then
    "$PYENV/3.11.7/bin/python" -m venv "$TOOLS"
    "$TOOLS/bin/pip" install -q --disable-pip-version-check -e '.[test]'
    cp pyproject.toml "$TOOLS/.pyproject.toml"
fi

# The generated projects run in these venvs: their own dependency ranges, one Django line each.
"$TOOLS/bin/python" -m tests.support.venvs
