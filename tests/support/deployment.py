"""A generated project deployed the way its deploy/ folder describes, on this machine: the
folders, certificate and ports of one deployment, and the project's own site config edited in
place for them, as an operator edits it.

- The site config is the project's own deploy/<server>/<slug>.conf (or Caddyfile), edited for this
  deployment: listen addresses, certificate, gunicorn's socket, STATIC_ROOT, MEDIA_ROOT and
  the body-size limit (the values the production settings get from DJANGO_* variables), and
  for Apache with mod_wsgi the Define switch, venv, code and user. Each default value
  replaced must be there, so the unedited file is never tested.
- STATIC_ROOT and MEDIA_ROOT are in a world-readable folder under /tmp (the web servers'
  workers run as nobody, and pytest's own tmp folders are closed to it), removed afterwards.
"""

import contextlib
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import venvs
from tests.support.processes import free_port
from tests.support.project import Project
from tests.support.template import REPO
from tests.support.web_servers import site_file

# Small, so an upload over it is quick to send; the same value reaches Django (the setting)
# and the web server (the site, edited for it).
MAX_UPLOAD_SIZE = 64 * 1024


@dataclass
class Certificate:
    cert: Path
    key: Path


def make_certificate(folder):
    """A self-signed certificate for 127.0.0.1, valid for two days."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return Certificate(cert, key)


@dataclass
class Deployment:
    """Where one deployment's files, sockets and logs go, and the ports it answers on."""

    root: Path  # readable by the servers' workers: static/, media/, run/
    private: Path  # configs and logs, root's only
    certificate: Certificate
    https_port: int
    http_port: int

    @property
    def static_root(self):
        return self.root / "static"

    @property
    def media_root(self):
        return self.root / "media"

    @property
    def private_media_root(self):
        return self.root / "private"

    @property
    def socket(self):
        return self.root / "run" / "app.sock"

    @property
    def url(self):
        return f"https://127.0.0.1:{self.https_port}"

    def settings_env(self, max_upload_size):
        """Production settings for this deployment's folders and upload limit."""
        return {
            "DJANGO_STATIC_ROOT": str(self.static_root),
            "DJANGO_MEDIA_ROOT": str(self.media_root),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(self.private_media_root),
            "DJANGO_MAX_UPLOAD_SIZE": str(max_upload_size),
        }

    def install(self, project, max_upload_size=MAX_UPLOAD_SIZE):
        """The project deployed here: migrated and collected with the production settings for
        these folders, its site edited for them. Returns (the site, those settings)."""
        env = self.settings_env(max_upload_size)
        project.deploy(**env)
        return self.edit_site(project, max_upload_size), env

    def edit_site(self, project, max_upload_size, mod_wsgi=None):
        """The project's site in deploy/, edited in place for this deployment. mod_wsgi
        (Apache): (venv, "user:group") turns its switch on and points it there."""
        server = project.combo["web_server"]
        site = site_file(project.path, server)
        # The project's package name (its folder may be named otherwise): the site's or the
        # socket's name.
        slug = re.search(r"/run/(\w+)\.sock", site.read_text())[1]
        defaults = shipped_defaults(slug)
        domain = project.combo.get("domain_name", "example.com")
        letsencrypt = f"/etc/letsencrypt/live/{domain}"
        edits = [(defaults["max_upload_size"], str(max_upload_size))]
        if server == "caddy":
            # The site address: this machine's, with the test certificate (no Let's Encrypt).
            cert, key = self.certificate.cert, self.certificate.key
            edits += [(f"\n{domain} {{\n", f"\n127.0.0.1 {{\n\ttls {cert} {key}\n")]
            edits += [(f"unix//run/{slug}.sock", f"unix/{self.socket}")]
        else:
            edits += [
                (f"{letsencrypt}/fullchain.pem", str(self.certificate.cert)),
                (f"{letsencrypt}/privkey.pem", str(self.certificate.key)),
                (f"unix:/run/{slug}.sock", f"unix:{self.socket}"),
            ]
        if server == "nginx":
            edits += [("listen 80;", f"listen 127.0.0.1:{self.http_port};")]
            edits += [("listen 443 ", f"listen 127.0.0.1:{self.https_port} ")]
        elif server == "apache":
            edits += [("<VirtualHost *:80>", f"<VirtualHost 127.0.0.1:{self.http_port}>")]
            edits += [("<VirtualHost *:443>", f"<VirtualHost 127.0.0.1:{self.https_port}>")]
        if project.combo["static_files"] == "web_server":
            edits += [(f"{defaults['static_root']}/", f"{self.static_root}/")]
        if project.combo["media_files"] == "local":
            edits += [(f"{defaults['media_root']}/", f"{self.media_root}/")]
            edits += [(f"{defaults['private_root']}/", f"{self.private_media_root}/")]
        if mod_wsgi:
            venv, user = mod_wsgi
            user, group = user.split(":")
            edits += [
                (f"# Define {slug.upper()}_MOD_WSGI", f"Define {slug.upper()}_MOD_WSGI"),
                (f"user={slug} group={slug}", f"user={user} group={group}"),
                (f"/srv/{slug}/.venv", str(venv)),
                (f"/srv/{slug}", str(project.path)),
            ]
        text = site.read_text()
        for old, new in edits:
            if old not in text:
                raise AssertionError(f"{old!r} (a default to edit) is not in {site}")
            text = text.replace(old, new)
        site.write_text(text)
        return site


