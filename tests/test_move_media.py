"""Moving a project's uploads from local disk to S3 (SeaweedFS) with `manage.py move_media`.

The "before" is a project generated with media_files=local that has run for a while: a
SQLite database whose example-app rows name a few hundred files on disk, under names with
spaces, non-ASCII letters and nested folders, public images and private attachments, plus
files no row names. The "after" is the same project (same slug) regenerated with
media_files=s3, pointed at that database and those folders. The move is killed part-way
(SIGKILL) and run again; then a file is removed from the bucket and --verify must name it;
then the app with S3 settings serves every old upload, in Chromium and to its readers only.
"""

import hashlib
import io
import json
import mimetypes
import os
import re
import shutil
import signal
import subprocess
import time

import pytest
import requests
from PIL import Image

from tests.support.app_servers import gunicorn
from tests.support.browsing import Visitor
from tests.support.project import Project
from tests.support.s3 import bucket_url
from tests.support.tcp_proxy import TcpProxy
from tests.support.users import add_users, log_in

pytestmark = pytest.mark.slow

BEFORE = {"web_server": "nginx", "static_files": "whitenoise", "media_files": "local"}
AFTER = {"web_server": "none", "static_files": "whitenoise", "media_files": "s3"}
IMAGES, ATTACHMENTS, UNREFERENCED = 300, 60, 40
SUMMARY = re.compile(
    r"(?:Would copy|Copied) (\d+) files, skipped (\d+) already in the bucket, failed (\d+)"
)

# Rows are made directly, as years of uploads (and a hand-copied folder or two) leave them:
# the names are not what Django's get_valid_name() would make today.
MAKE_ROWS = """
import json
from django.contrib.auth.models import User
from {slug}.uploads.models import Upload
alice = User.objects.get(username="alice")
rows = json.load(open({rows!r}))
Upload.objects.bulk_create(
    Upload(title=r["title"], image=r["image"], attachment=r["attachment"],
           attachment_name=r["attachment_name"], owner=alice if r["attachment"] else None)
    for r in rows
)
"""


def image(index):
    """A distinct, valid PNG or JPEG; its width says which one it is."""
    color = (index * 37 % 256, index * 91 % 256, 200)
    buffer = io.BytesIO()
    Image.new("RGB", (width(index), 10 + index % 13), color).save(
        buffer, format="PNG" if index % 5 else "JPEG"
    )
    return buffer.getvalue()


def width(index):
    return 20 + index % 97


def image_name(index):
    folder = ["uploads/2024/11", "uploads/2025/03", "uploads/2025/03/alte Fotos/Sommer"][index % 3]
    extension = "png" if index % 5 else "jpg"
    return f"{folder}/Photo {index} Größe é ✓.{extension}"


def attachment_name(index):
    return f"attachments/2025/0{index % 9 + 1}/Rechnung März {index} (final).pdf"


def pdf(index):
    return b"%PDF-1.4\n% private " + str(index).encode() * 200


def make_before(media, private):
    """Files on disk and the rows that name them: {name: bytes} for public and private."""
    public, secret, rows = {}, {}, []
    for index in range(IMAGES):
        public[image_name(index)] = image(index)
        row = {"title": f"Old upload {index}", "image": image_name(index)}
        row |= {"attachment": "", "attachment_name": ""}
        if index < ATTACHMENTS:
            secret[attachment_name(index)] = pdf(index)
            row |= {"attachment": attachment_name(index), "attachment_name": f"März {index}.pdf"}
        rows.append(row)
    for index in range(UNREFERENCED):  # files no row names: copied all the same
        extension = ["txt", "css", "json", "dat"][index % 4]
        public[f"cache/thumbs/{index % 7}/t {index}.{extension}"] = f"extra {index}\n".encode()
    for folder, files in ((media, public), (private, secret)):
        for name, data in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    return public, secret, rows


