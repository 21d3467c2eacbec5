import io

from django.conf import settings
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
