"""System checks for the classic static and media mistakes, each with the fix in its hint.

They run with every `manage.py` command; the ones tagged deploy run with `check --deploy`
only, since they are about production. `manage.py staticmedia` explains the same settings.
https://docs.djangoproject.com/en/stable/topics/checks/
"""

import dataclasses
import itertools
import re
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


def _is_s3(storage):
    """True for django-storages' S3 classes and their subclasses (such as core/storage.py's)."""
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


@register(Tags.staticfiles)
def check_uploads_are_kept(app_configs, **kwargs):
    storage = storages["default"]
    if _is_s3(storage):
        overwrites, option = storage.file_overwrite, '"file_overwrite": False'
    else:
        options = settings.STORAGES["default"].get("OPTIONS", {})
        overwrites, option = options.get("allow_overwrite", False), '"allow_overwrite": False'
    if not overwrites:
        return []
    return [
        Warning(
            "The uploads storage (STORAGES['default']) overwrites files: a second upload "
            "named like an earlier one replaces it, and the earlier user's file is lost.",
            hint=f"Set {option} in STORAGES['default']['OPTIONS']; the storage then gives "
            "the second file a new name (photo_<random>.jpg).",
            id="staticmedia.W007",
        )
    ]


@register(Tags.staticfiles)
def check_uploads_are_private(app_configs, **kwargs):
    storage = storages["default"]
    if not _is_s3(storage):
        return []
    signed = storage.querystring_auth and (
        not storage.custom_domain or getattr(storage, "cloudfront_signer", None)
    )
    if signed:
        return []
    return [
        Warning(
            "Uploads in S3 are linked without a signature: anyone who has or guesses a "
            "link can read the file, forever.",
            hint='Set "querystring_auth": True and "default_acl": "private" in '
            "STORAGES['default']['OPTIONS'] (and no custom_domain, unless a CloudFront "
            "signer is configured), so links are signed and expire.",
            id="staticmedia.W008",
        )
    ]


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


# Stand-ins for what each deployment chooses: hosts, upload limit, folders, ports,
# certificate, the app's address (gunicorn's socket or port, or mod_wsgi's venv and user).
# The site in deploy/ may carry any value there, and must match the settings elsewhere.
HOSTS = ("host.placeholder.invalid", "alias.placeholder.invalid")
VALUES = {
    "max_upload_size": 987654321,
    "static_root": "/placeholder/static",
    "media_root": "/placeholder/media",
    "https_listen": "192.0.2.1:4443",
    "http_listen": "192.0.2.1:8080",
    "certificate": "/placeholder/cert.pem",
    "certificate_key": "/placeholder/key.pem",
    "project_root": "/placeholder/project",
}
# The ways `manage.py webserver_config` runs the app: proxied to gunicorn on a socket or a
# port, or (Apache) inside mod_wsgi daemon processes.
APP_VARIANTS = [
    {"upstream": "unix:/placeholder/app.sock"},
    {"upstream": "192.0.2.1:8000"},
    {"wsgi_home": "/placeholder/venv", "wsgi_user": "placeholderuser"},
]
TOKENS = [*HOSTS, *map(str, VALUES.values())]
TOKENS += [value for variant in APP_VARIANTS for value in variant.values()]


def _line_pattern(line):
    pattern = re.escape(line)
    for token in TOKENS:
        pattern = pattern.replace(re.escape(token), ".+")
    return re.compile(pattern)


def _first_difference(rendered, two_hosts, shipped):
    """The first line where `shipped` differs from `rendered`, as (expected, found), or None.
    Lines that name hosts are left out (their number varies); stand-ins match any value."""
    named = {line for line in rendered + two_hosts if any(host in line for host in HOSTS)}
    host_lines = [_line_pattern(line) for line in named]
    expected = [line for line in rendered if not any(host in line for host in HOSTS)]
    found = [line for line in shipped if not any(p.fullmatch(line) for p in host_lines)]
    for want, have in itertools.zip_longest(expected, found):
        if want is None or have is None or not _line_pattern(want).fullmatch(have):
            return want, have
    return None


def _site_mismatch(webserver, server, site, shipped):
    """None if `shipped` is the site for these settings in one of the app variants, with
    any deployment's values; else the first difference from the gunicorn-socket variant."""
    differences = []
    for variant in APP_VARIANTS:
        if "wsgi_home" in variant and server != "apache":
            continue
        values = {**VALUES, **variant, "hosts": HOSTS[:1]}
        for root in ("static_root", "media_root"):  # served from disk or not: the settings say
            values[root] = values[root] if getattr(site, root) else None
        probe = dataclasses.replace(site, **values)
        rendered = webserver.render(server, probe).splitlines()
        two_hosts = webserver.render(server, dataclasses.replace(probe, hosts=HOSTS))
        difference = _first_difference(rendered, two_hosts.splitlines(), shipped)
        if difference is None:
            return None
        differences.append(difference)
    return differences[0]


@register(Tags.staticfiles, deploy=True)
def check_deploy_site_matches_settings(app_configs, **kwargs):
    server = getattr(settings, "WEB_SERVER", None)
    project = __name__.split(".")[0]
    path = Path(settings.BASE_DIR) / "deploy" / str(server) / f"{project}.conf"
    if not server or settings.DEBUG or not path.is_file():
        return []
    from . import webserver  # only in projects with a web server

    hint = (
        "Write it again from the settings: DJANGO_SETTINGS_MODULE=config.settings.prod "
        f"python manage.py webserver_config {server} > deploy/{server}/{project}.conf, "
        "then install it on the server (its README section says where)."
    )
    try:
        site = webserver.site_from_settings(settings, project)
    except ValueError as error:
        return [Warning(f"No {server} site can be written from these settings: {error}",
                        hint=hint, id="staticmedia.W010")]  # fmt: skip
    mismatch = _site_mismatch(webserver, server, site, path.read_text().splitlines())
    if mismatch is None:
        return []
    expected, found = mismatch
    return [
        Warning(
            f"deploy/{server}/{project}.conf no longer matches the settings (URLs, what the "
            f"web server serves from disk, or the site's rules): expected {expected!r}, "
            f"found {found!r}.",
            hint=hint,
            id="staticmedia.W010",
        )
    ]
