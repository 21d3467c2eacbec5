"""Lighthouse's audits of compression, caching and HTTP/2, and its best-practices score, on the
home page and the admin login of every mode that benchmarks/page_bytes.py deploys (the same
deployments, made by the same code). Lighthouse 12.2.3 (13 wants Node 22) is installed with
npm into .cache/lighthouse on the first run; it drives Debian's Chromium.

Figures only: tests/test_compression.py proves the same properties directly (encodings and
Vary per file, the protocol, the console).

    .venv/bin/python -m benchmarks.lighthouse
"""

import json
import os
import subprocess
import tempfile
from pathlib import Path

from benchmarks.page_bytes import MODES, PAGES, deployed
from tests.support.deployment import make_certificate
from tests.support.s3 import seaweedfs
from tests.support.venvs import REPO

VERSION = "12.2.3"
PREFIX = REPO / ".cache" / "lighthouse"
AUDITS = ["uses-text-compression", "uses-long-cache-ttl", "uses-http2", "errors-in-console"]
CHROMIUM = "/usr/bin/chromium"


def lighthouse():
    program = PREFIX / "node_modules" / ".bin" / "lighthouse"
    if not program.exists():
        subprocess.run(
            ["npm", "install", "--prefix", PREFIX, "--no-audit", "--no-fund", "--save-exact",
             f"lighthouse@{VERSION}"],
            check=True,
        )  # fmt: skip
    return program


def audit(program, url):
    """(best-practices score, {audit: score}, what lowered either) of one page."""
    result = subprocess.run(
        [program, url, "--output=json", "--quiet", "--only-categories=best-practices",
         f"--only-audits={','.join(AUDITS)}",
         # The deployments' certificate is made for the run: no CA of the system knows it.
         "--chrome-flags=--headless=new --no-sandbox --ignore-certificate-errors"],
        capture_output=True, text=True, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM},
    )  # fmt: skip
    report = json.loads(result.stdout)
    audits = report["audits"]
    scores = {name: audits[name]["score"] for name in AUDITS}
    failed = [
        f"{name} {found['score']}: {found.get('displayValue', '')} {found.get('details', {})}"
        for name, found in audits.items()
        if found["score"] is not None and found["score"] < 1
    ]
    return report["categories"]["best-practices"]["score"], scores, failed


def main():
    program = lighthouse()
    version = subprocess.run([program, "--version"], capture_output=True, text=True, check=True)
    print(f"Lighthouse {version.stdout.strip()}, {CHROMIUM}; scores from 0 to 1")
    print(f"{'mode':<32}{'page':<13}{'best practices':>15}" + "".join(f"{a:>23}" for a in AUDITS))
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as tmp:
        tmp = Path(tmp)
        cert = make_certificate(tmp)
        with seaweedfs(tmp / "s3", tls=cert) as s3:
            for mode, combo in MODES.items():
                with deployed(combo, tmp, cert, s3) as url:
                    for page, path in PAGES.items():
                        best, scores, failed = audit(program, url + path)
                        cells = "".join(f"{scores[name]!s:>23}" for name in AUDITS)
                        print(f"{mode:<32}{page:<13}{best!s:>15}{cells}", flush=True)
                        for item in failed:
                            print(f"    {item}")


if __name__ == "__main__":
    main()
