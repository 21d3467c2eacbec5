"""The checks on uploads kept in S3 (staticmedia/checks.py): each fires on its mistake."""

import pytest
from django.test import override_settings

from .conftest import HASHED_STATIC, messages, only

BACKEND = "storages.backends.s3.S3Storage"
KEPT = {"bucket_name": "uploads", "file_overwrite": False}
PUBLIC = {**KEPT, "location": "media", "querystring_auth": False}
PRIVATE = {**KEPT, "location": "private", "querystring_expire": 60}


def s3_uploads(public=None, private=None):
    storages = {
        "default": {"BACKEND": BACKEND, "OPTIONS": {**PUBLIC, **(public or {})}},
        "private": {"BACKEND": BACKEND, "OPTIONS": {**PRIVATE, **(private or {})}},
        "staticfiles": HASHED_STATIC,
    }
    return override_settings(STORAGES=storages)


def test_public_and_private_uploads_that_keep_every_file_are_fine():
    with s3_uploads():
        assert messages() == []


@pytest.mark.parametrize("alias", ["default", "private"])
def test_s3_uploads_that_overwrite_each_other(alias):
    with s3_uploads(**{"public" if alias == "default" else alias: {"file_overwrite": True}}):
        message = only("staticmedia.W007")
    assert f"STORAGES[{alias!r}]" in message.msg and '"file_overwrite": False' in message.hint


@pytest.mark.parametrize(
    "options",
    [{"querystring_auth": False}, {"custom_domain": "cdn.example.org"}, {"querystring_expire": 90}],
)
def test_private_uploads_linked_without_a_short_signature(options):
    with s3_uploads(private=options):
        message = only("staticmedia.W008")
    assert "Private uploads" in message.msg and '"querystring_expire": 60' in message.hint


@pytest.mark.parametrize("public", [{"location": ""}, {"location": "private"}])
def test_private_prefix_inside_a_public_one(public):
    with s3_uploads(public=public):
        message = only("staticmedia.E006")
    assert "public prefix of STORAGES['default']" in message.msg


def test_a_public_prefix_in_another_bucket_is_fine():
    with s3_uploads(public={"location": "", "bucket_name": "public-bucket"}):
        assert messages() == []
