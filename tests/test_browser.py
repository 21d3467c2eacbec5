"""What a person sees in a real browser (headless Chromium), for each way the project runs:
the home page styled by its stylesheet, its script run and its logo drawn; an image uploaded
through the example app's form, shown on the list page and still there after a reload; the
Django admin styled by its own CSS; logged in, a private attachment uploaded beside a public
image, downloaded under its name, and refused once logged out. On every page checked (home,
upload form, list, login, the admin's login, index and a change form) the Content Security
Policy is enforced and refuses nothing; a policy that misses the bucket is seen refusing it.
Files planted in MEDIA_ROOT and opened directly through nginx, Apache or Caddy run no script.
Screenshots of each page go to artifacts/screenshots/."""

import re

import pytest

from tests.support import venvs
from tests.support.app_servers import gunicorn, runserver
from tests.support.browsing import PDF, PDF_NAME, png_bytes
from tests.support.deployment import prepare_mod_wsgi_app
from tests.support.s3 import bucket_url
from tests.support.template import DEFAULTS, WEB_SERVERS, combo_id
from tests.support.users import PASSWORD, add_users
from tests.support.web_servers import web_server

pytestmark = pytest.mark.slow

# What static/css/site.css gives the home page, and Django admin's base.css its header.
BODY_BACKGROUND = "rgb(245, 247, 250)"
HEADLINE_COLOR = "rgb(12, 75, 51)"
ADMIN_HEADER_BACKGROUND = "rgb(65, 118, 144)"  # --header-bg: var(--secondary), #417690
# base.py's default; the web server gets the same limit from the site rendered from settings.
DEFAULT_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# nginx, Apache or Caddy in front of gunicorn, uploads on its disk: static files from
# WhiteNoise (through the proxy), from the web server itself, or from an S3 bucket; and nginx
# and Apache with uploads in the bucket too.
BEHIND_A_WEB_SERVER = [
    {**DEFAULTS, "web_server": server, "static_files": static}
    for server in WEB_SERVERS
    for static in ("whitenoise", "web_server")
] + [
    {**DEFAULTS, "static_files": "s3"},
    {**DEFAULTS, "media_files": "s3"},
    {**DEFAULTS, "web_server": "apache", "static_files": "s3", "media_files": "s3"},
]
# Django 6.1 (Python 3.12) and 5.2 (Python 3.11): the admin's pages differ between them.
BOTH_LINES = [venvs.NEWEST, venvs.OLDEST]


def stylesheet_url(browser):
    return browser.evaluate("document.querySelector('link[rel=stylesheet]').href")


def use_the_site(browser, url, static_from, media_from):
    """Everything a person checks, page by page; a screenshot of each page. On each page the
    Content Security Policy is enforced and refuses nothing. Returns the URL of the uploaded
    image.

    static_from, media_from: where the page's stylesheet and the uploaded image must come
    from (URL prefixes), so each mode is proven to serve its files the way it claims."""
    browser.goto(f"{url}/")
    assert stylesheet_url(browser).startswith(static_from), browser.report()
    assert browser.computed("body", "background-color") == BODY_BACKGROUND, browser.report()
    assert browser.computed(".headline", "color") == HEADLINE_COLOR, browser.report()
    assert browser.evaluate("document.documentElement.dataset.js") == "ran", browser.report()
    assert browser.page.text_content("#js-status") == "JavaScript ran.", browser.report()
    assert browser.natural_width("img.logo") > 0, browser.report()
    browser.assert_no_failed_requests()
    browser.assert_policy_kept()
    browser.screenshot("home")

    title = "A red rectangle"
    browser.goto(f"{url}/uploads/new/")
    assert browser.computed("body", "background-color") == BODY_BACKGROUND, browser.report()
    browser.assert_policy_kept()
    browser.page.fill("#id_title", title)
    browser.page.set_input_files(
        "#id_image",
        {"name": "red.png", "mimeType": "image/png", "buffer": png_bytes(size=(160, 100))},
    )
    browser.submit("button[type=submit]", "/uploads/")
    image = f'img[alt="{title}"]'
    upload_url = browser.page.locator(image).evaluate("image => image.src")
    assert upload_url.startswith(media_from), browser.report()
    assert browser.natural_width(image) == 160, browser.report()
    browser.page.reload()
    assert browser.natural_width(image) == 160, browser.report()
    browser.assert_no_failed_requests()
    browser.assert_policy_kept()
    browser.screenshot("uploads")

    browser.goto(f"{url}/accounts/login/")
    assert browser.computed("body", "background-color") == BODY_BACKGROUND, browser.report()
    assert browser.natural_width("img.logo") > 0, browser.report()
    browser.assert_policy_kept()
    browser.screenshot("login")

    use_the_admin(browser, url, static_from, media_from, title)
    return upload_url


