"""Same-name uploads at the same instant: 8 processes of a generated project (as 8 gunicorn
workers would) save one name together, in several rounds, into the public and the private
storage of its production settings: on local disk, and in S3 (SeaweedFS) with the default
settings and with DJANGO_S3_RANDOM_SUFFIX (the fallback for services that ignore S3's
conditional write). Every save returns a name of its own, and every name holds exactly the
bytes saved under it, read back from the disk or the bucket: no upload replaced another."""

import re
from pathlib import PurePosixPath

import pytest

from tests.support.same_name_saves import SameNameSavers

pytestmark = pytest.mark.slow

WRITERS = 8
# Bytes per upload in each round; the last is above boto3's 8 MB multipart threshold (and
# below the site's 10 MB upload limit).
ROUNDS = [1_000, 1_000, 1_000, 200_000, 9 * 2**20]
# Each storage's name, and where its files are: the folder under the project's var/ (local
# disk, prod settings in tests) or the storage's location in the bucket.
NAMES = {"default": "uploads/photo.png", "private": "attachments/report.pdf"}
PLACES = {"default": "media", "private": "private"}


def stored_on_disk(project, place, folder):
    root = project.var / place
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in (root / folder).rglob("*")
        if path.is_file()
    }


def stored_in_the_bucket(project, s3_server, place, folder):
    client, bucket = s3_server.client(), project.prod_env["DJANGO_S3_BUCKET"]
    return {
        key.removeprefix(f"{place}/"): client.get_object(Bucket=bucket, Key=key)["Body"].read()
        for key in s3_server.keys(bucket, f"{place}/{folder}/")
    }


@pytest.mark.parametrize(
    ("media_files", "env"),
    [
        pytest.param("local", {}, id="local-disk"),
        pytest.param("s3", {}, id="s3"),
        pytest.param("s3", {"DJANGO_S3_RANDOM_SUFFIX": "true"}, id="s3-random-suffix"),
    ],
)
def test_same_name_saves_at_the_same_instant_are_all_kept(make_project, request, media_files, env):
    project = make_project(media_files=media_files)
    suffixed = env.get("DJANGO_S3_RANDOM_SUFFIX") == "true"

    with SameNameSavers(project, WRITERS, **env) as savers:
        for number, size in enumerate(ROUNDS):
            for alias, plain in NAMES.items():
                path = PurePosixPath(plain)
                folder = f"{path.parent}/round-{number}"
                name = f"{folder}/{path.name}"
                saved = savers.save(alias, name, size)

                if media_files == "local":
                    stored = stored_on_disk(project, PLACES[alias], folder)
                else:
                    s3_server = request.getfixturevalue("s3_server")
                    stored = stored_in_the_bucket(project, s3_server, PLACES[alias], folder)
                names = [returned for returned, _ in saved]
                where = f"{alias}, round {number} ({size} bytes): {sorted(names)}"
                # One name per save, each the name asked for or it plus a short suffix.
                assert len(set(names)) == WRITERS, where
                readable = re.compile(
                    rf"{re.escape(f'{folder}/{path.stem}')}(_[A-Za-z0-9]{{7}})?{path.suffix}"
                )
                assert all(readable.fullmatch(returned) for returned in names), where
                assert names.count(name) == (0 if suffixed else 1), where
                # Exactly these names are stored, each with the bytes saved under it.
                assert sorted(stored) == sorted(names), where
                lost = [returned for returned, data in saved if stored[returned] != data]
                assert not lost, f"{where}: another upload's bytes under {lost}"
