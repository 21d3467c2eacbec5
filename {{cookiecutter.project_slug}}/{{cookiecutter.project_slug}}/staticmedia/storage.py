"""Static files in S3, collected fast: upload only what changed, many files at a time.

Stock `collectstatic` with django-storages asks the bucket about every file (one request
each, one at a time), uploads each file twice (the original, then the hashed copy), and
reads files back from the bucket to hash the ones that CSS refers to. This storage:

- lists the bucket once, and skips a file when the bucket already holds the same bytes:
  S3 reports the MD5 of an object uploaded in one piece as its ETag, and the local MD5 is
  cheap. Content decides, never modification times;
- keeps in the manifest a hash of every source file it was made from: when no source
  changed, the hashed copies and the manifest are left as they are, without redoing them;
- uploads while Django goes on hashing, from two processes (botocore spends about 2 ms of
  CPU on each request, and one process runs on one core) of 8 threads each; hashes files
  from their local source, never from the bucket;
- writes the manifest (staticfiles.json, which maps names to hashed names) last, and only
  when every upload succeeded. Until then the site keeps using the previous manifest, whose
  files are all still in the bucket: a failed run changes nothing a visitor sees.

A failed request stops collectstatic with a one-line message that says what to check.
"""

import json
import threading
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import django
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.base import ContentFile
from django.utils.functional import cached_property
from storages.utils import clean_name

from .s3 import error_code, etags
from .s3_uploads import HINTS, BucketError, PublicS3Storage, md5, put_batch, start_upload_processes

# The manifest and the unhashed originals change under the same name: caches must check
# for a new version. Hashed copies get the year-long "immutable" of object_parameters.
REVALIDATE = "no-cache"


class FastS3ManifestStaticStorage(ManifestFilesMixin, PublicS3Storage):
    """S3ManifestStaticStorage (hashed names and a manifest), made fast for collectstatic.

    Its OPTIONS are those of django-storages' S3 storages.
    """

    upload_processes = 2
    upload_threads = 8  # in each process
    batch_size = 16  # files handed to a process at a time
    _manifest_sources = None  # the fingerprint in the manifest read from the bucket

    def __init__(self, **options):
        self._etags = None  # name -> MD5 of what the bucket holds, from one listing
        self._batch = []  # (name, key, data, params) of the uploads not yet handed over
        self._uploads = []  # (names, future) of the batches in flight
        self._sources = {}  # name -> (storage, path) of the local files, while collecting
        self._collecting = False
        self._fingerprint = None  # of the sources, as written into the manifest
        super().__init__(**options)  # reads the current manifest from the bucket

    @property
    def _client(self):
        return self.connection.meta.client

    @cached_property
    def _executor(self):
        """The upload processes, started (with a client each) at the first upload."""
        return start_upload_processes(self, self.upload_processes, self.upload_threads)

    @cached_property
    def _room(self):
        """Bounds the batches read into memory and waiting for a process."""
        return threading.BoundedSemaphore(self.upload_processes * 4)

    def _error(self, action, error, code=None):
        code = code or error_code(error)
        where = self.endpoint_url or "AWS"
        return BucketError(
            f"Could not {action} in the S3 bucket {self.bucket_name!r} at {where}: "
            + " ".join(filter(None, [f"{str(error).rstrip('.')}.", HINTS.get(code)]))
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
            try:
                self._etags = etags(self)
            except (BotoCoreError, ClientError) as error:
                raise self._error("list the files", error) from error
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
        params = self._get_write_parameters(name)  # ContentType, object_parameters, ACL
        if cache_control:
            params["CacheControl"] = cache_control
        key = self._normalize_name(name)
        if name == self.manifest_name:  # last, and only after every other upload
            self._client.put_object(Bucket=self.bucket_name, Key=key, Body=data, **params)
            return
        self._batch.append((name, key, data, params))
        if len(self._batch) >= self.batch_size:
            self._hand_over()

    def _hand_over(self):
        """Give the batch of uploads to a process."""
        batch, self._batch = self._batch, []
        if batch:
            self._room.acquire()
            work = [item[1:] for item in batch]
            future = self._executor.submit(put_batch, self.bucket_name, work)
            future.add_done_callback(lambda _: self._room.release())
            self._uploads.append(([item[0] for item in batch], future))

    def _wait_for_uploads(self):
        self._hand_over()
        uploads, self._uploads = self._uploads, []
        failed = []
        for names, future in uploads:
            for name, failure in zip(names, future.result(), strict=True):
                if failure:
                    self._remote_etags().pop(name, None)  # unknown now: a retry uploads it
                    failed.append((name, *failure))
        if failed:
            name, code, message = failed[0]
            count = sum(len(names) for names, _ in uploads)
            action = f"upload {len(failed)} of {count} files (the first: {name})"
            raise self._error(action, message, code)

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