def use_the_admin(browser, url, static_from, media_from, title):
    """The admin's login page, its index and the change form of the upload titled `title`,
    as carol (staff): each styled by the admin's own CSS, under the same policy."""
    browser.goto(f"{url}/admin/login/")
    assert stylesheet_url(browser).startswith(f"{static_from}admin/css/"), browser.report()
    assert_admin_styled(browser)
    browser.screenshot("admin")

    browser.page.fill("#id_username", "carol")
    browser.page.fill("#id_password", PASSWORD)
    browser.submit("#login-form [type=submit]", "/admin/")
    assert browser.page.locator("#content h1").text_content() == "Site administration"
    assert_admin_styled(browser)
    browser.screenshot("admin-index")

    browser.goto(f"{url}/admin/uploads/upload/")
    browser.page.locator("#result_list a", has_text=title).click()
    browser.page.wait_for_url(re.compile(r".*/admin/uploads/upload/\d+/change/$"))
    browser.page.wait_for_load_state("load")
    current = browser.page.locator(".file-upload a").first.evaluate("link => link.href")
    assert current.startswith(media_from), browser.report()  # "Currently:" links the image
    assert_admin_styled(browser)
    browser.screenshot("admin-change")


def assert_admin_styled(browser):
    header = browser.computed("#header", "background-color")
    assert header == ADMIN_HEADER_BACKGROUND, f"admin CSS not applied; {browser.report()}"
    browser.assert_no_failed_requests()
    browser.assert_policy_kept()


def use_private_files(browser, url, media_from):
    """Log in, upload a public image with a private attachment, see the image, download the
    attachment under its name, log out: the same link now leads to the login page."""
    browser.goto(f"{url}/accounts/login/")
    browser.page.fill("#id_username", "alice")
    browser.page.fill("#id_password", PASSWORD)
    browser.submit("main button[type=submit]", "/")

    title = "Invoice with a picture"
    browser.goto(f"{url}/uploads/new/")
    browser.page.fill("#id_title", title)
    browser.page.set_input_files(
        "#id_image", {"name": "blue.png", "mimeType": "image/png", "buffer": png_bytes((0, 0, 200))}
    )
    browser.page.set_input_files(
        "#id_attachment", {"name": PDF_NAME, "mimeType": "application/pdf", "buffer": PDF}
    )
    browser.submit("main button[type=submit]", "/uploads/")
    image = f'img[alt="{title}"]'
    assert browser.page.locator(image).evaluate("image => image.src").startswith(media_from)
    assert browser.natural_width(image) == 16, browser.report()
    assert "only the person who uploaded one, and staff" in browser.page.text_content("main")
    browser.assert_no_failed_requests()
    link = browser.page.locator("a.attachment", has_text=PDF_NAME)
    href = link.get_attribute("href")
    # (Chromium reports a navigation that becomes a download as an aborted request.)
    with browser.page.expect_download() as download:
        link.click()
    # The exact name, as Chromium saves it: it writes a quote as "_" on disk. The "ä" shows it
    # read the UTF-8 filename* (Django's content_disposition_header sends no other).
    assert download.value.suggested_filename == PDF_NAME.replace('"', "_")
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read() == PDF
    browser.screenshot("private")

    browser.submit("header button[type=submit]", "/")  # Log out
    browser.goto(f"{url}{href}")
    assert "/accounts/login/" in browser.page.url, browser.report()
    assert browser.page.locator("#id_username").is_visible()
    browser.screenshot("private-refused")