@contextlib.contextmanager
def new_deployment(private, certificate):
    """A Deployment whose served folders are under /tmp until the block ends; `private`: a
    folder for its configs and logs."""
    root = Path(tempfile.mkdtemp(prefix="webserver-"))
    try:
        root.chmod(0o755)
        for name in ("static", "media", "private", "run"):
            (root / name).mkdir(mode=0o755)
        private.mkdir(parents=True, exist_ok=True)
        yield Deployment(root, private, certificate, free_port(), free_port())
    finally:
        shutil.rmtree(root, ignore_errors=True)


def shipped_defaults(slug):
    """The values cookiecutter.json gives the settings' defaults and the shipped site."""
    context = json.loads((REPO / "cookiecutter.json").read_text())
    names = ("static_root", "media_root", "private_root", "max_upload_size")
    return {
        name: context[f"__{name}"].replace("{{ cookiecutter.project_slug }}", slug)
        for name in names
    }


@dataclass
class ModWsgiApp:
    project: Project
    site: Path
    env: dict


def prepare_mod_wsgi_app(make_project, deployment, line, max_upload_size=MAX_UPLOAD_SIZE):
    """Apache's second variant (the site's mod_wsgi switch on): no gunicorn, the app in
    mod_wsgi's daemons as nobody, from the venv of `line`, one of venvs.MOD_WSGI_LINES
    (Debian's mod_wsgi, or one built from PyPI). Migrated and collected; returns the site."""
    combo = {"web_server": "apache", "static_files": "web_server", "media_files": "local"}
    built = make_project(combo, line)
    # Where its user (nobody) can read the code and write the database and the uploads.
    project = Project(shutil.copytree(built.path, deployment.root / "app"), built.combo, built.line)
    database = deployment.root / "db"
    database.mkdir(mode=0o755)
    env = {
        **deployment.settings_env(max_upload_size),
        "DJANGO_SQLITE_PATH": str(database / "db.sqlite3"),
    }
    project.deploy(**env)
    for folder in (database, deployment.media_root, deployment.private_media_root):
        for path in (folder, *folder.rglob("*")):
            shutil.chown(path, "nobody", "nogroup")
    venv = venvs.python(line).parent.parent
    site = deployment.edit_site(project, max_upload_size, mod_wsgi=(venv, "nobody:nogroup"))
    return ModWsgiApp(project, site, env)


def served_files(folder):
    """Every file under `folder`, relative, for before/after comparisons."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@contextlib.contextmanager
def trusting(certificate):
    """Until the block ends, `requests` trusts `certificate` (through REQUESTS_CA_BUNDLE), as
    the monkeypatch fixture would set it for one test: for fixtures of a wider scope."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", str(certificate.cert))
        yield
