"""Static files in production: collected into STATIC_ROOT, served by WhiteNoise from the app.

Run `manage.py collectstatic` on every deploy. WhiteNoise serves each file with a hashed
name (site.3f2a1b.css) and a far-future Cache-Control, plus pre-compressed .gz/.br copies.
https://whitenoise.readthedocs.io/en/stable/django.html
"""

from .base import BASE_DIR, MIDDLEWARE, env

STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")

static_storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

# Right after SecurityMiddleware: static responses still get its headers, and skip the rest.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