@pytest.mark.parametrize("line", BOTH_LINES)
def test_development_server(make_project, open_browser, line):
    project = make_project(line=line)
    project.manage("migrate", "--noinput")
    add_users(project, "alice", staff=["carol"], settings="dev")

    with runserver(project) as url:
        browser = open_browser()
        use_the_site(browser, url, f"{url}/static/", f"{url}/media/")
        use_private_files(browser, url, f"{url}/media/")


@pytest.mark.parametrize("line", BOTH_LINES)
@pytest.mark.parametrize("static_files", ["whitenoise", "s3"])
def test_gunicorn_with_uploads_in_s3(
    make_project, open_browser, tls_certificate, static_files, line
):
    """A platform runs the app (web_server=none): static files from WhiteNoise or the bucket,
    public uploads as plain links to the bucket, private ones behind a redirect to a signed
    link (a real S3 server, SeaweedFS). On both Django lines: with the mod_wsgi tests
    (static files from Apache), each static backend is seen on both."""
    project = make_project(
        web_server="none", static_files=static_files, media_files="s3", line=line
    )

    bucket = bucket_url(project)
    project.deploy()
    add_users(project, "alice", staff=["carol"])

    # Real HTTPS for the browser: gunicorn speaks TLS itself (see app_servers.gunicorn).
    with gunicorn(project, tls=tls_certificate) as app:
        url = app.url
        static_from = f"{bucket}/static/" if static_files == "s3" else f"{url}/static/"
        browser = open_browser(ignore_https_errors=True, accept_downloads=True)
        upload_url = use_the_site(browser, url, static_from, f"{bucket}/media/")
        use_private_files(browser, url, f"{bucket}/media/")
    assert "X-Amz-Signature=" not in upload_url  # public: anonymous users may read media/


def test_a_policy_that_misses_the_bucket_is_seen(make_project, open_browser, tls_certificate):
    """What the tests above check can fail: with a policy that misses the bucket (prod.py
    edited by hand, as if every file were on this site), the browser records what the
    policy refused from the bucket, and the page is left unstyled; `manage.py check` names
    the bucket's origin and the settings that point there."""
    project = make_project(web_server="none", static_files="s3", media_files="s3")
    prod = project.path / "config" / "settings" / "prod.py"
    policy = "csp_policies('/static/', '/media/', '/')[0]"  # no URL of the bucket
    prod.write_text(f"{prod.read_text()}\nCONTENT_SECURITY_POLICY = {policy}\n")
    bucket = bucket_url(project)
    project.deploy()
    checked = project.manage("check", settings="prod")
    checked = checked.stdout + checked.stderr
    origin = bucket.rsplit("/", 1)[0]  # http://127.0.0.1:<port>: path-style links
    assert "(staticmedia.W012)" in checked, checked
    for setting in ("STATIC_URL", "MEDIA_URL"):
        assert f"{setting}'s origin {origin} " in checked, checked

    with gunicorn(project, tls=tls_certificate) as app:
        browser = open_browser(ignore_https_errors=True)
        browser.goto(f"{app.url}/")
        browser.page.wait_for_load_state("networkidle")
        assert browser.computed("body", "background-color") != BODY_BACKGROUND
        refused = browser.policy_problems()
    for path in ("static/css/site.", "static/js/site.", "static/img/logo."):  # hashed names
        assert any(f"refused {bucket}/{path}" in problem for problem in refused), refused
        console = [problem for problem in refused if problem.startswith("console error")]
        assert any(f"'{bucket}/{path}" in problem for problem in console), refused