def move(project, *args, check=True, **env):
    return project.manage("move_media", *args, settings="prod", check=check, **env)


def summary(result):
    copied, skipped, failed = map(int, SUMMARY.search(result.stdout).groups())
    return copied, skipped, failed


def objects(s3, bucket):
    return set(s3.keys(bucket))


def aside(project, folder):
    """The project moved into `folder` (make_project copies every project to one place)."""
    folder.mkdir()
    path = shutil.move(project.path, folder / project.slug)
    return Project(path, project.combo, project.line, project.services_env, project.prod_env)


@pytest.fixture
def moved(make_project, tmp_path):
    """The local project's database and folders, and the S3 project pointed at them."""
    local = aside(make_project(BEFORE), tmp_path / "before")
    s3 = make_project(AFTER)  # the same project regenerated with media_files=s3
    assert local.slug == s3.slug

    media, private, database = tmp_path / "media", tmp_path / "private", tmp_path / "db.sqlite3"
    paths = {"DJANGO_MEDIA_ROOT": media, "DJANGO_PRIVATE_MEDIA_ROOT": private}
    paths["DJANGO_SQLITE_PATH"] = database
    local.migrate(**paths)
    add_users(local, "alice", "bob", **paths)
    public, secret, rows = make_before(media, private)
    (tmp_path / "rows.json").write_text(json.dumps(rows))
    script = MAKE_ROWS.format(slug=local.slug, rows=str(tmp_path / "rows.json"))
    local.manage("shell", "-c", script, settings="prod", **paths)

    s3.prod_env["DJANGO_SQLITE_PATH"] = str(database)
    sources = ["--from-media", media, "--from-private", private]
    return s3, sources, (media, public), (private, secret), rows


