"""Media files in production, in the bucket: public uploads under media/, plain links anyone and
any cache may read; private ones under private/, linked to the site's check, which redirects
the readers it allows to a link signed for a minute. Neither storage overwrites
(staticmedia/uploads_s3.py). The variables are explained in .env.example."""

from .base import env
from .s3 import _bucket_url

_bucket = env("DJANGO_S3_MEDIA_BUCKET", default=None) or env("DJANGO_S3_BUCKET")
_private_bucket = env("DJANGO_S3_PRIVATE_BUCKET", default=None) or _bucket
_random_suffix = env.bool("DJANGO_S3_RANDOM_SUFFIX", default=False)
# MEDIA_ROOT (base.py) is not used in production: the storages write to the bucket.
MEDIA_URL = f"{_bucket_url(_bucket)}media/"
# Where forms send files straight from the browser (staticmedia/direct_uploads.py).
DIRECT_UPLOAD_URL = _bucket_url(_private_bucket)

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
            # No "default_acl": objects are private unless a policy says otherwise, and new AWS
            # buckets (ACLs disabled) refuse a write that names one (AccessControlListNotSupported).
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    },
}
