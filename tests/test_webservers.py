"""Real nginx, Apache and Caddy in front of gunicorn, with the site config each generated project
ships: the servers accept it; static files and uploads are served from disk with the right
headers, the app through the proxy, oversized uploads refused, and hostile paths never reach
a file outside the served folders.

The end-to-end run of each combination happens once (the module-scoped fixture `site`);
each test then checks one thing it saw, for the combinations that thing applies to."""

import json
import secrets
import subprocess
from dataclasses import dataclass

import pytest
import requests

from tests.support import venvs
from tests.support.app_servers import gunicorn
from tests.support.browsing import image_urls, png_bytes, raw_get, upload_image
from tests.support.deployment import (
    MAX_UPLOAD_SIZE,
    Deployment,
    new_deployment,
    prepare_mod_wsgi_app,
    served_files,
    trusting,
)
from tests.support.template import combo_id, valid_combinations
from tests.support.web_servers import check_config, error_log, site_file, web_server

pytestmark = pytest.mark.slow

# Docker renders' sites proxy to the app container (app:8000), not to systemd's socket.
SERVED = [
    combo
    for combo in valid_combinations()
    if combo["web_server"] != "none" and combo["container"] == "none"
]
# The database and the example app do not change the site config: one value of each keeps
# every web server x static x media choice, end to end, in a sane run time. The example
# app is needed to upload through the site.
END_TO_END = {
    combo_id(combo): combo
    for combo in SERVED
    if combo["database"] == "sqlite" and combo["example_app"] == "yes"
}


def end_to_end(applies=lambda combo: True):
    """The ids of the END_TO_END combinations a check applies to: `site`'s parameters."""
    return [name for name, combo in END_TO_END.items() if applies(combo)]


EVERY_SITE = end_to_end()
STATIC_FROM_WHITENOISE = end_to_end(lambda combo: combo["static_files"] == "whitenoise")
STATIC_FROM_THE_SERVER = end_to_end(lambda combo: combo["static_files"] == "web_server")
# The sites that send collectstatic's .br copies (the nginx site sends its .gz ones only).
STATIC_WITH_BROTLI = end_to_end(
    lambda combo: combo["static_files"] == "web_server" and combo["web_server"] != "nginx"
)
MEDIA_ON_DISK = end_to_end(lambda combo: combo["media_files"] == "local")
MEDIA_IN_S3 = end_to_end(lambda combo: combo["media_files"] == "s3")

IMMUTABLE = "public, max-age=31536000, immutable"
LETS_ENCRYPT = "/etc/letsencrypt/live/example.com/"
# Caddy gets its certificate itself, and redirects with 308 (the method kept).
CERTIFICATE_LINES = {"nginx": 2, "apache": 2, "caddy": 0}
PERMANENT_REDIRECT = {"nginx": 301, "apache": 301, "caddy": 308}


@pytest.mark.parametrize("combo", SERVED, ids=combo_id)
def test_server_accepts_the_shipped_site_config(rendered, combo, tls_certificate, tmp_path):
    server = combo["web_server"]
    project = rendered(combo)
    shipped = site_file(project, server).read_text()
    # The one change: this machine has no Let's Encrypt certificate; a test one stands in.
    assert shipped.count(LETS_ENCRYPT) == CERTIFICATE_LINES[server]
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


@dataclass
class StaticFile:
    """A hashed static file as clients got it: plainly, and gzipped (with its bytes as sent)."""

    plain: requests.Response
    gzipped: requests.Response
    gzipped_bytes: bytes


def fetch_static(url):
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=10)
    gzipped = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    return StaticFile(plain, gzipped, gzipped.raw.read(decode_content=False))


def assert_hashed_static_file(site, fetched, cache_control):
    """A hashed file: its bytes and type, cached for good, and its .gz copy on request."""
    path = site.deployment.static_root / site.hashed
    plain, gzipped = fetched.plain, fetched.gzipped
    assert plain.status_code == 200, plain.text[:500]
    assert plain.content == path.read_bytes()
    assert plain.headers["Content-Type"].startswith("text/css")
    assert plain.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Encoding" not in plain.headers
    assert cache_control(plain.headers["Cache-Control"]), plain.headers["Cache-Control"]

    assert gzipped.status_code == 200
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzipped.headers["Content-Type"].startswith("text/css")
    assert fetched.gzipped_bytes == path.with_name(f"{path.name}.gz").read_bytes()
    assert "Accept-Encoding" in gzipped.headers.get("Vary", "")


