"""A Docker render's image, built with buildah from its Dockerfile and run from that image on
127.0.0.1, for the defaults and for nginx + S3 + PostgreSQL: Django's deployment checklist
passes inside it, the app runs as an unprivileged user, hashed static files are served as
immutable (by WhiteNoise from the image, or from the bucket compose's release service fills),
an upload lands in the media volume owned by the app's user (or in the bucket) and outlives
the container, and no layer holds the build folder's .env. And the Apache image compose.yaml
builds accepts the site."""

import io
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml
from PIL import Image

from tests.support import containers
from tests.support.processes import free_port
from tests.support.template import DEFAULTS, combo_id

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("docker_image")]

DEFAULT = {**DEFAULTS, "container": "docker"}
NGINX_S3_POSTGRESQL = {
    **DEFAULT,
    "web_server": "nginx",
    "static_files": "s3",
    "media_files": "s3",
    "database": "postgresql",
}
CASES = [pytest.param(combo, id=combo_id(combo)) for combo in (DEFAULT, NGINX_S3_POSTGRESQL)]
LOCAL_MEDIA = [case for case in CASES if case.values[0]["media_files"] == "local"]
S3_MEDIA = [case for case in CASES if case.values[0]["media_files"] == "s3"]

APP_UID = 10001
HOST = "example.com"
# What the web server in front sends: the site's name, and that the request came over HTTPS.
HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}
HASHED_CSS = re.compile(r'(?:https?://[^"\' ]+)?/static/css/site\.[0-9a-f]{12}\.css')


@dataclass
class Built:
    combo: dict
    project: Path
    tag: str
    # The production environment: what .env and compose.yaml give the app's containers.
    env: dict = field(default_factory=dict)
    bucket: str | None = None

    def release(self):
        """compose.yaml's release service: its command, as written there."""
        compose = yaml.safe_load((self.project / "compose.yaml").read_text())
        return compose["services"]["release"]["command"]


@pytest.fixture(scope="module")
def built(request, rendered, tmp_path_factory):
    """The image of a Docker render, built once per combination; the build folder holds a
    .env, as a server's checkout does."""
    combo = request.param
    folder = tmp_path_factory.mktemp("docker-build")
    project = shutil.copytree(rendered(combo), folder / "my_project")
    (project / ".env").write_text("DJANGO_SECRET_KEY=the-build-folders-secret\n")
    containers.base_image()
    tag = f"test-{project.name}-{secrets.token_hex(4)}"
    containers.build(project, tag)
    image = Built(combo, project, tag)
    image.env = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": HOST}
    if combo["database"] == "postgresql":
        image.env["DATABASE_URL"] = request.getfixturevalue("postgres").create_database()
    if "s3" in (combo["static_files"], combo["media_files"]):
        s3 = request.getfixturevalue("s3_server")
        image.bucket = s3.new_bucket()
        image.env.update(s3.env(image.bucket))
    yield image
    containers.remove_image(tag)


@pytest.fixture
def container(built):
    made = []

    def make(volumes=(), port=None):
        # The one change to how the image runs: on a free port of 127.0.0.1 instead of the
        # container's 0.0.0.0:8000 (gunicorn reads GUNICORN_CMD_ARGS after its config file).
        bind = {"GUNICORN_CMD_ARGS": f"--bind=127.0.0.1:{port}"} if port else {}
        made.append(containers.Container(built.tag, volumes, env={**built.env, **bind}))
        return made[-1]

    yield make
    for each in made:
        each.remove()


