{%- set site = "deploy/caddy/Caddyfile" if cookiecutter.web_server == "caddy" else "deploy/" ~ cookiecutter.web_server ~ "/" ~ cookiecutter.project_slug ~ ".conf" -%}
"""staticmedia.W010 and W011 (staticmedia/deploy_checks.py): the web server site in deploy/ is the
owner's file. Editing it never triggers the check; a folder or limit that stops matching the
settings does, naming the setting, both values and the line."""

import itertools
import re

import pytest
from django.conf import settings
from django.test import override_settings

from {{ cookiecutter.project_slug }}.staticmedia.deploy_checks import _facts

from .conftest import messages

NAME = "{{ site }}"
SHIPPED = settings.BASE_DIR / NAME
DOMAIN = "{{ cookiecutter.domain_name }}"
LIMIT = {{ cookiecutter.__max_upload_size }}
INDENT = "{{ "\\t" if cookiecutter.web_server == "caddy" else "    " }}"
ANCHOR = f"{INDENT}# Dotfiles (.env, .git/) anywhere"
SERVED = "{{ "root for handle_path {}*" if cookiecutter.web_server == "caddy" else "alias for {}" }}"
{%- if cookiecutter.media_files == "local" %}
PRIVATE = "{{ cookiecutter.__private_root }}"
{%- endif %}
{%- if cookiecutter.static_files == "web_server" or cookiecutter.media_files == "local" %}
# The folders the site serves: each setting, and its URL.
FOLDERS = [
{%- if cookiecutter.static_files == "web_server" %}
    ("STATIC_ROOT", "/static/"),
{%- endif %}
{%- if cookiecutter.media_files == "local" %}
    ("MEDIA_ROOT", "/media/"),
{%- endif %}
]
{%- endif %}


def added(text):
    """An edit that adds `text`, indented, to the {{ "site" if cookiecutter.web_server == "caddy" else "server" }} block (before the dotfiles rule)."""
    return [(ANCHOR, "".join(f"{INDENT}{line}\n" for line in text.split("\n")) + "\n" + ANCHOR)]


# Edits an operator makes: [(text in the shipped site, what replaces it)].
{%- if cookiecutter.web_server != "caddy" %}
NEW_HOST = [(DOMAIN, "www.example.org"), ("/etc/letsencrypt/live/", "/etc/ssl/")]
{%- endif %}
HAND_EDITS = {
{%- if cookiecutter.web_server == "nginx" %}
    "health check": added("location = /healthz {\n    return 204;\n}"),
    "header": added('add_header Strict-Transport-Security "max-age=63072000";'),
    "comments with other values": added(
        "# location /static/ { alias /old/; }\n#client_max_body_size 1m;"
    ),
    "limit written another way": [
        (f"client_max_body_size {LIMIT};", f"client_max_body_size {LIMIT // 1024}k;")
    ],
    "other host, port and certificate": [*NEW_HOST, ("listen 443 ", "listen 127.0.0.1:8443 ")],
{%- elif cookiecutter.web_server == "caddy" %}
    "health check": added("handle /healthz {\n\trespond 204\n}"),
    "header": added('header Strict-Transport-Security "max-age=63072000"'),
    "comments with other values": added("# handle_path /static/* { root * /old/ }\n#max_size 1"),
    "limit written another way": [(f"max_size {LIMIT}", f"max_size {LIMIT // 1024**2}MiB")],
    "other host, port and certificate": [
        ("\n" + DOMAIN + " {", "\nwww.example.org:8443 {\n\ttls /etc/ssl/cert.pem /etc/ssl/key.pem")
    ],
{%- else %}
    "health check": added('RewriteRule "^/healthz$" "-" [R=204,L]'),
    "header": added('Header set Strict-Transport-Security "max-age=63072000"'),
    "comments with other values": added("# Alias /static/ /old/\n#LimitRequestBody 1"),
    "limit written another way": [(f"LimitRequestBody {LIMIT}", f"LimitRequestBody\t{LIMIT}")],
    "other host, port and certificate": [*NEW_HOST, ("*:443>", "127.0.0.1:8443>")],
{%- endif %}
}


def edited_site(tmp_path, edits):
    """A copy of the shipped site with `edits` made, in a project folder of its own (BASE_DIR)."""
    site = tmp_path / NAME
    site.parent.mkdir(parents=True)
    text = SHIPPED.read_text()
    for old, new in edits:
        assert old in text, f"{old!r} is not in {NAME}"
        text = text.replace(old, new)
    site.write_text(text)
    return site


