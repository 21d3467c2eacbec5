"""Static files in production: uploaded to the bucket under static/ by collectstatic.

Public objects with hashed names (site.3f2a1b.css), cached for a year by browsers and any
CDN. Set DJANGO_S3_CUSTOM_DOMAIN to a CDN domain to link through it. No STATIC_ROOT: the
bucket is where files are collected to.
"""

from config.env import env

from .s3 import S3_OPTIONS

STATIC_CUSTOM_DOMAIN = env("DJANGO_S3_CUSTOM_DOMAIN")

STATIC_STORAGE = {
    "BACKEND": "storages.backends.s3.S3ManifestStaticStorage",
    "OPTIONS": {
        **S3_OPTIONS,
        "location": "static",
        "custom_domain": STATIC_CUSTOM_DOMAIN,
        # Static files are public: plain URLs, no signatures to expire in cached pages.
        "querystring_auth": False,
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    },
}
