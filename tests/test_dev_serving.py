"""Development serving for real: runserver serves static and media; DEBUG off serves no media;
what development writes stays out of git."""

import subprocess
from pathlib import Path

import pytest
import requests

from tests.support import venvs
from tests.support.app_servers import runserver
from tests.support.browsing import HTTPS_PROXY_HEADERS, image_urls, png_bytes, upload_image

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("line", [venvs.OLDEST, venvs.NEWEST])
def test_runserver_serves_static_and_uploaded_media(make_project, line):
    project = make_project(line=line)
    project.manage("migrate", "--noinput")
    image = png_bytes()

    with runserver(project) as url:
        css = requests.get(f"{url}/static/css/site.css", timeout=10)
        posted = upload_image(url, image)
        (media_url,) = image_urls(url)
        media = requests.get(f"{url}{media_url}", timeout=10)

    assert css.status_code == 200
    assert css.content == (project.path / "static/css/site.css").read_bytes()
    assert posted.status_code == 302, posted.text[:2000]
    assert media_url.startswith("/media/uploads/")
    assert media.status_code == 200 and media.content == image
    stored = project.path / "media" / media_url.removeprefix("/media/")
    assert stored.read_bytes() == image


def test_with_debug_off_django_does_not_serve_media(make_project):
    project = make_project()
    project.deploy()
    image = png_bytes()

    with runserver(project, "prod") as url:
        posted = upload_image(url, image, headers=HTTPS_PROXY_HEADERS)
        (media_url,) = image_urls(url, headers=HTTPS_PROXY_HEADERS)
        media = requests.get(f"{url}{media_url}", headers=HTTPS_PROXY_HEADERS, timeout=10)

    assert posted.status_code == 302, posted.text[:2000]
    # Stored where production keeps uploads, but not served: that is the web server's job.
    assert (project.var / "media" / media_url.removeprefix("/media/")).read_bytes() == image
    assert media.status_code == 404


def test_what_development_writes_is_git_ignored(make_project):
    project = make_project()
    printed = project.manage("shell", "-c", (
        "from django.conf import settings as s; from django.core.files.storage import storages; "
        "print(s.MEDIA_ROOT, storages['private'].location, s.DATABASES['default']['NAME'])"
    )).stdout.splitlines()[-1].split()  # fmt: skip
    media, private, database = map(Path, printed)
    subprocess.run(["git", "init", "-q"], cwd=project.path, check=True)
    written = [media / "uploads/photo.png", private / "attachments/report.pdf", database]
    for path in written:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"user data")

    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project.path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    for path in written:
        assert path.is_relative_to(project.path)  # all inside the checkout, so git sees them
        assert str(path.relative_to(project.path)) not in status, status
