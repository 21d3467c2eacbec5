import io
{%- if cookiecutter.web_server == "nginx" %}
from urllib.parse import quote
{%- endif %}

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


def test_the_list_links_to_the_site_and_says_who_may_download(client, attachment):
    page = client.get(reverse("uploads:list")).content.decode()
    assert reverse("uploads:attachment", args=[attachment.pk]) in page
    assert attachment.attachment.name not in page  # never a link to the storage
    assert "only the person who uploaded one, and staff, can download it" in page


def test_an_anonymous_visitor_is_sent_to_log_in(client, attachment):
    client.logout()
    url = reverse("uploads:attachment", args=[attachment.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_another_user_is_refused(client, attachment):
    client.force_login(User.objects.create_user("someone else"))
    response = client.get(reverse("uploads:attachment", args=[attachment.pk]))
    assert response.status_code == 403
    assert PDF not in response.content


@pytest.mark.parametrize("reader", ["owner", "staff"])
def test_the_uploader_and_staff_get_the_file_under_its_name(client, attachment, reader):
    if reader == "staff":
        client.force_login(User.objects.create_user("staff", is_staff=True))
    response = client.get(reverse("uploads:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Bericht Marz 2026 'v2'.pdf\"; "
        "filename*=UTF-8''Bericht%20M%C3%A4rz%202026%20%22v2%22.pdf"
    )
    assert response["Cache-Control"] == "private"
    body = b"".join(response.streaming_content) if response.streaming else response.content
{%- if cookiecutter.web_server == "nginx" %}
    # nginx sends the bytes from its internal location; the app's answer has none.
    assert body == b""
    internal = settings.PRIVATE_MEDIA_INTERNAL_URL + attachment.attachment.name
    assert response["X-Accel-Redirect"] == quote(internal)
{%- elif cookiecutter.web_server == "apache" %}
    # Apache (mod_xsendfile) sends the bytes; the app's answer has none.
    assert body == b""
    path = settings.PRIVATE_MEDIA_ROOT / attachment.attachment.name
    assert response["X-Sendfile"].encode("latin-1") == str(path).encode()
{%- else %}
    assert body == PDF
{%- endif %}


def test_under_runserver_the_app_sends_the_file_itself(client, attachment, settings):
    settings.DEBUG = True
    response = client.get(reverse("uploads:attachment", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert "X-Accel-Redirect" not in response and "X-Sendfile" not in response


def test_an_anonymous_upload_cannot_carry_a_private_file(client, db):
    before = sorted(settings.PRIVATE_MEDIA_ROOT.rglob("*"))
    image = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    document = SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
    data = {"title": "Anonymous", "image": image, "attachment": document}
    assert client.post(reverse("uploads:create"), data).status_code == 302
    assert not Upload.objects.get().attachment
    assert sorted(settings.PRIVATE_MEDIA_ROOT.rglob("*")) == before
