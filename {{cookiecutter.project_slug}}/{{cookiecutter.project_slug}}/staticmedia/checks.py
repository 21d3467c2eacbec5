"""System checks for the classic static and media mistakes, each with the fix in its hint.

They run with every `manage.py` command; the ones tagged deploy run with `check --deploy`
only, since they are about production. `manage.py staticmedia` explains the same settings.
https://docs.djangoproject.com/en/stable/topics/checks/
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import HashedFilesMixin
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import FileSystemStorage, storages
from django.utils.module_loading import import_string


def _path(value):
    return Path(value).resolve() if value else None


def _inside(path, folder):
    """True if `path` is `folder` or lies somewhere under it."""
    return path.is_relative_to(folder)


def _overlap(one, other):
    return _inside(one, other) or _inside(other, one)


def _staticfiles_dirs():
    for entry in settings.STATICFILES_DIRS:
        yield _path(entry[1] if isinstance(entry, list | tuple) else entry)


def _storage_class(alias):
    return import_string(settings.STORAGES[alias]["BACKEND"])


def is_s3(storage):
    """True for django-storages' S3 classes and their subclasses (such as storage.py's)."""
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # django-storages is installed only when an option uses S3
        return False
    return isinstance(storage, S3Storage)


@register(Tags.staticfiles)
def check_roots(app_configs, **kwargs):
    errors = []
    static_root, media_root = _path(settings.STATIC_ROOT), _path(settings.MEDIA_ROOT)
    for source in _staticfiles_dirs():
        # Equal to an entry is Django's own staticfiles.E002; inside one is caught here.
        if static_root and static_root != source and _inside(static_root, source):
            errors.append(
                Error(
                    f"STATIC_ROOT ({static_root}) is inside {source}, a STATICFILES_DIRS "
                    "entry: collectstatic would copy its own output into itself.",
                    hint="Point STATIC_ROOT outside the source folders, e.g. "
                    'BASE_DIR / "staticfiles" or /var/www/<project>/static.',
                    id="staticmedia.E001",
                )
            )
        if media_root and _inside(media_root, source):
            errors.append(
                Error(
                    f"MEDIA_ROOT ({media_root}) is inside {source}, a STATICFILES_DIRS "
                    "entry: collectstatic would publish user uploads as static files.",
                    hint="Point MEDIA_ROOT outside the source folders, e.g. "
                    'BASE_DIR / "media" or /var/www/<project>/media.',
                    id="staticmedia.E002",
                )
            )
    if static_root and media_root and _overlap(static_root, media_root):
        errors.append(
            Error(
                f"STATIC_ROOT ({static_root}) and MEDIA_ROOT ({media_root}) overlap: "
                "collectstatic rebuilds static files on every deploy, uploads are user data.",
                hint="Give them two separate folders, neither inside the other, e.g. "
                "/var/www/<project>/static and /var/www/<project>/media.",
                id="staticmedia.E003",
            )
        )
    return errors


@register(Tags.staticfiles)
def check_urls(app_configs, **kwargs):
    errors = []
    for name, example in (("STATIC_URL", "/static/"), ("MEDIA_URL", "/media/")):
        value = getattr(settings, name) or ""
        if not value.endswith("/"):
            errors.append(
                Error(
                    f"{name} is {value!r}: links to files would be glued to the prefix "
                    "or be relative to the current page.",
                    hint=f'End {name} with a slash, e.g. {name} = "{example}".',
                    id="staticmedia.E004",
                )
            )
    static_url, media_url = settings.STATIC_URL or "", settings.MEDIA_URL or ""
    nested = static_url.startswith(media_url) or media_url.startswith(static_url)
    if static_url and media_url and nested:
        errors.append(
            Error(
                f"STATIC_URL ({static_url!r}) and MEDIA_URL ({media_url!r}) share a prefix: "
                "a request could not tell a static file from an upload.",
                hint='Give each its own prefix: STATIC_URL = "/static/", MEDIA_URL = "/media/".',
                id="staticmedia.E005",
            )
        )
    return errors


@register(Tags.staticfiles, deploy=True)
def check_media_is_served(app_configs, **kwargs):
    if settings.DEBUG or not isinstance(storages["default"], FileSystemStorage):
        return []
    if getattr(settings, "WEB_SERVER", None):
        return []
    return [
        Warning(
            "Uploads are stored on local disk (MEDIA_ROOT) and DEBUG is off, but no web "
            "server serves them (WEB_SERVER is not set): every upload link would be a 404. "
            "Django never serves media with DEBUG off, and WhiteNoise serves static files only.",
            hint="Put nginx or Apache in front of the app with MEDIA_URL mapped to MEDIA_ROOT "
            "and set WEB_SERVER, or store uploads in S3 (a project generated with "
            "media_files=s3 shows how).",
            id="staticmedia.W006",
        )
    ]


def _upload_storages():
    """(alias, storage) of the uploads storages: public ("default") and private."""
    aliases = [alias for alias in ("default", "private") if alias in settings.STORAGES]
    return [(alias, storages[alias]) for alias in aliases]


@register(Tags.staticfiles)
def check_uploads_are_kept(app_configs, **kwargs):
    warnings = []
    for alias, storage in _upload_storages():
        if hasattr(storage, "file_overwrite"):  # django-storages' option
            overwrites, option = storage.file_overwrite, '"file_overwrite": False'
        else:
            options = settings.STORAGES[alias].get("OPTIONS", {})
            overwrites = options.get("allow_overwrite", False)
            option = '"allow_overwrite": False'
        if overwrites:
            warnings.append(
                Warning(
                    f"The uploads storage STORAGES[{alias!r}] overwrites files: a second "
                    "upload named like an earlier one replaces it, and the earlier user's "
                    "file is lost.",
                    hint=f"Set {option} in STORAGES[{alias!r}]['OPTIONS']; the storage then "
                    "gives the second file a new name (photo_<random>.jpg).",
                    id="staticmedia.W007",
                )
            )
    return warnings


def private_files_error(reason):
    return Error(
        f"Private uploads (STORAGES['private']) can be read without the site's check: {reason}.",
        hint="Keep private files apart from everything served publicly: PRIVATE_MEDIA_ROOT "
        "outside MEDIA_ROOT and STATIC_ROOT (e.g. /var/www/<project>/private), or in S3 a "
        "prefix of their own (private/).",
        id="staticmedia.E006",
    )


@register(Tags.staticfiles)
def check_private_folder_is_not_served(app_configs, **kwargs):
    private = storages["private"] if "private" in settings.STORAGES else None
    if not isinstance(private, FileSystemStorage):
        return []  # S3: s3.py checks the prefix
    folder = _path(private.location)
    public = {"MEDIA_ROOT": settings.MEDIA_ROOT, "STATIC_ROOT": settings.STATIC_ROOT}
    public.update((f"STATICFILES_DIRS entry {path}", path) for path in _staticfiles_dirs())
    for name, other in public.items():
        if other and _overlap(folder, _path(other)):
            return [private_files_error(f"its folder {folder} overlaps {name}, served to anyone")]
    return []


@register(Tags.staticfiles, deploy=True)
def check_static_names_are_hashed(app_configs, **kwargs):
    if issubclass(_storage_class("staticfiles"), HashedFilesMixin):
        return []
    return [
        Warning(
            "The static files storage does not put a content hash in file names: browsers "
            "and CDNs keep serving the old site.css after a deploy, or cannot cache it.",
            hint='Use "whitenoise.storage.CompressedManifestStaticFilesStorage", '
            '"django.contrib.staticfiles.storage.ManifestStaticFilesStorage" or '
            '"storages.backends.s3.S3ManifestStaticStorage" in STORAGES["staticfiles"], '
            "then run collectstatic.",
            id="staticmedia.W009",
        )
    ]
