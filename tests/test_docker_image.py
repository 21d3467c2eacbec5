"""A Docker render's image, built with buildah from its Dockerfile and run from that image on
127.0.0.1: Django's deployment checklist passes inside it, the app runs as an unprivileged user,
WhiteNoise serves hashed static files as immutable from the image, uploads land in the media
volume owned by the app's user and outlive the container, and no layer holds the build
folder's .env."""

import io
import re
import secrets
import shutil

import pytest
import requests
from PIL import Image

from tests.support import containers
from tests.support.processes import free_port
from tests.support.template import DEFAULTS

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("docker_image")]

COMBO = {**DEFAULTS, "container": "docker"}
APP_UID = 10001
HOST = "example.com"
# What a web server in front sends: the site's name, and that the request came over HTTPS.
HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def image(rendered, tmp_path_factory):
    """The image of the default Docker render, built once for the module; the build folder
    holds a .env, as a server's checkout does."""
    folder = tmp_path_factory.mktemp("docker-build")
    project = shutil.copytree(rendered(COMBO), folder / "my_project")
    (project / ".env").write_text("DJANGO_SECRET_KEY=the-build-folders-secret\n")
    containers.base_image()
    tag = f"test-{project.name}-{secrets.token_hex(4)}"
    containers.build(project, tag)
    yield tag
    containers.remove_image(tag)


@pytest.fixture
def container(image):
    made = []

    def make(volumes=(), port=None):
        # The one change to how the image runs: on a free port of 127.0.0.1 instead of the
        # container's 0.0.0.0:8000 (gunicorn reads GUNICORN_CMD_ARGS after its config file).
        bind = {"GUNICORN_CMD_ARGS": f"--bind=127.0.0.1:{port}"} if port else {}
        made.append(containers.Container(image, volumes, env={**ENV, **bind}))
        return made[-1]

    yield make
    for each in made:
        each.remove()


ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": HOST,
}


def test_deployment_checklist_passes_inside_the_image(container):
    result = container().run("python", "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in result.stdout + result.stderr


def test_no_layer_holds_the_build_folders_env_file(image):
    assert containers.image_layers_hold(image, ".env") == []


def test_the_app_answers_as_its_own_user_and_serves_immutable_static_files(
    container, image, tmp_path
):
    port = free_port()
    app = container(port=port)
    with app.serving(port, tmp_path / "gunicorn.log") as process:
        home = requests.get(f"http://127.0.0.1:{port}/", headers=HEADERS, timeout=10)
        css = re.search(r"/static/css/site\.[0-9a-f]{12}\.css", home.text)[0]
        static = requests.get(f"http://127.0.0.1:{port}{css}", headers=HEADERS, timeout=10)
        workers = containers.users_of(process, "gunicorn")
        # The image's own HEALTHCHECK, against this server's port.
        check = [part.replace("8000", str(port)) for part in containers.healthcheck(image)]
        health = app.run(*check, check=False)

    assert home.status_code == 200
    assert workers == {APP_UID}
    assert static.status_code == 200 and b"font-family" in static.content
    assert "immutable" in static.headers["Cache-Control"]
    assert health.returncode == 0, health.stderr


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def upload_an_image(port, title):
    base = f"http://127.0.0.1:{port}"
    form = requests.get(f"{base}/uploads/new/", headers=HEADERS, timeout=10)
    # The CSRF cookie is Secure: a client only sends it back over HTTPS, as the browser does
    # behind the web server.
    token = form.cookies["csrftoken"]
    middleware_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    return requests.post(
        f"{base}/uploads/new/",
        headers={**HEADERS, "Cookie": f"csrftoken={token}", "Origin": f"https://{HOST}"},
        data={"csrfmiddlewaretoken": middleware_token, "title": title},
        files={"image": ("pixel.png", png(), "image/png")},
        allow_redirects=False,
        timeout=10,
    )


def test_an_upload_lands_in_the_media_volume_and_outlives_the_container(container, tmp_path):
    first = container()
    # Named volumes as Docker makes them: copies of the image's folders.
    media = containers.new_volume(first, "/var/www/my_project/media", tmp_path / "media")
    data = containers.new_volume(first, "/var/lib/my_project", tmp_path / "data")
    volumes = [(media, "/var/www/my_project/media"), (data, "/var/lib/my_project")]
    first.remove()

    port = free_port()
    app = container(volumes, port)
    app.run("python", "manage.py", "migrate", "--noinput")  # compose.yaml's release service
    with app.serving(port, tmp_path / "first.log"):
        posted = upload_an_image(port, "survivor")
    stored = [path for path in media.rglob("*.png")]

    assert posted.status_code == 302, posted.text[:2000]
    assert len(stored) == 1 and stored[0].stat().st_uid == APP_UID

    # A new container from the same image, on the same volumes.
    again = container(volumes, port)
    with again.serving(port, tmp_path / "second.log"):
        listed = requests.get(f"http://127.0.0.1:{port}/uploads/", headers=HEADERS, timeout=10)

    assert stored[0].is_file()
    assert "survivor" in listed.text and stored[0].name in listed.text
