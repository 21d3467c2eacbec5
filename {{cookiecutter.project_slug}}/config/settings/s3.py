"""The S3 bucket shared by the S3 storages. Works with any S3-compatible service.

Credentials are never in settings: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
from the environment, or uses the instance/task role when they are absent.
https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
"""

from config.env import env, require

S3_OPTIONS = {
    "bucket_name": require("DJANGO_S3_BUCKET"),
    "region_name": env("DJANGO_S3_REGION", "us-east-1"),
    # For MinIO, Cloudflare R2, DigitalOcean Spaces, ...: their https:// endpoint.
    "endpoint_url": env("DJANGO_S3_ENDPOINT_URL"),
    "signature_version": "s3v4",
    # Path-style addressing works with every S3-compatible service and any bucket name.
    "addressing_style": env("DJANGO_S3_ADDRESSING_STYLE", "path"),
}
