"""Bytes a browser downloads for the home page and the admin login, per mode, in one run: the
page itself plus every static file it links to, bodies as sent (compressed or not; headers
not counted), asked with curl (tests/support/compression.py) three ways: Accept-Encoding
"br, gzip" (what browsers send), "gzip" only, and none. Each mode is a generated project
deployed as in production: the site it ships on a private nginx, Apache or Caddy (HTTPS,
HTTP/2), gunicorn on its socket; or gunicorn alone (HTTPS, as a platform's router), with
static files from WhiteNoise or from an S3 bucket (SeaweedFS on 127.0.0.1, over HTTPS).

Figures only: nothing here is asserted (tests/test_compression.py proves the encodings).

    .venv/bin/python -m benchmarks.page_bytes
"""

import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urljoin

from tests.support import venvs
from tests.support.app_servers import gunicorn
from tests.support.compression import fetch, static_urls
from tests.support.deployment import make_certificate, new_deployment
from tests.support.project import Project
from tests.support.s3 import seaweedfs
from tests.support.template import DEFAULTS, render
from tests.support.web_servers import web_server

MODES = {
    "nginx serving static files": {"web_server": "nginx", "static_files": "web_server"},
    "Apache serving static files": {"web_server": "apache", "static_files": "web_server"},
    "nginx in front of WhiteNoise": {"web_server": "nginx", "static_files": "whitenoise"},
    "Apache in front of WhiteNoise": {"web_server": "apache", "static_files": "whitenoise"},
    "Caddy serving static files": {"web_server": "caddy", "static_files": "web_server"},
    "Caddy in front of WhiteNoise": {"web_server": "caddy", "static_files": "whitenoise"},
    "WhiteNoise alone": {"web_server": "none", "static_files": "whitenoise", "media_files": "s3"},
    "static files in S3": {"web_server": "none", "static_files": "s3", "media_files": "s3"},
}
PAGES = {"home": "/", "admin login": "/admin/login/"}
ENCODINGS = {"br, gzip": "br, gzip", "gzip": "gzip", "none": None}


def page_bytes(base, path, accept, cacert):
    """(bytes of the page, bytes of its static files), as sent."""
    page = fetch(f"{base}{path}", accept_encoding=accept, cacert=cacert)
    static = sum(
        len(fetch(urljoin(base, url), accept_encoding=accept, cacert=cacert).raw)
        for url in static_urls(page.decoded.decode())
    )
    return len(page.raw), static


@contextmanager
def deployed(combo, tmp, cert, s3):
    """A generated project for `combo`, deployed as in production; yields its HTTPS URL."""
    answers = {**DEFAULTS, **combo, "example_app": "no"}
    project = Project(render(tempfile.mkdtemp(dir=tmp), **answers), answers, venvs.NEWEST)
    with ExitStack() as stack:
        if combo["web_server"] == "none":
            project.prod_env.update(s3.env(s3.new_bucket()))
            project.deploy()
            yield stack.enter_context(gunicorn(project, tls=cert)).url
        else:
            folder = Path(tempfile.mkdtemp(dir=tmp))
            deployment = stack.enter_context(new_deployment(folder, cert))
            site, env = deployment.install(project)
            stack.enter_context(web_server(combo["web_server"], site, deployment))
            stack.enter_context(gunicorn(project, socket=deployment.socket, **env))
            yield deployment.url


def measure(combo, tmp, cert, s3):
    with deployed(combo, tmp, cert, s3) as url:
        return {
            (page, name): page_bytes(url, path, accept, cert.cert)
            for page, path in PAGES.items()
            for name, accept in ENCODINGS.items()
        }


def main():
    with tempfile.TemporaryDirectory(prefix="bench-bytes-") as tmp:
        tmp = Path(tmp)
        cert = make_certificate(tmp)
        with seaweedfs(tmp / "s3", tls=cert) as s3:
            results = {mode: measure(combo, tmp, cert, s3) for mode, combo in MODES.items()}
    python, django = venvs.LINES[venvs.NEWEST]
    print(f"Bytes as sent (page + static files), Python {python}, {django}; 127.0.0.1")
    columns = [(page, name) for page in PAGES for name in ENCODINGS]
    print(f"{'mode':<32}" + "".join(f"{page + ': ' + name:>26}" for page, name in columns))
    for mode, figures in results.items():
        cells = "".join(f"{f'{sum(figures[c]):,} ({figures[c][1]:,} static)':>26}" for c in columns)
        print(f"{mode:<32}{cells}")
    print("br vs gzip, static bytes of the admin login:")
    for mode, figures in results.items():
        ratio = figures["admin login", "br, gzip"][1] / figures["admin login", "gzip"][1]
        print(f"  {mode:<32} {ratio:.2f}")


if __name__ == "__main__":
    main()
