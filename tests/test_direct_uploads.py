"""Uploads straight from the browser to the bucket (media_files=s3): headless Chromium sends a
300 MB private attachment to SeaweedFS with the form's signed POST, with a progress bar, and
the app only checks and copies it (gunicorn's access log and a proxy in front of SeaweedFS
count what the app carried). The bucket refuses a file over the limit or of another type,
and the page says why. Every forged submission is refused with nothing saved; private files
are never readable anonymously; without JavaScript, and for anonymous visitors (who get no
signed POST), the files go through the app as before."""

import contextlib
import hashlib
import os
import re
import time

import pytest
import requests
from playwright.sync_api import Error as PlaywrightError

from tests.support.app_servers import gunicorn
from tests.support.browsing import PDF, PDF_NAME, Visitor, png_bytes
from tests.support.direct_uploads import UploadForm, signed_token
from tests.support.tcp_proxy import TcpProxy
from tests.support.users import PASSWORD, add_readers, log_in

pytestmark = pytest.mark.slow

COMBO = {"web_server": "none", "static_files": "whitenoise", "media_files": "s3",
         "example_app": "yes"}  # fmt: skip
SECRET = "the-site-secret-for-these-tests-" + "s" * 40  # forged tokens are signed with it
BIG = 300 * 1024**2
SMALL_LIMIT = 1024**2  # the smaller site's limit for direct uploads: "1.0 MB"
# gunicorn's access log: each request's method, path and body size (Content-Length).
ACCESS = re.compile(r"^access (\S+) (\S+) (\S+)$", re.M)
LOG_FORMAT = {"GUNICORN_CMD_ARGS": "--access-logformat 'access %(m)s %(U)s %({content-length}i)s'"}


def allow_origin(s3, bucket, origin):
    """A CORS rule for the test site's origin, beside setup_buckets' own: its rule names the
    hosts of DJANGO_ALLOWED_HOSTS on port 443, the tests' site runs on a free port."""
    client = s3.client()
    rules = client.get_bucket_cors(Bucket=bucket)["CORSRules"]
    (site,) = [rule for rule in rules if rule.get("ID") == "site"]
    assert "POST" in site["AllowedMethods"], site  # what setup_buckets installed
    test = {**site, "ID": "test", "AllowedOrigins": [origin]}
    rules = [rule for rule in rules if rule.get("ID") != "test"] + [test]
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})


@pytest.fixture(scope="module")
def project(make_project, s3_server):
    project = make_project(COMBO)
    project.prod_env["DJANGO_SECRET_KEY"] = SECRET
    project.deploy()
    project.manage("setup_buckets", settings="prod")
    add_readers(project)
    project.bucket = project.prod_env["DJANGO_S3_BUCKET"]
    return project


@pytest.fixture(scope="module")
def small_site(project, s3_server, tls_certificate):
    """The site over HTTPS with a 1 MB limit for direct uploads (10 MB through the app)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", str(tls_certificate.cert))
        env = {**LOG_FORMAT, "DJANGO_DIRECT_UPLOAD_MAX_SIZE": SMALL_LIMIT}
        with gunicorn(project, tls=tls_certificate, **env) as app:
            allow_origin(s3_server, project.bucket, app.url)
            yield app


def saved(s3, project):
    """Every upload's object under its final name."""
    return [key for start in ("media/uploads/", "private/attachments/")
            for key in s3.keys(project.bucket, start)]  # fmt: skip


def anonymous_get(s3, project, key):
    return requests.get(f"{s3.endpoint}/{project.bucket}/{key}", timeout=10)


def access_log(app):
    return ACCESS.findall(app.log.read_text())


def form_posts(app):
    return [line for line in access_log(app) if line[:2] == ("POST", "/uploads/new/")]


def log_in_browser(browser, url, username):
    browser.goto(f"{url}/accounts/login/")
    browser.page.fill("#id_username", username)
    browser.page.fill("#id_password", PASSWORD)
    browser.submit("main button[type=submit]", "/")


