"""The S3 client of every S3 storage, for AWS or an S3-compatible service. No credentials here:
boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or uses the instance/task role.
https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html"""

import boto3
import botocore
from botocore.config import Config

from .base import env

AWS_S3_REGION_NAME = env("DJANGO_S3_REGION", default="us-east-1")
AWS_S3_ENDPOINT_URL = env("DJANGO_S3_ENDPOINT_URL", default=None)
# With a client config, django-storages ignores its AWS_S3_ADDRESSING_STYLE and
# AWS_S3_SIGNATURE_VERSION settings: both are set here.
AWS_S3_CLIENT_CONFIG = Config(
    signature_version="s3v4",
    # Path-style addressing works with every S3-compatible service and any bucket name.
    s3={"addressing_style": env("DJANGO_S3_ADDRESSING_STYLE", default="path")},
    # Checksums only where S3 requires one: boto3 >= 1.36 adds them to every upload, which
    # Cloudflare R2, Backblaze B2, GCS, Ceph and older MinIO reject or mis-sign.
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
    # A throttled (503 SlowDown) or dropped request is sent again, after a growing pause: 3
    # tries in all for the site's requests, which gunicorn stops at 30 s. No max_attempts here:
    # manage.py's commands read AWS_MAX_ATTEMPTS (10), to wait out throttling longer.
    retries={"mode": "standard"},
    max_pool_connections=16,  # collectstatic uploads 16 files at a time
)


def _bucket_url(bucket):
    """The start of links to objects of `bucket`, made by botocore as for the storages (region,
    addressing style, AWS_* variables, ~/.aws/config); unsigned: no credentials, no request."""
    client = boto3.client(
        "s3",
        region_name=AWS_S3_REGION_NAME,
        endpoint_url=AWS_S3_ENDPOINT_URL,
        config=AWS_S3_CLIENT_CONFIG.merge(Config(signature_version=botocore.UNSIGNED)),
    )
    link = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "x"})
    return link.removesuffix("x")
