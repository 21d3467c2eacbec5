{%- set site = "deploy/caddy/Caddyfile" if cookiecutter.web_server == "caddy" else "deploy/" ~ cookiecutter.web_server ~ "/" ~ cookiecutter.project_slug ~ ".conf" -%}
{%- set server = {"nginx": "nginx", "apache": "Apache", "caddy": "Caddy", "none": ""}[cookiecutter.web_server] -%}
{%- set served = "root for handle_path {url}*" if cookiecutter.web_server == "caddy" else "alias for {url}" -%}
{%- set private = {"nginx": "alias for {url}", "caddy": "the handle_response root", "apache": "XSendFilePath", "none": ""}[cookiecutter.web_server] -%}
"""`check --deploy` against the {{ server }} site in deploy/, a file of yours to edit: staticmedia.W010
names the setting, both values and the line where a folder it serves or its upload size limit
stops matching the settings{% if cookiecutter.media_files == "local" %}; W011 says why it could not send private files{% endif %}."""

import os
import re

from django.conf import settings
from django.core.checks import Tags, Warning, register
{%- if cookiecutter.media_files == "local" %}
from django.core.files.storage import storages
{%- endif %}

SITE = "{{ site }}"
{%- if cookiecutter.web_server == "caddy" %}
UNITS = {"": 1, "k": 1000, "m": 1000**2, "g": 1000**3, "ki": 1024, "mi": 1024**2, "gi": 1024**3}
{%- endif %}
{%- if cookiecutter.web_server == "nginx" %}
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
{%- endif %}
{%- if cookiecutter.static_files == "web_server" or cookiecutter.media_files == "local" %}


def _alias(url):
{%- if cookiecutter.web_server == "nginx" %}
    # location /media/ { ... alias /path/; } (one level of nested braces: types { }).
    location = r"location\s+(?:\^~\s+)?" + re.escape(url) + r"\s*\{(?:[^{}]|\{[^{}]*\})*?"
    return location + r"\balias\s+\"?([^\";\s]+)\"?\s*;"
{%- elif cookiecutter.web_server == "caddy" %}
    # handle_path /media/* { root * /path/ ... } (one level of nested braces: @hashed { }).
    block = r"\bhandle_path\s+" + re.escape(url) + r"\*\s*\{(?:[^{}]|\{[^{}]*\})*?"
    return block + r"\broot\s+\*\s+\"?([^\"\s]+)"
{%- else %}
    return r"^\s*Alias\s+\"?" + re.escape(url) + r"\"?\s+\"?([^\"\s]+)"


def _directory(url):
    # The <Directory> right after Alias url: the folder's headers and rules are in it.
    return r"^\s*Alias\s+\"?" + re.escape(url) + r"\"?\s+\S+\s*<Directory\s+\"?([^\">\s]+)"
{%- endif %}
{%- endif %}


def _facts():
    """(setting, its value, the directive that must agree, a pattern: its value in group 1)."""
{%- if cookiecutter.static_files == "web_server" %}
    url = settings.STATIC_URL
    yield "STATIC_ROOT", str(settings.STATIC_ROOT), f"{{ served }}", _alias(url)
{%- if cookiecutter.web_server == "apache" %}
    yield "STATIC_ROOT", str(settings.STATIC_ROOT), f"<Directory> for Alias {url}", _directory(url)
{%- endif %}
{%- endif %}
{%- if cookiecutter.media_files == "local" %}
    url = settings.MEDIA_URL
    yield "MEDIA_ROOT", str(settings.MEDIA_ROOT), f"{{ served }}", _alias(url)
{%- if cookiecutter.web_server == "apache" %}
    yield "MEDIA_ROOT", str(settings.MEDIA_ROOT), f"<Directory> for Alias {url}", _directory(url)
{%- endif %}
{%- endif %}
    limit = settings.MAX_UPLOAD_SIZE
{%- if cookiecutter.web_server == "nginx" %}
    yield "MAX_UPLOAD_SIZE", limit, "client_max_body_size", r"\bclient_max_body_size\s+(\w+)\s*;"
{%- elif cookiecutter.web_server == "caddy" %}
    condition = r"int\(\{header\.Content-Length\}\)\s*>\s*(\w+)"
    yield "MAX_UPLOAD_SIZE", limit, "the Content-Length expression", condition
    yield "MAX_UPLOAD_SIZE", limit, "request_body's max_size", r"\bmax_size\s+(\w+)"
{%- else %}
    yield "MAX_UPLOAD_SIZE", limit, "LimitRequestBody", r"^\s*LimitRequestBody\s+(\w+)"
    condition = r"^\s*RewriteCond\s+expr\s+\"%\{HTTP:Content-Length\}\s+-gt\s+(\w+)"
    yield "MAX_UPLOAD_SIZE", limit, "the Content-Length RewriteCond", condition
{%- endif %}


