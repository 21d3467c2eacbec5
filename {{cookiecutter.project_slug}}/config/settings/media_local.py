"""Media files in production: uploads on local disk, served by the web server (deploy/).

Public uploads live under MEDIA_ROOT, which the web server maps to MEDIA_URL. Private ones
live under PRIVATE_MEDIA_ROOT, which no URL reaches: their links lead to the site, which
checks who asks, then has the web server send the file. Keep both folders outside the code
checkout and back them up: they are user data.
"""

from .base import env

MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default="{{ cookiecutter.__media_root }}")
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default="{{ cookiecutter.__private_root }}")

# The uploads' storages; static_{{ cookiecutter.static_files }}.py adds the static files' one.
STORAGES = {
    # FileSystemStorage never overwrites: a second "photo.jpg" is saved as "photo_<random>.jpg".
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # A private file's url is the site's check (config/urls.py), which no file is reached without.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-files/"},
    },
}
