"""Static files in production: collected into STATIC_ROOT, served by the web server.

Run `manage.py collectstatic` on every deploy; the web server maps STATIC_URL to
STATIC_ROOT (deploy/). Names carry a content hash (site.3f2a1b.css), so the server can
cache them forever, and .gz copies let it send compressed bytes without work.
"""

from .base import env

STATIC_ROOT = env("DJANGO_STATIC_ROOT", default="{{ cookiecutter.__static_root }}")

# Whitenoise's storage is used for its hashed names and .gz/.br copies only: nothing
# of whitenoise runs in the app (no middleware).
static_storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
