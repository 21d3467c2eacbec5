"""Static files in production: uploaded to the bucket under static/ by collectstatic.

Public objects with hashed names (site.3f2a1b9c8d7e.css), cached for a year by browsers and
any CDN. Set DJANGO_S3_CUSTOM_DOMAIN to a CDN domain to link through it. No STATIC_ROOT:
the bucket is where files are collected to. The storage class (staticmedia/storage.py)
makes collectstatic upload only what changed, in parallel, and write the manifest last.
"""

from .base import env
from .s3 import bucket_name, bucket_url, s3_options

_bucket = bucket_name("DJANGO_S3_STATIC_BUCKET")
_custom_domain = env("DJANGO_S3_CUSTOM_DOMAIN", default=None)
_location = "static"
# The prefix of static links; the storage builds the same URLs itself.
STATIC_URL = f"{bucket_url(_bucket, _custom_domain)}{_location}/"

static_storage = {
    "BACKEND": "{{ cookiecutter.project_slug }}.staticmedia.storage.FastS3ManifestStaticStorage",
    "OPTIONS": {
        **s3_options,
        "bucket_name": _bucket,
        "location": _location,
        "custom_domain": _custom_domain,
        # Static files are public: plain URLs, no signatures to expire in cached pages.
        "querystring_auth": False,
        # For the hashed copies. The manifest and the unhashed originals change under the
        # same name: the storage sends "no-cache" for them instead.
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    },
}
