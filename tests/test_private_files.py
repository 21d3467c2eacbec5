"""Private uploads behind real nginx, Apache and Caddy: only their readers get them, the bytes
come from the web server (not from Python), under the name they were uploaded with; no URL,
guessed or crafted, reaches them directly."""

import re
import time
from urllib.parse import quote

import pytest

from tests.support import venvs
from tests.support.app_servers import gunicorn
from tests.support.browsing import PDF, PDF_DISPOSITION, PDF_NAME, Visitor, png_bytes, raw_get
from tests.support.deployment import prepare_mod_wsgi_app
from tests.support.template import WEB_SERVERS
from tests.support.users import add_readers, log_in
from tests.support.web_servers import web_server

pytestmark = pytest.mark.slow


def stored_name(deployment):
    """The one private file on disk, relative to PRIVATE_MEDIA_ROOT."""
    (path,) = [p for p in deployment.private_media_root.rglob("*") if p.is_file()]
    assert path.read_bytes() == PDF
    return str(path.relative_to(deployment.private_media_root))


def hostile_paths(name):
    """Every way a client might try to reach the private file without the site's check."""
    quoted = quote(name)
    return [
        f"/private/{quoted}",
        f"/internal/private/{quoted}",
        f"/internal/private/../private/{quoted}",
        f"/internal%2fprivate/{quoted}",
        f"/%69nternal/private/{quoted}",
        f"/INTERNAL/private/{quoted}",
        f"/internal//private/{quoted}",
        f"/internal/private/%2e%2e/private/{quoted}",
        f"/media/{quoted}",
        f"/media/../private/{quoted}",
        f"/media/%2e%2e/private/{quoted}",
        f"/media/..%2fprivate/{quoted}",
        f"/media/%252e%252e/private/{quoted}",
        f"/static/../private/{quoted}",
        f"/media../private/{quoted}",
        f"/media/..;/private/{quoted}",
        f"/internal/private/{quoted}%00",
        f"/uploads/1/attachment/../../../internal/private/{quoted}",
        f"/private-files/../internal/private/{quoted}",
    ]


def access_log_lines(log, text, timeout=10):
    """The lines of gunicorn's access log that hold `text`, once there are any (workers
    write their log lines a moment after answering)."""
    deadline = time.monotonic() + timeout
    while not (lines := [line for line in log.read_text().splitlines() if text in line]):
        assert time.monotonic() < deadline, f"{text!r} not in {log}"
        time.sleep(0.1)
    return lines


def assert_sent_by_the_web_server(response):
    assert response.status_code == 200, response.text[:500]
    assert response.content == PDF
    assert response.headers["Content-Disposition"] == PDF_DISPOSITION
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "private"  # one value, nothing contradicting
    assert "Expires" not in response.headers and "Pragma" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # One policy: the file runs nothing, whichever server sent it.
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # The app's instruction to the server never reaches the client.
    for instruction in ("X-Accel-Redirect", "X-Sendfile", "X-Private-File"):
        assert instruction not in response.headers, instruction


def exercise_private_files(deployment, url, app_log=None):
    """Alice uploads a private file; she and staff (Carol, from the admin) get it, Bob and
    anonymous visitors never do."""
    alice, bob, carol = log_in(url, "alice", "bob", "carol")
    anonymous = Visitor(url)
    link = alice.upload("A report", png_bytes(), (PDF_NAME, PDF, "application/pdf"))
    name = stored_name(deployment)

    assert_sent_by_the_web_server(alice.get(link))
    if app_log:
        # gunicorn's access log: the app's own answer to that request had an empty body.
        (line,) = access_log_lines(app_log, f"GET {link} ")
        assert re.search(r'" 200 (-|0) ', line), line
    (in_the_admin,) = carol.attachment_links_in_the_admin()
    assert_sent_by_the_web_server(carol.get(in_the_admin))
    # The list page and the admin link the file's url: the site's check, /private-files/<name>.
    assert link == in_the_admin == f"/private-files/{quote(name)}", (link, in_the_admin)

    refused = bob.get(link)
    assert refused.status_code == 403 and PDF[:40] not in refused.content
    to_login = anonymous.get(link)
    assert to_login.status_code == 302
    assert to_login.headers["Location"].startswith("/accounts/login/?next=")
    assert PDF[:40] not in to_login.content
    for path in hostile_paths(name):
        status, body = raw_get(deployment, path)
        assert status >= 400, (path, status)
        assert PDF[:40] not in body, path
    return alice, link


# Caddy twice: Debian's 2.6 takes the file's path as sent, the newest %-decodes it first.
VARIANTS = [*WEB_SERVERS, *(["caddy-latest"] if "caddy" in WEB_SERVERS else [])]


@pytest.mark.parametrize("variant", VARIANTS)
def test_private_files_reach_only_their_readers(make_project, deployment, variant, monkeypatch):
    server, _, caddy = variant.partition("-")
    combo = {"web_server": server, "static_files": "whitenoise", "media_files": "local"}
    project = make_project(combo)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(deployment.certificate.cert))
    site, env = deployment.install(project)
    add_readers(project, **env)
    project.manage("check", "--deploy", "--fail-level", "WARNING", settings="prod", **env)

    with web_server(server, site, deployment, caddy=caddy or "debian"):
        with gunicorn(project, socket=deployment.socket, **env) as app:
            alice, link = exercise_private_files(deployment, deployment.url, app.log)
        # gunicorn stopped: the server alone sends no private file to anyone.
        assert alice.get(link).status_code in (502, 503)
        name = stored_name(deployment)
        for path in hostile_paths(name):
            status, body = raw_get(deployment, path)
            assert status >= 400 and PDF[:40] not in body, (path, status)


@pytest.mark.parametrize("line", venvs.MOD_WSGI_LINES)
def test_private_files_with_apache_running_the_app_in_mod_wsgi(
    make_project, deployment, monkeypatch, line
):
    app = prepare_mod_wsgi_app(make_project, deployment, line)
    add_readers(app.project, **app.env)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(deployment.certificate.cert))

    with web_server("apache", app.site, deployment, env=app.project.env("prod", **app.env)):
        exercise_private_files(deployment, deployment.url)
