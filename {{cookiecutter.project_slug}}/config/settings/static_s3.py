"""Static files in production: in the bucket under static/, uploaded by collectstatic (no
STATIC_ROOT), public, with hashed names (site.3f2a1b9c8d7e.css) that browsers and any CDN
cache for a year. Set DJANGO_S3_CUSTOM_DOMAIN to link through a CDN."""

from .base import env
from .media_{{ cookiecutter.media_files }} import STORAGES
from .s3 import _bucket_url

_bucket = env("DJANGO_S3_STATIC_BUCKET", default=None) or env("DJANGO_S3_BUCKET")
_custom_domain = env("DJANGO_S3_CUSTOM_DOMAIN", default=None)
# The prefix of static links; the storage builds the same URLs itself.
_links = f"https://{_custom_domain}/" if _custom_domain else _bucket_url(_bucket)
STATIC_URL = f"{_links}static/"

# The uploads' storages (media_{{ cookiecutter.media_files }}.py), and the static files' one.
STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "{{ cookiecutter.project_slug }}.staticmedia.static_s3.FastS3ManifestStaticStorage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "location": "static",
            "custom_domain": _custom_domain,
            # Static files are public: plain URLs, no signatures to expire in cached pages.
            "querystring_auth": False,
            # For the hashed copies: the manifest and the unhashed originals get "no-cache".
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            # Text stored gzipped, sent as stored to every client (a bucket cannot choose an
            # encoding per request): about a quarter of the bytes. Fonts in WOFF2 and images
            # are compressed already.
            "gzip": True,
            "gzip_content_types": (
                "text/css",
                "text/javascript",
                "application/javascript",
                "application/json",
                "image/svg+xml",
                "text/plain",
            ),
        },
    },
}
