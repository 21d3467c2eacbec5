"""S3 for real: every combination with s3 in it, against SeaweedFS on 127.0.0.1, which checks
signatures, expiry and who may read what (anonymous users may read static/ and media/ only).

Static files: collectstatic uploads hashed copies with a year-long immutable cache header,
and the pages gunicorn renders link to them. Public uploads: plain links under media/ that
anyone reads; private ones: under private/, reached only through the site, which redirects
their uploader to a link signed for a minute. Neither is ever overwritten. Errors: a wrong
key or a missing bucket stops with one clear line. And the project's collectstatic uploads
only what changed, writes the manifest last, and fails when an upload fails."""

import gzip
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.support import venvs
from tests.support.app_servers import gunicorn
from tests.support.browsing import (
    HTTPS_PROXY_HEADERS,
    PDF,
    PDF_DISPOSITION,
    PDF_NAME,
    Visitor,
    image_urls,
    png_bytes,
    upload_image,
)
from tests.support.s3 import LIMITED_ACCESS_KEY, LIMITED_SECRET_KEY
from tests.support.template import combo_id, valid_combinations
from tests.support.users import add_readers, log_in

pytestmark = pytest.mark.slow

# Every web server / static / media choice that puts something in S3. The database and the
# example app do not change what S3 sees: SQLite, and the example app for its upload form.
S3_COMBOS = [
    combo
    for combo in valid_combinations()
    if combo["container"] == "none"  # an image runs the same code (tests/test_docker_image.py)
    and "s3" in (combo["static_files"], combo["media_files"])
    and combo["database"] == "sqlite"
    and combo["example_app"] == "yes"
]
STATIC_S3 = [pytest.param(c, id=combo_id(c)) for c in S3_COMBOS if c["static_files"] == "s3"]
MEDIA_S3 = [pytest.param(c, id=combo_id(c)) for c in S3_COMBOS if c["media_files"] == "s3"]
ONE_STATIC_S3 = {**STATIC_S3[0].values[0]}

IMMUTABLE = "public, max-age=31536000, immutable"
# What collectstatic stores gzipped (config/settings/static_s3.py); images, WOFF2 fonts and
# the manifest as they are.
GZIPPED = (".css", ".js", ".svg", ".txt")
HASHED = re.compile(r"\.[0-9a-f]{12}(\.[^./]+)?$")


def bucket_of(project):
    return project.prod_env["DJANGO_S3_BUCKET"]


def manifest(s3, bucket):
    body = s3.client().get_object(Bucket=bucket, Key="static/staticfiles.json")["Body"]
    return json.loads(body.read())["paths"]


def objects(s3, bucket, prefix="static/"):
    """key -> (ETag, LastModified) of every object under `prefix`."""
    pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {
        item["Key"]: (item["ETag"], item["LastModified"])
        for page in pages
        for item in page.get("Contents", [])
    }


def no_traceback(result):
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return output


# Static files -------------------------------------------------------------------------


@pytest.mark.parametrize("combo", STATIC_S3)
def test_collectstatic_uploads_hashed_files_that_pages_link_to(make_project, s3_server, combo):
    project = make_project(combo)
    bucket = bucket_of(project)

    project.deploy()

    paths = manifest(s3_server, bucket)
    client = s3_server.client()
    assert {"css/site.css", "js/site.js", "img/logo.svg", "admin/css/base.css"} <= set(paths)
    for name, hashed in paths.items():
        assert HASHED.search(hashed), hashed
        head = client.head_object(Bucket=bucket, Key=f"static/{hashed}")
        assert head["CacheControl"] == IMMUTABLE, hashed
        # The original (unhashed) name is there too, for code that builds URLs itself,
        # but it changes under its name: never "immutable". Nor is the manifest.
        original = client.head_object(Bucket=bucket, Key=f"static/{name}")
        assert "immutable" not in original.get("CacheControl", ""), name
        encoding = "gzip" if name.endswith(GZIPPED) else None
        assert head.get("ContentEncoding") == original.get("ContentEncoding") == encoding, name
    head = client.head_object(Bucket=bucket, Key="static/staticfiles.json")
    assert "immutable" not in head.get("CacheControl", "")
    assert "ContentEncoding" not in head  # plain, for people and tools that read it

    with gunicorn(project) as app:
        home = requests.get(f"{app.url}/", headers=HTTPS_PROXY_HEADERS, timeout=10)
    assert home.status_code == 200
    links = re.findall(r'(?:href|src)="([^"]+/static/[^"]+)"', home.text)
    assert len(links) == 4, home.text  # the favicon, the stylesheet, the script and the logo
    for link in links:
        assert link.startswith(f"{s3_server.endpoint}/{bucket}/static/"), link
        name = link.split("/static/", 1)[1]
        assert HASHED.search(name), link
        served = requests.get(link, timeout=10)  # anonymous, as a browser
        assert served.status_code == 200, link
        assert served.headers["Cache-Control"] == IMMUTABLE
        assert served.headers["Content-Encoding"] == "gzip", link  # CSS, JS, SVG
        source = project.path / "static" / next(k for k, v in paths.items() if v == name)
        assert served.content == source.read_bytes(), link  # decoded as a browser does
        # A client that accepts no encoding gets the same gzipped bytes: the bucket sends
        # what it stores (the README says so).
        plain = requests.get(link, headers={"Accept-Encoding": "identity"}, stream=True)
        assert plain.headers["Content-Encoding"] == "gzip", link
        assert gzip.decompress(plain.raw.read(decode_content=False)) == source.read_bytes()