def drift(combo):
    """A setting that the edited site does not agree with: a folder it serves, or the limit."""
    if combo["static_files"] == "web_server":
        return "STATIC_ROOT", "/srv/elsewhere/static"
    if combo["media_files"] == "local":
        return "MEDIA_ROOT", "/srv/elsewhere/media"
    return "MAX_UPLOAD_SIZE", 1024  # the web server serves no folder: only the limit must agree


@dataclass
class Site:
    """What the end-to-end run of one combination saw, in the order it happened."""

    combo: dict
    deployment: Deployment
    hashed: str | None  # css/site.css's hashed name, unless static files are in S3
    image: bytes  # the image uploaded through the site
    planted: dict  # path -> token of the files no URL may return
    # `check --deploy`, with the settings the site was edited for and with one of them off
    checked: subprocess.CompletedProcess = None
    drifted: subprocess.CompletedProcess = None
    # Web server and gunicorn running
    home: requests.Response = None
    plain_http: requests.Response = None
    static_from_the_app: StaticFile = None  # static_files=whitenoise
    posted: requests.Response = None
    media_url: str = None
    too_big: requests.Response = None
    posts_of_too_big_seen_by_the_app: int = None
    media_files_before_too_big: list = None
    media_files_after_too_big: list = None
    hostile: list = None  # (path, status, body) for each of HOSTILE_PATHS
    # gunicorn stopped: whatever answers now is the web server alone
    without_the_app: requests.Response = None
    static_from_the_server: StaticFile = None  # static_files=web_server
    unhashed: requests.Response = None
    missing: requests.Response = None
    brotli: requests.Response = None  # Apache, Caddy
    brotli_bytes: bytes = None
    brotli_copy: bytes = None
    upload: requests.Response = None
    not_an_image: requests.Response = None  # media_files=local
    # Web server stopped
    error_log: str = None


def run_the_site(site, project, site_config, env):
    """Everything clients do with the deployed site, in order; what they get goes into `site`."""
    site.checked = check_deploy(project, env)
    setting, value = drift(site.combo)
    site.drifted = check_deploy(project, {**env, f"DJANGO_{setting}": value})
    server = site.combo["web_server"]
    with web_server(server, site_config, site.deployment):
        with gunicorn(project, socket=site.deployment.socket, **env) as app:
            use_the_app(site, app.log)
        # gunicorn is stopped: whatever answers now is the web server alone.
        use_the_web_server_alone(site)
    site.error_log = error_log(server, site.deployment)


def use_the_app(site, app_log):
    deployment, url = site.deployment, site.deployment.url
    # The app, through the proxy: X-Forwarded-Proto comes from the server, so the production
    # settings see HTTPS and do not redirect.
    site.home = requests.get(f"{url}/", timeout=10, allow_redirects=False)
    site.plain_http = requests.get(
        f"http://127.0.0.1:{deployment.http_port}/uploads/", timeout=10, allow_redirects=False
    )
    if site.combo["static_files"] == "whitenoise":
        site.static_from_the_app = fetch_static(f"{url}/static/{site.hashed}")
    site.posted = upload_image(url, site.image)
    (site.media_url,) = image_urls(url)

    posts_before = app_log.read_text().count('"POST /uploads/new/')
    site.media_files_before_too_big = served_files(deployment.media_root)
    site.too_big = upload_image(url, b"\0" * (MAX_UPLOAD_SIZE + 1), filename="big.png")
    posts = app_log.read_text().count('"POST /uploads/new/')
    site.posts_of_too_big_seen_by_the_app = posts - posts_before
    site.media_files_after_too_big = served_files(deployment.media_root)
    site.hostile = [(path, *raw_get(deployment, path)) for path in HOSTILE_PATHS]


