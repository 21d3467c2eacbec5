"""What the S3 code here shares: object keys, one listing, upload parameters, one-line errors,
from django-storages' public API only (tests/test_bucket.py checks them on each release)."""

import hashlib
import mimetypes

from django.core.management.base import CommandError
from storages.utils import clean_name, safe_join

CREDENTIALS = "Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
HINTS = {  # what to check, by the error code S3 (or botocore) gives
    **dict.fromkeys(["InvalidAccessKeyId", "SignatureDoesNotMatch"], CREDENTIALS + "."),
    # A refused HEAD has no body to say why: wrong keys, or keys without the rights.
    "403": CREDENTIALS + ", and that they may {rights}.",
    "NoSuchBucket": "Create the bucket, or fix its name (DJANGO_S3_BUCKET).",
    "AccessDenied": "Run {command} with credentials that may {rights}.",
    "NoCredentialsError": "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use a role.",
    "EndpointConnectionError": "Check DJANGO_S3_ENDPOINT_URL and the network.",
    "NotImplemented": "Not on this service: see the README's table of S3 services.",
}


def prefix(location):
    """The start of every key under a storage location: "static/" for "static", "" for ""."""
    return safe_join(location, "")


def key(storage, name):
    return safe_join(storage.location, clean_name(name))


def md5(data=b""):
    return hashlib.md5(data, usedforsecurity=False)  # S3's ETag of a one-piece upload


def etags(storage):
    """name -> MD5 of every object under the storage's location, from one listing."""
    pages = storage.connection.meta.client.get_paginator("list_objects_v2")
    start = prefix(storage.location)
    return {
        item["Key"].removeprefix(start): item["ETag"].strip('"')
        for page in pages.paginate(Bucket=storage.bucket_name, Prefix=start)
        for item in page.get("Contents", [])
    }


def write_parameters(storage, name):
    """What the storage's own upload of `name` sends: object_parameters, the type, the ACL."""
    params = storage.get_object_parameters(name)
    if "ContentType" not in params:
        kind, encoding = mimetypes.guess_type(name)
        params["ContentType"] = kind or storage.default_content_type
        params.update({"ContentEncoding": encoding} if encoding else {})
    if "ACL" not in params and storage.default_acl:
        params["ACL"] = storage.default_acl
    return params


def error_code(error):
    """The code S3 answered with (AccessDenied, NoSuchBucket, ...), or botocore's error."""
    answer = getattr(error, "response", None) or {}  # None when no answer came at all
    return answer.get("Error", {}).get("Code", type(error).__name__)


class BucketError(CommandError):
    """A request to the bucket failed: manage.py prints this message alone, no traceback."""

    def __init__(self, doing, error, code=None, command="collectstatic", rights=None):
        hint = HINTS.get(code or error_code(error), "")
        hint = hint.format(command=command, rights=rights or "read, list and write the bucket")
        super().__init__(f"Could not {doing}: {str(error).rstrip('.')}. {hint}".rstrip())
