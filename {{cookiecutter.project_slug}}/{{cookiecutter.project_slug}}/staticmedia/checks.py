{%- set s3 = cookiecutter.media_files == "s3" -%}
"""Checks for the static and media mistakes Django does not catch, the fix in each hint; those
tagged deploy run with `check --deploy` only: docs.djangoproject.com/en/stable/topics/checks/"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.finders import FileSystemFinder
from django.contrib.staticfiles.storage import HashedFilesMixin
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import {% if s3 %}FileSystemStorage, {% endif %}storages
from django.utils.module_loading import import_string
{%- if s3 %}
from storages.backends.s3 import S3Storage

from .bucket import prefix
{%- endif %}


def _folder(path):
    return Path(path).resolve() if path else None


def _sources():
    return [_folder(root) for _prefix, root in FileSystemFinder().locations]


@register(Tags.staticfiles)
def check_roots_outside_sources(app_configs, **kwargs):
    errors = []
    for setting, number, harm, folder in [
        ("STATIC_ROOT", "E001", "copy its own output into itself", "staticfiles"),
        ("MEDIA_ROOT", "E002", "publish user uploads as static files", "media"),
    ]:
        root = _folder(getattr(settings, setting))
        for source in _sources():
            # STATIC_ROOT equal to an entry is Django's own staticfiles.E002.
            if root and root.is_relative_to(source) and (root, number) != (source, "E001"):
                errors.append(Error(
                    f"{setting} ({root}) is inside {source}, a STATICFILES_DIRS entry: "
                    f"collectstatic would {harm}.",
                    hint=f"Point {setting} outside the source folders, e.g. BASE_DIR / "
                    f'"{folder}" or /var/www/<project>/{folder.removesuffix("files")}.',
                    id=f"staticmedia.{number}",
                ))  # fmt: skip
    return errors
{%- if cookiecutter.web_server == "none" %}


@register(Tags.staticfiles, deploy=True)
def check_media_is_served(app_configs, **kwargs):
    # No web server runs in front of this project, and Django never serves media with DEBUG off.
    if settings.DEBUG or not isinstance(storages["default"], FileSystemStorage):
        return []
    return [Warning(
        "Uploads are on local disk (MEDIA_ROOT) with DEBUG off, but no web server serves them: "
        "every upload link would be a 404.",
        hint="Keep STORAGES['default'] in S3, as the production settings do.",
        id="staticmedia.W006",
    )]  # fmt: skip
{%- endif %}


def _overwriting_option(alias):
    """The option that has STORAGES[alias] replace a file saved under a taken name, or None."""
{%- if s3 %}
    if isinstance(storage := storages[alias], S3Storage):  # overwrites unless told otherwise
        return "file_overwrite" if storage.file_overwrite else None
{%- endif %}
    options = settings.STORAGES[alias].get("OPTIONS", {})
    return "allow_overwrite" if options.get("allow_overwrite") else None


@register(Tags.staticfiles)
def check_uploads_are_kept(app_configs, **kwargs):
    return [Warning(
        f"The uploads storage STORAGES[{alias!r}] overwrites files: a second upload named like "
        "an earlier one replaces it, and the earlier user's file is lost.",
        hint=f'Set "{option}": False in STORAGES[{alias!r}]["OPTIONS"]; the storage then gives '
        "the second file a new name (photo_<random>.jpg).",
        id="staticmedia.W007",
    ) for alias in ("default", "private")
      if alias in settings.STORAGES and (option := _overwriting_option(alias))]  # fmt: skip


def _exposed(private):
    """Why the files of STORAGES["private"] could be read without the site's check, or None."""
{%- if s3 %}
    if isinstance(private, S3Storage):
        start = prefix(private.location)
        for alias in ("default", "staticfiles"):  # their options: no storage is created
            options = settings.STORAGES[alias].get("OPTIONS", {})
            public = options.get("querystring_auth") is False
            shared = public and options.get("bucket_name") == private.bucket_name
            if shared and start.startswith(prefix(options.get("location", ""))):
                return f"its prefix {start} lies in the public prefix of STORAGES[{alias!r}]"
        return None
    if not isinstance(private, FileSystemStorage):
        return None
{%- endif %}
    folder = _folder(private.location)
    public = {"MEDIA_ROOT": settings.MEDIA_ROOT, "STATIC_ROOT": settings.STATIC_ROOT}
    public.update((f"STATICFILES_DIRS entry {source}", source) for source in _sources())
    for name, path in public.items():
        other = _folder(path)
        if other and (folder.is_relative_to(other) or other.is_relative_to(folder)):
            return f"its folder {folder} overlaps {name}, served to anyone"
    return None


