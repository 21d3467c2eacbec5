"""Real nginx and Apache in front of gunicorn, with the site config each generated project
ships: the servers accept it; static files and uploads are served from disk with the right
headers, the app through the proxy, oversized uploads refused, and hostile paths never reach
a file outside the served folders."""

import json
import secrets

import pytest
import requests

from tests.support.app_servers import gunicorn
from tests.support.browsing import image_urls, png_bytes, raw_get, upload_image
from tests.support.deployment import MAX_UPLOAD_SIZE, prepare_mod_wsgi_app, served_files
from tests.support.template import combo_id, valid_combinations
from tests.support.web_servers import check_config, error_log, web_server

pytestmark = pytest.mark.slow

SERVED = [combo for combo in valid_combinations() if combo["web_server"] != "none"]
# The database and the example app do not change the site config: one value of each keeps
# every web server x static x media choice, end to end, in a sane run time. The example
# app is needed to upload through the site.
END_TO_END = [combo for combo in SERVED if combo["database"] == "sqlite"]
END_TO_END = [combo for combo in END_TO_END if combo["example_app"] == "yes"]

IMMUTABLE = "public, max-age=31536000, immutable"
LETS_ENCRYPT = "/etc/letsencrypt/live/example.com/"


@pytest.mark.parametrize("combo", SERVED, ids=combo_id)
def test_server_accepts_the_shipped_site_config(rendered, combo, tls_certificate, tmp_path):
    server = combo["web_server"]
    project = rendered(combo)
    shipped = (project / "deploy" / server / f"{project.name}.conf").read_text()
    # The one change: this machine has no Let's Encrypt certificate; a test one stands in.
    assert shipped.count(LETS_ENCRYPT) == 2
    site = tmp_path / "site.conf"
    site.write_text(
        shipped.replace(f"{LETS_ENCRYPT}fullchain.pem", str(tls_certificate.cert)).replace(
            f"{LETS_ENCRYPT}privkey.pem", str(tls_certificate.key)
        )
    )

    result = check_config(server, site, tmp_path / server)

    assert result.returncode == 0, result.stdout + result.stderr
    serves_static = combo["static_files"] == "web_server"
    serves_media = combo["media_files"] == "local"
    assert (f"/var/www/{project.name}/static/" in shipped) == serves_static
    assert (f"/var/www/{project.name}/media/" in shipped) == serves_media


def plant_secrets(deployment):
    """Files no URL may return: beside the served folders, and dotfiles inside them. Readable
    by the server's workers, so only the config stands between them and a client."""
    places = [
        deployment.root / "secret.txt",
        deployment.root / "static.txt",
        deployment.static_root / ".env",
        deployment.static_root / ".secret.0123456789ab.css",
        deployment.media_root / ".env",
        deployment.media_root / ".git" / "config",
    ]
    planted = {}
    for path in places:
        path.parent.mkdir(exist_ok=True, mode=0o755)
        token = f"SECRET-{secrets.token_hex(16)}"
        path.write_text(token + "\n")
        path.chmod(0o644)
        planted[path] = token
    return planted


HOSTILE_PATHS = [
    "/static/../secret.txt",
    "/media/../secret.txt",
    "/static../secret.txt",
    "/media../secret.txt",
    "/static..%2fsecret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2E%2E/secret.txt",
    "/media/%2e%2e/secret.txt",
    "/media/.%2e/secret.txt",
    "/static/%2e%2e%2fsecret.txt",
    "/media/..%2fsecret.txt",
    "/media/..%5csecret.txt",
    "/static/css/../../secret.txt",
    "/static/./../secret.txt",
    "/static//../secret.txt",
    "/static/%252e%252e/secret.txt",
    "/media/%252e%252e%252fsecret.txt",
    "/media/..;/secret.txt",
    "/%2e%2e/secret.txt",
    "/static/.env",
    "/static/%2eenv",
    "/static/.secret.0123456789ab.css",
    "/media/.env",
    "/media/%2Eenv",
    "/media/.git/config",
    "/media/.git/",
    "/static/.env%00",
    "/media/.env%00.png",
    "/static/../secret.txt%00.css",
    "/media/%00/../secret.txt",
    "/static%00/../secret.txt",
    "/static.txt",
]


def hashed_static_name(deployment, name):
    manifest = json.loads((deployment.static_root / "staticfiles.json").read_text())
    return manifest["paths"][name]


