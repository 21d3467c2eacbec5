import io
import re
from html import unescape
{%- if cookiecutter.media_files == "local" and cookiecutter.web_server == "apache" %}
from pathlib import Path
{%- endif %}
from urllib.parse import parse_qs, {% if cookiecutter.media_files == "local" and cookiecutter.web_server == "nginx" %}quote, unquote, {% endif %}urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from {{ cookiecutter.project_slug }}.uploads.models import Upload


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def files_under_media_root():
    return sorted(path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file())


def test_uploaded_image_is_stored_and_listed(client, db):
    image = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")

    response = client.post(reverse("uploads:create"), {"title": "A photo", "image": image})

    assert response.status_code == 302
    upload = Upload.objects.get()
    assert upload.image.url.startswith(settings.MEDIA_URL)
    assert (settings.MEDIA_ROOT / upload.image.name).read_bytes() == png_bytes()
    assert upload.image.url in client.get(reverse("uploads:list")).content.decode()


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(client, db):
    before = files_under_media_root()
    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")

    response = client.post(reverse("uploads:create"), {"title": "Fake", "image": fake})

    assert response.status_code == 400
    assert b"Upload a valid image" in response.content
    assert not Upload.objects.exists()
    assert files_under_media_root() == before


def test_an_upload_over_the_limit_gets_413_and_nothing_is_stored(client, db, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    before = files_under_media_root()
    big = SimpleUploadedFile("big.png", b"0" * 4096, content_type="image/png")

    response = client.post(reverse("uploads:create"), {"title": "Big", "image": big})

    assert response.status_code == 413
    assert not Upload.objects.exists()
    assert files_under_media_root() == before


def test_the_413_names_the_limit_in_mib(client, db):
    limit = settings.MAX_UPLOAD_SIZE  # 10485760 bytes, as generated

    response = client.post(
        reverse("uploads:create"), b"0" * (limit + 1), content_type="application/octet-stream"
    )

    assert response.status_code == 413
    assert response.content == b"Upload too large: the limit is 10 MiB."


# Spaces, a non-ASCII letter and quotes: the name must survive the download as it was.
NAME = 'Bericht März 2026 "v2".pdf'
PDF = b"%PDF-1.4 private bytes"


@pytest.fixture
def attachment(client, db):
    """An upload with a private attachment, made by a logged-in user (who stays logged in)."""
    owner = User.objects.create_user("owner", password="pw")
    client.force_login(owner)
    image = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    document = SimpleUploadedFile(NAME, PDF, content_type="application/pdf")
    data = {"title": "With a file", "image": image, "attachment": document}
    assert client.post(reverse("uploads:create"), data).status_code == 302
    return Upload.objects.get()


def test_a_private_attachment_is_stored_outside_media_root(attachment):
    assert attachment.attachment_name == NAME
    path = settings.PRIVATE_MEDIA_ROOT / attachment.attachment.name
    assert path.read_bytes() == PDF
    assert not any(settings.MEDIA_ROOT.rglob(path.name))


def sent(response, file):
    """The bytes a reader of `response` gets for the private `file`: what the web server
    sends from the file the app's answer names, or the app's own body."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
{%- if cookiecutter.media_files == "local" and cookiecutter.web_server == "nginx" %}
    # nginx sends the bytes from its internal location; the app's answer has none.
    assert body == b""
    internal = settings.PRIVATE_MEDIA_INTERNAL_URL + file.name
    assert response["X-Accel-Redirect"] == quote(internal)
    name = unquote(response["X-Accel-Redirect"]).removeprefix(settings.PRIVATE_MEDIA_INTERNAL_URL)
    return (settings.PRIVATE_MEDIA_ROOT / name).read_bytes()
{%- elif cookiecutter.media_files == "local" and cookiecutter.web_server == "caddy" %}
    # Caddy sends the bytes from PRIVATE_MEDIA_ROOT (handle_response); the app's answer has none.
    assert body == b""
    name = response["X-Private-File"].encode("latin-1").decode()
    assert name == f"/{file.name}"
    return (settings.PRIVATE_MEDIA_ROOT / name.removeprefix("/")).read_bytes()
{%- elif cookiecutter.media_files == "local" and cookiecutter.web_server == "apache" %}
    # Apache (mod_xsendfile) sends the bytes; the app's answer has none.
    assert body == b""
    path = settings.PRIVATE_MEDIA_ROOT / file.name
    assert response["X-Sendfile"].encode("latin-1") == str(path).encode()
    return Path(response["X-Sendfile"].encode("latin-1").decode()).read_bytes()
{%- else %}
    return body
{%- endif %}


def test_the_list_links_to_the_site_and_says_who_may_download(client, attachment):
    page = client.get(reverse("uploads:list")).content.decode()
    # The file's url: the site's check, never a link to the storage.
    url = attachment.attachment.url
    assert f'<a class="attachment" href="{url}">' in page
    assert urlsplit(url).path.startswith("/private-files/")
    assert settings.MEDIA_URL + attachment.attachment.name not in page
    assert str(settings.PRIVATE_MEDIA_ROOT) not in page
{%- if cookiecutter.media_files == "local" and cookiecutter.web_server == "nginx" %}
    assert settings.PRIVATE_MEDIA_INTERNAL_URL not in page
{%- endif %}
    assert "only the person who uploaded one, and staff, can download it" in page


def test_an_anonymous_visitor_is_sent_to_log_in(client, attachment):
    client.logout()
    url = attachment.attachment.url
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query) == {"next": [url]}
    assert PDF not in response.content


def test_another_user_is_refused(client, attachment):
    client.force_login(User.objects.create_user("someone else"))
    response = client.get(attachment.attachment.url)
    assert response.status_code == 403
    assert PDF not in response.content


def test_a_name_no_upload_holds_is_refused_like_one_the_reader_may_not_read(client, attachment):
    missing = attachment.attachment.url.replace("attachments/", "attachments/missing-")
    assert client.get(missing).status_code == 403
    client.logout()
    assert client.get(missing)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("reader", ["owner", "staff"])
def test_the_uploader_and_staff_get_the_file_under_its_name(client, attachment, reader):
    if reader == "staff":
        client.force_login(User.objects.create_user("staff", is_staff=True))
    response = client.get(attachment.attachment.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # Django's content_disposition_header: the exact name, in UTF-8 (RFC 6266's filename*).
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Bericht%20M%C3%A4rz%202026%20%22v2%22.pdf"
    )
    assert response["Cache-Control"] == "private"
    assert sent(response, attachment.attachment) == PDF


def test_staff_download_an_attachment_from_the_admin(client, attachment):
    client.force_login(User.objects.create_superuser("admin"))
    form = client.get(reverse("admin:uploads_upload_change", args=[attachment.pk]))
    assert form.status_code == 200
    # The file widget's "Currently:" link, as the admin renders it (the file's url).
    (link,) = re.findall(r'<a href="([^"]+)">attachments/', form.content.decode())

    response = client.get(unescape(link))

    assert response.status_code == 200, link
    assert sent(response, attachment.attachment) == PDF
    assert "M%C3%A4rz%202026%20%22v2%22.pdf" in response["Content-Disposition"]


def test_under_runserver_the_app_sends_the_file_itself(client, attachment, settings):
    settings.DEBUG = True
    response = client.get(attachment.attachment.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
{%- if cookiecutter.media_files == "local" %}
    assert "{{ {"nginx": "X-Accel-Redirect", "apache": "X-Sendfile", "caddy": "X-Private-File"}[cookiecutter.web_server] }}" not in response
{%- endif %}
    assert response["Cache-Control"] == "private"


def test_an_upload_whose_attachment_cannot_be_stored_keeps_no_file(client, transactional_db):
    """The image is stored first; when the attachment then fails (here a name the filesystem
    refuses: over 255 bytes), the image goes too, so that no file is left without its row."""
    before = files_under_media_root(), sorted(settings.PRIVATE_MEDIA_ROOT.rglob("*"))
    client.force_login(User.objects.create_user("owner"))
    image = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    too_long = SimpleUploadedFile("\U00020000" * 70 + ".pdf", PDF, content_type="application/pdf")
    data = {"title": "Refused", "image": image, "attachment": too_long}

    with pytest.raises(OSError):
        client.post(reverse("uploads:create"), data)

    assert not Upload.objects.exists()
    assert (files_under_media_root(), sorted(settings.PRIVATE_MEDIA_ROOT.rglob("*"))) == before


def test_an_anonymous_upload_cannot_carry_a_private_file(client, db):
    before = sorted(settings.PRIVATE_MEDIA_ROOT.rglob("*"))
    image = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    document = SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
    data = {"title": "Anonymous", "image": image, "attachment": document}
    assert client.post(reverse("uploads:create"), data).status_code == 302
    assert not Upload.objects.get().attachment
    assert sorted(settings.PRIVATE_MEDIA_ROOT.rglob("*")) == before
