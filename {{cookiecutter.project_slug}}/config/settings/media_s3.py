"""Media files in production: in the bucket, public uploads under media/, private ones under
private/. Public ones are plain links that anyone, and any cache, may read (`manage.py
setup_buckets` makes media/ readable). Private ones nobody reads anonymously: their links
lead to the site, which checks who asks, then redirects to a link signed for a minute.
Neither storage overwrites, even when processes save one name at the same instant: a second
"photo.jpg" is stored as "photo_<random>.jpg" (staticmedia/uploads_s3.py).
"""

from .base import env
from .s3 import _bucket_url

_bucket = env("DJANGO_S3_MEDIA_BUCKET", default=None) or env("DJANGO_S3_BUCKET")
# Services that make a bucket public as a whole (Cloudflare R2, Backblaze B2) need one of
# its own for private uploads.
_private_bucket = env("DJANGO_S3_PRIVATE_BUCKET", default=None) or _bucket
# For services that ignore S3's conditional write (If-None-Match): every upload's name gets a
# random suffix ("photo_<random>.jpg"), so that two uploads never share one.
_random_suffix = env.bool("DJANGO_S3_RANDOM_SUFFIX", default=False)
# MEDIA_ROOT (base.py) is not used in production: the storages write to the bucket.
MEDIA_URL = f"{_bucket_url(_bucket)}media/"

# The uploads' storages; static_{{ cookiecutter.static_files }}.py adds the static files' one.
STORAGES = {
    "default": {
        "BACKEND": "{{ cookiecutter.project_slug }}.staticmedia.uploads_s3.UploadS3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "location": "media",
            "file_overwrite": False,
            "random_suffix": _random_suffix,
            "querystring_auth": False,
            # An upload never changes under its name, so caches may keep it for a day.
            "object_parameters": {"CacheControl": "public, max-age=86400"},
        },
    },
    # Its url() is the site's check; only the check signs a link, for the reader it let through.
    "private": {
        "BACKEND": "{{ cookiecutter.project_slug }}.staticmedia.private_s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": _private_bucket,
            "location": "private",
            "file_overwrite": False,
            "random_suffix": _random_suffix,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    },
}
