"""The shipped nginx site passes a security scanner: gixy-next, run on the site as Debian
serves it (in sites-enabled, included by the `nginx` package's own nginx.conf), finds nothing
of severity HIGH or MEDIUM in the site, and no nginx version disclosure. The scanner reads the
configuration only: no server is started."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.template import combo_id, valid_combinations

DEBIAN_NGINX = Path("/etc/nginx")
GIXY = Path(sys.executable).with_name("gixy")
BLOCKING = ("HIGH", "MEDIUM")
NGINX_SITES = [combo for combo in valid_combinations() if combo["web_server"] == "nginx"]


def debian_nginx_with(site_text, root):
    """A copy of Debian's /etc/nginx, includes pointing into the copy, with `site_text` as the
    only enabled site. Debian's placeholder site goes, as a deployer removes it: every server
    block the scanner sees is the site's. Returns (nginx.conf, the site's path)."""
    etc = shutil.copytree(DEBIAN_NGINX, root / "nginx")
    for enabled in (etc / "sites-enabled").iterdir():
        enabled.unlink()
    site = etc / "sites-enabled" / "site.conf"
    site.write_text(site_text)
    conf = etc / "nginx.conf"
    text = conf.read_text()
    assert "include /etc/nginx/sites-enabled/*;" in text, f"{DEBIAN_NGINX}/nginx.conf changed"
    conf.write_text(text.replace(f"{DEBIAN_NGINX}/", f"{etc}/"))
    return conf, site


def gixy(conf):
    """gixy's findings on `conf` (it exits 1 when it has any)."""
    result = subprocess.run(
        [str(GIXY), "-f", "json", str(conf)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return json.loads(result.stdout or "[]")


def describe(finding):
    return (
        f"{finding['severity']} {finding['plugin']} at {finding.get('file')}:"
        f"{finding.get('line')}: {finding['reason']}"
    )


def test_the_scan_sees_the_enabled_site(tmp_path):
    """The harness itself: a site with a known HIGH finding is read and reported, by file."""
    bad = "server { listen 80; location / { proxy_pass http://127.0.0.1:1; "
    bad += "proxy_set_header Host $http_host; } }\n"
    conf, site = debian_nginx_with(bad, tmp_path)

    findings = gixy(conf)

    seen = [(f["plugin"], f.get("file")) for f in findings]
    assert ("host_spoofing", str(site)) in seen, [describe(f) for f in findings]


@pytest.mark.parametrize("combo", NGINX_SITES, ids=combo_id)
def test_the_shipped_site_passes_gixy(rendered, combo, tmp_path):
    project = rendered(combo)
    shipped = (project / "deploy" / "nginx" / f"{project.name}.conf").read_text()
    conf, site = debian_nginx_with(shipped, tmp_path)

    findings = gixy(conf)

    # Findings in Debian's own files are not the site's to fix: nginx.conf's main context
    # (worker_rlimit_nofile, MEDIUM) is out of reach of a site included in `http`.
    blocking = [f for f in findings if f["severity"] in BLOCKING and f.get("file") == str(site)]
    # Every server block is the site's, so any disclosure is too (server_tokens defaults on).
    disclosing = [f for f in findings if f["plugin"] == "version_disclosure"]
    problems = [describe(f) for f in blocking + disclosing]
    assert not problems, "\n".join(problems)
