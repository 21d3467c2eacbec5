#!/usr/bin/env bash
# Render the request-flow diagrams of one generated project's README to SVG, as the
# template's README shows them. Needs node/npm and Chromium (Debian: /usr/bin/chromium).
#   bash docs/render-diagrams.sh web_server=nginx static_files=web_server media_files=local
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.venv/bin/cookiecutter --no-input -o "$work/out" . "$@" >/dev/null
(cd "$work" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund @mermaid-js/mermaid-cli@11 >/dev/null)
echo '{"executablePath": "/usr/bin/chromium", "args": ["--no-sandbox"]}' > "$work/puppeteer.json"
# Plain SVG text (no HTML inside the SVG), so the files display as images anywhere.
echo '{"flowchart": {"htmlLabels": false}}' > "$work/mermaid.json"
PUPPETEER_SKIP_DOWNLOAD=1 "$work/node_modules/.bin/mmdc" -q -p "$work/puppeteer.json" \
    -c "$work/mermaid.json" -i "$work/out/my_project/README.md" -o "$work/diagrams.md"
# Diagram 1 is development, 2 production, 3 private files.
cp "$work/diagrams-2.svg" docs/request-flow-production.svg
cp "$work/diagrams-3.svg" docs/request-flow-private.svg