# Uploads ------------------------------------------------------------------------------


@pytest.mark.parametrize("combo", MEDIA_S3)
def test_public_uploads_are_plain_links_anyone_may_read(make_project, s3_server, combo):
    project = make_project(combo)
    project.deploy()
    bucket = bucket_of(project)
    first, second = png_bytes((200, 30, 30)), png_bytes((30, 30, 200))

    with gunicorn(project) as app:
        for image in (first, second):
            posted = upload_image(app.url, image, filename="same.png", headers=HTTPS_PROXY_HEADERS)
            assert posted.status_code == 302, posted.text[:2000]
        newest, oldest = image_urls(app.url, headers=HTTPS_PROXY_HEADERS)

    # Two objects under media/, one per upload, though both were called same.png.
    keys = s3_server.keys(bucket, "media/")
    assert len(keys) == 2 and all(k.startswith("media/uploads/") for k in keys), keys
    for link, image in ((oldest, first), (newest, second)):
        assert link.startswith(f"{s3_server.endpoint}/{bucket}/media/uploads/"), link
        assert not urlsplit(link).query, link  # no signature: nothing to expire in a cache
        got = requests.get(link, timeout=10)  # anonymous, as any visitor or cache
        assert got.status_code == 200 and got.content == image
        assert got.headers["Content-Type"] == "image/png"
        assert got.headers["Cache-Control"].startswith("public")


# One combination: where static files go does not change what happens to a private upload,
# and proving the link expires takes a minute.
@pytest.mark.parametrize("combo", MEDIA_S3[:1])
def test_private_uploads_reach_their_uploader_through_a_signed_redirect(
    make_project, s3_server, tls_certificate, monkeypatch, combo
):
    project = make_project(combo)
    project.deploy()
    bucket = bucket_of(project)
    add_readers(project)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_certificate.cert))

    with gunicorn(project, tls=tls_certificate) as app:
        alice, bob, carol = log_in(app.url, "alice", "bob", "carol")
        anonymous = Visitor(app.url)
        links = [alice.upload(title, png_bytes(), (PDF_NAME, PDF, "application/pdf"))
                 for title in ("First", "Second")]  # fmt: skip
        redirect = alice.get(links[0])
        signed_at = time.monotonic()
        refused, to_login = bob.get(links[0]), anonymous.get(links[0])
        in_the_admin = carol.attachment_links_in_the_admin()
        from_the_admin = [carol.get(link) for link in in_the_admin]

    # Two objects under private/, nothing of them under the public media/ prefix.
    keys = s3_server.keys(bucket, "private/")
    assert len(keys) == 2 and all(k.startswith("private/attachments/") for k in keys), keys
    assert not [key for key in s3_server.keys(bucket, "media/") if key.endswith(".pdf")]
    # The list page and the admin show each file's url: the site's check, never a signed link.
    assert sorted(in_the_admin) == sorted(links), (in_the_admin, links)
    site_check = re.compile(r"/private-files/attachments/[^?]+\.pdf")
    assert all(site_check.fullmatch(link) for link in links), links

    assert redirect.status_code == 302 and redirect.headers["Cache-Control"] == "private"
    signed = redirect.headers["Location"]
    parts = urlsplit(signed)
    assert parse_qs(parts.query)["X-Amz-Expires"] == ["60"]
    got = requests.get(signed, timeout=10)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["Content-Disposition"] == PDF_DISPOSITION  # the name it was uploaded under
    assert got.headers["Cache-Control"] == "private"
    unsigned = requests.get(f"{parts.scheme}://{parts.netloc}{parts.path}", timeout=10)
    assert unsigned.status_code == 403 and PDF[:40] not in unsigned.content
    assert refused.status_code == 403
    assert to_login.status_code == 302 and "/accounts/login/" in to_login.headers["Location"]
    for staff in from_the_admin:  # staff, from the admin: a redirect to the bucket, signed
        assert staff.status_code == 302 and staff.headers["Cache-Control"] == "private"
        got = requests.get(staff.headers["Location"], timeout=10)
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["Content-Disposition"] == PDF_DISPOSITION

    time.sleep(max(0.0, signed_at + 60 + 1.5 - time.monotonic()))
    assert requests.get(signed, timeout=10).status_code == 403  # expired