# A page and an SVG image, each with a script that says so in the console if it runs.
PLANTED = {
    "evil.html": b"<!doctype html><title>evil</title><script>console.log('planted script ran')"
    b"</script>",
    "evil.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>'
    b"console.log('planted script ran')</script></svg>",
}


@pytest.mark.parametrize("server", WEB_SERVERS)
def test_files_planted_in_media_root_run_no_script(make_project, deployment, open_browser, server):
    """Files put into MEDIA_ROOT by hand (not through the form), opened directly through the
    web server: neither runs its script. The same bytes as a page of their own do."""
    project = make_project(web_server=server)
    site = deployment.edit_site(project, DEFAULT_MAX_UPLOAD_SIZE)
    for name, content in PLANTED.items():
        (deployment.media_root / name).write_bytes(content)

    browser = open_browser(ignore_https_errors=True, accept_downloads=True)
    browser.page.set_content(PLANTED["evil.html"].decode())  # the script can be seen to run
    assert ("log", "planted script ran") in browser.console
    browser.console.clear()
    with web_server(server, site, deployment):
        for name in PLANTED:
            url = f"{deployment.url}/media/{name}"
            browser.open_directly(url)  # downloaded, or shown in the site's sandbox
            assert (200, "GET", url) in browser.responses, browser.report()  # it was served
            assert ("log", "planted script ran") not in browser.console, f"{url} ran its script"


@pytest.mark.parametrize("line", BOTH_LINES)
@pytest.mark.parametrize("combo", BEHIND_A_WEB_SERVER, ids=combo_id)
def test_behind_a_web_server(make_project, deployment, open_browser, combo, line):
    """nginx, Apache or Caddy with the project's site edited for this deployment, HTTPS with a
    test certificate, gunicorn on the socket systemd would open (tests/support/app_servers.py)."""
    server = combo["web_server"]
    project = make_project(combo, line=line)
    site, env = deployment.install(project, DEFAULT_MAX_UPLOAD_SIZE)
    url = deployment.url
    in_s3 = {kind: combo[f"{kind}_files"] == "s3" for kind in ("static", "media")}
    static_from = f"{bucket_url(project)}/static/" if in_s3["static"] else f"{url}/static/"
    media_from = f"{bucket_url(project)}/media/" if in_s3["media"] else f"{url}/media/"

    add_users(project, "alice", staff=["carol"], **env)

    with web_server(server, site, deployment), gunicorn(project, socket=deployment.socket, **env):
        browser = open_browser(ignore_https_errors=True, accept_downloads=True)
        use_the_site(browser, url, static_from, media_from)
        use_private_files(browser, url, media_from)
    image = any(deployment.media_root.rglob("*.png"))
    attachment = any(deployment.private_media_root.rglob("*.pdf"))
    # Uploads in S3 leave nothing on the server's disk; on disk, the attachment is private.
    assert (image, attachment) == ((False, False) if in_s3["media"] else (True, True))


@pytest.mark.parametrize("line", venvs.MOD_WSGI_LINES)
def test_apache_with_the_app_in_mod_wsgi(make_project, deployment, open_browser, line):
    """Apache's second variant, the app in mod_wsgi daemons (see prepare_mod_wsgi_app)."""
    app = prepare_mod_wsgi_app(make_project, deployment, line, DEFAULT_MAX_UPLOAD_SIZE)
    url = deployment.url
    add_users(app.project, staff=["carol"], **app.env)

    # mod_wsgi's daemons inherit Apache's environment: the production variables.
    with web_server("apache", app.site, deployment, env=app.project.env("prod", **app.env)):
        use_the_site(open_browser(ignore_https_errors=True), url, f"{url}/static/", f"{url}/media/")
    assert any(deployment.media_root.rglob("*.png")), "the upload is not on the server's disk"
