"""S3 down: uploads in S3 (a SeaweedFS server of this test's own), gunicorn with the production
settings. With the S3 service stopped, the pages that do not need the bucket still answer,
an upload gets the error page and leaves nothing half-saved; once the service is back, the
next upload is stored, without restarting gunicorn. Every row's objects are in the bucket,
and every object under media/ and private/ is some row's."""

import shutil

import pytest
import requests

from tests.support.app_servers import gunicorn
from tests.support.browsing import PDF, PDF_NAME, png_bytes
from tests.support.project import Project
from tests.support.s3_outage import stoppable_seaweedfs
from tests.support.stored_uploads import assert_nothing_lost_nothing_orphaned, upload_rows
from tests.support.template import DEFAULTS
from tests.support.users import add_users, log_in

pytestmark = pytest.mark.slow

COMBO = {
    **DEFAULTS,
    "web_server": "none",
    "static_files": "whitenoise",
    "media_files": "s3",
    "example_app": "yes",
}


def stored(server, bucket, prefix):
    """The names under `prefix` (media/, private/) as the storage names them."""
    return [key.removeprefix(prefix) for key in server.keys(bucket, prefix)]


def assert_rows_match_the_bucket(project, server, bucket):
    rows = upload_rows(project)
    images, attachments = stored(server, bucket, "media/"), stored(server, bucket, "private/")
    assert_nothing_lost_nothing_orphaned(rows, images, attachments)
    return rows


def test_while_s3_is_down_uploads_fail_cleanly_and_work_again_once_it_is_back(
    rendered, tls_certificate, monkeypatch, tmp_path
):
    source = rendered(COMBO)
    project = Project(shutil.copytree(source, tmp_path / source.name, symlinks=True), COMBO)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_certificate.cert))
    photo = ("photo.png", png_bytes(), "image/png")
    report = (PDF_NAME, PDF, "application/pdf")

    with stoppable_seaweedfs(tmp_path / "seaweedfs") as weed:
        bucket = weed.server.new_bucket()
        project.prod_env.update(weed.server.env(bucket))
        project.deploy()
        add_users(project, "alice")
        with gunicorn(project, tls=tls_certificate) as app:
            (alice,) = log_in(app.url, "alice")
            first = alice.post_form("/uploads/new/", {"title": "Before"}, {"image": photo})
            rows_before = assert_rows_match_the_bucket(project, weed.server, bucket)

            weed.stop()
            pages = {path: alice.get(path) for path in ("/", "/uploads/")}
            pages["/accounts/login/"] = requests.get(f"{app.url}/accounts/login/", timeout=30)
            files = {"image": photo, "attachment": report}
            failed = alice.post_form("/uploads/new/", {"title": "While down"}, files)
            rows_while_down = upload_rows(project)

            weed.start()
            after = alice.post_form("/uploads/new/", {"title": "After"}, files)
            rows = assert_rows_match_the_bucket(project, weed.server, bucket)
            image = requests.get(f"{weed.server.endpoint}/{bucket}/media/{rows[-1]['image']}")

    assert first.status_code == 302, first.text[:2000]
    for path, page in pages.items():
        assert page.status_code == 200, (path, page.text[:2000])
    # The plain error page, answered by the app (not a worker killed while it waited).
    assert failed.status_code == 500
    assert "Server Error (500)" in failed.text
    assert "Traceback" not in failed.text and "botocore" not in failed.text
    assert rows_while_down == rows_before  # nothing half-saved: no row (and no object, above)
    assert after.status_code == 302, after.text[:2000]
    assert [row["title"] for row in rows] == ["Before", "After"]
    assert rows[-1]["attachment"]
    assert image.status_code == 200 and image.content == png_bytes()
