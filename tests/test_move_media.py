"""Moving a project's uploads from local disk to S3 (SeaweedFS) with `manage.py move_media`.

The "before" is a project generated with media_files=local that has run for a while: a
SQLite database whose example-app rows name a few hundred files on disk, under names with
spaces, non-ASCII letters and nested folders, public images and private attachments, plus
files no row names. The "after" is the same project (same slug) regenerated with
media_files=s3, pointed at that database and those folders. The move is killed part-way
(SIGKILL) and run again; then a file is removed from the bucket and --verify must name it;
then the app with S3 settings serves every old upload, in Chromium and to its readers only.

That scenario runs once (the module-scoped fixture `moved`); each test checks one thing it saw.
"""

import hashlib
import io
import json
import mimetypes
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.support.app_servers import gunicorn
from tests.support.browser import chromium
from tests.support.browsing import Visitor
from tests.support.deployment import trusting
from tests.support.project import Project
from tests.support.s3 import bucket_url
from tests.support.tcp_proxy import TcpProxy
from tests.support.users import add_users, log_in

# One group: with --dist loadgroup, pytest-xdist runs every test of the scenario on one worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("move_media")]

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


@dataclass
class Move:
    """The S3 project pointed at the local one's database and folders, and what the scenario
    saw, phase by phase."""

    project: Project
    media: Path
    public: dict  # name -> bytes, in `media`
    private: Path
    secret: dict  # name -> bytes, in `private`
    rows: list
    # --dry-run, a move killed part-way, a second and a third run: each run's output, and
    # the keys in the bucket after it
    dry: subprocess.CompletedProcess = None
    after_dry: set = None
    after_kill: set = None
    second: subprocess.CompletedProcess = None
    after_second: set = None
    third: subprocess.CompletedProcess = None
    # --verify; two objects lost, --verify, a move and --verify again
    verified: subprocess.CompletedProcess = None
    lost_image: str = None
    lost_attachment: str = None
    verify_after_loss: subprocess.CompletedProcess = None
    move_after_loss: subprocess.CompletedProcess = None
    verified_again: subprocess.CompletedProcess = None
    # The app with S3 settings: the list page in Chromium, each reader's attachments
    images: list = None  # [alt, src, naturalWidth] of each image on the page
    failed_requests: list = None
    browser_report: str = None
    attachments: list = None  # (index, alice's, what her link gave, bob's, anonymous's)

    @property
    def sources(self):
        return ["--from-media", self.media, "--from-private", self.private]

    @property
    def bucket(self):
        return self.project.prod_env["DJANGO_S3_BUCKET"]

    @property
    def total(self):
        return len(self.public) + len(self.secret)

    @property
    def expected(self):
        """Every key the bucket holds once all is copied."""
        return {f"media/{n}" for n in self.public} | {f"private/{n}" for n in self.secret}

    def run(self, *args, check=True):
        return move(self.project, *args, *self.sources, check=check)


def before_and_after(make_project, folder):
    """The local project's database and folders, and the S3 project pointed at them."""
    local = make_project(BEFORE)
    s3 = make_project(AFTER)  # the same project regenerated with media_files=s3
    assert local.slug == s3.slug

    media, private, database = folder / "media", folder / "private", folder / "db.sqlite3"
    paths = {"DJANGO_MEDIA_ROOT": media, "DJANGO_PRIVATE_MEDIA_ROOT": private}
    paths["DJANGO_SQLITE_PATH"] = database
    local.migrate(**paths)
    add_users(local, "alice", "bob", **paths)
    public, secret, rows = make_before(media, private)
    (folder / "rows.json").write_text(json.dumps(rows))
    script = MAKE_ROWS.format(slug=local.slug, rows=str(folder / "rows.json"))
    local.manage("shell", "-c", script, settings="prod", **paths)

    s3.prod_env["DJANGO_SQLITE_PATH"] = str(database)
    return Move(s3, media, public, private, secret, rows)


