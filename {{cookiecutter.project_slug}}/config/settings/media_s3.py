"""Media files in production: private objects in the bucket under media/.

Links are signed URLs that expire (DJANGO_S3_SIGNED_URL_EXPIRE seconds), so an upload is
only readable through a page that links to it. file_overwrite is off: a second
"photo.jpg" is stored as "photo_<random>.jpg" instead of replacing the first.
"""

from .base import env
from .s3 import bucket_name, bucket_url, s3_options

_bucket = bucket_name("DJANGO_S3_MEDIA_BUCKET")
_location = "media"
# MEDIA_ROOT (base.py) is not used in production: the storage writes to the bucket. Links
# are made by the storage, with their signature and expiry; MEDIA_URL says where they point.
MEDIA_URL = f"{bucket_url(_bucket)}{_location}/"

media_storage = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        **s3_options,
        "bucket_name": _bucket,
        "location": _location,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": env.int("DJANGO_S3_SIGNED_URL_EXPIRE", default=3600),
        "file_overwrite": False,
    },
}
