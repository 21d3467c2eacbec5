"""Copy uploads from local folders into the S3 storages of these settings, under the same names,
so that every FileField in the database stays valid without a migration. Nothing is deleted.

    DJANGO_SETTINGS_MODULE=config.settings.prod python manage.py move_media [--dry-run | --verify]

Public uploads go to STORAGES["default"], private ones to STORAGES["private"], each object
with what an upload through the app gets from its storage (content type, Cache-Control, ACL).
A file the bucket holds with the same bytes (its ETag, from one listing) is skipped, so an
interrupted run is simply run again; a name it holds with other bytes is never overwritten
(it counts as failed). --verify checks that every file the database names is in its storage.
"""

import base64
import hashlib
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.apps import apps
from django.core.files.storage import default_storage, storages
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.template.defaultfilters import filesizeformat
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from ...bucket import BucketError, etags, key, md5, prefix, write_parameters

# Where uploads were kept on local disk, by default.
SOURCES = {
    "default": "{{ cookiecutter.__media_root }}",
    "private": "{{ cookiecutter.__private_root }}",
}
LABELS = {"default": "public uploads", "private": "private uploads"}


def copy_one(storage, client, held, name, path, dry_run):
    """(outcome, reason) of copying `path` to `name` in `storage`, whose objects are `held`."""
    with path.open("rb") as file:
        digest = hashlib.file_digest(file, md5)
    if held.get(name) == digest.hexdigest():
        return "skipped", None
    if name in held:
        return "failed", "the bucket holds other bytes under this name; left as it is"
    if not dry_run:
        object_key = key(storage, name)
        checksum = base64.b64encode(digest.digest()).decode()  # S3 refuses bytes that differ
        with path.open("rb") as body:
            client.put_object(
                Bucket=storage.bucket_name,
                Key=object_key,
                Body=body,
                ContentMD5=checksum,
                **write_parameters(storage, object_key),
            )
    return "copied", None


def file_fields():
    """(model, field, alias of the field's storage in SOURCES or None) of every FileField."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                storage = field.storage  # default_storage stands for STORAGES["default"]
                alias = "default" if storage is default_storage else None
                alias = alias or next((a for a in SOURCES if storages[a] is storage), None)
                yield model, field, alias


class Command(BaseCommand):
    help = "Copy uploads from local folders into the S3 storages (nothing is deleted)."

    def add_arguments(self, parser):
        parser.add_argument("--from-media", default=SOURCES["default"], help="public uploads")
        parser.add_argument("--from-private", default=SOURCES["private"], help="private uploads")
        parser.add_argument("--jobs", type=int, default=16, help="files copied at a time")
        parser.add_argument("--dry-run", action="store_true", help="say what would be copied")
        parser.add_argument(
            "--verify", action="store_true", help="check every file the database names"
        )

    def handle(self, *args, from_media, from_private, jobs, dry_run, verify, **options):
        for alias in SOURCES:
            if not isinstance(storages[alias], S3Storage):
                raise CommandError(
                    f'STORAGES["{alias}"] is not in S3: run move_media with the production '
                    "settings (DJANGO_SETTINGS_MODULE=config.settings.prod)."
                )
        folders = {"default": Path(from_media), "private": Path(from_private)}
        try:
            if verify:
                return self.verify(folders)
            self.copy(folders, jobs, dry_run)
        except (BotoCoreError, ClientError) as error:
            raise BucketError("move the uploads", error, command="move_media") from None

    def copy(self, folders, jobs, dry_run):
        work, targets = [], {}  # [(alias, name, path, size)]; alias -> copy_one's first three
        for alias, folder in folders.items():
            if not folder.is_dir():
                self.stderr.write(f"{folder} does not exist: no {LABELS[alias]} to copy.")
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                name = clean_name(path.relative_to(folder).as_posix())
                work.append((alias, name, path, path.stat().st_size))
        for alias, folder in folders.items():
            # One client per storage, shared by the threads (boto3 clients are thread-safe).
            storage, count = storages[alias], sum(item[0] == alias for item in work)
            targets[alias] = (storage, storage.connection.meta.client, etags(storage))
            where = f"s3://{storage.bucket_name}/{prefix(storage.location)}"
            self.stdout.write(f"{LABELS[alias]}: {count} files in {folder} -> {where}")

        counts, failures, done_bytes = Counter(), [], 0
        total_bytes, started = sum(item[3] for item in work), time.monotonic()
        shown = started
        with ThreadPoolExecutor(jobs) as pool:
            futures = {
                pool.submit(copy_one, *targets[alias], name, path, dry_run): (path, size)
                for alias, name, path, size in work
            }
            for done, future in enumerate(as_completed(futures), 1):
                path, size = futures[future]
                try:
                    outcome, reason = future.result()
                except (BotoCoreError, ClientError, OSError) as error:
                    outcome, reason = "failed", str(error)
                counts[outcome] += 1
                done_bytes += size
                if reason:
                    failures.append(f"failed: {path}: {reason}")
                if time.monotonic() - shown >= 1 or done == len(work):
                    shown = time.monotonic()
                    self.progress(done, len(work), done_bytes, total_bytes, shown - started)
        for failure in failures:
            self.stderr.write(failure)
        self.stdout.write(
            f"{'Would copy' if dry_run else 'Copied'} {counts['copied']} files, skipped "
            f"{counts['skipped']} already in the bucket, failed {counts['failed']} "
            f"(of {len(work)} files, {filesizeformat(total_bytes)})."
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} files were not copied: see above.")

    def progress(self, files, total_files, done, total, elapsed):
        """One line on stderr: files and bytes done, rate, time left (from the byte rate)."""
        rate = done / max(elapsed, 1e-6)
        left = (total - done) / rate if rate else 0
        self.stderr.write(
            f"{files}/{total_files} files, {filesizeformat(done)}/{filesizeformat(total)}, "
            f"{files / max(elapsed, 1e-6):.0f} files/s, {filesizeformat(rate)}/s, {left:.0f} s left"
        )

    def verify(self, folders):
        """Every file named by a FileField of any row must be in the field's storage."""
        held, checked, missing = {}, 0, 0
        for model, field, alias in file_fields():
            if alias and alias not in held:
                held[alias] = etags(field.storage)
            rows = model._default_manager.exclude(**{field.name: ""}).exclude(
                **{f"{field.name}__isnull": True}
            )
            for pk, name in rows.values_list("pk", field.name).iterator():
                checked += 1
                there = clean_name(name) in held[alias] if alias else field.storage.exists(name)
                if not there:
                    missing += 1
                    source = "in" if alias and (folders[alias] / name).is_file() else "not in"
                    self.stdout.write(
                        f"missing: {model._meta.label}.{field.name} of row {pk}: {name} "
                        f"({source} the source folder)"
                    )
        self.stdout.write(f"Checked {checked} files named in the database: {missing} missing.")
        if missing:
            raise CommandError(f"{missing} files named in the database are not in the bucket.")
