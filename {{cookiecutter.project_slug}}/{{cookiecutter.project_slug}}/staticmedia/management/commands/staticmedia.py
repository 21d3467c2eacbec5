{%- set server = {"nginx": "nginx", "apache": "Apache", "none": ""}[cookiecutter.web_server] -%}
"""Explain, from the live settings, where static and media files go and who serves them.

    python manage.py staticmedia                                              # development
    DJANGO_SETTINGS_MODULE=config.settings.prod python manage.py staticmedia  # production

Paths, URLs and storages are read from the settings this process runs with, so the answer
follows any change made to them.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.files.storage import storages
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string
{%- if "s3" in (cookiecutter.static_files, cookiecutter.media_files) %}
from storages.backends.s3 import S3Storage

from ... import explain_s3
{%- endif %}

ROWS = ["storage", "source", "written to", "URL prefix", "served by", "next"]
# Who serves files kept on local disk once DEBUG is off, by storage.
SERVED_BY = {
{%- if cookiecutter.static_files == "whitenoise" %}
    "staticfiles": "WhiteNoise, inside the app process, from STATIC_ROOT",
{%- elif cookiecutter.static_files == "web_server" %}
    "staticfiles": "{{ server }}, from STATIC_ROOT (its config is in deploy/)",
{%- else %}
    "staticfiles": "nobody: the production settings keep static files in the bucket",
{%- endif %}
{%- if cookiecutter.media_files == "local" %}
    "default": "{{ server }}, from MEDIA_ROOT (its config is in deploy/); Django never serves "
    "uploads with DEBUG off",
    "private": "{{ server }} ({{ {"nginx": "X-Accel-Redirect", "apache": "X-Sendfile"}[cookiecutter.web_server] }}), to the readers the view lets through",
{%- else %}
    "default": "nobody: the production settings keep uploads in the bucket",
    "private": "the app itself, to the readers the view lets through",
{%- endif %}
}


def _storage(alias):
    return f"{settings.STORAGES[alias]['BACKEND']} (STORAGES[{alias!r}])"
{%- if cookiecutter.static_files == "s3" %}


def _without_manifest(storage_class):
    """The static files storage, its manifest left unread: that would connect to the bucket."""
    unread = type("Unread", (storage_class,), {"load_manifest": lambda self: ({}, "")})
    return unread(**settings.STORAGES["staticfiles"].get("OPTIONS", {}))
{%- endif %}


def static_rows():
    storage_class = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    sources = ", ".join(str(root) for _prefix, root in FileSystemFinder().locations)
    rows = {
        "storage": _storage("staticfiles"),
        "source": f"{sources or 'no folder'} (STATICFILES_DIRS) and apps' static/",
        "URL prefix": f"{settings.STATIC_URL} (STATIC_URL)",
    }
{%- if cookiecutter.static_files == "s3" %}
    if issubclass(storage_class, S3Storage):
        return explain_s3.static_rows(_without_manifest(storage_class), rows)
{%- endif %}
    root = Path(settings.STATIC_ROOT) if settings.STATIC_ROOT else None
    if settings.DEBUG:
        later = f" (STATIC_ROOT, {root}, is for production)" if root else ""
        rows["written to"] = f"nowhere in development: runserver reads the source folders{later}"
        rows["served by"] = "runserver (django.contrib.staticfiles), while DEBUG is on"
        rows["next"] = "nothing: edit the files in the source folders and reload the page"
        return rows
    rows["written to"] = f"{root} (STATIC_ROOT), by collectstatic" if root else "nowhere"
    rows["served by"] = SERVED_BY["staticfiles"]
    rows["next"] = _static_next(root, getattr(storage_class, "manifest_name", None))
    return rows


def _static_next(root, manifest):
    """What to do next, from what STATIC_ROOT holds."""
    if root is None:
        return "set STATIC_ROOT, then run collectstatic"
    if not root.is_dir():
        return "run collectstatic: STATIC_ROOT does not exist yet"
    if not any(root.iterdir()):
        return "run collectstatic: STATIC_ROOT is empty"
    if manifest and not (root / manifest).is_file():
        return f"run collectstatic: STATIC_ROOT has no {manifest}, so pages cannot link"
    count = sum(1 for path in root.rglob("*") if path.is_file())
    return f"nothing now: STATIC_ROOT holds {count} files; run collectstatic again on every deploy"


def media_rows(alias):
    """Public uploads (alias "default") or private ones ("private")."""
    storage, private = storages[alias], alias == "private"
    rows = {"storage": _storage(alias)}
{%- if cookiecutter.media_files == "s3" %}
    if isinstance(storage, S3Storage):
        return explain_s3.media_rows(storage, rows, private)
{%- endif %}
    root, setting = storage.location, "PRIVATE_MEDIA_ROOT" if private else "MEDIA_ROOT"
    rows["written to"] = f"{root} ({setting}), in each file field's upload_to sub-folder"
    rows["served by"] = SERVED_BY[alias]
    if private:
        rows["URL prefix"] = f"{storage.base_url}, a view of the site that checks who asks"
        rows["next"] = f"keep {setting} outside MEDIA_ROOT, and back it up"
        if settings.DEBUG:
            rows["served by"] = "the app itself, to the readers the view lets through"
        return rows
    rows["URL prefix"] = f"{settings.MEDIA_URL} (MEDIA_URL)"
    if settings.DEBUG:
        rows["served by"] = "runserver, through static() in config/urls.py, while DEBUG is on"
        rows["next"] = f"nothing: uploads appear under {root}"
    else:
        missing = "" if Path(root).is_dir() else " (it does not exist yet)"
        rows["next"] = f"let the app process write MEDIA_ROOT{missing}, and back it up"
    return rows


class Command(BaseCommand):
    help = "Explain where static and media files are stored, their URLs, and who serves them."

    # Explain even when a check fails: the explanation is how to understand the failure.
    requires_system_checks = []

    def handle(self, *args, **options):
        debug = "on" if settings.DEBUG else "off"
        self.stdout.write(f"Settings: {settings.SETTINGS_MODULE} (DEBUG {debug})\n\n")
        sections = [
            ("Static files: CSS, JavaScript and images shipped with the code", static_rows()),
            ("Media files: public uploads, linked for anyone to read", media_rows("default")),
        ]
        if "private" in settings.STORAGES:
            title = "Private files: uploads only the readers the site allows may download"
            sections.append((title, media_rows("private")))
        for title, rows in sections:
            self.stdout.write(self.style.MIGRATE_HEADING(title))
            for name in ROWS:
                if name in rows:
                    self.stdout.write(f"  {name:<11} {rows[name]}")
            self.stdout.write("")
        if settings.DEBUG:
            self.stdout.write(
                "In production: DJANGO_SETTINGS_MODULE=config.settings.prod "
                "python manage.py staticmedia"
            )