def test_move_interrupted_verified_and_served(
    moved, s3_server, open_browser, tls_certificate, monkeypatch
):
    project, sources, (media, public), (private, secret), rows = moved
    bucket = project.prod_env["DJANGO_S3_BUCKET"]
    total = len(public) + len(secret)
    expected = {f"media/{n}" for n in public} | {f"private/{n}" for n in secret}

    # --dry-run: says what it would do, changes nothing.
    dry = move(project, *sources, "--dry-run")
    assert summary(dry) == (total, 0, 0), dry.stdout
    assert f"public uploads: {len(public)} files in {media} -> s3://{bucket}/media/" in dry.stdout
    assert (
        f"private uploads: {len(secret)} files in {private} -> s3://{bucket}/private/" in dry.stdout
    )
    assert not objects(s3_server, bucket)

    # First run, through a link with 50 ms of round trip and 4 at a time so that it takes a
    # few seconds; killed (SIGKILL) once the bucket holds some of the files.
    port = int(s3_server.endpoint.rsplit(":", 1)[1])
    with TcpProxy(port, rtt=0.05, record=False) as proxy:
        env = project.env("prod", DJANGO_S3_ENDPOINT_URL=proxy.url)
        command = [project.python, "manage.py", "move_media", *map(str, sources), "--jobs", "4"]
        process = subprocess.Popen(
            command, cwd=project.path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 120
        while len(objects(s3_server, bucket)) < 40:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
        time.sleep(1)  # what the proxy still held reaches the server
    first = objects(s3_server, bucket)
    assert first < expected and 40 <= len(first) < total
    missing_after_first = len(expected - first)

    # Second run: copies what was missing, nothing else; the end state is complete.
    second = move(project, *sources)
    copied, skipped, failed = summary(second)
    assert (copied, skipped, failed) == (missing_after_first, len(first), 0), second.stdout
    assert objects(s3_server, bucket) == expected
    assert "files/s" in second.stderr and "s left" in second.stderr  # progress
    # A third run copies nothing.
    assert summary(move(project, *sources)) == (0, total, 0)
    print(
        f"\ninterrupted run: copied {len(first)} of {total}, {missing_after_first} missing; "
        f"second run: copied {copied}, skipped {skipped}, "
        f"{len(expected - objects(s3_server, bucket))} missing"
    )

    # Every object has the bytes, type and headers an upload through the app would get;
    # anonymous visitors read public ones (media/) and never private ones (private/).
    client = s3_server.client()
    for prefix, files in (("media", public), ("private", secret)):
        for name, data in files.items():
            head = client.head_object(Bucket=bucket, Key=f"{prefix}/{name}")
            assert head["ETag"].strip('"') == hashlib.md5(data).hexdigest(), name
            assert head["ContentType"] == (
                mimetypes.guess_type(name)[0] or "application/octet-stream"
            ), name
            cache = head.get("CacheControl")
            assert cache == ("public, max-age=86400" if prefix == "media" else None), name
    for prefix, files in (("media", public), ("private", secret)):
        name, data = next(iter(files.items()))
        anonymous = requests.get(
            f"{bucket_url(project)}/{prefix}/{requests.utils.quote(name)}", timeout=30
        )
        if prefix == "media":
            assert anonymous.status_code == 200 and anonymous.content == data
        else:
            assert anonymous.status_code == 403 and data not in anonymous.content

    # --verify names a file that a row refers to and the bucket lacks, by model, field, row.
    assert "0 missing" in move(project, "--verify", *sources).stdout
    lost_image, lost_attachment = rows[7]["image"], rows[8]["attachment"]
    client.delete_object(Bucket=bucket, Key=f"media/{lost_image}")
    client.delete_object(Bucket=bucket, Key=f"private/{lost_attachment}")
    verify = move(project, "--verify", *sources, check=False)
    assert verify.returncode != 0
    lines = [line for line in verify.stdout.splitlines() if line.startswith("missing:")]
    assert len(lines) == 2, verify.stdout
    assert (
        f"uploads.Upload.image of row 8: {lost_image} (in the source folder)" in lines[0] + lines[1]
    )
    assert f"uploads.Upload.attachment of row 9: {lost_attachment}" in lines[0] + lines[1]
    assert (
        f"Checked {IMAGES + ATTACHMENTS} files named in the database: 2 missing." in verify.stdout
    )
    assert summary(move(project, *sources)) == (2, total - 2, 0)
    assert "0 missing" in move(project, "--verify", *sources).stdout

    # The app with S3 settings serves every old upload.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_certificate.cert))
    project.deploy()
    with gunicorn(project, tls=tls_certificate) as app:
        url = app.url
        browser = open_browser(ignore_https_errors=True)
        browser.goto(f"{url}/uploads/")
        widths = browser.evaluate(
            """() => Promise.all([...document.querySelectorAll('ul.uploads img')].map(image =>
                image.complete ? [image.alt, image.src, image.naturalWidth] : new Promise(done => {
                    image.onload = image.onerror = () =>
                        done([image.alt, image.src, image.naturalWidth]); })))"""
        )
        assert len(widths) == IMAGES
        for alt, src, natural in widths:
            index = int(alt.removeprefix("Old upload "))
            assert src.startswith(f"{bucket_url(project)}/media/"), src
            assert natural == width(index), (alt, src, browser.report())
        browser.assert_no_failed_requests()
        browser.screenshot("moved-uploads")

        (alice, bob), anonymous = log_in(url, "alice", "bob"), Visitor(url)
        for index in (0, 1, ATTACHMENTS - 1):
            link = f"/uploads/{index + 1}/attachment/"
            signed = alice.get(link)
            assert signed.status_code == 302, signed.text[:500]
            assert requests.get(signed.headers["Location"], timeout=30).content == pdf(index)
            assert bob.get(link).status_code == 403
            refused = anonymous.get(link)
            assert refused.status_code == 302
            assert refused.headers["Location"].startswith("/accounts/login/")

    # Nothing was deleted from the source folders.
    for folder, files in ((media, public), (private, secret)):
        assert {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} == set(files)