def _normal(value):
{%- if cookiecutter.web_server == "nginx" %}
    """A folder without a trailing slash; a size in bytes (nginx's 10m is 10485760)."""
    if size := re.fullmatch(r"(\d+)([kKmMgG]?)", str(value)):
        return int(size[1]) * UNITS[size[2].lower()]
{%- elif cookiecutter.web_server == "caddy" %}
    """A folder without a trailing slash; a size in bytes (Caddy's 10MiB is 10485760)."""
    if size := re.fullmatch(r"(\d+)([kmg]i?)?b?", str(value), re.IGNORECASE):
        return int(size[1]) * UNITS[(size[2] or "").lower()]
{%- else %}
    """A folder without a trailing slash, or a size."""
{%- endif %}
    return os.path.normpath(str(value))


def _drift(setting, value, where, seen, fix, check="staticmedia.W010"):
    hint = f"{fix} and install the file on the server, or change {setting}."
    return Warning(f"{setting} is {value!r}, but {where} {seen}.", hint=hint, id=check)


def _line(text, match):
    return f"line {text.count(chr(10), 0, match.start(1)) + 1}"


@register(Tags.staticfiles, deploy=True)
def check_site_matches_settings(app_configs, **kwargs):
    path = settings.BASE_DIR / SITE
    if settings.DEBUG or not path.is_file():
        return []
    # Comments blanked out: the line numbers stay.
    text = re.sub(r"(?m)(?:^|(?<=\s))#.*$", lambda match: " " * len(match[0]), path.read_text())
    warnings, off = [], []
    for setting, value, directive, pattern in _facts():
        matches = list(re.finditer(pattern, text, re.MULTILINE))
        if not matches:
            fix = f"Add the missing directive to {SITE}"
            warnings.append(_drift(setting, value, SITE, f"has no {directive}", fix))
        off += [(setting, value, directive, m) for m in matches if _normal(m[1]) != _normal(value)]
    for setting, value, directive, match in off:  # the hint: every line off, not one alone
        lines = " and ".join(_line(text, m) for other, *_, m in off if other == setting)
        where, found = f"{_line(text, match)} of {SITE}", f"sets {directive} to {match[1]}"
        warnings.append(_drift(setting, value, where, found, f"Edit {lines} of {SITE}"))
{%- if cookiecutter.media_files == "local" %}
    root = storages["private"].location  # PRIVATE_MEDIA_ROOT
{%- if cookiecutter.web_server == "nginx" %}
    url = settings.PRIVATE_MEDIA_INTERNAL_URL
    internal = re.search(r"location\s+" + re.escape(url) + r"\s*\{[^{}]*\binternal\s*;", text)
    served = internal and re.search(_alias(url), text)
    wanted = f"an `internal` location {url} with `alias {root}/;`"
{%- elif cookiecutter.web_server == "caddy" %}
    # handle_response { root * /path/ rewrite * {rp.header.X-Private-File} ... }
    block = re.search(r"\bhandle_response\b[^{}]*\{((?:[^{}]|\{[^{}]*\})*)\}", text)
    sends = block and "{rp.header.X-Private-File}" in block[1]
    pattern = re.compile(r"\broot\s+\*\s+\"?([^\"\s]+)")
    served = sends and pattern.search(text, block.start(1), block.end(1))
    wanted = f"a handle_response with `root * {root}/` that sends X-Private-File"
{%- else %}
    served = re.search(r"^\s*XSendFilePath\s+\"?([^\"\s]+)", text, re.MULTILINE)
    wanted = f"`XSendFile On` and `XSendFilePath {root}/`"
{%- endif %}
    if not served:
        found, fix = f"lacks {wanted}: private downloads would fail", f"Add {wanted} to {SITE}"
        warnings.append(_drift("PRIVATE_MEDIA_ROOT", root, SITE, found, fix, "staticmedia.W011"))
    elif _normal(served[1]) != _normal(root):  # there: name its line, not "add" a second one
        line = f"{_line(text, served)} of {SITE}"
        found, fix = f"sets {{ private }} to {served[1]}", f"Edit {line}"
        warnings.append(_drift("PRIVATE_MEDIA_ROOT", root, line, found, fix, "staticmedia.W011"))
{%- endif %}
    return warnings
