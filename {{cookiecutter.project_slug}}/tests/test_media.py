from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def test_upload_is_saved_under_media_root_and_linked_under_media_url():
    name = default_storage.save("uploads/hello.txt", ContentFile(b"hello"))

    path = settings.MEDIA_ROOT / name
    assert path.read_bytes() == b"hello"
    assert default_storage.url(name).startswith(settings.MEDIA_URL)


def test_two_uploads_with_the_same_name_are_both_kept():
    first = default_storage.save("uploads/same.txt", ContentFile(b"first"))
    second = default_storage.save("uploads/same.txt", ContentFile(b"second"))

    assert first != second
    assert default_storage.open(first).read() == b"first"
    assert default_storage.open(second).read() == b"second"
