"""A real S3-compatible server (SeaweedFS) on 127.0.0.1: checks signatures, expiry, access.

One server per test worker (tests/fixtures/s3.py). Buckets come from a fixed pool because
anonymous read access is configured per bucket when the server starts: anonymous users may
read <bucket>/static/* and <bucket>/media/* (public uploads) and nothing else, as the bucket
policy of `manage.py setup_buckets` allows.
"""

import contextlib
import itertools
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import requests
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from tests.support.processes import free_port, running

ACCESS_KEY = "testkey"
SECRET_KEY = "testsecret"
# May read and list every bucket, but write only under static/admin/: the other uploads of
# a collectstatic fail, as they would with a policy that lacks a permission.
LIMITED_ACCESS_KEY = "limitedkey"
LIMITED_SECRET_KEY = "limitedsecret"
BUCKETS = [f"bucket{n}" for n in range(200)]
# What `manage.py setup_buckets` makes public: static files and public uploads, never
# private/ (tests/test_setup_buckets.py proves the command on a server without this).
PUBLIC_PREFIXES = ("static", "media")
WEED = Path(sys.executable).parent / "weed"


@dataclass
class S3Server:
    endpoint: str
    ca_bundle: str | None = None  # what to trust over HTTPS (a certificate made for the run)
    _pool: itertools.count = field(default_factory=itertools.count)

    def client(self, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            verify=self.ca_bundle,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
        )

    def new_bucket(self):
        name = BUCKETS[next(self._pool)]
        # Listening is not ready: the filer behind the S3 API may still be starting.
        deadline = time.monotonic() + 30
        while True:
            try:
                self.client().create_bucket(Bucket=name)
                return name
            except (ClientError, EndpointConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def env(self, bucket):
        """What a generated project's production settings need to use `bucket` here."""
        return {
            "DJANGO_S3_BUCKET": bucket,
            "DJANGO_S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        } | ({"AWS_CA_BUNDLE": self.ca_bundle} if self.ca_bundle else {})

    def keys(self, bucket, prefix=""):
        paginator = self.client().get_paginator("list_objects_v2")
        return [
            item["Key"]
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix)
            for item in page.get("Contents", [])
        ]


def bucket_url(project):
    """Where the project's bucket is on the test S3 server (make_project made it)."""
    return f"{project.prod_env['DJANGO_S3_ENDPOINT_URL']}/{project.prod_env['DJANGO_S3_BUCKET']}"


def identities(anonymous=True):
    """Who may do what. Without `anonymous`, nobody may read without a key until a bucket
    policy says so (as on AWS, where new buckets block public access)."""
    return {
        "identities": [
            {
                "name": "admin",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            },
            {
                "name": "limited",
                "credentials": [{"accessKey": LIMITED_ACCESS_KEY, "secretKey": LIMITED_SECRET_KEY}],
                "actions": [
                    action
                    for bucket in BUCKETS
                    for action in (
                        f"Read:{bucket}",
                        f"List:{bucket}",
                        f"Write:{bucket}/static/admin/*",
                    )
                ],
            },
            {
                "name": "anonymous",
                "actions": [
                    f"Read:{bucket}/{prefix}/*" for bucket in BUCKETS for prefix in PUBLIC_PREFIXES
                ],
            },
        ][: None if anonymous else -1]
    }


@contextlib.contextmanager
def seaweedfs(root, anonymous=True, tls=None):
    """A SeaweedFS server with its data and logs in `root`, stopped when the block ends. With
    `tls` (a Certificate), its S3 API answers over HTTPS only, as buckets do in production."""
    (root / "data").mkdir(parents=True)
    (root / "s3.json").write_text(json.dumps(identities(anonymous)))
    ports = [free_port(also_free_offset=10000) for _ in range(4)]
    master, volume, filer, s3 = ports
    # Each bucket takes about 7 volumes of its own: one server per test worker creates dozens
    # of buckets in a full run, and with -volume.max=200 PutObject failed from the 30th on.
    command = [
        WEED, f"-logdir={root}", "server", f"-dir={root / 'data'}", "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1", "-volume.max=2000", "-master.volumeSizeLimitMB=16",
        f"-master.port={master}", f"-volume.port={volume}", "-filer", f"-filer.port={filer}",
        "-s3", f"-s3.port={s3}", f"-s3.config={root / 's3.json'}",
        # Their fixed default ports would collide between test workers; nothing uses them.
        "-s3.port.iceberg=0", "-s3.port.lance=0",
    ]  # fmt: skip
    if tls:
        command += [f"-s3.cert.file={tls.cert}", f"-s3.key.file={tls.key}"]
    # SeaweedFS takes over 10 s to stop on SIGTERM: kill it at once, its data is throwaway.
    with running(command, port=s3, log_path=root / "weed.log", timeout=60, grace=0):
        scheme, ca_bundle = ("https", str(tls.cert)) if tls else ("http", None)
        server = S3Server(f"{scheme}://127.0.0.1:{s3}", ca_bundle)
        requests.get(server.endpoint, timeout=10, verify=ca_bundle or True)
        yield server
