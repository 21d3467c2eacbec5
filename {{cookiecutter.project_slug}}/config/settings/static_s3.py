"""Static files in production: uploaded to the bucket under static/ by collectstatic.

Public objects with hashed names (site.3f2a1b9c8d7e.css), cached for a year by browsers and
any CDN. Set DJANGO_S3_CUSTOM_DOMAIN to a CDN domain to link through it. No STATIC_ROOT:
the bucket is where files are collected to. The storage class (core/storage.py) makes
collectstatic upload only what changed, in parallel, and write the manifest last.
"""

from config.env import env

from .s3 import S3_OPTIONS, bucket_name, bucket_url

STATIC_BUCKET = bucket_name("DJANGO_S3_STATIC_BUCKET")
STATIC_CUSTOM_DOMAIN = env("DJANGO_S3_CUSTOM_DOMAIN")
STATIC_LOCATION = "static"
# The prefix of static links; the storage builds the same URLs itself.
STATIC_URL = f"{bucket_url(STATIC_BUCKET, STATIC_CUSTOM_DOMAIN)}{STATIC_LOCATION}/"

STATIC_STORAGE = {
    "BACKEND": "{{ cookiecutter.project_slug }}.core.storage.FastS3ManifestStaticStorage",
    "OPTIONS": {
        **S3_OPTIONS,
        "bucket_name": STATIC_BUCKET,
        "location": STATIC_LOCATION,
        "custom_domain": STATIC_CUSTOM_DOMAIN,
        # Static files are public: plain URLs, no signatures to expire in cached pages.
        "querystring_auth": False,
        # For the hashed copies. The manifest and the unhashed originals change under the
        # same name: the storage sends "no-cache" for them instead.
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    },
}
