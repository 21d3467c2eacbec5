"""Media files in production: uploads on local disk, served by the web server (deploy/) from
MEDIA_ROOT; PRIVATE_MEDIA_ROOT only through the site's check (config/urls.py). Both folders are
user data: keep them outside the code checkout, and back them up."""

from .base import env

MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default="{{ cookiecutter.__media_root }}")
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default="{{ cookiecutter.__private_root }}")

# The uploads' storages; static_{{ cookiecutter.static_files }}.py adds the static files' one.
STORAGES = {
    # Never overwrites (a second "photo.jpg" is "photo_<random>.jpg"), never keeps half a file.
    "default": {"BACKEND": "{{ cookiecutter.project_slug }}.staticmedia.whole_files.WholeFileStorage"},
    # A private file's url is the site's check (config/urls.py), which no file is reached without.
    "private": {
        "BACKEND": "{{ cookiecutter.project_slug }}.staticmedia.whole_files.WholeFileStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-files/"},
    },
}
