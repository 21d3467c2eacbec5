{%- set server = {"nginx": "nginx", "apache": "Apache", "caddy": "Caddy", "none": ""}[cookiecutter.web_server] -%}
"""`manage.py staticmedia`: where static and media files are written, their URLs, who serves
them and what to do next, by the settings it runs with (config.settings.prod in production)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.files.storage import storages
from django.core.management.base import BaseCommand
{%- if cookiecutter.media_files == "s3" %}
from django.template.defaultfilters import filesizeformat
{%- endif %}
from django.utils.module_loading import import_string
{%- if "s3" in (cookiecutter.static_files, cookiecutter.media_files) %}
from storages.backends.s3 import S3Storage
{%- endif %}

{% if "s3" in (cookiecutter.static_files, cookiecutter.media_files) -%}
from ...bucket import prefix
{% endif -%}
from ...checks import csp_directives{% if cookiecutter.media_files == "s3" %}, signs_links{% endif %}
{%- if cookiecutter.media_files == "s3" %}
from ...direct_uploads import INCOMING
{%- endif %}

ROWS = ["storage", "source", "written to", "URL prefix", "policy", "served by", "next"]


def _storage(alias):
    return f"{settings.STORAGES[alias]['BACKEND']} (STORAGES[{alias!r}])"


def _policy(*names):
    """The Content Security Policy's sources in directives `names`, and where each comes from."""
    if not (found := csp_directives()):
        return "none: no Content Security Policy is set"
    fallback = found.get("default-src", [])  # a policy may set no default-src
    sources = dict.fromkeys(s for name in names for s in found.get(name) or fallback)
    whence = {"'self'": "this site", settings.MEDIA_URL: "MEDIA_URL"}
    whence[settings.STATIC_URL] = "STATIC_URL"
    listed = ", ".join(f"{source} ({whence.get(source, 'added by hand')})" for source in sources)
    return f"{'/'.join(names)}: {listed}; from config/settings/csp.py"
{%- if "s3" in (cookiecutter.static_files, cookiecutter.media_files) %}


def _in_bucket(storage, rows, setting, signed=None):
    """Where a bucket's storage writes, and the links it makes (signature left out)."""
    start = prefix(storage.location)
    where = f"the bucket {storage.bucket_name}, under {start or 'its root'}"
    rows["written to"] = f"{where} (at {storage.endpoint_url})" if storage.endpoint_url else where
    if storage.custom_domain:
        link = f"{storage.url_protocol}//{storage.custom_domain}/{start}"
    else:
        params = {"Bucket": storage.bucket_name, "Key": start or "/"}
        client = storage.unsigned_connection.meta.client
        link = client.generate_presigned_url("get_object", Params=params)
    signature = f" + a signature valid {signed} s" if signed else ""
    agrees = getattr(settings, setting) == link  # the storage makes the links, not the setting
    note = f"{setting}, made by the storage" if agrees else f"made by the storage; {setting} unused"
    rows["URL prefix"] = f"{link}{signature} ({note})"
    return link
{%- endif %}


def static_rows():
    storage_class = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    sources = ", ".join(str(root) for _prefix, root in FileSystemFinder().locations)
    rows = {
        "storage": _storage("staticfiles"),
        "source": f"{sources or 'no folder'} (STATICFILES_DIRS) and apps' static/",
        "URL prefix": f"{settings.STATIC_URL} (STATIC_URL)",
        "policy": _policy("script-src", "style-src", "font-src"),
    }
{%- if cookiecutter.static_files == "s3" %}
    if issubclass(storage_class, S3Storage):  # a plain S3Storage: no manifest read from the bucket
        storage = S3Storage(**settings.STORAGES["staticfiles"].get("OPTIONS", {}))
        _in_bucket(storage, rows, "STATIC_URL")
        rows["written to"] += ", by collectstatic; STATIC_ROOT is not used"
        cdn = storage.custom_domain
        rows["served by"] = f"the CDN at {cdn}, from S3" if cdn else "S3, directly (public objects)"
        rows["next"] = "run collectstatic on every deploy: it uploads new and changed files"
        return rows
{%- endif %}
    root = Path(settings.STATIC_ROOT) if settings.STATIC_ROOT else None
    if settings.DEBUG:
        later = f" (STATIC_ROOT, {root}, is for production)" if root else ""
        rows["written to"] = f"nowhere in development: runserver reads the source folders{later}"
        rows["served by"] = "runserver (django.contrib.staticfiles), while DEBUG is on"
        rows["next"] = "nothing: edit the files in the source folders and reload the page"
        return rows
    rows["written to"] = f"{root} (STATIC_ROOT), by collectstatic" if root else "nowhere"
{%- if cookiecutter.static_files == "whitenoise" %}
    rows["served by"] = "WhiteNoise, inside the app process, from STATIC_ROOT"
{%- elif cookiecutter.static_files == "web_server" %}
    rows["served by"] = "{{ server }}, from STATIC_ROOT (its config is in deploy/)"
{%- else %}
    rows["served by"] = "nobody: the production settings keep static files in the bucket"
{%- endif %}
    manifest = getattr(storage_class, "manifest_name", None)
    if root is None:
        rows["next"] = "set STATIC_ROOT, then run collectstatic"
    elif not root.is_dir():
        rows["next"] = "run collectstatic: STATIC_ROOT does not exist yet"
    elif not any(root.iterdir()):
        rows["next"] = "run collectstatic: STATIC_ROOT is empty"
    elif manifest and not (root / manifest).is_file():
        rows["next"] = f"run collectstatic: STATIC_ROOT has no {manifest}, so pages cannot link"
    else:
        count = sum(1 for path in root.rglob("*") if path.is_file())
        rows["next"] = (
            f"nothing now: STATIC_ROOT holds {count} files; run collectstatic again on every deploy"
        )
    return rows


