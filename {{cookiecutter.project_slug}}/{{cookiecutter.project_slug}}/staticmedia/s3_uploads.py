"""What makes collectstatic to S3 fast, apart from the storage class itself (storage.py):
upload processes with a client and threads each, and links built without botocore.

botocore spends about 2 ms of CPU on each request and one process runs on one core, so the
uploads run in two processes of 8 threads each, in batches.
"""

import hashlib
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from urllib.parse import quote

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from django.core.management.base import CommandError
from django.utils.functional import cached_property
from storages.backends.s3 import S3StaticStorage
from storages.utils import clean_name

from .s3 import error_code

# What to check, by the error code that S3 (or botocore) gives.
HINTS = {
    "NoSuchBucket": "Create the bucket, or fix its name (DJANGO_S3_BUCKET).",
    "InvalidAccessKeyId": "Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    "SignatureDoesNotMatch": "Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    "403": "Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    "AccessDenied": "Check that these credentials may read, list and write the bucket.",
    "NoCredentialsError": "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use a role.",
    "EndpointConnectionError": "Check DJANGO_S3_ENDPOINT_URL and the network.",
}


def md5(data):
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def send_body_at_once(request, **kwargs):
    """botocore asks before sending any body ("Expect: 100-continue") and waits for the
    answer: one more round trip per upload. The body is in memory and small: just send it."""
    if "Expect" in request.headers:
        del request.headers["Expect"]


# In each upload process: its S3 client and its threads.
_worker = {}


def _start_worker(session_options, client_options, threads):
    client = boto3.Session(**session_options).client("s3", **client_options)
    client.meta.events.register("before-sign.s3.PutObject", send_body_at_once)
    _worker.update(client=client, threads=ThreadPoolExecutor(threads))


def _put(bucket, key, data, params):
    try:
        _worker["client"].put_object(Bucket=bucket, Key=key, Body=data, **params)
    except (BotoCoreError, ClientError) as error:
        return error_code(error), str(error)  # exceptions do not always pickle


def put_batch(bucket, batch):
    """Uploads [(key, data, params)] in the worker's threads: [(code, message) or None]."""
    return list(_worker["threads"].map(lambda item: _put(bucket, *item), batch))


def start_upload_processes(storage, processes, threads):
    """`processes` upload processes for `storage`'s bucket, each with its client and
    `threads` threads, started at once."""
    session = {"profile_name": storage.session_profile} if storage.session_profile else {
        "aws_access_key_id": storage.access_key,
        "aws_secret_access_key": storage.secret_key,
        "aws_session_token": storage.security_token,
    }  # fmt: skip
    client = {"region_name": storage.region_name, "use_ssl": storage.use_ssl,
              "verify": storage.verify, "endpoint_url": storage.endpoint_url,
              "config": storage.client_config}  # fmt: skip
    return ProcessPoolExecutor(
        processes,
        # Forked, a process starts at once. Safe here: the processes start at the first
        # upload, before this process runs any other thread. macOS needs "spawn".
        multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn"),
        initializer=_start_worker,
        initargs=(session, client, threads),
    )


class BucketError(CommandError):
    """A request to the bucket failed. A CommandError, so that collectstatic prints this
    message alone instead of a traceback."""


class PublicS3Storage(S3StaticStorage):
    """Public objects, linked without a signature."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        # botocore builds each URL as it would a request (about half a millisecond), and
        # hashing CSS asks for one URL per url(...) in it: tens of thousands for Django's
        # admin and a few libraries. Unsigned URLs differ only by their key.
        if self.custom_domain or parameters or expire or http_method:
            return super().url(name, parameters, expire, http_method)  # no botocore
        return self._bucket_url + quote(self._normalize_name(clean_name(name)), safe="/~")

    @cached_property
    def _bucket_url(self):
        """What every unsigned URL starts with, as botocore builds it (ends with /)."""
        return super().url("x").removesuffix(self._normalize_name("x"))
