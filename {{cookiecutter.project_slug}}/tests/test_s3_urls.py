"""STATIC_URL and MEDIA_URL start the links the S3 storages make, wherever the bucket is:
what reads the settings instead of asking a storage (`manage.py staticmedia`, Django's
get_static_prefix and get_media_prefix tags) names the host that the links go to.

No request is sent: unsigned links are made locally.
"""
{%- if cookiecutter.static_files == "s3" %}

import json
{%- endif %}

import pytest
{%- if cookiecutter.static_files == "s3" %}
from django.core.files.storage import FileSystemStorage
{%- endif %}
from django.utils.module_loading import import_string

VIRTUAL = {"DJANGO_S3_ADDRESSING_STYLE": "virtual"}
ENDPOINT = {"DJANGO_S3_ENDPOINT_URL": "https://s3.example.net"}
OTHER_REGION = {"DJANGO_S3_REGION": "eu-west-3"}
CASES = {
    "aws-default-region": {},
    "aws-other-region": OTHER_REGION,
    "aws-default-region-virtual": VIRTUAL,
    "aws-other-region-virtual": {**OTHER_REGION, **VIRTUAL},
    "endpoint": ENDPOINT,
    "endpoint-virtual": {**ENDPOINT, **VIRTUAL},
    "custom-domain": {"DJANGO_S3_CUSTOM_DOMAIN": "cdn.example.net"},  # static files only
}


@pytest.fixture(params=CASES.values(), ids=CASES.keys())
def s3_settings(request, monkeypatch, use_settings):
    """Production settings for one place of the bucket (CASES)."""
    for name, value in request.param.items():
        monkeypatch.setenv(name, value)
    # Any key will do (nothing is signed): boto3 then looks for no credentials elsewhere.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    prod_settings = request.getfixturevalue("prod_settings")
    use_settings(prod_settings)  # the storages read the S3 client's settings, AWS_S3_*
    return prod_settings


def storage(settings, alias, **options):
    config = settings.STORAGES[alias]
    return import_string(config["BACKEND"])(**config["OPTIONS"], **options)
{%- if cookiecutter.static_files == "s3" %}


def test_static_url_starts_every_static_link(s3_settings, tmp_path):
    # The manifest of hashed names, read from a folder instead of the bucket.
    manifest = {"version": "1.1", "paths": {"css/site.css": "css/site.0123456789ab.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    static = storage(s3_settings, "staticfiles", manifest_storage=FileSystemStorage(tmp_path))

    assert static.url("css/site.css") == f"{s3_settings.STATIC_URL}css/site.0123456789ab.css"
{%- endif %}
{%- if cookiecutter.media_files == "s3" %}


def test_media_url_starts_every_public_upload_link(s3_settings):
    media = storage(s3_settings, "default")

    assert media.url("photos/cat.jpg") == f"{s3_settings.MEDIA_URL}photos/cat.jpg"
{%- endif %}