def assert_hashed_static_file(deployment, url, hashed, cache_control):
    """A hashed file: its bytes and type, cached for good, and its .gz copy on request."""
    path = deployment.static_root / hashed
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=10)
    assert plain.status_code == 200, plain.text[:500]
    assert plain.content == path.read_bytes()
    assert plain.headers["Content-Type"].startswith("text/css")
    assert plain.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Encoding" not in plain.headers
    assert cache_control(plain.headers["Cache-Control"]), plain.headers["Cache-Control"]

    gzipped = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    raw = gzipped.raw.read(decode_content=False)
    assert gzipped.status_code == 200
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzipped.headers["Content-Type"].startswith("text/css")
    assert raw == (deployment.static_root / f"{hashed}.gz").read_bytes()
    assert "Accept-Encoding" in gzipped.headers.get("Vary", "")


def assert_check_deploy_reads_the_site(project, deployment, env):
    """`check --deploy` with the site edited for this deployment: silent with the settings it
    was edited for; staticmedia.W010 names a folder (or limit) it does not serve."""
    project.manage("check", "--deploy", "--fail-level", "WARNING", settings="prod", **env)

    combo = project.combo
    if combo["static_files"] == "web_server":
        setting, value = "STATIC_ROOT", "/srv/elsewhere/static"
    elif combo["media_files"] == "local":
        setting, value = "MEDIA_ROOT", "/srv/elsewhere/media"
    else:  # the web server serves no folder: only the limit must agree
        setting, value = "MAX_UPLOAD_SIZE", 1024
    drifted = {**env, f"DJANGO_{setting}": value}
    result = project.manage(
        "check", "--deploy", "--fail-level", "WARNING", settings="prod", check=False, **drifted
    )
    assert result.returncode != 0
    assert f"(staticmedia.W010) {setting} is {value!r}, but line " in result.stderr, result.stderr


