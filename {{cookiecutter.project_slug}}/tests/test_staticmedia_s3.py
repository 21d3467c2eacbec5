"""`manage.py staticmedia` on S3 storages: the bucket and prefix files go to, the links the
storage makes, and who serves them (the bucket, or the CDN in front of it)."""

{% if cookiecutter.media_files == "s3" -%}
import pytest
from botocore.signers import CloudFrontSigner
{% endif -%}
from django.test import override_settings

from .conftest import {% if cookiecutter.media_files == "s3" %}HASHED_STATIC, {% endif %}{% if cookiecutter.static_files == "s3" %}LOCAL_MEDIA, {% endif %}explain{% if cookiecutter.media_files == "s3" %}, messages{% endif %}

BUCKET = {"bucket_name": "site-files", "endpoint_url": "https://s3.example.net"}
{%- if cookiecutter.static_files == "s3" %}


def test_static_files_in_a_bucket_behind_a_cdn():
    static = {
        "BACKEND": "storages.backends.s3.S3ManifestStaticStorage",
        "OPTIONS": {**BUCKET, "location": "static", "custom_domain": "cdn.example.com"},
    }
    with override_settings(DEBUG=False, STORAGES={"default": LOCAL_MEDIA, "staticfiles": static}):
        rows = explain()["static"]

    assert rows["written to"].startswith("the bucket site-files, under static/")
    assert "STATIC_ROOT is not used" in rows["written to"]
    assert rows["URL prefix"].startswith("https://cdn.example.com/static/")
    assert rows["served by"] == "the CDN at cdn.example.com, from S3"
    assert rows["next"].startswith("run collectstatic on every deploy")
{%- endif %}
{%- if cookiecutter.media_files == "s3" %}


def s3_uploads(**private_options):
    s3 = "storages.backends.s3.S3Storage"
    kept = {**BUCKET, "file_overwrite": False}
    public = {**kept, "location": "media", "querystring_auth": False}
    private = {**kept, "location": "private", "querystring_expire": 60, **private_options}
    storages = {
        "default": {"BACKEND": s3, "OPTIONS": public},
        "private": {"BACKEND": s3, "OPTIONS": private},
        "staticfiles": HASHED_STATIC,
    }
    return override_settings(STORAGES=storages)


def test_public_and_private_uploads_in_a_bucket():
    with s3_uploads():
        rows = explain()

    media, private = rows["media"], rows["private"]
    assert "MEDIA_ROOT is not used" in media["written to"]
    assert media["URL prefix"].startswith("https://s3.example.net/site-files/media/")
    assert media["served by"] == "S3, to anyone"
    assert private["written to"].startswith("the bucket site-files, under private/")
    prefix = "https://s3.example.net/site-files/private/ + a signature valid 60 s"
    assert private["URL prefix"].endswith(f"checks who asks, then redirects to {prefix}")
    assert all(row["next"].startswith("nothing") for row in (media, private))
    # Upload forms' files: from the browser to the bucket, then copied by the app.
    direct = "upload forms: the browser POSTs each file to the bucket site-files, under "
    assert media["source"].startswith(f"{direct}private/incoming/ (signed, up to 5.0\xa0GB)")


# A CloudFront key pair's signer. Neither the check nor the command makes a link, so its RSA
# function (from the cryptography package, in a real project) is never called.
CLOUDFRONT = {"custom_domain": "files.example.com"}
SIGNER = CloudFrontSigner("K2JCJMDEHXQW5F", rsa_signer=lambda message: b"")


@pytest.mark.parametrize(
    ("options", "warned", "served_by"),
    [
        ({}, False, "S3, to the readers the site lets through"),
        ({"querystring_expire": 600}, True, "S3, to the readers the site lets through"),
        ({"querystring_auth": False}, True, "S3, to anyone"),
        (CLOUDFRONT, True, "the CDN at files.example.com, to anyone"),
        (
            {**CLOUDFRONT, "cloudfront_signer": SIGNER},
            False,
            "the CDN at files.example.com, to the readers the site lets through",
        ),
    ],
)
def test_private_uploads_next_step_agrees_with_the_signature_check(options, warned, served_by):
    with s3_uploads(**options):
        rows, found = explain()["private"], [message.id for message in messages()]

    assert ("staticmedia.W008" in found) is warned
    assert ("W008" in rows["next"]) is warned, rows["next"]
    assert rows["served by"] == served_by
{%- endif %}