def move_the_limit_to_the_end(text):
    """The paragraph that sets the body-size limit, moved to the end of the server's block."""
    paragraphs = text.split("\n\n")
    (limit,) = [p for p in paragraphs if p.startswith(f"{INDENT}# MAX_UPLOAD_SIZE")]
    paragraphs.remove(limit)
    paragraphs.insert(len(paragraphs) - 1, limit)
    return "\n\n".join(paragraphs)


@pytest.mark.parametrize("edit", [*HAND_EDITS, "reordered"])
def test_silent_after_a_hand_edit(use_settings, prod_settings, tmp_path, edit):
    use_settings(prod_settings)
    if edit == "reordered":
        text = SHIPPED.read_text()
        site = edited_site(tmp_path, [(text, move_the_limit_to_the_end(text))])
        assert site.read_text() != text
    else:
        site = edited_site(tmp_path, HAND_EDITS[edit])
    with override_settings(BASE_DIR=tmp_path):
        assert messages(deploy=True) == []


def test_the_site_header_lists_what_the_checks_compare(use_settings, prod_settings):
    """Its opening comment names each setting W010 and W011 compare with it, and no other."""
    use_settings(prod_settings)
    lines = SHIPPED.read_text().splitlines()
    header = "\n".join(itertools.takewhile(lambda line: line.startswith("#"), lines))
    listed = re.findall(r"with (\w+)[\s#]*\(staticmedia\.(W01\d)\)", header)

    compared = {(setting, "W010") for setting, *_ in _facts()}
{%- if cookiecutter.media_files == "local" %}
    compared.add(("PRIVATE_MEDIA_ROOT", "W011"))
{%- endif %}
    assert sorted(set(listed)) == sorted(compared) and len(listed) == len(compared), header


def lines_with(value):
    """Numbers of the lines of the shipped site that set `value` (not comments)."""
    lines = enumerate(SHIPPED.read_text().splitlines(), 1)
    return [n for n, line in lines if value in line and not line.lstrip().startswith("#")]


def named(lines):
    """How a hint names these line numbers: "line 7", "line 7 and line 9"."""
    return " and ".join(f"line {line}" for line in lines)


@pytest.mark.parametrize(
    "setting, value",
    [
{%- if cookiecutter.static_files == "web_server" %}
        ("STATIC_ROOT", "/srv/elsewhere/static"),
{%- endif %}
{%- if cookiecutter.media_files == "local" %}
        ("MEDIA_ROOT", "/srv/elsewhere/media"),
{%- endif %}
        ("MAX_UPLOAD_SIZE", 1024),
    ],
)
def test_a_setting_that_no_longer_matches_the_site(use_settings, prod_settings, setting, value):
    use_settings(prod_settings)
    shipped = str(getattr(settings, setting))
    with override_settings(**{setting: value}):
        found = messages(deploy=True)

    {% if cookiecutter.web_server == "apache" -%}
    # The limit is there twice: LimitRequestBody and the Content-Length RewriteCond; a folder
    # too: the Alias and the <Directory> after it, which holds its headers.
    {% elif cookiecutter.web_server == "caddy" -%}
    # The limit is there twice: the Content-Length expression and request_body's max_size.
    {% endif -%}
    lines = lines_with(shipped)
    assert lines and len(found) == len(lines), [str(message) for message in found]
    for message, line in zip(found, lines, strict=True):
        assert message.id == "staticmedia.W010"
        assert f"{setting} is {value!r}" in message.msg
        assert shipped in message.msg
        assert f"line {line} of {NAME}" in message.msg
        assert f"Edit {named(lines)} of {NAME}" in message.hint
{%- if cookiecutter.static_files == "web_server" or cookiecutter.media_files == "local" %}


@pytest.mark.parametrize("setting, url", FOLDERS)
def test_a_folder_the_site_no_longer_serves(use_settings, prod_settings, tmp_path, setting, url):
    use_settings(prod_settings)
    line = lines_with(f"{getattr(settings, setting)}/")[0]
    alias = SHIPPED.read_text().splitlines()[line - 1]
    edited_site(tmp_path, [(alias + "\n", "")])
    with override_settings(BASE_DIR=tmp_path):
        found = messages(deploy=True)

