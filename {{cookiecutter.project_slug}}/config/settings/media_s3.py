"""Media files in production: private objects in the bucket under media/.

Links are signed URLs that expire (DJANGO_S3_SIGNED_URL_EXPIRE seconds), so an upload is
only readable through a page that links to it. file_overwrite is off: a second
"photo.jpg" is stored as "photo_<random>.jpg" instead of replacing the first.
"""

from config.env import env_int

from .s3 import S3_OPTIONS, bucket_name, bucket_url

MEDIA_BUCKET = bucket_name("DJANGO_S3_MEDIA_BUCKET")
MEDIA_LOCATION = "media"
# MEDIA_ROOT (base.py) is not used in production: the storage writes to the bucket. Links
# are made by the storage, with their signature and expiry; MEDIA_URL says where they point.
MEDIA_URL = f"{bucket_url(MEDIA_BUCKET)}{MEDIA_LOCATION}/"

MEDIA_STORAGE = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        **S3_OPTIONS,
        "bucket_name": MEDIA_BUCKET,
        "location": MEDIA_LOCATION,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": env_int("DJANGO_S3_SIGNED_URL_EXPIRE", 3600),
        "file_overwrite": False,
    },
}
