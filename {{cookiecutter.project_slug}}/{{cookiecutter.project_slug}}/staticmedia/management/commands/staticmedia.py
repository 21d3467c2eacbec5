"""Explain, from the live settings, where static and media files go and who serves them.

    python manage.py staticmedia                                              # development
    DJANGO_SETTINGS_MODULE=config.settings.prod python manage.py staticmedia  # production

Everything printed is read from the settings and storages this process runs with, so the
answer is right for the settings module in use, including any change made to it.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

{%- if "s3" in (cookiecutter.static_files, cookiecutter.media_files) %}

from ... import s3
from ...checks import is_s3
{%- endif %}

SERVER_NAMES = {"nginx": "nginx", "apache": "Apache"}
ROWS = ["storage", "source", "written to", "URL prefix", "served by", "next"]
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"


def backend(alias):
    return settings.STORAGES[alias]["BACKEND"]


def web_server():
    name = getattr(settings, "WEB_SERVER", None)
    return SERVER_NAMES.get(name, name)


def static_storage():
    """The static files storage as configured, without reading its manifest on creation.

    Reading it would need the bucket when the storage is S3: this command never connects.
    """
    config = settings.STORAGES["staticfiles"]
    storage_class = import_string(config["BACKEND"])
    if issubclass(storage_class, ManifestFilesMixin):

        class Unloaded(storage_class):
            def load_manifest(self):
                return {}, ""

        storage_class = Unloaded
    return storage_class(**config.get("OPTIONS", {}))


def files_under(folder):
    return sum(1 for path in folder.rglob("*") if path.is_file())


def static_rows():
    storage = static_storage()
    sources = [str(entry[1] if isinstance(entry, list | tuple) else entry)
               for entry in settings.STATICFILES_DIRS]  # fmt: skip
    rows = {
        "storage": f"{backend('staticfiles')} (STORAGES['staticfiles'])",
        "source": f"{', '.join(sources) or 'no folder'} (STATICFILES_DIRS) and apps' static/",
    }
{%- if "s3" in (cookiecutter.static_files, cookiecutter.media_files) %}
    if is_s3(storage):
        return s3.static_rows(storage, rows)
{%- endif %}

    root = Path(settings.STATIC_ROOT) if settings.STATIC_ROOT else None
    whitenoise = WHITENOISE in settings.MIDDLEWARE
    runserver = settings.DEBUG and not whitenoise
    rows["URL prefix"] = f"{settings.STATIC_URL} (STATIC_URL)"
    if runserver:
        later = f" (STATIC_ROOT, {root}, is for production)" if root else ""
        rows["written to"] = f"nowhere in development: runserver reads the source folders{later}"
        rows["served by"] = "runserver (django.contrib.staticfiles), while DEBUG is on"
        rows["next"] = "nothing: edit the files in the source folders and reload the page"
        return rows

    rows["written to"] = f"{root} (STATIC_ROOT), by collectstatic" if root else "nowhere"
    if whitenoise:
        rows["served by"] = "WhiteNoise, inside the app process, from STATIC_ROOT"
    elif web_server():
        rows["served by"] = f"{web_server()}, from STATIC_ROOT (its config is in deploy/)"
    else:
        rows["served by"] = "nobody: DEBUG is off, no WhiteNoise and no web server (WEB_SERVER)"
    manifest = getattr(storage, "manifest_name", None)
    if root is None:
        rows["next"] = "set STATIC_ROOT (DJANGO_STATIC_ROOT), then run collectstatic"
    elif not root.is_dir() or not any(root.iterdir()):
        state = "is empty" if root.is_dir() else "does not exist yet"
        rows["next"] = f"run collectstatic: STATIC_ROOT {state}"
    elif isinstance(storage, ManifestFilesMixin) and not (root / manifest).is_file():
        rows["next"] = f"run collectstatic: STATIC_ROOT has no {manifest}, so pages cannot link"
    else:
        rows["next"] = (
            f"nothing now: STATIC_ROOT holds {files_under(root)} files; "
            "run collectstatic again on every deploy"
        )
    return rows


def media_rows(alias):
    """Public uploads (alias "default") or private ones ("private")."""
    storage, private = storages[alias], alias == "private"
    rows = {"storage": f"{backend(alias)} (STORAGES[{alias!r}])"}
{%- if "s3" in (cookiecutter.static_files, cookiecutter.media_files) %}
    if is_s3(storage):
        return s3.media_rows(storage, rows, private)
{%- endif %}
    if not isinstance(storage, FileSystemStorage):
        rows["served by"] = "whatever serves this custom storage's URLs"
        rows["next"] = "nothing this command can tell"
        return rows

    root, setting = Path(storage.location), "PRIVATE_MEDIA_ROOT" if private else "MEDIA_ROOT"
    rows["written to"] = f"{root} ({setting}), in each file field's upload_to sub-folder"
    if private:
        rows["URL prefix"] = "none: pages link to a view of the site, which checks who asks"
        if settings.DEBUG or not web_server():
            rows["served by"] = "the app itself, to the readers the view lets through"
        else:
            how = "X-Accel-Redirect" if settings.WEB_SERVER == "nginx" else "X-Sendfile"
            rows["served by"] = f"{web_server()} ({how}), to the readers the view lets through"
        rows["next"] = f"keep {setting} outside MEDIA_ROOT, and back it up"
        return rows
    rows["URL prefix"] = f"{settings.MEDIA_URL} (MEDIA_URL)"
    if settings.DEBUG:
        rows["served by"] = "runserver, through static() in config/urls.py, while DEBUG is on"
        rows["next"] = f"nothing: uploads appear under {root}"
    elif web_server():
        rows["served by"] = (
            f"{web_server()}, from MEDIA_ROOT (its config is in deploy/); "
            "Django never serves uploads with DEBUG off"
        )
        missing = "" if root.is_dir() else " (it does not exist yet)"
        rows["next"] = f"let the app process write MEDIA_ROOT{missing}, and back it up"
    else:
        rows["served by"] = "nobody: DEBUG is off and no web server (WEB_SERVER) serves uploads"
        rows["next"] = "serve MEDIA_ROOT with nginx/Apache, or store uploads in S3"
    return rows


class Command(BaseCommand):
    help = "Explain where static and media files are stored, their URLs, and who serves them."

    # Explain even when a check fails: the explanation is how to understand the failure.
    requires_system_checks = []

    def handle(self, *args, **options):
        debug = "on" if settings.DEBUG else "off"
        self.stdout.write(f"Settings: {settings.SETTINGS_MODULE} (DEBUG {debug})")
        self.stdout.write("")
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
