"""staticmedia/bucket.py gives the object keys and upload parameters that django-storages' own
uploads use, on the release installed: what its save() sends is caught before it is signed,
so no request leaves. And its one-line errors say what to check."""

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from storages.backends.s3 import S3Storage

from {{ cookiecutter.project_slug }}.staticmedia.bucket import BucketError, key, prefix, write_parameters

NAMES = ["css/site.css", "fonts/./icons.woff2", "backup.tar.gz", "README", "Größe é.png"]
OPTIONS = {
    "public, in a folder": {"location": "media", "object_parameters": {"CacheControl": "public"}},
    "private, at the root": {"location": "", "default_acl": "private"},
    "a type of its own": {"location": "static/", "object_parameters": {"ContentType": "text/x"}},
}


class Stopped(Exception):
    pass


def sent_by_save(storage, name):
    """The parameters of the PutObject request that storage.save(name, ...) makes."""
    sent = {}

    def stop(params, **kwargs):
        sent.update(params)
        raise Stopped

    client = storage.connection.meta.client
    client.meta.events.register("before-parameter-build.s3.PutObject", stop)
    with pytest.raises(Stopped):
        storage.save(name, ContentFile(b"bytes"))
    return sent


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_keys_and_parameters_are_those_of_the_storage_itself(monkeypatch, name, options):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    # Checksums only where S3 requires one, as config/settings/s3.py asks.
    config = Config(request_checksum_calculation="when_required")
    storage = S3Storage(bucket_name="test-bucket", client_config=config, **options)

    sent = sent_by_save(storage, name)

    assert sent.pop("Bucket") == "test-bucket" and sent.pop("Body")
    assert sent.pop("Key") == key(storage, name)
    assert key(storage, name).startswith(prefix(storage.location))
    assert sent == write_parameters(storage, key(storage, name))


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("SignatureDoesNotMatch", "Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."),
        # What botocore reports for a refused HEAD (no body): the keys, or their rights.
        ("403", "Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that they may read, list"),
        ("AccessDenied", "Run collectstatic with credentials that may read, list and write"),
    ],
)
def test_a_refused_request_says_what_to_check(code, says):
    error = ClientError({"Error": {"Code": code, "Message": "Forbidden"}}, "HeadObject")

    assert says in str(BucketError("read staticfiles.json", error))