def test_uploads_can_have_a_bucket_of_their_own(make_project, s3_server):
    project = make_project({**ONE_STATIC_S3, "media_files": "s3"})
    media_bucket = s3_server.new_bucket()
    project.prod_env["DJANGO_S3_MEDIA_BUCKET"] = media_bucket
    project.deploy()

    with gunicorn(project) as app:
        posted = upload_image(app.url, png_bytes(), headers=HTTPS_PROXY_HEADERS)
        (link,) = image_urls(app.url, headers=HTTPS_PROXY_HEADERS)
        got = requests.get(link, timeout=10)

    assert posted.status_code == 302
    assert got.status_code == 200 and got.content == png_bytes()
    assert len(s3_server.keys(media_bucket, "media/uploads/")) == 1
    assert s3_server.keys(bucket_of(project), "media/") == []
    assert s3_server.keys(media_bucket, "static/") == []


# Errors -------------------------------------------------------------------------------


def test_a_missing_bucket_variable_is_named(make_project):
    project = make_project(ONE_STATIC_S3)
    del project.prod_env["DJANGO_S3_BUCKET"]

    result = project.manage("check", "--deploy", settings="prod", check=False)

    assert result.returncode != 0
    assert "Set the DJANGO_S3_BUCKET environment variable" in result.stderr


