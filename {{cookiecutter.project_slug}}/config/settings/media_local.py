"""Media files in production: uploads on local disk under MEDIA_ROOT, served by the web server.

Django never serves them with DEBUG off; the web server maps MEDIA_URL to MEDIA_ROOT
(deploy/). Keep MEDIA_ROOT outside the code checkout and back it up: it is user data.
"""

from .base import env

MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default="{{ cookiecutter.__media_root }}")

# FileSystemStorage never overwrites: a second "photo.jpg" is saved as "photo_<random>.jpg".
media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