@pytest.mark.parametrize("built", CASES, indirect=True)
def test_deployment_checklist_passes_inside_the_image(container):
    result = container().run("python", "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in result.stdout + result.stderr


@pytest.mark.parametrize("built", CASES, indirect=True)
def test_no_layer_holds_the_build_folders_env_file(built):
    assert (built.project / ".env").is_file()
    assert containers.image_layers_hold(built.tag, ".env") == []


@pytest.mark.parametrize("built", CASES, indirect=True)
def test_the_app_answers_as_its_own_user_and_serves_immutable_static_files(
    built, container, tmp_path
):
    port = free_port()
    app = container(port=port)
    app.run(*built.release())
    with app.serving(port, tmp_path / "gunicorn.log") as process:
        home = requests.get(f"http://127.0.0.1:{port}/", headers=HEADERS, timeout=10)
        css = HASHED_CSS.search(home.text)[0]
        if css.startswith("/"):  # WhiteNoise, in the app
            static = requests.get(f"http://127.0.0.1:{port}{css}", headers=HEADERS, timeout=10)
        else:  # the bucket
            static = requests.get(css, timeout=10)
        workers = containers.users_of(process, "gunicorn")
        # The image's own HEALTHCHECK, against this server's port.
        check = [part.replace("8000", str(port)) for part in containers.healthcheck(built.tag)]
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


def upload_then_list_from_a_new_container(built, container, tmp_path, volumes=()):
    port = free_port()
    app = container(volumes, port)
    app.run(*built.release())
    with app.serving(port, tmp_path / "first.log"):
        posted = upload_an_image(port, "survivor")
    assert posted.status_code == 302, posted.text[:2000]
    # A new container from the same image (on the same volumes), on a port of its own: the
    # first one's may still be closing.
    port = free_port()
    again = container(volumes, port)
    with again.serving(port, tmp_path / "second.log"):
        return requests.get(f"http://127.0.0.1:{port}/uploads/", headers=HEADERS, timeout=10)


@pytest.mark.parametrize("built", LOCAL_MEDIA, indirect=True)
def test_an_upload_lands_in_the_media_volume_and_outlives_the_container(built, container, tmp_path):
    # Named volumes as Docker makes them: copies of the image's folders, owner included.
    media_root, data_root = "/var/www/my_project/media", "/var/lib/my_project"
    first = container()
    media = containers.new_volume(first, media_root, tmp_path / "media")
    data = containers.new_volume(first, data_root, tmp_path / "data")
    volumes = [(media, media_root), (data, data_root)]

    listed = upload_then_list_from_a_new_container(built, container, tmp_path, volumes)

    (stored,) = media.rglob("*.png")
    assert stored.stat().st_uid == APP_UID
    assert "survivor" in listed.text and stored.name in listed.text


@pytest.mark.parametrize("built", S3_MEDIA, indirect=True)
def test_an_upload_lands_in_the_bucket_and_outlives_the_container(
    built, container, tmp_path, s3_server
):
    listed = upload_then_list_from_a_new_container(built, container, tmp_path)

    (stored,) = [key for key in s3_server.keys(built.bucket, "media/") if key.endswith(".png")]
    assert "survivor" in listed.text and Path(stored).name in listed.text


def test_the_apache_image_accepts_the_site(rendered, tmp_path, tls_certificate):
    """compose.yaml's apache service: deploy/apache/Dockerfile built from a local
    debian:bookworm-slim, with the site and a certificate mounted where compose mounts them.
    Apache's own configuration test passes: every module the site uses is enabled."""
    project = rendered({**DEFAULT, "web_server": "apache", "static_files": "web_server"})
    containers.debian_image()
    tag = f"test-apache-{secrets.token_hex(4)}"
    containers.build(project / "deploy" / "apache", tag)
    letsencrypt = tmp_path / "letsencrypt"  # what certbot keeps on the host
    (letsencrypt / "live" / HOST).mkdir(parents=True)
    shutil.copy(tls_certificate.cert, letsencrypt / "live" / HOST / "fullchain.pem")
    shutil.copy(tls_certificate.key, letsencrypt / "live" / HOST / "privkey.pem")
    service = yaml.safe_load((project / "compose.yaml").read_text())["services"]["apache"]
    mounts = []  # the service's bind mounts, as compose.yaml writes them
    for volume in service["volumes"]:
        source, inside = volume.split(":")[:2]
        if source.startswith(("./", "/")):  # named volumes hold no configuration
            mounts.append((project / source if source.startswith("./") else letsencrypt, inside))
    assert len(mounts) == 2, mounts  # the site and the certificates
    apache = containers.Container(tag, mounts)
    try:
        result = apache.run("apache2ctl", "-t", check=False)
    finally:
        apache.remove()
        containers.remove_image(tag)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Syntax OK" in result.stderr