@register(Tags.staticfiles)
def check_private_files_are_not_public(app_configs, **kwargs):
    if "private" not in settings.STORAGES or not (reason := _exposed(storages["private"])):
        return []
    return [Error(
        f"Private uploads (STORAGES['private']) can be read without the site's check: {reason}.",
        hint="Keep PRIVATE_MEDIA_ROOT outside MEDIA_ROOT, STATIC_ROOT and STATICFILES_DIRS "
        "(e.g. /var/www/<project>/private){% if s3 %}; in S3, private/ outside every public prefix{% endif %}.",
        id="staticmedia.E006",
    )]  # fmt: skip
{%- if s3 %}


def signs_links(storage):
    """Whether an S3 storage's links carry a signature: S3's, or CloudFront's on its domain."""
    return storage.querystring_auth and (not storage.custom_domain or storage.cloudfront_signer)


@register(Tags.staticfiles)
def check_private_uploads_are_signed(app_configs, **kwargs):
    storage = storages["private"] if "private" in settings.STORAGES else None
    if not isinstance(storage, S3Storage):
        return []
    if signs_links(storage) and storage.querystring_expire <= 60:
        return []
    return [Warning(
        "Private uploads in S3 are linked without a signature, or with one that lasts "
        f"{storage.querystring_expire} s: whoever has the link can read the file.",
        hint='Set "querystring_auth": True and "querystring_expire": 60 in '
        "STORAGES['private']['OPTIONS'] (no custom_domain, unless with a CloudFront signer): "
        "the site checks who asks, then redirects to a link valid a minute.",
        id="staticmedia.W008",
    )]  # fmt: skip
{%- endif %}


@register(Tags.staticfiles, deploy=True)
def check_static_names_are_hashed(app_configs, **kwargs):
    if issubclass(import_string(settings.STORAGES["staticfiles"]["BACKEND"]), HashedFilesMixin):
        return []
    return [Warning(
        "The static files storage does not put a content hash in file names: browsers and "
        "CDNs keep serving the old site.css after a deploy, or cannot cache it.",
        hint="Use a storage with hashed names in STORAGES['staticfiles'], such as Django's "
        '"django.contrib.staticfiles.storage.ManifestStaticFilesStorage", then collectstatic.',
        id="staticmedia.W009",
    )]  # fmt: skip


def csp_directives():
    """The Content Security Policy's directives (config/settings/csp.py), enforced or reported."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    policy = policy or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}
    return policy.get("DIRECTIVES", {})


@register(Tags.staticfiles)
def check_policy_allows_static_and_media(app_configs, **kwargs):
    found, warnings = csp_directives(), []
    for setting, names in [("STATIC_URL", ["script-src", "style-src", "font-src", "img-src"]),
                           ("MEDIA_URL", ["img-src"])]:  # fmt: skip
        url = getattr(settings, setting)
        origin = urlsplit(url)._replace(path="", query="", fragment="").geturl() or "'self'"
        missing = [name for name in names if found and not any(
            source == origin or source.endswith("/") and url.startswith(source)
            for source in map(str, found.get(name) or found.get("default-src") or []))]  # fmt: skip
        if missing:
            warnings.append(Warning(
                f"The Content Security Policy's {', '.join(missing)} do not allow {setting}'s "
                f"origin {origin} ({url}): browsers refuse what pages load from it.",
                hint=f"Build the policy from {setting} as set last (csp_policies() in "
                f"config/settings/csp.py), or add {url!r} to those directives.",
                id="staticmedia.W012",
            ))  # fmt: skip
    unsafe = [f"{name} {source}" for name, sources in found.items()
              if isinstance(sources, list | tuple) for source in map(str, sources)
              if source in ("'unsafe-inline'", "'unsafe-eval'") or "*" in source]  # fmt: skip
    if unsafe:
        warnings.append(Warning(
            f"The Content Security Policy allows {', '.join(unsafe)}: a script injected into a "
            "page could run, or load code from anywhere.",
            hint="Name hosts in full; move inline scripts and styles into static files, or give "
            "them a nonce (csp.constants.NONCE in the policy, request.csp_nonce in the tag).",
            id="staticmedia.W013",
        ))  # fmt: skip
    return warnings