def media_rows(alias):
    storage, private = storages[alias], alias == "private"
    rows = {"storage": _storage(alias)}
    if not private:
        rows["policy"] = _policy("img-src")
{%- if cookiecutter.media_files == "s3" %}
    if isinstance(storage, S3Storage):
        expire = storage.querystring_expire
        signed = signs_links(storage)
        link = _in_bucket(storage, rows, "MEDIA_URL", expire if signed else None)
        rows["written to"] += f"; {'PRIVATE_MEDIA_ROOT' if private else 'MEDIA_ROOT'} is not used"
        where = storages["private"]  # forms' files wait in the private storage's bucket
        incoming = f"the bucket {where.bucket_name}, under {prefix(where.location)}{INCOMING}"
        rows["source"] = (
            f"upload forms: the browser POSTs each file to {incoming} (signed, up to "
            f"{filesizeformat(settings.DIRECT_UPLOAD_MAX_SIZE)}), the app copies it here inside "
            f"the bucket; without JavaScript, through the app (up to "
            f"{filesizeformat(settings.MAX_UPLOAD_SIZE)})"
        )
        server = f"the CDN at {storage.custom_domain}" if storage.custom_domain else "S3"
        readers = "the readers the site lets through" if private else "whoever holds a signed link"
        rows["served by"] = f"{server}, to {readers if signed else 'anyone'}"
        if private:
            signature = f"+ a signature valid {expire} s" if signed else "(unsigned)"
            rows["URL prefix"] = (
                f"a view of the site, which checks who asks, then redirects to {link} {signature}"
            )
        rows["next"] = "nothing: uploads go to the bucket, each under its own name"
        if storage.file_overwrite or private and not (signed and expire <= 60):
            rows["next"] = "fix what `manage.py check` reports (staticmedia.W007, W008)"
        return rows
{%- endif %}
    root, setting = storage.location, "PRIVATE_MEDIA_ROOT" if private else "MEDIA_ROOT"
    rows["written to"] = f"{root} ({setting}), in each file field's upload_to sub-folder"
    if private:
        rows["URL prefix"] = f"{storage.base_url}, a view of the site that checks who asks"
        rows["next"] = f"keep {setting} outside MEDIA_ROOT, and back it up"
        rows["served by"] = "the app itself, to the readers the view lets through"
{%- if cookiecutter.media_files == "local" %}
        if not settings.DEBUG:
            rows["served by"] = "{{ server }} ({{ {"nginx": "X-Accel-Redirect", "apache": "X-Sendfile", "caddy": "X-Private-File"}[cookiecutter.web_server] }}), to the readers the view lets through"
{%- endif %}
        return rows
    rows["URL prefix"] = f"{settings.MEDIA_URL} (MEDIA_URL)"
    if settings.DEBUG:
        rows["served by"] = "runserver, through static() in config/urls.py, while DEBUG is on"
        rows["next"] = f"nothing: uploads appear under {root}"
        return rows
{%- if cookiecutter.media_files == "s3" %}
    rows["served by"] = "nobody: the production settings keep uploads in the bucket"
{%- else %}
    rows["served by"] = (
        "{{ server }}, from MEDIA_ROOT (its config is in deploy/); Django never serves uploads "
        "with DEBUG off"
    )
{%- endif %}
    missing = "" if Path(root).is_dir() else " (it does not exist yet)"
    rows["next"] = f"let the app process write MEDIA_ROOT{missing}, and back it up"
    return rows


class Command(BaseCommand):
    help = "Explain where static and media files are stored, their URLs, and who serves them."
    requires_system_checks = []  # explain even when a check fails: it helps to understand it

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
            for name in (name for name in ROWS if name in rows):
                self.stdout.write(f"  {name:<11} {rows[name]}")
            self.stdout.write("")