@pytest.mark.parametrize(
    ("problem", "env", "says"),
    [
        ("wrong secret", {"AWS_SECRET_ACCESS_KEY": "wrong"}, "Check AWS_ACCESS_KEY_ID"),
        ("unknown key", {"AWS_ACCESS_KEY_ID": "nobody"}, "Check AWS_ACCESS_KEY_ID"),
        ("missing bucket", {"DJANGO_S3_BUCKET": "no-such-bucket"}, "Create the bucket"),
        (
            "no credentials",
            {
                "AWS_ACCESS_KEY_ID": "",
                "AWS_SECRET_ACCESS_KEY": "",
                "AWS_EC2_METADATA_DISABLED": "true",
            },
            "Unable to locate credentials. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        ),
    ],
)
def test_collectstatic_with_a_bad_bucket_or_key_stops_with_one_clear_line(
    make_project, s3_server, problem, env, says
):
    project = make_project(ONE_STATIC_S3)
    project.collectstatic()
    before = objects(s3_server, bucket_of(project))

    result = project.collectstatic(check=False, **env)

    assert result.returncode != 0
    output = no_traceback(result)
    assert "Could not" in output and says in output, output
    assert objects(s3_server, bucket_of(project)) == before  # nothing lost


@pytest.mark.parametrize("combo", MEDIA_S3[:1])
def test_an_upload_with_a_wrong_key_fails_cleanly_and_loses_nothing(make_project, s3_server, combo):
    project = make_project(combo)
    project.deploy()
    with gunicorn(project) as app:
        assert upload_image(app.url, png_bytes(), headers=HTTPS_PROXY_HEADERS).status_code == 302

    with gunicorn(project, AWS_SECRET_ACCESS_KEY="wrong") as app:
        failed = upload_image(app.url, png_bytes((0, 0, 0)), headers=HTTPS_PROXY_HEADERS)
    with gunicorn(project) as app:
        links = image_urls(app.url, headers=HTTPS_PROXY_HEADERS)
        kept = requests.get(links[0], timeout=10)

    # The visitor gets the plain error page, not a traceback; no row points at nothing.
    assert failed.status_code == 500
    assert "Traceback" not in failed.text and "botocore" not in failed.text
    assert len(links) == 1 and kept.status_code == 200 and kept.content == png_bytes()
    assert len(s3_server.keys(bucket_of(project), "media/")) == 1


# The project's fast collectstatic -----------------------------------------------------


@pytest.fixture(params=[venvs.NEWEST, venvs.OLDEST])
def collected(request, make_project, s3_server):
    """A project whose static files are in its bucket already, on both Django lines: the
    storage builds on Django's manifest storage, whose internals differ between them."""
    project = make_project(ONE_STATIC_S3, request.param)
    project.collectstatic()
    return project


def test_an_unchanged_rerun_uploads_nothing(collected, s3_server):
    bucket = bucket_of(collected)
    before = objects(s3_server, bucket)
    time.sleep(1.1)  # LastModified has one-second resolution

    result = collected.collectstatic()

    assert objects(s3_server, bucket) == before
    assert "0 static files copied" in result.stdout


def test_an_unchanged_rerun_puts_back_a_file_deleted_from_the_bucket(collected, s3_server):
    """The sources did not change (the manifest's fingerprint says so), but one of their
    objects is gone (deleted by hand, a lifecycle rule): it is uploaded again."""
    bucket, client = bucket_of(collected), s3_server.client()
    client.delete_object(Bucket=bucket, Key="static/js/site.js")  # the unhashed original

    collected.collectstatic()

    stored = client.get_object(Bucket=bucket, Key="static/js/site.js")
    body = gzip.decompress(stored["Body"].read())
    assert body == (collected.path / "static/js/site.js").read_bytes()


def test_a_changed_file_is_uploaded_and_the_manifest_written_last(collected, s3_server):
    bucket = bucket_of(collected)
    old_manifest, before = manifest(s3_server, bucket), objects(s3_server, bucket)
    js = collected.path / "static/js/site.js"
    js.write_text(js.read_text() + "// changed\n")
    time.sleep(1.1)

    collected.collectstatic()

    new_manifest, after = manifest(s3_server, bucket), objects(s3_server, bucket)
    hashed = new_manifest["js/site.js"]
    assert hashed != old_manifest["js/site.js"]
    stored = s3_server.client().get_object(Bucket=bucket, Key=f"static/{hashed}")
    assert stored["ContentEncoding"] == "gzip"
    assert gzip.decompress(stored["Body"].read()) == js.read_bytes()
    # The old copy stays for pages rendered before the deploy; nothing else was rewritten.
    assert f"static/{old_manifest['js/site.js']}" in after
    rewritten = {key for key in after if after[key] != before.get(key)}
    assert rewritten == {f"static/{hashed}", "static/js/site.js", "static/staticfiles.json"}
    newest = max(modified for _, modified in after.values())
    assert after["static/staticfiles.json"][1] == newest


def test_a_failed_upload_fails_the_command_and_keeps_the_old_manifest(collected, s3_server):
    bucket = bucket_of(collected)
    manifest_before = objects(s3_server, bucket)["static/staticfiles.json"]
    js = collected.path / "static/js/site.js"
    js.write_text(js.read_text() + "// changed\n")

    # These credentials may write under static/admin/ only: site.js cannot be uploaded.
    result = collected.collectstatic(
        check=False,
        AWS_ACCESS_KEY_ID=LIMITED_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=LIMITED_SECRET_KEY,
    )

    assert result.returncode != 0
    output = no_traceback(result)
    assert "Could not upload" in output and "AccessDenied" in output, output
    assert objects(s3_server, bucket)["static/staticfiles.json"] == manifest_before
    # With working credentials the next run uploads what the failed one could not.
    collected.collectstatic()
    hashed = manifest(s3_server, bucket)["js/site.js"]
    stored = s3_server.client().get_object(Bucket=bucket, Key=f"static/{hashed}")
    assert stored["ContentEncoding"] == "gzip"
    assert gzip.decompress(stored["Body"].read()) == js.read_bytes()
