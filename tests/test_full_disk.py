"""Uploads on a full disk: with MEDIA_ROOT and the private folder on a small filesystem (a tmpfs
this module mounts), behind nginx and gunicorn with the production settings, an upload that
fills the disk mid-write gets the form again with a message that says so (507), and leaves
no partial file, no row, and the files already there as they were; once there is room, the
same upload is stored. Public images and private attachments, small ones (which Django keeps
in memory) and large ones (which it writes to a temporary file first)."""

import html
import os
from dataclasses import dataclass
from io import BytesIO

import pytest
from PIL import Image

from tests.support.app_servers import gunicorn
from tests.support.browsing import png_bytes
from tests.support.deployment import Deployment, new_deployment, trusting
from tests.support.small_disk import filled, small_disk
from tests.support.stored_uploads import (
    assert_nothing_lost_nothing_orphaned,
    digest,
    files_on_disk,
    upload_rows,
)
from tests.support.users import add_users, log_in
from tests.support.web_servers import web_server

pytestmark = pytest.mark.slow

# Django keeps an upload in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB, its default)
# of request body; a larger one goes to a temporary file that the storage then moves.
SIZES = {"small": 256 * 1024, "large": 3 * 1024 * 1024}
MAX_UPLOAD_SIZE = 8 * 1024 * 1024
DISK = "8m"
MESSAGE = "The upload could not be stored: the server's disk is full."


def noise_png(size):
    """A valid PNG of about `size` bytes: random pixels do not compress."""
    side = int((size / 3) ** 0.5)
    buffer = BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Site:
    project: object
    deployment: Deployment
    env: dict
    disk: object  # the tmpfs's root
    visitor: object  # alice, logged in

    def rows(self):
        return upload_rows(self.project, **self.env)

    def files(self):
        return {
            "media": files_on_disk(self.deployment.media_root),
            "private": files_on_disk(self.deployment.private_media_root),
        }

    def assert_consistent(self):
        files = self.files()
        assert_nothing_lost_nothing_orphaned(self.rows(), files["media"], files["private"])
        return files


@pytest.fixture
def site(make_project, tls_certificate, tmp_path):
    """The default project behind nginx, its uploads on one small disk of their own, alice
    logged in, one upload of hers (an image and an attachment) already there."""
    project = make_project({"web_server": "nginx", "media_files": "local", "example_app": "yes"})
    with (
        new_deployment(tmp_path / "server", tls_certificate) as deployment,
        small_disk(DISK, deployment.media_root, deployment.private_media_root) as disk,
        trusting(tls_certificate),
    ):
        site_config, env = deployment.install(project, max_upload_size=MAX_UPLOAD_SIZE)
        add_users(project, "alice", **env)
        with (
            web_server("nginx", site_config, deployment),
            gunicorn(project, socket=deployment.socket, **env),
        ):
            (alice,) = log_in(deployment.url, "alice")
            alice.upload(
                "Already there", png_bytes(), ("kept.pdf", b"%PDF kept", "application/pdf")
            )
            yield Site(project, deployment, env, disk, alice)


def post(site, title, kind, size):
    """Alice's upload: an image of `size`, or a small image and an attachment of `size`."""
    if kind == "image":
        image, attachment = noise_png(size), None
    else:
        image, attachment = png_bytes(), os.urandom(size)
    files = {"image": ("photo.png", image, "image/png")}
    if attachment:
        files["attachment"] = ("report.pdf", attachment, "application/pdf")
    response = site.visitor.post_form("/uploads/new/", {"title": title}, files)
    return response, image, attachment


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", ["image", "attachment"])
def test_an_upload_that_fills_the_disk_is_refused_whole(site, kind, size):
    title = f"{kind}, {size}"
    rows_before = site.rows()
    files_before = site.assert_consistent()
    # Room for half of it: the write starts, then the disk is full.
    with filled(site.disk, leave=SIZES[size] // 2):
        refused, _, _ = post(site, title, kind, SIZES[size])
        rows_after, files_after = site.rows(), site.files()

    assert refused.status_code == 507, refused.text[:2000]
    assert MESSAGE in html.unescape(refused.text)
    assert 'name="title"' in refused.text  # the form again, to send once there is room
    # No row, no partial file, and every file already there has its bytes.
    assert rows_after == rows_before
    assert files_after == files_before

    stored, image, attachment = post(site, title, kind, SIZES[size])

    assert stored.status_code == 302, stored.text[:2000]
    files = site.assert_consistent()
    (row,) = [row for row in site.rows() if row["title"] == title]
    assert files["media"][row["image"]] == digest(image)
    if attachment:
        assert files["private"][row["attachment"]] == digest(attachment)
    for folder, before in files_before.items():  # and those already there are unchanged
        assert {name: files[folder].get(name) for name in before} == before
