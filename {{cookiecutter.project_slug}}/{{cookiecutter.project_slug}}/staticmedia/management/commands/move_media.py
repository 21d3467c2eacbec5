"""Copy the uploads of local folders into the S3 storages of these settings, under the same
names, so that every FileField in the database stays valid without a migration.

    DJANGO_SETTINGS_MODULE=config.settings.prod python manage.py move_media [--dry-run]
    DJANGO_SETTINGS_MODULE=config.settings.prod python manage.py move_media --verify

- Public uploads (MEDIA_ROOT) go to STORAGES["default"], private ones (PRIVATE_MEDIA_ROOT)
  to STORAGES["private"]; by default from the folders the local settings used
  ({{ cookiecutter.__media_root }} and {{ cookiecutter.__private_root }}).
- Each object gets what an upload through the app would get from its storage: the content
  type guessed from its name, the storage's object parameters (Cache-Control) and ACL.
- A file the bucket already holds with the same bytes (its MD5 is the object's ETag, read
  from one listing per storage) is skipped: after an interruption, run it again. A name the
  bucket holds with other bytes is never overwritten: it counts as failed.
- --verify checks that every file a FileField in the database names is in its storage.
Nothing is ever deleted, from the folders or from the bucket.
"""

import base64
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.apps import apps
from django.core.files.storage import default_storage, storages
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from storages.utils import clean_name

from ...checks import is_s3
from ...s3 import etags

# Where the local settings (media_local.py) kept public and private uploads, by default.
SOURCES = {
    "default": "{{ cookiecutter.__media_root }}",
    "private": "{{ cookiecutter.__private_root }}",
}
LABELS = {"default": "public uploads", "private": "private uploads"}


def human(count):
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000


def md5_of(path):
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest


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
            if not is_s3(storages[alias]):
                raise CommandError(
                    f'STORAGES["{alias}"] is not in S3: run move_media with the S3 settings '
                    "(DJANGO_SETTINGS_MODULE=config.settings.prod, media_files=s3)."
                )
        try:
            if verify:
                return self.verify({"default": from_media, "private": from_private})
            self.copy({"default": Path(from_media), "private": Path(from_private)}, jobs, dry_run)
        except (BotoCoreError, ClientError) as error:
            raise CommandError(f"S3 refused: {error}") from None

    def copy(self, folders, jobs, dry_run):
        work = []  # (alias, name, path, size)
        for alias, folder in folders.items():
            if not folder.is_dir():
                self.stderr.write(f"{folder} does not exist: no {LABELS[alias]} to copy.")
                continue
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                name = clean_name(path.relative_to(folder).as_posix())
                work.append((alias, name, path, path.stat().st_size))
        held = {alias: etags(storages[alias]) for alias in folders}
        for alias, folder in folders.items():
            storage, count = storages[alias], sum(item[0] == alias for item in work)
            where = f"s3://{storage.bucket_name}/{storage._normalize_name('x')[:-1]}"
            self.stdout.write(f"{LABELS[alias]}: {count} files in {folder} -> {where}")
        # One client per storage, shared by the threads (boto3 clients are thread-safe).
        clients = {alias: storages[alias].connection.meta.client for alias in folders}

        def copy_one(alias, name, path, length):
            digest = md5_of(path)
            if held[alias].get(name) == digest.hexdigest():
                return "skipped", None
            if name in held[alias]:
                return "failed", "the bucket holds other bytes under this name; left as it is"
            if dry_run:
                return "copied", None
            storage = storages[alias]
            key = storage._normalize_name(name)
            params = storage._get_write_parameters(key)  # ContentType, CacheControl, ACL
            md5 = base64.b64encode(digest.digest()).decode()  # S3 refuses bytes that differ
            with path.open("rb") as body:
                clients[alias].put_object(
                    Bucket=storage.bucket_name, Key=key, Body=body, ContentMD5=md5, **params
                )
            return "copied", None

        counts, failures = {"copied": 0, "skipped": 0, "failed": 0}, []
        total_bytes, done_bytes = sum(item[3] for item in work), 0
        started = shown = time.monotonic()
        with ThreadPoolExecutor(jobs) as pool:
            futures = {pool.submit(copy_one, *item): item for item in work}
            for done, future in enumerate(as_completed(futures), 1):
                alias, name, path, length = futures[future]
                try:
                    outcome, reason = future.result()
                except (BotoCoreError, ClientError, OSError) as error:
                    outcome, reason = "failed", str(error)
                counts[outcome] += 1
                done_bytes += length
                if reason:
                    failures.append(f"{path}: {reason}")
                if time.monotonic() - shown >= 1 or done == len(work):
                    shown = time.monotonic()
                    self.progress(done, len(work), done_bytes, total_bytes, shown - started)
        for failure in failures:
            self.stderr.write(f"failed: {failure}")
        self.stdout.write(
            f"{'Would copy' if dry_run else 'Copied'} {counts['copied']} files, skipped "
            f"{counts['skipped']} already in the bucket, failed {counts['failed']} "
            f"(of {len(work)} files, {human(total_bytes)})."
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} files were not copied: see above.")

    def progress(self, files, total_files, done, total, elapsed):
        """One line on stderr: files and bytes done, rate, time left (from the byte rate)."""
        rate = done / max(elapsed, 1e-6)
        left = (total - done) / rate if rate else 0
        self.stderr.write(
            f"{files}/{total_files} files, {human(done)}/{human(total)}, "
            f"{files / max(elapsed, 1e-6):.0f} files/s, {human(rate)}/s, {left:.0f} s left"
        )

    def verify(self, folders):
        """Every file named by a FileField of any row must be in the field's storage."""
        held, checked, missing = {}, 0, 0
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, models.FileField):
                    continue
                storage = field.storage  # default_storage stands for STORAGES["default"]
                alias = "default" if storage is default_storage else None
                alias = alias or next((a for a in SOURCES if storages[a] is storage), None)
                if alias and alias not in held:
                    held[alias] = etags(storage)
                rows = model._default_manager.exclude(**{field.name: ""}).exclude(
                    **{f"{field.name}__isnull": True}
                )
                for pk, name in rows.values_list("pk", field.name).iterator():
                    checked += 1
                    there = clean_name(name) in held[alias] if alias else storage.exists(name)
                    if not there:
                        missing += 1
                        local = alias and (Path(folders[alias]) / name).is_file()
                        source = "in" if local else "not in"
                        self.stdout.write(
                            f"missing: {model._meta.label}.{field.name} of row {pk}: {name} "
                            f"({source} the source folder)"
                        )
        self.stdout.write(f"Checked {checked} files named in the database: {missing} missing.")
        if missing:
            raise CommandError(f"{missing} files named in the database are not in the bucket.")