def open_upload_form(browser, url, title):
    """Logged in as alice, the upload form with its title and a still image filled in; the
    limits the page states, before a file is chosen."""
    log_in_browser(browser, url, "alice")
    browser.goto(f"{url}/uploads/new/")
    limits = browser.page.locator(".upload-limit").all_text_contents()
    browser.page.fill("#id_title", title)
    browser.page.set_input_files(
        "#id_image", {"name": "still.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    return limits


def write_random(path, size):
    """`size` random bytes in `path`; their SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as file:
        for _ in range(size // 2**20):
            chunk = os.urandom(2**20)
            digest.update(chunk)
            file.write(chunk)
    return digest.hexdigest()


def test_a_large_file_goes_from_the_browser_to_the_bucket(
    project, s3_server, open_browser, tls_certificate, tmp_path, monkeypatch
):
    film = tmp_path / "film.bin"
    sha256 = write_random(film, BIG)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_certificate.cert))
    port = int(s3_server.endpoint.rsplit(":", 1)[1])
    with (
        TcpProxy(port) as proxy,
        gunicorn(
            project, tls=tls_certificate, DJANGO_S3_ENDPOINT_URL=proxy.url, **LOG_FORMAT
        ) as app,
    ):
        allow_origin(s3_server, project.bucket, app.url)
        browser = open_browser(ignore_https_errors=True)
        limits = open_upload_form(browser, app.url, "A long film")
        assert limits == ["Up to 5.0\xa0GB."] * 2, limits  # stated before a file is chosen
        browser.page.set_input_files("#id_attachment", str(film))
        browser.page.click("main button[type=submit]")
        progress, deadline = [], time.monotonic() + 600
        while not browser.page.url.endswith("/uploads/"):
            assert time.monotonic() < deadline, browser.report()
            with contextlib.suppress(PlaywrightError):  # the page navigating away
                progress.append(browser.evaluate(
                    "[...document.querySelectorAll('#id_attachment ~ progress')]"
                    ".map(bar => bar.value / bar.max)"))  # fmt: skip
            time.sleep(0.2)
        browser.page.wait_for_load_state("load")
        browser.assert_policy_kept()  # the page's script may send files to the bucket
        shown = browser.page.locator("a.attachment", has_text="film.bin")
        assert shown.count() == 1, browser.report()
        link = shown.get_attribute("href")
        alice, bob = log_in(app.url, "alice", "bob")
        to_the_bucket, refused = alice.get(link), bob.get(link)
        with requests.get(to_the_bucket.headers["Location"], stream=True, timeout=30) as got:
            start = next(got.iter_content(1024))

    seen = sorted({value for values in progress for value in values})
    assert any(0 < value < 1 for value in seen), seen  # the bar moved while the file went
    (key,) = s3_server.keys(project.bucket, "private/attachments/")
    digest, body = hashlib.sha256(), s3_server.client().get_object(Bucket=project.bucket, Key=key)
    for chunk in iter(lambda: body["Body"].read(2**20), b""):
        digest.update(chunk)
    assert digest.hexdigest() == sha256
    assert s3_server.keys(project.bucket, "private/incoming/") == []  # copied, then removed
    assert to_the_bucket.status_code == 302 and got.status_code == 200
    assert start == film.read_bytes()[:1024]
    assert refused.status_code == 403
    assert anonymous_get(s3_server, project, key).status_code == 403
    # The app's requests: none carried a body over 64 KB; the form was posted once.
    requests_to_the_app = access_log(app)
    assert ("POST", "/uploads/new/") in [(method, path) for method, path, _ in requests_to_the_app]
    sizes = [int(size) for _, _, size in requests_to_the_app if size.isdigit()]
    assert max(sizes) <= 64 * 1024, requests_to_the_app
    # Between the app and the bucket: under 1 MB each way, while the browser's POST was 300 MB.
    by_the_app = [c for c in proxy.connections if any(
        "Botocore/" in (r.header("user-agent") or "") for r in c.requests)]  # fmt: skip
    assert by_the_app and sum(c.sent + c.received for c in by_the_app) < 2**20, by_the_app
    assert max(c.sent for c in proxy.connections) >= BIG


@pytest.mark.parametrize("forgery", ["never issued", "another user's", "expired",
                                     "outside the prefix", "replaced by a larger one"])  # fmt: skip
def test_forged_submissions_are_refused_and_nothing_is_saved(
    project, s3_server, small_site, forgery
):
    alice, bob = log_in(small_site.url, "alice", "bob")
    admin = s3_server.client()
    form = UploadForm.open(alice)
    assert form.send("image", png_bytes(), "image/png").status_code == 204
    assert form.send("attachment", PDF, "application/pdf").status_code == 204
    incoming = form.incoming_key("attachment")
    tokens = dict(form.tokens)
    if forgery == "never issued":
        tokens["attachment"] = "WyJwcml2YXRlL2luY29taW5nL3gi:1vQ:forged"
    elif forgery == "another user's":
        form.visitor = bob  # bob posts alice's form, with her keys
        form.csrf = UploadForm.open(bob).csrf
    elif forgery == "expired":
        tokens["attachment"] = signed_token(project, "attachment", incoming, "alice", age=7200)
    elif forgery == "outside the prefix":  # someone's private file, claimed as alice's
        incoming = "private/attachments/2026/01/contract.pdf"
        admin.put_object(Bucket=project.bucket, Key=incoming, Body=PDF)
        tokens["attachment"] = signed_token(project, "attachment", incoming, "alice")
    else:
        admin.put_object(Bucket=project.bucket, Key=incoming, Body=os.urandom(2 * SMALL_LIMIT))
    before = saved(s3_server, project)

    answer = form.submit("Forged", {"image": "photo.png", "attachment": PDF_NAME}, tokens)

    assert answer.status_code == 400, answer.text[:2000]
    expected = "larger than the limit" if forgery.startswith("replaced") else "not issued to"
    assert expected in answer.text
    assert saved(s3_server, project) == before
    assert "Forged" not in alice.get("/uploads/").text


def test_a_private_upload_is_never_readable_anonymously(project, s3_server, small_site):
    alice, bob = log_in(small_site.url, "alice", "bob")
    form = UploadForm.open(alice)
    incoming = form.incoming_key("attachment")
    assert incoming.startswith("private/incoming/")
    form.send("image", png_bytes(), "image/png")
    assert form.send("attachment", PDF, "application/pdf").status_code == 204
    before = anonymous_get(s3_server, project, incoming)

    answer = form.submit("Checked", {"image": "photo.png", "attachment": PDF_NAME})

    assert before.status_code == 403 and PDF[:40] not in before.content
    assert answer.status_code == 302, answer.text[:2000]
    link = re.search(r'<a class="attachment" href="([^"]+)"', alice.get("/uploads/").text).group(1)
    key = "private/" + link.removeprefix("/private-files/")
    got = requests.get(alice.get(link).headers["Location"], timeout=10)
    assert got.status_code == 200 and got.content == PDF
    assert bob.get(link).status_code == 403
    assert anonymous_get(s3_server, project, key.replace("%20", " ")).status_code == 403
    assert Visitor(small_site.url).get(link).status_code == 302  # to the login page


def test_an_anonymous_visitor_uploads_through_the_app_only(project, s3_server, small_site):
    visitor = Visitor(small_site.url)
    form = UploadForm.open(visitor)
    before = saved(s3_server, project)
    not_an_image = ("evil.png", b"<html><script>alert(1)</script></html>", "image/png")

    refused = visitor.post_form("/uploads/new/", {"title": "Evil"}, {"image": not_an_image})
    visitor.upload("Anonymous", png_bytes())  # through the app: 302, or the test fails

    assert form.posts == {} and form.tokens == {}  # no signed POST to the bucket
    assert refused.status_code == 400 and "Upload a valid image." in refused.text
    new = set(saved(s3_server, project)) - set(before)
    assert len(new) == 1 and new.pop().startswith("media/uploads/"), new


# What the bucket refuses, in which field, and what the page then says.
REFUSED = {
    "too large": ("#id_attachment", "application/pdf", 2 * SMALL_LIMIT,
                  "The file is larger than the limit, 1.0\xa0MB."),
    "not an image": ("#id_image", "application/pdf", 1000,
                     "The storage refused the file: it is not of a type this field takes, "
                     "or the page is over an hour old (reload it)."),
}  # fmt: skip


@pytest.mark.parametrize("refused", REFUSED)
def test_a_file_the_bucket_refuses_is_named_on_the_page(
    project, s3_server, small_site, open_browser, refused
):
    field, content_type, size, says = REFUSED[refused]
    before, posted_before = saved(s3_server, project), form_posts(small_site)
    browser = open_browser(ignore_https_errors=True)
    limits = open_upload_form(browser, small_site.url, "Refused")
    assert limits[0] == "Up to 1.0\xa0MB."
    browser.page.set_input_files(
        field, {"name": "file.pdf", "mimeType": content_type, "buffer": os.urandom(size)}
    )
    browser.page.click("main button[type=submit]")

    message = browser.page.locator(".upload-error")
    message.wait_for()
    assert message.text_content() == says
    refusals = [(status, url) for status, method, url in browser.responses
                if method == "POST" and status >= 400]  # fmt: skip
    assert refusals and refusals[0][1].startswith(s3_server.endpoint), browser.responses
    assert form_posts(small_site) == posted_before  # the form was never sent
    assert saved(s3_server, project) == before
    browser.screenshot(f"refused-{refused.replace(' ', '-')}")


# Two uploads named alike at the same instant: both storages' checks found the name free.
RACE = """
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from {slug}.staticmedia.direct_uploads import StagedFile
storage = storages["default"]
client = storage.connection.meta.client
client.put_object(Bucket=storage.bucket_name, Key="private/incoming/race", Body=b"second")
head = client.head_object(Bucket=storage.bucket_name, Key="private/incoming/race")
first = storage.save("uploads/race.png", ContentFile(b"first"))
storage.exists = lambda name: False  # as when the other upload is saved between check and write
staged = StagedFile("race.png", storage.bucket_name, "private/incoming/race", head)
second = storage.save(first, staged)
print(first, second, storage.open(first).read(), storage.open(second).read())
"""


def test_a_copy_never_replaces_another_upload(project, s3_server):
    code = RACE.format(slug=project.slug)

    printed = project.manage("shell", "-c", code, settings="prod").stdout.split()

    first, second, first_bytes, second_bytes = printed[-4:]
    assert first == "uploads/race.png" and second != first, printed
    assert (first_bytes, second_bytes) == ("b'first'", "b'second'")


def test_without_javascript_files_go_through_the_app(project, s3_server, small_site, open_browser):
    before = saved(s3_server, project)
    browser = open_browser(ignore_https_errors=True, java_script_enabled=False)
    limits = open_upload_form(browser, small_site.url, "Without JavaScript")
    assert limits[0] == "Up to 10.0\xa0MB."
    browser.page.set_input_files(
        "#id_attachment", {"name": "no script.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    browser.submit("main button[type=submit]", "/uploads/")

    assert browser.page.locator("a.attachment", has_text="no script.pdf").count() == 1
    new = set(saved(s3_server, project)) - set(before)
    assert len(new) == 2, new  # the image and the attachment, sent by the app
    posts = [int(size) for _, _, size in form_posts(small_site) if size.isdigit()]
    assert max(posts) > len(PDF)  # the files came in the form's body