def use_the_web_server_alone(site):
    deployment, url = site.deployment, site.deployment.url
    site.without_the_app = requests.get(f"{url}/", timeout=10)
    if site.combo["static_files"] == "web_server":
        site.static_from_the_server = fetch_static(f"{url}/static/{site.hashed}")
        site.unhashed = requests.get(f"{url}/static/css/site.css", timeout=10)
        # A hashed name that is not there (yet): no cache may keep that answer.
        site.missing = requests.get(f"{url}/static/css/missing.0123456789ab.css", timeout=10)
        if site.combo["web_server"] != "nginx":
            # collectstatic writes .br copies only when the brotli package is installed (it
            # is not a dependency); one stands in for such a copy here.
            brotli = deployment.static_root / f"{site.hashed}.br"
            brotli.write_bytes(b"brotli-compressed bytes")
            brotli.chmod(0o644)
            site.brotli_copy = brotli.read_bytes()
            site.brotli = requests.get(
                f"{url}/static/{site.hashed}",
                headers={"Accept-Encoding": "br, gzip"},
                stream=True,
                timeout=10,
            )
            site.brotli_bytes = site.brotli.raw.read(decode_content=False)
    if site.combo["media_files"] == "local":
        site.upload = requests.get(f"{url}{site.media_url}", timeout=10)
        # A file that is not an image, as a later upload feature might store one.
        page = deployment.media_root / "uploads" / "page.html"
        page.write_text("<script>document.title = 'pwned'</script>\n")
        page.chmod(0o644)
        site.not_an_image = requests.get(f"{url}/media/uploads/page.html", timeout=10)
    else:
        site.upload = requests.get(site.media_url, timeout=10)


def check_deploy(project, env):
    return project.manage(
        "check", "--deploy", "--fail-level", "WARNING", settings="prod", check=False, **env
    )


@pytest.fixture(scope="module")
def site(request, make_project, tls_certificate, tmp_path_factory):
    """One END_TO_END combination (its id the parameter), deployed behind its web server and
    used as clients do, once; its files stay on disk until the module's tests are done."""
    combo = END_TO_END[request.param]
    project = make_project(combo)
    server_folder = tmp_path_factory.mktemp("server")
    with new_deployment(server_folder, tls_certificate) as deployment:
        site_config, env = deployment.install(project)
        hashed = None
        if combo["static_files"] != "s3":
            hashed = hashed_static_name(deployment, "css/site.css")
        site = Site(combo, deployment, hashed, png_bytes(), plant_secrets(deployment))
        with trusting(tls_certificate):
            run_the_site(site, project, site_config, env)
        yield site


def each(names):
    """Parametrize `site` (indirectly) with these END_TO_END ids. One xdist group a
    combination: with --dist loadgroup, its tests run on the worker that ran its scenario."""
    params = [pytest.param(name, marks=pytest.mark.xdist_group(f"site-{name}")) for name in names]
    return pytest.mark.parametrize("site", params, indirect=True)


@each(EVERY_SITE)
def test_check_deploy_is_silent_with_the_settings_the_site_was_edited_for(site):
    assert site.checked.returncode == 0, site.checked.stdout + site.checked.stderr


@each(EVERY_SITE)
def test_check_deploy_names_a_setting_the_site_does_not_serve(site):
    """staticmedia.W010 names a folder (or limit) the edited site does not agree with."""
    setting, value = drift(site.combo)
    result = site.drifted
    assert result.returncode != 0
    assert f"(staticmedia.W010) {setting} is {value!r}, but line " in result.stderr, result.stderr


@each(EVERY_SITE)
def test_the_app_answers_through_the_web_server(site):
    assert site.home.status_code == 200, site.home.text[:2000]
    assert site.home.headers["X-Content-Type-Options"] == "nosniff"


@each(EVERY_SITE)
def test_plain_http_is_redirected_to_https(site):
    assert site.plain_http.status_code == PERMANENT_REDIRECT[site.combo["web_server"]]
    assert site.plain_http.headers["Location"].startswith("https://")


@each(STATIC_FROM_WHITENOISE)
def test_whitenoise_serves_the_hashed_files_pages_link_to(site):
    assert f"/static/{site.hashed}" in site.home.text
    assert_hashed_static_file(site, site.static_from_the_app, lambda value: "immutable" in value)


@each(EVERY_SITE)
def test_an_upload_through_the_site_is_taken(site):
    assert site.posted.status_code == 302, site.posted.text[:2000]


