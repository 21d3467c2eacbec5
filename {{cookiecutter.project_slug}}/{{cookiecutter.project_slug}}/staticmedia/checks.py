"""System checks for the static and media mistakes Django does not catch, each with its fix in
the hint. Those tagged deploy run with `check --deploy` only: they are about production.
https://docs.djangoproject.com/en/stable/topics/checks/
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import FileSystemFinder
from django.contrib.staticfiles.storage import HashedFilesMixin
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import {% if cookiecutter.media_files == "s3" %}FileSystemStorage, {% endif %}storages
from django.utils.module_loading import import_string
{%- if cookiecutter.media_files == "s3" %}
from storages.backends.s3 import S3Storage
{%- endif %}


def _folder(path):
    return Path(path).resolve() if path else None


def _sources():
    """The STATICFILES_DIRS folders, as Django's own finder reads them."""
    return [_folder(root) for _prefix, root in FileSystemFinder().locations]


@register(Tags.staticfiles)
def check_roots_outside_sources(app_configs, **kwargs):
    static_root, media_root = _folder(settings.STATIC_ROOT), _folder(settings.MEDIA_ROOT)
    errors = []
    for source in _sources():
        # STATIC_ROOT equal to an entry is Django's own staticfiles.E002.
        if static_root and static_root != source and static_root.is_relative_to(source):
            errors.append(
                Error(
                    f"STATIC_ROOT ({static_root}) is inside {source}, a STATICFILES_DIRS "
                    "entry: collectstatic would copy its own output into itself.",
                    hint="Point STATIC_ROOT outside the source folders, e.g. "
                    'BASE_DIR / "staticfiles" or /var/www/<project>/static.',
                    id="staticmedia.E001",
                )
            )
        if media_root and media_root.is_relative_to(source):
            errors.append(
                Error(
                    f"MEDIA_ROOT ({media_root}) is inside {source}, a STATICFILES_DIRS "
                    "entry: collectstatic would publish user uploads as static files.",
                    hint="Point MEDIA_ROOT outside the source folders, e.g. "
                    'BASE_DIR / "media" or /var/www/<project>/media.',
                    id="staticmedia.E002",
                )
            )
    return errors
{%- if cookiecutter.web_server == "none" %}


@register(Tags.staticfiles, deploy=True)
def check_media_is_served(app_configs, **kwargs):
    # No web server runs in front of this project, and Django never serves media with DEBUG off.
    if settings.DEBUG or not isinstance(storages["default"], FileSystemStorage):
        return []
    return [
        Warning(
            "Uploads are stored on local disk (MEDIA_ROOT) and DEBUG is off, but no web server "
            "serves them: every upload link would be a 404.",
            hint="Keep STORAGES['default'] in S3, as the production settings do.",
            id="staticmedia.W006",
        )
    ]
{%- endif %}


def _overwriting_option(alias):
    """The option that has STORAGES[alias] replace a file saved under a taken name, or None."""
{%- if cookiecutter.media_files == "s3" %}
    if isinstance(storage := storages[alias], S3Storage):  # overwrites unless told otherwise
        return "file_overwrite" if storage.file_overwrite else None
{%- endif %}
    options = settings.STORAGES[alias].get("OPTIONS", {})
    return "allow_overwrite" if options.get("allow_overwrite") else None


@register(Tags.staticfiles)
def check_uploads_are_kept(app_configs, **kwargs):
    warnings = []
    for alias in ("default", "private"):
        if alias in settings.STORAGES and (option := _overwriting_option(alias)):
            warnings.append(
                Warning(
                    f"The uploads storage STORAGES[{alias!r}] overwrites files: a second "
                    "upload named like an earlier one replaces it, and the earlier user's "
                    "file is lost.",
                    hint=f'Set "{option}": False in STORAGES[{alias!r}]["OPTIONS"]; the '
                    "storage then gives the second file a new name (photo_<random>.jpg).",
                    id="staticmedia.W007",
                )
            )
    return warnings


def private_files_error(reason):
    return Error(
        f"Private uploads (STORAGES['private']) can be read without the site's check: {reason}.",
        hint="Keep PRIVATE_MEDIA_ROOT outside MEDIA_ROOT, STATIC_ROOT and STATICFILES_DIRS "
        "(e.g. /var/www/<project>/private){% if cookiecutter.media_files == "s3" %}; in S3, private/ outside every public prefix{% endif %}.",
        id="staticmedia.E006",
    )


@register(Tags.staticfiles)
def check_private_folder_is_not_served(app_configs, **kwargs):
    if "private" not in settings.STORAGES:
        return []
{%- if cookiecutter.media_files == "s3" %}
    if not isinstance(storages["private"], FileSystemStorage):
        return []  # in S3: its prefix is checked with the S3 storages
{%- endif %}
    folder = _folder(storages["private"].location)
    public = {"MEDIA_ROOT": settings.MEDIA_ROOT, "STATIC_ROOT": settings.STATIC_ROOT}
    public.update((f"STATICFILES_DIRS entry {source}", source) for source in _sources())
    for name, path in public.items():
        other = _folder(path)
        if other and (folder.is_relative_to(other) or other.is_relative_to(folder)):
            return [private_files_error(f"its folder {folder} overlaps {name}, served to anyone")]
    return []


@register(Tags.staticfiles, deploy=True)
def check_static_names_are_hashed(app_configs, **kwargs):
    if issubclass(import_string(settings.STORAGES["staticfiles"]["BACKEND"]), HashedFilesMixin):
        return []
    return [
        Warning(
            "The static files storage does not put a content hash in file names: browsers "
            "and CDNs keep serving the old site.css after a deploy, or cannot cache it.",
            hint="Use a storage with hashed names in STORAGES['staticfiles'], such as "
            '"django.contrib.staticfiles.storage.ManifestStaticFilesStorage", then run '
            "collectstatic.",
            id="staticmedia.W009",
        )
    ]
