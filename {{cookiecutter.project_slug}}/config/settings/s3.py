"""The S3 bucket(s) shared by the S3 storages. Works with any S3-compatible service.

Credentials are never in settings: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
from the environment, or uses the instance/task role when they are absent.
https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
"""

import boto3
import botocore
from botocore.config import Config

from .base import env

# One bucket for static files and uploads (under static/ and media/), unless
# DJANGO_S3_STATIC_BUCKET or DJANGO_S3_MEDIA_BUCKET name a bucket of their own.
s3_options = {
    "region_name": env("DJANGO_S3_REGION", default="us-east-1"),
    # For MinIO, Cloudflare R2, DigitalOcean Spaces, ...: their https:// endpoint.
    "endpoint_url": env("DJANGO_S3_ENDPOINT_URL", default=None),
    # With client_config, django-storages ignores its own addressing_style and
    # signature_version options: they are set here.
    "client_config": Config(
        signature_version="s3v4",
        # Path-style addressing works with every S3-compatible service and any bucket name.
        s3={"addressing_style": env("DJANGO_S3_ADDRESSING_STYLE", default="path")},
        # Checksums only where the S3 API requires one. boto3 >= 1.36 adds them to every
        # upload (x-amz-checksum-*, aws-chunked bodies), which Cloudflare R2, Backblaze B2,
        # GCS, Ceph and older MinIO reject or mis-sign.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        max_pool_connections=16,  # collectstatic uploads 16 files at a time
    ),
}


def bucket_name(own_variable):
    """The bucket named by `own_variable` if set, else DJANGO_S3_BUCKET (then required)."""
    return env(own_variable, default=None) or env("DJANGO_S3_BUCKET")


def bucket_url(bucket, custom_domain=None):
    """The URL that objects of `bucket` are linked under (before the location prefix)."""
    if custom_domain:
        return f"https://{custom_domain}/"
    # Made as the storages make their links: botocore picks the host from the region, the
    # addressing style, the bucket's name and AWS_* variables or ~/.aws/config (dual-stack,
    # FIPS, us-east-1's global or regional endpoint), which a table here would miss.
    # Unsigned, the client reads no credentials and sends no request. boto3's default
    # session loads the S3 model once per process (about 0.1 s); later clients take ~5 ms.
    unsigned = s3_options["client_config"].merge(Config(signature_version=botocore.UNSIGNED))
    client = boto3.client(
        "s3",
        region_name=s3_options["region_name"],
        endpoint_url=s3_options["endpoint_url"],
        config=unsigned,
    )
    link = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "x"})
    return link.removesuffix("x")