{%- if cookiecutter.web_server == "apache" %}

    # The <Directory> left behind belongs to no Alias.
    assert [message.id for message in found] == ["staticmedia.W010"] * 2
    assert f"{NAME} has no <Directory> for Alias {url}" in found[1].msg
{%- else %}

    assert [message.id for message in found] == ["staticmedia.W010"]
{%- endif %}
    assert f"{setting} is '{getattr(settings, setting)}'" in found[0].msg
    assert f"{NAME} has no {SERVED.format(url)}" in found[0].msg
{%- if cookiecutter.web_server == "apache" %}


@pytest.mark.parametrize("setting, url", FOLDERS)
def test_a_folder_moved_on_the_alias_line_only(use_settings, prod_settings, tmp_path, setting, url):
    """The <Directory> after the Alias holds the folder's headers and rules: left on the old
    folder, they are lost. W010 names its line."""
    use_settings(prod_settings)
    shipped = f"{getattr(settings, setting)}/"
    alias, directory = lines_with(shipped)
    edited_site(tmp_path, [(f"Alias {url} {shipped}", f"Alias {url} /srv/elsewhere{url}")])
    with override_settings(BASE_DIR=tmp_path, **{setting: f"/srv/elsewhere{url}"}):
        (message,) = messages(deploy=True)

    assert message.id == "staticmedia.W010"
    assert f"line {directory} of {NAME} sets <Directory> for Alias {url} to " in message.msg
    assert message.msg.endswith(f" to {shipped}.")
    assert f"Edit line {directory} of {NAME}" in message.hint
{%- endif %}
{%- endif %}
{%- if cookiecutter.media_files == "local" %}


@pytest.mark.parametrize(
    "edit",
    [
{%- if cookiecutter.web_server == "nginx" %}
        ("        internal;\n", ""),  # a location any client could request
        ("location {{ cookiecutter.__private_internal_url }} {", "location /elsewhere/ {"),
{%- elif cookiecutter.web_server == "caddy" %}
        ("\t\t\t\trewrite * {rp.header.X-Private-File}\n", ""),  # never reads the app's answer
{%- else %}
        ("    XSendFilePath {{ cookiecutter.__private_root }}/\n", ""),
{%- endif %}
    ],
)
def test_a_site_that_cannot_send_private_files(use_settings, prod_settings, tmp_path, edit):
    use_settings(prod_settings)
    edited_site(tmp_path, [edit])
    with override_settings(BASE_DIR=tmp_path):
        found = messages(deploy=True)

    assert [message.id for message in found] == ["staticmedia.W011"]
    assert f"PRIVATE_MEDIA_ROOT is '{PRIVATE}'" in found[0].msg
{%- if cookiecutter.web_server == "nginx" %}
    wanted = f"an `internal` location {{ cookiecutter.__private_internal_url }} with `alias {PRIVATE}/;`"
{%- elif cookiecutter.web_server == "caddy" %}
    wanted = f"a handle_response with `root * {PRIVATE}/` that sends X-Private-File"
{%- else %}
    wanted = f"`XSendFile On` and `XSendFilePath {PRIVATE}/`"
{%- endif %}
    assert f"{NAME} lacks {wanted}" in found[0].msg
    assert f"Add {wanted} to {NAME}" in found[0].hint


def test_a_site_that_sends_private_files_from_another_folder(use_settings, prod_settings, tmp_path):
    """The {{ {"nginx": "location", "caddy": "handle_response", "apache": "XSendFilePath"}[cookiecutter.web_server] }} is there: W011 names the line to edit{% if cookiecutter.web_server == "nginx" %} (a second
    location with the same path would stop nginx from loading the site){% endif %}."""
    use_settings(prod_settings)
    (line,) = lines_with(f"{PRIVATE}/")
    edited_site(tmp_path, [(f"{PRIVATE}/", "/srv/elsewhere/private/")])
    with override_settings(BASE_DIR=tmp_path):
        found = messages(deploy=True)

    assert [message.id for message in found] == ["staticmedia.W011"]
    assert f"PRIVATE_MEDIA_ROOT is '{PRIVATE}'" in found[0].msg
{%- if cookiecutter.web_server == "nginx" %}
    directive = "alias for {{ cookiecutter.__private_internal_url }}"
{%- elif cookiecutter.web_server == "caddy" %}
    directive = "the handle_response root"
{%- else %}
    directive = "XSendFilePath"
{%- endif %}
    assert f"line {line} of {NAME} sets {directive} to /srv/elsewhere/private/" in found[0].msg
    assert found[0].hint.startswith(f"Edit line {line} of {NAME} ")
{%- endif %}