def kill_part_way(moved, s3_server):
    """A move through a link with 50 ms of round trip and 4 at a time, so that it takes a few
    seconds; killed (SIGKILL) once the bucket holds some of the files."""
    project = moved.project
    port = int(s3_server.endpoint.rsplit(":", 1)[1])
    with TcpProxy(port, rtt=0.05, record=False) as proxy:
        env = project.env("prod", DJANGO_S3_ENDPOINT_URL=proxy.url)
        command = [project.python, "manage.py", "move_media", *map(str, moved.sources)]
        process = subprocess.Popen(
            [*command, "--jobs", "4"],
            cwd=project.path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while len(objects(s3_server, moved.bucket)) < 40:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
        time.sleep(1)  # what the proxy still held reaches the server


def copy_with_an_interruption(moved, s3_server):
    moved.dry = moved.run("--dry-run")
    moved.after_dry = objects(s3_server, moved.bucket)
    kill_part_way(moved, s3_server)
    moved.after_kill = objects(s3_server, moved.bucket)
    moved.second = moved.run()
    moved.after_second = objects(s3_server, moved.bucket)
    moved.third = moved.run()
    copied, skipped, _ = summary(moved.second)
    print(
        f"\ninterrupted run: copied {len(moved.after_kill)} of {moved.total}, "
        f"{len(moved.expected - moved.after_kill)} missing; second run: copied {copied}, "
        f"skipped {skipped}, {len(moved.expected - moved.after_second)} missing"
    )


def lose_two_and_verify(moved, s3_server):
    moved.verified = moved.run("--verify")
    moved.lost_image, moved.lost_attachment = moved.rows[7]["image"], moved.rows[8]["attachment"]
    client = s3_server.client()
    client.delete_object(Bucket=moved.bucket, Key=f"media/{moved.lost_image}")
    client.delete_object(Bucket=moved.bucket, Key=f"private/{moved.lost_attachment}")
    moved.verify_after_loss = moved.run("--verify", check=False)
    moved.move_after_loss = moved.run()
    moved.verified_again = moved.run("--verify")


def serve(moved, browser, certificate):
    moved.project.deploy()
    with gunicorn(moved.project, tls=certificate) as app:
        browser.goto(f"{app.url}/uploads/")
        moved.images = browser.evaluate(
            """() => Promise.all([...document.querySelectorAll('ul.uploads img')].map(image =>
                image.complete ? [image.alt, image.src, image.naturalWidth] : new Promise(done => {
                    image.onload = image.onerror = () =>
                        done([image.alt, image.src, image.naturalWidth]); })))"""
        )
        moved.failed_requests, moved.browser_report = browser.problems(), browser.report()
        browser.screenshot("moved-uploads")

        (alice, bob), anonymous = log_in(app.url, "alice", "bob"), Visitor(app.url)
        moved.attachments = []
        for index in (0, 1, ATTACHMENTS - 1):
            link = f"/uploads/{index + 1}/attachment/"
            signed = alice.get(link)
            location = signed.headers.get("Location")
            got = requests.get(location, timeout=30).content if location else None
            moved.attachments.append((index, signed, got, bob.get(link), anonymous.get(link)))


@pytest.fixture(scope="module")
def moved(make_project, s3_server, playwright, tls_certificate, tmp_path_factory):
    """The whole scenario, once: copy with an interruption, verify after a loss, serve."""
    folder = tmp_path_factory.mktemp("move_media")
    moved = before_and_after(make_project, folder)
    copy_with_an_interruption(moved, s3_server)
    lose_two_and_verify(moved, s3_server)
    with (
        trusting(tls_certificate),
        chromium(
            playwright, folder / "chromium", "move_media", ignore_https_errors=True
        ) as browser,
    ):
        serve(moved, browser, tls_certificate)
    return moved


def test_a_dry_run_says_what_it_would_copy_and_copies_nothing(moved):
    dry, bucket = moved.dry, moved.bucket
    assert summary(dry) == (moved.total, 0, 0), dry.stdout
    assert (
        f"public uploads: {len(moved.public)} files in {moved.media} -> s3://{bucket}/media/"
        in dry.stdout
    )
    assert (
        f"private uploads: {len(moved.secret)} files in {moved.private} -> s3://{bucket}/private/"
        in dry.stdout
    )
    assert not moved.after_dry


def test_a_killed_move_has_copied_part_of_the_files(moved):
    first = moved.after_kill
    assert first < moved.expected and 40 <= len(first) < moved.total


def test_the_next_run_copies_what_was_missing_and_nothing_else(moved):
    first = moved.after_kill
    missing = len(moved.expected - first)
    assert summary(moved.second) == (missing, len(first), 0), moved.second.stdout
    assert moved.after_second == moved.expected
    assert "files/s" in moved.second.stderr and "s left" in moved.second.stderr  # progress


def test_a_run_after_a_complete_one_copies_nothing(moved):
    assert summary(moved.third) == (0, moved.total, 0)


def test_each_object_has_the_bytes_type_and_cache_header_an_upload_would_get(moved, s3_server):
    client = s3_server.client()
    for prefix, files in (("media", moved.public), ("private", moved.secret)):
        for name, data in files.items():
            head = client.head_object(Bucket=moved.bucket, Key=f"{prefix}/{name}")
            assert head["ETag"].strip('"') == hashlib.md5(data).hexdigest(), name
            assert head["ContentType"] == (
                mimetypes.guess_type(name)[0] or "application/octet-stream"
            ), name
            cache = head.get("CacheControl")
            assert cache == ("public, max-age=86400" if prefix == "media" else None), name


def test_anonymous_visitors_read_public_objects_and_never_private_ones(moved):
    for prefix, files in (("media", moved.public), ("private", moved.secret)):
        name, data = next(iter(files.items()))
        anonymous = requests.get(
            f"{bucket_url(moved.project)}/{prefix}/{requests.utils.quote(name)}", timeout=30
        )
        if prefix == "media":
            assert anonymous.status_code == 200 and anonymous.content == data
        else:
            assert anonymous.status_code == 403 and data not in anonymous.content


def test_verify_names_a_file_a_row_refers_to_and_the_bucket_lacks(moved):
    """By model, field and row."""
    assert "0 missing" in moved.verified.stdout
    verify = moved.verify_after_loss
    assert verify.returncode != 0
    lines = [line for line in verify.stdout.splitlines() if line.startswith("missing:")]
    assert len(lines) == 2, verify.stdout
    assert (
        f"uploads.Upload.image of row 8: {moved.lost_image} (in the source folder)"
        in lines[0] + lines[1]
    )
    assert f"uploads.Upload.attachment of row 9: {moved.lost_attachment}" in lines[0] + lines[1]
    assert (
        f"Checked {IMAGES + ATTACHMENTS} files named in the database: 2 missing." in verify.stdout
    )


def test_a_move_after_verify_copies_the_lost_files(moved):
    assert summary(moved.move_after_loss) == (2, moved.total - 2, 0)
    assert "0 missing" in moved.verified_again.stdout


def test_the_app_shows_every_moved_image_from_the_bucket(moved):
    assert len(moved.images) == IMAGES
    for alt, src, natural in moved.images:
        index = int(alt.removeprefix("Old upload "))
        assert src.startswith(f"{bucket_url(moved.project)}/media/"), src
        assert natural == width(index), (alt, src, moved.browser_report)
    assert not moved.failed_requests, moved.browser_report


def test_a_moved_attachment_reaches_its_uploader_only(moved):
    for index, signed, got, bob, anonymous in moved.attachments:
        assert signed.status_code == 302, signed.text[:500]
        assert got == pdf(index)
        assert bob.status_code == 403
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"].startswith("/accounts/login/")


def test_nothing_is_deleted_from_the_source_folders(moved):
    for folder, files in ((moved.media, moved.public), (moved.private, moved.secret)):
        assert {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} == set(files)
