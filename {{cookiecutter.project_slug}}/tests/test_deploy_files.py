{%- set site = "deploy/caddy/Caddyfile" if cookiecutter.web_server == "caddy" else "deploy/" ~ cookiecutter.web_server ~ "/" ~ cookiecutter.project_slug ~ ".conf" -%}
"""deploy/ agrees with the settings: the web server site serves the production defaults of
STATIC_ROOT, MEDIA_ROOT and MAX_UPLOAD_SIZE, and {% if cookiecutter.container == "docker" %}gunicorn listens where that site proxies to."""
{% else %}systemd runs gunicorn on the socket that site
proxies to."""

import configparser{% endif %}
from pathlib import Path

from django.conf import settings

from .conftest import messages

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SITE = ROOT / "{{ site }}"
{%- if cookiecutter.container != "docker" %}
UNITS = DEPLOY / "systemd"
{%- endif %}
SERVES_STATIC = {{ cookiecutter.static_files == "web_server" }}
SERVES_MEDIA = {{ cookiecutter.media_files == "local" }}
{%- if cookiecutter.container != "docker" %}


def unit(name):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((UNITS / name).read_text())
    return parser
{%- endif %}


def test_site_serves_the_production_defaults(use_settings, prod_settings):
    use_settings(prod_settings)
    site = SITE.read_text()

    assert messages(deploy=True) == []  # staticmedia.W010 reads the site
    assert str(settings.MAX_UPLOAD_SIZE) in site
    assert (f"{settings.STATIC_ROOT}/" in site) == SERVES_STATIC
    assert (f"{settings.MEDIA_ROOT}/" in site) == SERVES_MEDIA


{% if cookiecutter.container == "docker" -%}
def test_gunicorn_listens_where_the_site_proxies_to():
    values = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), values)

    port = values["bind"].rpartition(":")[2]
    assert f"app:{port}" in SITE.read_text()  # the app service of compose.yaml
    assert "deploy/gunicorn.conf.py" in (ROOT / "Dockerfile").read_text()
{%- else -%}
def test_systemd_runs_gunicorn_on_the_socket_the_site_proxies_to():
    socket = unit("{{ cookiecutter.project_slug }}.socket")
    service = unit("{{ cookiecutter.project_slug }}.service")

    assert f"unix{{ "/" if cookiecutter.web_server == "caddy" else ":" }}{socket['Socket']['ListenStream']}" in SITE.read_text()
    assert service["Unit"]["Requires"] == "{{ cookiecutter.project_slug }}.socket"
    assert service["Service"]["ExecStart"].endswith("gunicorn --config deploy/gunicorn.conf.py")
    assert (DEPLOY / "gunicorn.conf.py").is_file()
    assert service["Service"]["EnvironmentFile"].startswith("/")
{%- endif %}


def test_gunicorn_config_runs_this_project():
    values = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), values)

    assert values["wsgi_app"] == "config.wsgi:application"
{%- if cookiecutter.container != "docker" %}
    assert "bind" not in values  # the socket comes from systemd
{%- endif %}
    assert values["workers"] >= 1