@each(EVERY_SITE)
def test_an_upload_over_the_limit_is_refused_by_the_web_server_alone(site):
    """413 from the web server: the app never sees the request, nothing is stored."""
    assert site.too_big.status_code == 413
    assert site.posts_of_too_big_seen_by_the_app == 0
    assert site.media_files_after_too_big == site.media_files_before_too_big


@each(EVERY_SITE)
def test_no_hostile_path_reaches_a_file_outside_the_served_folders(site):
    for path, status, body in site.hostile:
        assert status >= 400, (path, status, body[:300])
        for token in site.planted.values():
            assert token.encode() not in body, (path, status)


@each(EVERY_SITE)
def test_without_the_app_the_web_server_answers_that_it_is_gone(site):
    assert site.without_the_app.status_code in (502, 503)


@each(STATIC_FROM_THE_SERVER)
def test_the_web_server_serves_the_hashed_files_pages_link_to_cached_for_good(site):
    assert f"/static/{site.hashed}" in site.home.text
    assert_hashed_static_file(site, site.static_from_the_server, lambda value: value == IMMUTABLE)


@each(STATIC_FROM_THE_SERVER)
def test_the_web_server_caches_an_unhashed_name_for_an_hour(site):
    assert site.unhashed.status_code == 200
    assert "immutable" not in site.unhashed.headers["Cache-Control"]
    assert "max-age=3600" in site.unhashed.headers["Cache-Control"]


@each(STATIC_FROM_THE_SERVER)
def test_a_hashed_name_that_is_not_there_is_not_cached(site):
    assert site.missing.status_code == 404
    assert "max-age" not in site.missing.headers.get("Cache-Control", "")


@each(STATIC_WITH_BROTLI)
def test_the_web_server_sends_the_brotli_copy_to_a_client_that_takes_it(site):
    assert site.brotli.headers["Content-Encoding"] == "br"
    assert site.brotli.headers["Content-Type"].startswith("text/css")
    assert site.brotli.headers["Cache-Control"] == IMMUTABLE
    assert site.brotli_bytes == site.brotli_copy


@each(MEDIA_ON_DISK)
def test_the_web_server_serves_an_upload_from_disk_as_a_sandboxed_image(site):
    shown = site.upload
    assert site.media_url.startswith("/media/uploads/")
    assert shown.status_code == 200
    assert shown.content == site.image
    assert shown.headers["Content-Type"] == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in shown.headers["Content-Security-Policy"]
    assert "Content-Disposition" not in shown.headers
    stored = site.deployment.media_root / site.media_url.removeprefix("/media/")
    assert stored.read_bytes() == site.image


@each(MEDIA_ON_DISK)
def test_a_file_in_media_that_is_not_an_image_is_sent_as_a_download(site):
    """Sent as bytes to download, never as a page of this site."""
    hostile = site.not_an_image
    assert hostile.status_code == 200
    assert hostile.headers["Content-Type"] == "application/octet-stream"
    assert hostile.headers["Content-Disposition"] == "attachment"
    assert "sandbox" in hostile.headers["Content-Security-Policy"]
    assert hostile.headers["X-Content-Type-Options"] == "nosniff"


@each(MEDIA_IN_S3)
def test_an_upload_in_the_bucket_is_a_plain_link_anyone_reads(site):
    assert site.media_url.startswith("http") and "X-Amz-Signature=" not in site.media_url
    assert site.upload.status_code == 200 and site.upload.content == site.image


@each(EVERY_SITE)
def test_the_web_server_logs_no_emergency(site):
    assert "[emerg]" not in site.error_log


@pytest.mark.parametrize("line", venvs.MOD_WSGI_LINES)
def test_apache_runs_the_app_in_mod_wsgi_daemon_mode(make_project, deployment, monkeypatch, line):
    """The second Apache variant, the site's mod_wsgi switch on: no gunicorn; the app runs in
    mod_wsgi's daemon processes, as an unprivileged user, from a venv made with the Python
    that mod_wsgi embeds: Debian's libapache2-mod-wsgi-py3 (3.11), or one built from PyPI."""
    app = prepare_mod_wsgi_app(make_project, deployment, line)
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
