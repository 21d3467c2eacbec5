"""Static files in S3, collected fast: upload only what changed, many files at a time.

Stock `collectstatic` with django-storages asks the bucket about every file (one request
each, one at a time), uploads each file twice (the original, then the hashed copy), and
reads files back from the bucket to hash the ones that CSS refers to. This storage:

- lists the bucket once, and skips a file when the bucket already holds the same bytes:
  S3 reports the MD5 of an object uploaded in one piece as its ETag, and the local MD5 is
  cheap. Content decides, never modification times;
- keeps in the manifest a hash of every source file it was made from: when no source
  changed, the hashed copies and the manifest are left as they are, without redoing them;
- uploads from a pool of threads while Django goes on hashing, and hashes files from
  their local source, never from the bucket;
- writes the manifest (staticfiles.json, which maps names to hashed names) last, and only
  when every upload succeeded. Until then the site keeps using the previous manifest, whose
  files are all still in the bucket: a failed run changes nothing a visitor sees.

A failed request stops collectstatic with a one-line message that says what to check.
"""

import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urlsplit

import django
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.utils.functional import cached_property
from storages.backends.s3 import S3StaticStorage
from storages.utils import clean_name

# The manifest and the unhashed originals change under the same name: caches must check
# for a new version. Hashed copies get the year-long "immutable" of object_parameters.
REVALIDATE = "no-cache"

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


