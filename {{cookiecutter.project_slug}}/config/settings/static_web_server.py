"""Static files in production: collected into STATIC_ROOT, served by the web server.

Run `manage.py collectstatic` on every deploy; the web server maps STATIC_URL to
STATIC_ROOT (deploy/). Names carry a content hash (site.3f2a1b.css), so the server can
cache them forever, and .gz copies let it send compressed bytes without work.
"""

from .base import env
from .media_{{ cookiecutter.media_files }} import STORAGES

STATIC_ROOT = env("DJANGO_STATIC_ROOT", default="{{ cookiecutter.__static_root }}")

# The uploads' storages (media_{{ cookiecutter.media_files }}.py), and the static files' one:
# whitenoise's, for its hashed names and .gz/.br copies only (no whitenoise runs in the app).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
