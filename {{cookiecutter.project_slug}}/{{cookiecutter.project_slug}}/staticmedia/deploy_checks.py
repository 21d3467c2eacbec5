"""`check --deploy` against the web server site in deploy/ (staticmedia.W010, W011).

deploy/<WEB_SERVER>/<project>.conf is your file: edit it as you like. Only the few facts that
must agree with the settings are read from it, one regular expression each:

- the folder served for STATIC_URL is STATIC_ROOT, when the web server serves static files
  (STATIC_ROOT on local disk, no WhiteNoise);
- the folder served for MEDIA_URL is MEDIA_ROOT, when uploads are on local disk;
- the request body limit is MAX_UPLOAD_SIZE (nginx client_max_body_size; Apache
  LimitRequestBody and the Content-Length RewriteCond);
- W011: when private uploads are on local disk, the web server can send them from
  PRIVATE_MEDIA_ROOT: nginx through an `internal` location at PRIVATE_MEDIA_INTERNAL_URL,
  Apache through XSendFilePath.

Other locations, headers, comments and the order of things are never looked at.
"""

import os
import re
from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.files.storage import FileSystemStorage, storages
from django.utils.module_loading import import_string

WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"
# nginx size suffixes: client_max_body_size 10m.
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _alias_pattern(server, url):
    if server == "nginx":
        # location /static/ { ... alias /path/; } (one level of nested braces: types { }).
        prefix = r"location\s+(?:\^~\s+)?" + re.escape(url) + r"\s*\{(?:[^{}]|\{[^{}]*\})*?"
        return prefix + r"\balias\s+\"?([^\";\s]+)\"?\s*;"
    return r"^\s*Alias\s+\"?" + re.escape(url) + r"\"?\s+\"?([^\"\s]+)"


# The directives that hold the request body limit, by server.
LIMITS = {
    "nginx": {"client_max_body_size": r"\bclient_max_body_size\s+(\w+)\s*;"},
    "apache": {
        "LimitRequestBody": r"^\s*LimitRequestBody\s+(\w+)",
        "the Content-Length RewriteCond": (
            r"^\s*RewriteCond\s+expr\s+\"%\{HTTP:Content-Length\}\s+-gt\s+(\w+)"
        ),
    },
}


def _without_comments(text):
    """`text` with each comment blanked out, so offsets (and line numbers) stay the same."""
    return re.sub(r"(?m)(?:^|(?<=\s))#.*$", lambda match: " " * len(match.group()), text)


def _bytes(value):
    """nginx's "10m" (or Apache's "10485760") in bytes; None if it is not a size."""
    size = re.fullmatch(r"(\d+)([kKmMgG]?)", value)
    return size and int(size[1]) * UNITS[size[2].lower()]


def _same_path(one, other):
    return os.path.normpath(str(one)) == os.path.normpath(str(other))


def _on_disk(alias):
    """True if STORAGES[alias] keeps files on local disk. The class is enough: creating an
    S3 manifest storage would read its manifest from the bucket."""
    return issubclass(import_string(settings.STORAGES[alias]["BACKEND"]), FileSystemStorage)


def _served_from_disk():
    """(URL, root setting, root) for each folder the web server must serve from disk."""
    static_root = getattr(settings, "STATIC_ROOT", None)
    if static_root and _on_disk("staticfiles") and WHITENOISE not in settings.MIDDLEWARE:
        yield settings.STATIC_URL, "STATIC_ROOT", static_root
    if _on_disk("default"):
        yield settings.MEDIA_URL, "MEDIA_ROOT", settings.MEDIA_ROOT


def _site():
    """(server, the site's name under BASE_DIR, its text without comments), or None when
    no site applies: no web server, DEBUG on, or no file."""
    server = getattr(settings, "WEB_SERVER", None)
    name = f"deploy/{server}/{__name__.split('.')[0]}.conf"
    path = Path(settings.BASE_DIR) / name
    if not server or settings.DEBUG or not path.is_file():
        return None
    return server, name, _without_comments(path.read_text())


@register(Tags.staticfiles, deploy=True)
def check_deploy_site_matches_settings(app_configs, **kwargs):
    if not (site := _site()):
        return []
    server, name, text = site

    def warning(setting, value, match, found):
        if match is None:
            message = f"{setting} is {value!r}, but {name} {found}."
            hint = f"Add the missing directive to {name} and install the file on the server, "
            hint += f"or change {setting}."
        else:
            line = text.count("\n", 0, match.start(1)) + 1
            message = f"{setting} is {value!r}, but line {line} of {name} {found}."
            hint = f"Edit line {line} of {name} and install the file on the server, "
            hint += f"or change {setting}."
        return Warning(message, hint=hint, id="staticmedia.W010")

    warnings = []
    for url, setting, root in _served_from_disk():
        match = re.search(_alias_pattern(server, url), text, re.MULTILINE)
        if not match:
            warnings.append(warning(setting, str(root), None, f"has no alias for {url}"))
        elif not _same_path(match[1], root):
            found = f"serves {url} from {match[1]!r}"
            warnings.append(warning(setting, str(root), match, found))
    limit = settings.MAX_UPLOAD_SIZE
    for directive, pattern in LIMITS[server].items():
        matches = list(re.finditer(pattern, text, re.MULTILINE))
        if not matches:
            warnings.append(warning("MAX_UPLOAD_SIZE", limit, None, f"has no {directive}"))
        for match in matches:
            if _bytes(match[1]) != limit:
                found = f"sets {directive} to {match[1]}"
                warnings.append(warning("MAX_UPLOAD_SIZE", limit, match, found))
    return warnings


@register(Tags.staticfiles, deploy=True)
def check_deploy_site_sends_private_files(app_configs, **kwargs):
    if "private" not in settings.STORAGES or not _on_disk("private") or not (site := _site()):
        return []
    server, name, text = site
    root = storages["private"].location  # PRIVATE_MEDIA_ROOT
    if server == "nginx":
        url = settings.PRIVATE_MEDIA_INTERNAL_URL
        internal = r"location\s+" + re.escape(url) + r"\s*\{[^{}]*\binternal\s*;"
        match = re.search(internal, text) and re.search(_alias_pattern(server, url), text)
        wanted = f"an `internal` location {url} with `alias {root}/;`"
    else:
        match = re.search(r"^\s*XSendFilePath\s+\"?([^\"\s]+)", text, re.MULTILINE)
        wanted = f"`XSendFile On` and `XSendFilePath {root}/`"
    if match and _same_path(match[1], root):
        return []
    return [
        Warning(
            f"Private uploads are on local disk (PRIVATE_MEDIA_ROOT is {str(root)!r}), but "
            f"{name} lacks {wanted}: their downloads would fail.",
            hint=f"Add {wanted} to {name} (the generated site has it), or change "
            "PRIVATE_MEDIA_ROOT.",
            id="staticmedia.W011",
        )
    ]