class FastS3ManifestStaticStorage(ManifestFilesMixin, PublicS3Storage):
    """S3ManifestStaticStorage (hashed names and a manifest), made fast for collectstatic.

    Its OPTIONS are those of django-storages' S3 storages.
    """

    upload_threads = 16
    _manifest_sources = None  # the fingerprint in the manifest read from the bucket

    def __init__(self, **options):
        self._etags = None  # name -> MD5 of what the bucket holds, from one listing
        self._uploads = []  # (name, future) of the uploads in flight
        self._sources = {}  # name -> (storage, path) of the local files, while collecting
        self._collecting = False
        self._fingerprint = None  # of the sources, as written into the manifest
        super().__init__(**options)  # reads the current manifest from the bucket

    @cached_property
    def _client(self):
        # One client for every upload thread: boto3 clients are thread-safe, and
        # `connection` would build a session and a client per thread, at 0.3 s of CPU each.
        client = self.connection.meta.client
        client.meta.events.register("before-sign.s3.PutObject", send_body_at_once)
        return client

    @cached_property
    def _executor(self):
        return ThreadPoolExecutor(self.upload_threads, thread_name_prefix="collectstatic")

    @cached_property
    def _room(self):
        """Bounds the files read into memory and waiting for a thread."""
        return threading.BoundedSemaphore(self.upload_threads * 4)

    def _error(self, action, error):
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "")
        else:
            code = type(error).__name__
        where = self.endpoint_url or "AWS"
        return BucketError(
            f"Could not {action} in the S3 bucket {self.bucket_name!r} at {where}: {error} "
            + HINTS.get(code, "")
        )

    # What the bucket holds ------------------------------------------------------------

    def read_manifest(self):
        try:
            content = super().read_manifest()
        except (BotoCoreError, ClientError) as error:
            raise self._error(f"read {self.manifest_name}", error) from error
        if content:
            self._manifest_sources = json.loads(content).get("sources")
        return content

    def _remote_etags(self):
        """Every object under `location` and the MD5 of its content, from one listing."""
        if self._etags is None:
            prefix = f"{self.location}/" if self.location else ""
            etags = {}
            try:
                pages = self._client.get_paginator("list_objects_v2")
                for page in pages.paginate(Bucket=self.bucket_name, Prefix=prefix):
                    for item in page.get("Contents", []):
                        etags[item["Key"].removeprefix(prefix)] = item["ETag"].strip('"')
            except (BotoCoreError, ClientError) as error:
                raise self._error("list the files", error) from error
            self._etags = etags
        return self._etags

    def exists(self, name):
        # From the listing (and this run's uploads), instead of one request per file.
        return clean_name(name) in self._remote_etags()

    def get_modified_time(self, name):
        # collectstatic skips a file whose copy in the bucket is newer than the local one,
        # and otherwise deletes the copy before uploading the file again. Neither suits a
        # bucket: post_process() compares contents and overwrites what changed (one PUT,
        # never a moment without the file). So every object reads as up to date here.
        return datetime.max.replace(tzinfo=UTC) if settings.USE_TZ else datetime.max

    # Uploading ------------------------------------------------------------------------

    def _save(self, name, content):
        """Upload `content` unless the bucket holds these bytes under `name` already."""
        name = clean_name(name)
        content.seek(0)
        data = content.read()
        data = data.encode() if isinstance(data, str) else data
        # Hashed copies are saved while post-processing; originals and the manifest are not.
        hashed = self._collecting and name != self.manifest_name
        self._upload_if_changed(name, data, md5(data), None if hashed else REVALIDATE)
        return name

    def _upload_if_changed(self, name, data, digest, cache_control):
        if self._remote_etags().get(name) == digest:
            return
        self._remote_etags()[name] = digest
        if name == self.manifest_name:
            self._put(name, data, cache_control)  # last, and only after every other upload
        else:
            self._room.acquire()
            future = self._executor.submit(self._put, name, data, cache_control)
            future.add_done_callback(lambda _: self._room.release())
            self._uploads.append((name, future))

    def _put(self, name, data, cache_control):
        params = self._get_write_parameters(name)  # ContentType, object_parameters, ACL
        if cache_control:
            params["CacheControl"] = cache_control
        key = self._normalize_name(name)
        self._client.put_object(Bucket=self.bucket_name, Key=key, Body=data, **params)

    def _wait_for_uploads(self):
        uploads, self._uploads = self._uploads, []
        failed = []
        for name, future in uploads:
            try:
                future.result()
            except (BotoCoreError, ClientError) as error:
                self._remote_etags().pop(name, None)  # unknown now: a retry uploads it
                failed.append((name, error))
        if failed:
            name, error = failed[0]
            action = f"upload {len(failed)} of {len(uploads)} files (the first: {name})"
            raise self._error(action, error) from error

    def delete(self, name):
        # While post-processing, Django deletes each hashed file before saving it again.
        # A PUT replaces an object in one step, and _save() skips an identical one.
        if self._collecting:
            return
        super().delete(name)
        if self._etags is not None:
            self._etags.pop(clean_name(name), None)

    # collectstatic --------------------------------------------------------------------

    def post_process(self, paths, dry_run=False, **options):
        """Called by collectstatic with every file found (`paths`: name -> (storage, path)).

        Uploads the originals that changed, then, unless no source changed since the
        manifest was written, lets Django write the hashed copies (through _save) and the
        manifest (save_manifest, once every upload has finished).
        """
        if dry_run:
            return
        self._sources, self._collecting = paths, True
        try:
            digests = {}
            for name, (storage, path) in paths.items():
                with storage.open(path) as file:
                    data = file.read()
                name = clean_name(name)
                digests[name] = md5(data)
                # get_modified_time() kept collectstatic from uploading changed originals.
                self._upload_if_changed(name, data, digests[name], REVALIDATE)
            # What the hashed names and the manifest are made from.
            sources = [django.get_version(), settings.STATIC_URL, sorted(digests.items())]
            self._fingerprint = md5(json.dumps(sources).encode())
            remote = self._remote_etags()
            if self._fingerprint == self._manifest_sources and all(
                hashed in remote for hashed in self.hashed_files.values()
            ):
                self._wait_for_uploads()  # the manifest and its files are up to date
                return
            yield from super().post_process(paths, dry_run=dry_run, **options)
        except BucketError as error:
            # collectstatic stops with "CommandError: <message>" for a yielded exception.
            yield "the upload to S3", None, error
        finally:
            self._sources, self._collecting = {}, False
            if executor := self.__dict__.pop("_executor", None):
                executor.shutdown()  # waits for uploads still running after an error

    def save_manifest(self):
        self._wait_for_uploads()  # raises BucketError if any upload failed
        # As Django writes it, plus the fingerprint of the sources.
        paths = sorted(self.hashed_files.items())
        self.manifest_hash = self.file_hash(None, ContentFile(json.dumps(paths).encode()))
        payload = {
            "paths": dict(paths),
            "version": self.manifest_version,
            "hash": self.manifest_hash,
            "sources": self._fingerprint,
        }
        self.manifest_storage._save(self.manifest_name, ContentFile(json.dumps(payload)))

    def hashed_name(self, name, content=None, filename=None):
        # Django opens a file from the storage to hash it when a CSS file refers to one not
        # processed yet: from S3 that is a download. Hash the local source instead.
        source = self._sources.get(urlsplit(unquote(filename or name)).path.strip())
        if content is None and source:
            storage, path = source
            with storage.open(path) as content:
                return super().hashed_name(name, content, filename)
        return super().hashed_name(name, content, filename)
