from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.utils.module_loading import import_string

from {{ cookiecutter.project_slug }}.staticmedia.private_s3 import private_file_response


def test_public_uploads_are_plain_links_that_caches_may_keep(prod_settings):
    options = prod_settings.STORAGES["default"]["OPTIONS"]

    assert options["querystring_auth"] is False
    assert options["location"] == "media"
    assert "public" in options["object_parameters"]["CacheControl"]
    assert prod_settings.MEDIA_URL.endswith("/media/")


def test_private_uploads_are_signed_for_a_minute_under_a_prefix_of_their_own(prod_settings):
    options = prod_settings.STORAGES["private"]["OPTIONS"]

    assert options["querystring_auth"] is True
    assert options["querystring_expire"] <= 60
    assert options["default_acl"] == "private"
    assert options["location"] == "private"


def test_private_uploads_can_have_a_bucket_of_their_own(monkeypatch, request):
    monkeypatch.setenv("DJANGO_S3_PRIVATE_BUCKET", "private-bucket")
    storages = request.getfixturevalue("prod_settings").STORAGES

    assert storages["private"]["OPTIONS"]["bucket_name"] == "private-bucket"
    assert storages["default"]["OPTIONS"]["bucket_name"] == "test-bucket"


def test_no_upload_is_ever_overwritten(prod_settings):
    for alias in ("default", "private"):
        assert prod_settings.STORAGES[alias]["OPTIONS"]["file_overwrite"] is False


@pytest.fixture
def private_file(prod_settings, monkeypatch, use_settings):
    """A file in the production private storage. Signing is local: any key makes a link, no
    request is sent."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    use_settings(prod_settings)  # the storage reads the S3 client's settings, AWS_S3_*
    config = prod_settings.STORAGES["private"]
    storage = import_string(config["BACKEND"])(**config["OPTIONS"])
    return FieldFile(None, FileField(storage=storage), "attachments/report.pdf")


def test_a_private_file_url_is_the_site_check_not_a_signed_link(private_file):
    # What pages and the admin show: whoever sees the page gets no link to the bucket.
    assert private_file.url == "/private-files/attachments/report.pdf"


def test_a_private_file_is_a_redirect_to_a_link_signed_for_a_minute(private_file):
    response = private_file_response(private_file, "report.pdf")

    assert response.status_code == 302
    link = urlsplit(response["Location"])
    assert link.path.endswith("/private/attachments/report.pdf")
    query = parse_qs(link.query)
    assert query["X-Amz-Expires"] == ["60"]
    # The bucket answers with the download's headers, asked for in the signed link.
    assert query["response-content-disposition"] == ['attachment; filename="report.pdf"']
    assert query["response-content-type"] == ["application/pdf"]
    assert query["response-cache-control"] == ["private"]
    assert response["Cache-Control"] == "private"
