"""The checks on uploads kept in S3 (staticmedia/checks.py): each fires on its mistake."""

import pytest
from django.test import override_settings

from tests.test_checks import HASHED_STATIC, messages, only

PRIVATE = {"bucket_name": "uploads", "file_overwrite": False, "querystring_auth": True}


def s3_media(**options):
    media = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**PRIVATE, **options}}
    return override_settings(STORAGES={"default": media, "staticfiles": HASHED_STATIC})


def test_private_s3_uploads_that_keep_every_file_are_fine():
    with s3_media():
        assert messages() == []


def test_s3_uploads_that_overwrite_each_other():
    with s3_media(file_overwrite=True):
        message = only("staticmedia.W007")
    assert "lost" in message.msg and '"file_overwrite": False' in message.hint


@pytest.mark.parametrize(
    "options", [{"querystring_auth": False}, {"custom_domain": "cdn.example.com"}]
)
def test_s3_uploads_linked_without_a_signature(options):
    with s3_media(**options):
        message = only("staticmedia.W008")
    assert "signature" in message.msg and '"querystring_auth": True' in message.hint
