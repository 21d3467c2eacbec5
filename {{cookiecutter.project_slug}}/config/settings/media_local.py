"""Media files in production: uploads on local disk, served by the web server.

Public uploads live under MEDIA_ROOT, which the web server maps to MEDIA_URL (deploy/).
Private ones live under PRIVATE_MEDIA_ROOT, which no URL of the web server reaches: their
links lead to the site, which checks who asks, then has the web server send the file. Django
never serves either with DEBUG off. Keep both folders outside the code checkout and back them
up: they are user data.
"""

from .base import env

MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default="{{ cookiecutter.__media_root }}")
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default="{{ cookiecutter.__private_root }}")

# FileSystemStorage never overwrites: a second "photo.jpg" is saved as "photo_<random>.jpg".
media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# A private file's url is the site's check (config/urls.py), which no file is reached without.
private_storage = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-files/"},
}
