"""Development serving for real: runserver serves static and media; DEBUG off serves no media."""

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
    project.manage("migrate", "--noinput", settings="prod")
    project.manage("collectstatic", "--noinput", settings="prod")
    image = png_bytes()

    with runserver(project, "prod") as url:
        posted = upload_image(url, image, headers=HTTPS_PROXY_HEADERS)
        (media_url,) = image_urls(url, headers=HTTPS_PROXY_HEADERS)
        media = requests.get(f"{url}{media_url}", headers=HTTPS_PROXY_HEADERS, timeout=10)

    assert posted.status_code == 302, posted.text[:2000]
    # Stored where production keeps uploads, but not served: that is the web server's job.
    assert (project.var / "media" / media_url.removeprefix("/media/")).read_bytes() == image
    assert media.status_code == 404
