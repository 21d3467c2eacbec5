"""Copy uploads from local folders into the S3 storages under the same names, as the app stores
them, skipping what the bucket holds with the same bytes (an interrupted run is run again);
nothing is overwritten or deleted. To move a site's uploads from its disk, with the production
settings: --dry-run; a run while the old site still serves; after the deploy, a run for the
uploads made meanwhile, then --verify (each file a row names that the bucket lacks; exit 1)."""

import base64
import hashlib
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.apps import apps
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.template.defaultfilters import filesizeformat as size
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from ...bucket import BucketError, error_code, etags, key, md5, prefix, write_parameters

# Where uploads were kept on local disk, by default.
SOURCES = {
    "default": "{{ cookiecutter.__media_root }}",
    "private": "{{ cookiecutter.__private_root }}",
}
LABELS = {"default": "public uploads", "private": "private uploads"}
TAKEN = "the bucket holds other bytes under this name; left as it is"


def copy_one(storage, client, held, name, path, dry_run):
    """(outcome, reason) of copying `path` to `name` in `storage`, whose objects are `held`."""
    object_key, etag = key(storage, name), held.get(name)
    try:
        with path.open("rb") as file:
            digest = hashlib.file_digest(file, md5)
        if etag is None and not dry_run:
            where = {"Bucket": storage.bucket_name, "Key": object_key}
            # S3 refuses (412) a name taken since the listing, and bytes other than ContentMD5.
            params = write_parameters(storage, object_key) | {"IfNoneMatch": "*"}
            params["ContentMD5"] = base64.b64encode(digest.digest()).decode()
            try:
                with path.open("rb") as body:
                    client.put_object(**where, Body=body, **params)
                return "copied", None
            except ClientError as error:
                if error_code(error) != "PreconditionFailed":
                    raise
                # Taken: by other bytes, or by these if botocore retried after a lost answer.
                etag = client.head_object(**where)["ETag"].strip('"')
    except (BotoCoreError, ClientError, OSError) as error:
        return "failed", str(error)
    if etag in (None, digest.hexdigest()):  # None: a dry run
        return "copied" if etag is None else "skipped", None
    return "failed", TAKEN


class Command(BaseCommand):
    help = "Copy uploads from local folders into the S3 storages (nothing is deleted)."

    def add_arguments(self, parser):
        parser.add_argument("--from-media", default=SOURCES["default"], help="public uploads")
        parser.add_argument("--from-private", default=SOURCES["private"], help="private uploads")
        parser.add_argument("--jobs", type=int, default=16, help="files copied at a time")
        parser.add_argument("--dry-run", action="store_true", help="say what would be copied")
        parser.add_argument("--verify", action="store_true", help="check the files rows name")

    def handle(self, *args, from_media, from_private, jobs, dry_run, verify, **options):
        if not all(isinstance(storages[alias], S3Storage) for alias in SOURCES):
            raise CommandError(
                "STORAGES are not in S3: run move_media with the production settings "
                "(DJANGO_SETTINGS_MODULE=config.settings.prod)."
            )
        folders = {"default": Path(from_media), "private": Path(from_private)}
        try:
            held = {a: etags(storages[a]) for a in SOURCES}  # one listing each
            self.verify(folders, held) if verify else self.copy(folders, held, jobs, dry_run)
        except (BotoCoreError, ClientError) as error:
            raise BucketError("move the uploads", error, command="move_media") from None

    def copy(self, folders, held, jobs, dry_run):
        work = []  # copy_one's arguments, but dry_run
        for alias, folder in folders.items():
            if not folder.is_dir():
                self.stderr.write(f"{folder} does not exist: no {LABELS[alias]} to copy.")
            files = sorted(p for p in folder.rglob("*") if p.is_file())
            storage = storages[alias]  # its client is shared by the threads
            target = (storage, storage.connection.meta.client, held[alias])
            work += [(*target, clean_name(p.relative_to(folder).as_posix()), p) for p in files]
            where = f"s3://{storage.bucket_name}/{prefix(storage.location)}"
            self.stdout.write(f"{LABELS[alias]}: {len(files)} files in {folder} -> {where}")
        counts, total, done_bytes = Counter(), sum(item[-1].stat().st_size for item in work), 0
        started = shown = time.monotonic()
        with ThreadPoolExecutor(jobs) as pool:
            results = pool.map(lambda item: copy_one(*item, dry_run), work)
            for done, (item, (outcome, reason)) in enumerate(zip(work, results, strict=True), 1):
                counts[outcome] += 1
                done_bytes += item[-1].stat().st_size
                if reason:
                    self.stderr.write(f"failed: {item[-1]}: {reason}")
                if (now := time.monotonic()) - shown >= 1 or done == len(work):
                    shown, elapsed = now, max(now - started, 1e-6)
                    rate = done_bytes / elapsed  # time left, from the byte rate
                    self.stderr.write(
                        f"{done}/{len(work)} files, {size(done_bytes)}/{size(total)}, "
                        f"{done / elapsed:.0f} files/s, {size(rate)}/s, "
                        f"{(total - done_bytes) / rate if rate else 0:.0f} s left"
                    )
        self.stdout.write(
            f"{'Would copy' if dry_run else 'Copied'} {counts['copied']} files, skipped "
            f"{counts['skipped']} already in the bucket, failed {counts['failed']} "
            f"(of {len(work)} files, {size(total)})."
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} files were not copied: see above.")

    def verify(self, folders, held):
        """Every file named by a FileField of any row must be in the field's storage."""
        checked, missing = 0, 0
        for model in apps.get_models():
            for field in (f for f in model._meta.fields if isinstance(f, models.FileField)):
                # default_storage, a lazy object, equals the storage it stands for.
                alias = next((a for a in SOURCES if field.storage == storages[a]), None)
                rows = model._default_manager.filter(**{f"{field.name}__gt": ""})  # not blank
                for pk, name in rows.values_list("pk", field.name).iterator():
                    checked += 1
                    if clean_name(name) in held[alias] if alias else field.storage.exists(name):
                        continue
                    missing += 1
                    there = "in" if alias and (folders[alias] / name).is_file() else "not in"
                    self.stdout.write(
                        f"missing: {model._meta.label}.{field.name} of row {pk}: {name} "
                        f"({there} the source folder)"
                    )
        self.stdout.write(f"Checked {checked} files named in the database: {missing} missing.")
        if missing:
            raise CommandError(f"{missing} files named in the database are not in the bucket.")
