"""Static files in production: collected into STATIC_ROOT by `manage.py collectstatic` on every
deploy, served by WhiteNoise (MIDDLEWARE) with hashed names, cached for good, and .gz/.br copies.
https://whitenoise.readthedocs.io/en/stable/django.html"""

from .base import BASE_DIR, env
from .media_{{ cookiecutter.media_files }} import STORAGES

STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")

# The uploads' storages (media_{{ cookiecutter.media_files }}.py), and the static files' one.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