@pytest.mark.parametrize("combo", END_TO_END, ids=combo_id)
def test_site_serves_static_files_uploads_and_the_app(make_project, deployment, combo, monkeypatch):
    server = combo["web_server"]
    static, media = combo["static_files"], combo["media_files"]
    project = make_project(combo)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(deployment.certificate.cert))
    site, env = deployment.install(project)
    assert_check_deploy_reads_the_site(project, deployment, env)
    planted = plant_secrets(deployment)
    url = deployment.url
    image = png_bytes()
    hashed = hashed_static_name(deployment, "css/site.css") if static != "s3" else None

    with web_server(server, site, deployment):
        with gunicorn(project, socket=deployment.socket, **env) as app:
            app_log = app.log
            # The app, through the proxy: X-Forwarded-Proto comes from the server, so the
            # production settings see HTTPS and do not redirect.
            home = requests.get(f"{url}/", timeout=10, allow_redirects=False)
            assert home.status_code == 200, home.text[:2000]
            assert home.headers["X-Content-Type-Options"] == "nosniff"
            plain_http = requests.get(
                f"http://127.0.0.1:{deployment.http_port}/uploads/",
                timeout=10,
                allow_redirects=False,
            )
            assert plain_http.status_code == 301
            assert plain_http.headers["Location"].startswith("https://")

            if static == "whitenoise":
                assert f"/static/{hashed}" in home.text
                assert_hashed_static_file(
                    deployment, f"{url}/static/{hashed}", hashed, lambda v: "immutable" in v
                )

            posted = upload_image(url, image)
            assert posted.status_code == 302, posted.text[:2000]
            (media_url,) = image_urls(url)

            # Over the limit: the web server answers 413 and the app never sees the request.
            posts_before = app_log.read_text().count('"POST /uploads/new/')
            files_before = served_files(deployment.media_root)
            too_big = upload_image(url, b"\0" * (MAX_UPLOAD_SIZE + 1), filename="big.png")
            assert too_big.status_code == 413
            assert app_log.read_text().count('"POST /uploads/new/') == posts_before
            assert served_files(deployment.media_root) == files_before

            for path in HOSTILE_PATHS:
                status, body = raw_get(deployment, path)
                assert status >= 400, (path, status, body[:300])
                for token in planted.values():
                    assert token.encode() not in body, (path, status)

        # gunicorn is stopped: whatever answers now is the web server alone.
        assert requests.get(f"{url}/", timeout=10).status_code in (502, 503)
        if static == "web_server":
            assert f"/static/{hashed}" in home.text
            assert_hashed_static_file(
                deployment, f"{url}/static/{hashed}", hashed, lambda v: v == IMMUTABLE
            )
            unhashed = requests.get(f"{url}/static/css/site.css", timeout=10)
            assert unhashed.status_code == 200
            assert "immutable" not in unhashed.headers["Cache-Control"]
            assert "max-age=3600" in unhashed.headers["Cache-Control"]
            # A hashed name that is not there (yet): no cache may keep that answer.
            missing = requests.get(f"{url}/static/css/missing.0123456789ab.css", timeout=10)
            assert missing.status_code == 404
            assert "max-age" not in missing.headers.get("Cache-Control", "")
            if server == "apache":
                # collectstatic writes .br copies only when the brotli package is installed
                # (it is not a dependency); one stands in for such a copy here.
                brotli = deployment.static_root / f"{hashed}.br"
                brotli.write_bytes(b"brotli-compressed bytes")
                brotli.chmod(0o644)
                response = requests.get(
                    f"{url}/static/{hashed}",
                    headers={"Accept-Encoding": "br, gzip"},
                    stream=True,
                    timeout=10,
                )
                assert response.headers["Content-Encoding"] == "br"
                assert response.headers["Content-Type"].startswith("text/css")
                assert response.headers["Cache-Control"] == IMMUTABLE
                assert response.raw.read(decode_content=False) == brotli.read_bytes()

        if media == "local":
            assert media_url.startswith("/media/uploads/")
            shown = requests.get(f"{url}{media_url}", timeout=10)
            assert shown.status_code == 200
            assert shown.content == image
            assert shown.headers["Content-Type"] == "image/png"
            assert shown.headers["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in shown.headers["Content-Security-Policy"]
            assert "Content-Disposition" not in shown.headers
            stored = deployment.media_root / media_url.removeprefix("/media/")
            assert stored.read_bytes() == image

            # A file that is not an image, as a later upload feature might store one: sent
            # as bytes to download, never as a page of this site.
            page = deployment.media_root / "uploads" / "page.html"
            page.write_text("<script>document.title = 'pwned'</script>\n")
            page.chmod(0o644)
            hostile = requests.get(f"{url}/media/uploads/page.html", timeout=10)
            assert hostile.status_code == 200
            assert hostile.headers["Content-Type"] == "application/octet-stream"
            assert hostile.headers["Content-Disposition"] == "attachment"
            assert "sandbox" in hostile.headers["Content-Security-Policy"]
            assert hostile.headers["X-Content-Type-Options"] == "nosniff"
        else:
            # A public upload in the bucket: a plain link, read without a key.
            assert media_url.startswith("http") and "X-Amz-Signature=" not in media_url
            shown = requests.get(media_url, timeout=10)
            assert shown.status_code == 200 and shown.content == image

    assert "[emerg]" not in error_log(server, deployment)


def test_apache_runs_the_app_in_mod_wsgi_daemon_mode(make_project, deployment, monkeypatch):
    """The second Apache variant, the site's mod_wsgi switch on: no gunicorn; the app runs in
    mod_wsgi's daemon processes, from a venv made with the Python that Debian's
    libapache2-mod-wsgi-py3 embeds (3.11), as an unprivileged user."""
    app = prepare_mod_wsgi_app(make_project, deployment)
    project, site, env = app.project, app.site, app.env
    assert f"\nDefine {site.stem.upper()}_MOD_WSGI\n" in site.read_text()
    project.manage("check", "--deploy", "--fail-level", "WARNING", settings="prod", **env)
    planted = plant_secrets(deployment)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(deployment.certificate.cert))
    url = deployment.url
    image = png_bytes()
    hashed = hashed_static_name(deployment, "css/site.css")

    # mod_wsgi's daemons inherit Apache's environment: the production variables.
    with web_server("apache", site, deployment, env=project.env("prod", **env)):
        home = requests.get(f"{url}/", timeout=30, allow_redirects=False)
        posted = upload_image(url, image)
        (media_url,) = image_urls(url)
        shown = requests.get(f"{url}{media_url}", timeout=10)
        files_before = served_files(deployment.media_root)
        too_big = upload_image(url, b"\0" * (MAX_UPLOAD_SIZE + 1), filename="big.png")
        files_after = served_files(deployment.media_root)
        static = requests.get(f"{url}/static/{hashed}", timeout=10)
        hostile = [(path, *raw_get(deployment, path)) for path in HOSTILE_PATHS]

    assert home.status_code == 200, home.text[:2000]
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert "mod_wsgi/" in error_log("apache", deployment)
    assert posted.status_code == 302, posted.text[:2000]
    assert shown.status_code == 200 and shown.content == image
    assert "sandbox" in shown.headers["Content-Security-Policy"]
    assert too_big.status_code == 413
    assert "Upload too large" not in too_big.text  # Apache's answer, not the app's
    assert files_after == files_before
    assert static.status_code == 200 and static.headers["Cache-Control"] == IMMUTABLE
    assert static.content == (deployment.static_root / hashed).read_bytes()
    for path, status, body in hostile:
        assert status >= 400, (path, status, body[:300])
        for token in planted.values():
            assert token.encode() not in body, (path, status)
