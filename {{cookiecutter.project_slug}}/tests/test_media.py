import importlib
{%- if cookiecutter.media_files == "local" %}
import resource
import signal
{%- endif %}

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from {{ cookiecutter.project_slug }}.staticmedia.private import _may_read
{%- if cookiecutter.media_files == "local" %}
from {{ cookiecutter.project_slug }}.staticmedia.whole_files import WholeFileStorage
{%- endif %}


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


{%- if cookiecutter.media_files == "local" %}


def test_a_file_that_cannot_be_written_whole_leaves_nothing_behind(tmp_path):
    """Production's storage (media_local.py) when a write fails mid-file, as on a full disk:
    here the kernel's limit on the size of a file this process may write (RLIMIT_FSIZE)."""
    storage = WholeFileStorage(location=tmp_path)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    ignored = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails, not the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    try:
        with pytest.raises(OSError):
            storage.save("uploads/big.bin", ContentFile(b"x" * 1024 * 1024))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, ignored)

    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
    assert storage.open(storage.save("uploads/big.bin", ContentFile(b"whole"))).read() == b"whole"
{%- endif %}


@pytest.mark.parametrize("module", ["dev", "prod", "test"])
def test_a_private_file_url_is_the_site_check(module, use_settings, request):
    if module == "prod":
        use_settings(request.getfixturevalue("prod_settings"))
    else:
        use_settings(importlib.import_module(f"config.settings.{module}"))
    url = storages["private"].url("attachments/2026/05/report März.pdf")
    assert url == "/private-files/attachments/2026/05/report%20M%C3%A4rz.pdf"


def test_a_model_without_can_download_lets_staff_who_may_view_it_read_its_private_files(db):
    row = User.objects.create_user("row")  # a model with no can_download() of its own
    staff = User.objects.create_user("staff", is_staff=True)
    viewer = User.objects.create_user("viewer")
    view_user = Permission.objects.get(codename="view_user", content_type__app_label="auth")
    viewer.user_permissions.add(view_user)

    assert not _may_read(row, staff)  # staff, but may not view the model in the admin
    assert not _may_read(row, viewer)  # may view it, but not staff: no admin at all
    staff.user_permissions.add(view_user)
    assert _may_read(row, User.objects.get(pk=staff.pk))  # a fresh copy: perms are cached
    assert _may_read(row, User.objects.create_superuser("admin"))
