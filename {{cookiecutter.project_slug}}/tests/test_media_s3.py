import re
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.stub import Stubber
from django.core.files.base import ContentFile
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.utils.module_loading import import_string

from {{ cookiecutter.project_slug }}.staticmedia.private_s3 import private_file_response
from {{ cookiecutter.project_slug }}.staticmedia.uploads_s3 import UploadS3Storage


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
    assert "default_acl" not in options  # private by default; AWS refuses ACLs on new buckets
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
def s3_storage(prod_settings, monkeypatch, use_settings):
    """s3_storage(alias): that storage of the production settings. Signing is local (any key
    makes a link) and no request is sent: where one would be, botocore's Stubber answers."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    use_settings(prod_settings)  # the storage reads the S3 client's settings, AWS_S3_*

    def make(alias):
        config = prod_settings.STORAGES[alias]
        return import_string(config["BACKEND"])(**config["OPTIONS"])

    return make


def saved_under(storage, answers):
    """The name storage.save("uploads/photo.png") returns while the bucket gives `answers`
    (status codes) to its HeadObject and PutObject requests, in turn; and the If-None-Match
    condition of each PutObject."""
    client = storage.connection.meta.client
    conditions = []
    client.meta.events.register(
        "before-parameter-build.s3.PutObject",
        lambda params, **kwargs: conditions.append(params.get("IfNoneMatch")),
    )
    with Stubber(client) as bucket:
        for operation, status in answers:
            if status == 200:
                bucket.add_response(operation, {})
            else:
                bucket.add_client_error(operation, http_status_code=status)
        name = storage.save("uploads/photo.png", ContentFile(b"photo"))
        bucket.assert_no_pending_responses()
    return name, conditions


SUFFIXED = re.compile(r"uploads/photo_[A-Za-z0-9]{7}\.png")


@pytest.mark.parametrize("alias", ["default", "private"])
@pytest.mark.parametrize("refused", [412, 409])  # taken; taken by a writer racing this one
def test_an_upload_whose_name_is_taken_meanwhile_gets_a_name_of_its_own(s3_storage, alias, refused):
    storage = s3_storage(alias)
    # The name is free when asked, but the write is refused: it was taken in between.
    answers = [
        ("head_object", 404),
        ("put_object", refused),
        ("head_object", 404),
        ("put_object", 200),
    ]

    name, conditions = saved_under(storage, answers)

    assert isinstance(storage, UploadS3Storage)
    assert SUFFIXED.fullmatch(name), name
    assert conditions == ["*", "*"]  # every write asks the bucket to refuse a taken name


def test_every_name_gets_a_random_suffix_where_the_service_ignores_the_condition(
    monkeypatch, request
):
    monkeypatch.setenv("DJANGO_S3_RANDOM_SUFFIX", "true")
    storage = request.getfixturevalue("s3_storage")("default")

    name, conditions = saved_under(storage, [("head_object", 404), ("put_object", 200)])

    assert SUFFIXED.fullmatch(name), name
    assert conditions == ["*"]


@pytest.fixture
def private_file(s3_storage):
    """A file in the production private storage."""
    return FieldFile(None, FileField(storage=s3_storage("private")), "attachments/report.pdf")


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
